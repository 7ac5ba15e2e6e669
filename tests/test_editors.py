"""Issue 25: the web editor's configuration, the edit links and a short build log (a real mkdocs build)."""

from __future__ import annotations

import json
import subprocess
import sys

import jsonschema
import pytest
import yaml

from generator.records import load_vocabulary
from generator.records.cms import cms_config, cms_config_yaml
from generator.records.json_schema import case_schema

from .sitebuild import REPO, copy_bundled, mkdocs_build

SVELTIA_SCHEMA = REPO / "node_modules" / "@sveltia" / "cms" / "schema" / "sveltia-cms.json"


@pytest.fixture(scope="module")
def vocab():
    errors: list = []
    v = load_vocabulary(REPO / "data" / "vocabulary.yaml", REPO, errors)
    assert not errors
    return v


def _schema_paths(schema: dict, prefix: str = "") -> set[str]:
    """Every property of the record schema as a dotted path (list items' properties under the list's name)."""
    out = set()
    for name, prop in schema.get("properties", {}).items():
        out.add(prefix + name)
        inner = prop.get("items") if prop.get("type") == "array" else prop
        if isinstance(inner, dict) and "properties" in inner:
            out |= _schema_paths(inner, prefix + name + ".")
    return out


def _field_paths(fields: list[dict], prefix: str = "") -> set[str]:
    out = set()
    for f in fields:
        out.add(prefix + f["name"])
        out |= _field_paths(f.get("fields", []), prefix + f["name"] + ".")
    return out


def _walk(fields: list[dict]):
    for f in fields:
        yield f
        yield from _walk(f.get("fields", []))


def test_cms_config_covers_every_schema_property_and_vocabulary_label(vocab):
    config = cms_config(vocab, repo="example/casebook")
    (collection,) = config["collections"]
    assert collection["folder"] == "data/cases" and collection["extension"] == "yaml"
    assert collection["slug"] == "{{fields.id}}", "one file per case, named by its id"
    record = case_schema(vocab)["$defs"]["case"]
    assert _field_paths(collection["fields"]) == _schema_paths(record)
    fields = list(_walk(collection["fields"]))
    assert all(
        f["label"] != f["name"] for f in fields if not f["name"].startswith(("知る", "かたち", "動い", "持続"))
    ), "every field has a Japanese label"
    options = {o for f in fields for o in f.get("options", ())}
    for v in vocab.values():
        for term in v.terms:
            assert term.label in options, f"{v.name}: {term.label} is not offered"
    by_name = {f["name"]: f for f in collection["fields"]}
    assert by_name["body"]["widget"] == "markdown"
    assert by_name["sources"]["widget"] == "list" and by_name["sources"]["min"] == 1
    assert by_name["activities"]["widget"] == "select" and by_name["activities"]["multiple"] is True
    assert by_name["formation_factors"]["widget"] == "list"
    assert by_name["status"]["default"] == "下書き", "a new case starts as a draft"
    assert config["backend"] == {**config["backend"], "name": "github", "repo": "example/casebook"}
    assert config["publish_mode"] == "editorial_workflow", "a pull request per entry"


def test_cms_config_validates_against_the_schema_sveltia_ships(vocab):
    assert SVELTIA_SCHEMA.is_file(), "npm ci installs @sveltia/cms (package.json), which ships its config schema"
    validator = jsonschema.Draft7Validator(json.loads(SVELTIA_SCHEMA.read_text(encoding="utf-8")))
    config = yaml.safe_load(cms_config_yaml(vocab))
    problems = [f"{list(e.absolute_path)}: {e.message[:200]}" for e in validator.iter_errors(config)]
    assert problems == []
    # The schema is strict enough to catch a mistake in a field (the check above can fail).
    broken = yaml.safe_load(cms_config_yaml(vocab))
    broken["collections"][0]["fields"][0]["hint_text"] = "?"
    assert list(validator.iter_errors(broken))


def test_cms_config_command_prints_the_config(tmp_path, vocab):
    out = tmp_path / "config.yml"
    env_free = subprocess.run(
        [sys.executable, "-m", "generator.cli", "--root", str(REPO), "cms-config", "--repo", "a/b", "-o", str(out)],
        capture_output=True,
        text=True,
    )
    assert env_free.returncode == 0, env_free.stderr
    assert out.read_text(encoding="utf-8") == cms_config_yaml(vocab, "a/b")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    project = copy_bundled(tmp_path_factory.mktemp("editors") / "p")
    config = project / "mkdocs.yml"  # as the workflows write in their repository
    text = config.read_text(encoding="utf-8")
    assert "\nedit_uri: https://github.com/OWNER/REPO/edit/main/content/\n" in text
    config.write_text(text.replace("OWNER/REPO", "example/casebook"), encoding="utf-8")
    proc = mkdocs_build(project, env={"CASEBOOK_REPO": "example/casebook"})
    return project, proc


def test_build_log_is_short(built):
    """No list of pages left out of the nav (every generated page is outside it on purpose)."""
    _project, proc = built
    lines = (proc.stdout + proc.stderr).splitlines()
    print(f"mkdocs build printed {len(lines)} lines")
    assert len(lines) < 40, "\n".join(lines[:60])
    assert "not included in the" not in proc.stderr


def test_admin_config_in_the_site_is_what_cms_config_gives(built, vocab):
    project, _proc = built
    site = project / "site"
    assert (site / "admin" / "config.yml").read_text(encoding="utf-8") == cms_config_yaml(vocab, "example/casebook")
    for name in ("index.html", "boot.js", "sw.js", "sveltia-cms.js", "locales/ja.json", "fonts/source-sans-3.woff2"):
        assert (site / "admin" / name).is_file(), name
    assert "SVELTIA_VERSION" not in (site / "admin" / "sw.js").read_text(encoding="utf-8")


def test_edit_links_open_the_source_file(built):
    project, _proc = built
    site = project / "site"
    repo = "https://github.com/example/casebook/edit/main/"
    case = (site / "cases" / "kawane" / "index.html").read_text(encoding="utf-8")
    assert f'href="{repo}data/cases/kawane.yaml"' in case, "a case page opens its record"
    assert "このページを編集" in case
    about = (site / "about" / "index.html").read_text(encoding="utf-8")
    assert f'href="{repo}content/about.md"' in about
    listing = (site / "index" / "activity" / "index.html").read_text(encoding="utf-8")
    assert "このページを編集" not in listing, "a generated listing has no file to edit"
