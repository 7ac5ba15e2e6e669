"""``casebook new``: a commented record file with every required field."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import jinja2
import yaml

from ..postprocess.atomic import atomic_write_text
from .definitions import CASE
from .errors import CaseError, DataError, Location
from .fields import Walk
from .load import load_vocabulary
from .yamlnodes import compose

_TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(Path(__file__).parent / "templates")),
    undefined=jinja2.StrictUndefined,
    keep_trailing_newline=True,
    trim_blocks=True,
    lstrip_blocks=True,
)
_TEMPLATES.filters["yq"] = lambda value: json.dumps(value, ensure_ascii=False)  # a YAML double-quoted string
"""The record template of ``casebook new`` (a YAML file, not a page)."""


class NewCaseError(DataError):
    pass


def check_answer(root: Path, key: str, value: str, vocab: dict | None = None, force: bool = False) -> list[CaseError]:
    """``casebook new``: the problems of one answer, checked as the validator checks the field (as soon as it is
    given, so that only that answer is asked again)."""
    errors: list[CaseError] = []
    if value is None or not str(value).strip():
        return [CaseError(Location("?"), key, "値を入れてください。")]
    if vocab is None:
        vocab = load_vocabulary(root / "data" / "vocabulary.yaml", root, errors)
    text = f"{key}: {_TEMPLATES.filters['yq'](value)}\n"
    node = compose(text, "?", errors)
    if node is None or errors:
        return errors
    w = Walk("?", errors, vocab)
    (key_node, value_node), *_ = node.value
    checked = CASE.by_name[key].type.check(value_node, key, w)
    if key == "id" and checked is None and not errors:
        w.error(value_node, "id", "半角の小文字・数字とハイフンだけで書いてください（例: kawane-shinko）。")
    if key == "id" and not errors and not force and (root / "data" / "cases" / f"{value}.yaml").exists():
        errors.append(
            CaseError(Location("?"), "id", f"data/cases/{value}.yaml はもうあります。別の id にしてください。")
        )
    return errors


SUGGESTION = re.compile(r"「([^」]+)」ではありませんか")


def suggestion(errors: list[CaseError]) -> str | None:
    """The value a message suggests (「広島県」ではありませんか → 広島県), to offer as the answer's default."""
    for e in errors:
        m = SUGGESTION.search(e.message)
        if m:
            return m.group(1)
    return None


def read_issue(text: str, form: Path | None = None) -> dict[str, str]:
    """The fields of an issue written with the form 「事例を提案する」 (``.github/ISSUE_TEMPLATE/propose-case.yml``),
    as GitHub shows its text: ``### 見出し`` then the answer; 「_No response_」 is no answer."""
    labels = dict(ISSUE_LABELS)
    if form is not None and form.is_file():
        for item in yaml.safe_load(form.read_text(encoding="utf-8")).get("body", ()):
            if item.get("id") and "label" in item.get("attributes", {}):
                labels[item["attributes"]["label"].strip()] = item["id"]
    fields: dict[str, str] = {}
    for m in re.finditer(r"^###[ \t]+(.+?)[ \t]*\n(.*?)(?=^###[ \t]|\Z)", text.replace("\r\n", "\n"), re.M | re.S):
        key = labels.get(m.group(1).strip())
        answer = m.group(2).strip()
        if key and answer and answer != "_No response_":
            fields[key] = answer
    return fields


ISSUE_LABELS = {"id": "id", "正式名称": "name", "読み": "kana", "都道府県": "prefecture", "市区町村": "municipality"}
ISSUE_LABELS |= {"法人格": "legal_form", "概要": "summary", "出典": "sources"}


def write_new_case(root: Path, given: dict[str, str], force: bool = False, sources: str | None = None) -> Path:
    """Render the template with ``given`` values, check them with the validator's own field types, write it.

    ``sources``: the sources an issue named (written as comments beside ``sources``, for the editor to check)."""
    errors: list[CaseError] = []
    display = f"data/cases/{given.get('id') or '?'}.yaml"
    for key, value in given.items():
        if value is None or not str(value).strip():
            errors.append(CaseError(Location(display), key, "値を入れてください。"))
    vocab = load_vocabulary(root / "data" / "vocabulary.yaml", root, errors)
    if errors:
        raise NewCaseError(errors)
    noted = [line.strip() for line in (sources or "").splitlines() if line.strip()]
    text = _TEMPLATES.get_template("new_case.yaml.j2").render(
        vocab=vocab, issue_sources=noted, today=dt.date.today().isoformat(), **given
    )
    node = compose(text, display, errors)
    w = Walk(display, errors, vocab)
    if node is not None:
        for key_node, value_node in node.value:
            if key_node.value in given:
                value = CASE.by_name[key_node.value].type.check(value_node, key_node.value, w)
                if key_node.value == "id" and value is None:  # e.g. "#x" became a comment
                    w.error(value_node, "id", "半角の小文字・数字とハイフンだけで書いてください（例: kawane-shinko）。")
    if errors:
        raise NewCaseError(errors)
    target = root / "data" / "cases" / f"{given['id']}.yaml"
    if target.exists() and not force:
        errors.append(
            CaseError(Location(display), "id", f"{display} はもうあります。別の id にするか --force を付けてください。")
        )
    if errors:
        raise NewCaseError(errors)
    atomic_write_text(target, text)
    return target
