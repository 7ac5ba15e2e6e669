"""The JSON Schema for editors: derived from ``definitions``, never stale, agrees with the validator."""

from __future__ import annotations

import datetime as dt
import types
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import generator.records.fields
from generator.cli import main
from generator.model.prefectures import PREFECTURES
from generator.records.compound import ListOf, MapOf, Record
from generator.records.definitions import CASE, CASE_FIELDS, VOCABULARY_NAMES
from generator.records.fields import Vocab
from generator.records.json_schema import case_schema
from generator.records.load import load_vocabulary
from generator.records.registry import COMPLETENESS, KINDS, SOURCED, STAGES, STATUSES, STRUCTURES

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def vocab():
    errors: list = []
    loaded = load_vocabulary(ROOT / "data" / "vocabulary.yaml", ROOT, errors)
    assert errors == []
    return loaded


@pytest.fixture(scope="module")
def record(vocab):
    return case_schema(vocab)["$defs"]["case"]


@pytest.fixture(scope="module")
def labels():
    """Labels read straight from vocabulary.yaml (independently of the validator's loader)."""
    raw = yaml.safe_load((ROOT / "data" / "vocabulary.yaml").read_text(encoding="utf-8"))
    return {name: [t["label"] for t in spec["terms"]] for name, spec in raw.items()}


def test_schema_shape(vocab):
    schema = case_schema(vocab)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["anyOf"] == [{"$ref": "#/$defs/case"}, {"type": "array", "items": {"$ref": "#/$defs/case"}}]


def test_every_field_listed_and_no_others(record):
    assert list(record["properties"]) == list(CASE_FIELDS)
    assert record["additionalProperties"] is False
    assert record["required"] == ["id", "name", "kana", "prefecture", "municipality", "summary", "stages", "sources"]
    assert record["else"] == {"required": [f.name for f in CASE.fields if f.required == SOURCED]}
    assert record["if"] == {"properties": {"completeness": {"const": "要出典"}}, "required": ["completeness"]}


def test_nested_records_closed(record):
    props = record["properties"]
    for nested in (
        props["population"],
        props["formation_factors"]["items"],
        props["sustainability_factors"]["items"],
        props["external_support"]["items"],
        props["sources"]["items"],
        props["stages"],
    ):
        assert nested["type"] == "object" and nested["additionalProperties"] is False
    assert list(props["stages"]["properties"]) == list(STAGES)
    assert props["sources"]["items"]["required"] == ["title", "url"]


def _vocab_paths(ftype, schema, path, out):
    """(path, vocabulary name, schema enum) for every vocabulary-backed value in a definition."""
    if isinstance(ftype, Vocab):
        out.append((path, ftype.vocabulary, schema["enum"]))
    elif isinstance(ftype, ListOf):
        _vocab_paths(ftype.item, schema["items"], path + "[]", out)
    elif isinstance(ftype, Record):
        for f in ftype.fields:
            _vocab_paths(f.type, schema["properties"][f.name], f"{path}.{f.name}".lstrip("."), out)
    elif isinstance(ftype, MapOf):
        for key, value in schema.get("properties", {}).items():
            _vocab_paths(ftype.value, value, f"{path}.{key}", out)
    return out


def test_vocabulary_enums_equal_vocabulary_labels(record, labels):
    found = _vocab_paths(CASE, record, "", [])
    assert {path for path, _, _ in found} >= {
        "legal_form", "scope", "base", "regional_issues[]", "activities[]", "income_sources[]", "challenges[]",
        "formation_factors[].factor", "sustainability_factors[].factor", "external_support[].actor",
        "external_support[].effects[]",
    }  # fmt: skip
    assert {name for _, name, _ in found} == set(VOCABULARY_NAMES)
    for path, name, enum in found:
        assert enum == labels[name], path


def test_fixed_enums(record):
    props = record["properties"]
    assert props["prefecture"]["enum"] == [p.name for p in PREFECTURES] and len(PREFECTURES) == 47
    assert props["kind"]["enum"] == list(KINDS)
    assert props["structure"]["enum"] == list(STRUCTURES)
    assert props["completeness"]["enum"] == list(COMPLETENESS)
    assert props["status"]["enum"] == list(STATUSES)
    assert props["id"]["maxLength"] == 64
    assert props["summary"]["maxLength"] == 300


def test_committed_schema_is_current():
    result = CliRunner().invoke(main, ["--root", str(ROOT), "schema", "-o", "-"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    committed = (ROOT / "schema" / "case.schema.json").read_text(encoding="utf-8")
    assert committed == result.stdout, "schema/case.schema.json is stale: run `casebook schema` and commit the result"


def test_schema_does_not_depend_on_the_date(vocab, monkeypatch):
    now = case_schema(vocab)

    class NextYear(dt.date):
        @classmethod
        def today(cls):
            return dt.date(dt.date.today().year + 1, 1, 1)

    monkeypatch.setattr(generator.records.fields, "_dt", types.SimpleNamespace(date=NextYear))
    assert case_schema(vocab) == now


# --- with the jsonschema package -----------------------------------------------------------------


class _JsonLoader(yaml.SafeLoader):
    """YAML as an editor's language server sees it (YAML 1.2 core: dates stay strings)."""


_JsonLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@pytest.fixture(scope="module")
def validator(vocab):
    jsonschema = pytest.importorskip("jsonschema")
    schema = case_schema(vocab)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _bundled():
    return sorted((ROOT / "data" / "cases").glob("*.yaml"))


@pytest.mark.parametrize("path", _bundled(), ids=lambda p: p.stem)
def test_bundled_record_matches_schema(validator, path):
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_JsonLoader)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]
    assert errors == []


def _minimal():
    return {
        "id": "x",
        "name": "テスト協議会",
        "kana": "てすと",
        "prefecture": "広島県",
        "municipality": "安芸高田市",
        "legal_form": "任意団体",
        "summary": "概要です。",
        "regional_issues": ["人口減少"],
        "activities": ["防災"],
        "formation_factors": [{"factor": "危機感の共有"}],
        "stages": {"知る": "学び"},
        "sources": [{"title": "出典", "url": "https://example.jp/"}],
        "verified": "2024-01-31",
    }


def test_schema_accepts_minimal_record_and_list(validator):
    assert validator.is_valid(_minimal())
    assert validator.is_valid([_minimal(), dict(_minimal(), id="y")])


@pytest.mark.parametrize(
    "change",
    [
        {"activites": ["防災"]},
        {"prefecture": "広島"},
        {"activities": ["見守り"]},
        {"activities": ["防災", "防災"]},
        {"kana": "川根"},
        {"id": "Kawane"},
        {"summary": "あ" * 301},
        {"stages": {"しる": "学び"}},
        {"sources": [{"title": "出典", "url": "javascript:alert(1)"}]},
        {"formation_factors": [{"factor": "危機感の共有", "detial": "x"}]},
    ],
    ids=lambda c: next(iter(c)),
)
def test_schema_rejects_what_the_validator_rejects(validator, change):
    assert not validator.is_valid(dict(_minimal(), **change))


def test_schema_sourced_fields(validator):
    record = _minimal()
    del record["legal_form"]
    assert not validator.is_valid(record)
    assert validator.is_valid(dict(record, completeness="要出典"))
