"""Open data (issue 28): the data package under data/, its validation, the CSV, JSON-LD on case pages.

A real ``mkdocs build`` of the bundled project with two FICTIONAL records added (a draft, and a record whose
summary holds ``<``, ``>`` and ``&``), and ``frictionless validate`` (the real tool) on the result.
"""

from __future__ import annotations

import csv
import dataclasses
import html.parser
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import jinja2
import markdown
import pytest
from click.testing import CliRunner
from mkdocs.utils import meta as mkdocs_meta

from generator.cli import main
from generator.mkdocs.theme import THEME
from generator.model.casebook import build_casebook
from generator.pages import jsonld, opendata
from generator.pages.renderer import PageRenderer
from generator.postprocess.sanitize import sanitize
from generator.records.load import load_dataset

from .sitebuild import copy_bundled, mkdocs_build

FICTIONAL = """\
# FICTIONAL test record (tests/test_opendata.py): not a real organisation.
id: zz-test-kigou
name: テスト記号協議会（架空）
kana: てすときごう
prefecture: 広島県
municipality: 架空市
founded: 2001
legal_form: 任意団体
summary: 架空の事例です。a < b & c > d のような記号と "引用符" を含みます。
regional_issues: [人口減少]
activities: [防災, 買い物支援]
formation_factors:
  - factor: 危機感の共有
    detail: 架空の説明です。
stages:
  知る: 架空の学び
sources:
  - title: 架空の出典
    publisher: テスト記号協議会
    url: https://example.jp/own
  - title: 架空の記事
    publisher: 架空新聞
    url: https://example.jp/news
"""
DRAFT = FICTIONAL.replace("zz-test-kigou", "zz-test-draft").replace("テスト記号", "テスト下書き") + "status: 下書き\n"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(project, site) of the bundled project plus the fictional records, built once."""
    project = copy_bundled(tmp_path_factory.mktemp("opendata"))
    (project / "data" / "cases" / "zz-test-kigou.yaml").write_text(FICTIONAL, encoding="utf-8")
    (project / "data" / "cases" / "zz-test-draft.yaml").write_text(DRAFT, encoding="utf-8")
    mkdocs_build(project)
    return project, project / "site"


@pytest.fixture(scope="module")
def dataset(built):
    project, _site = built
    return load_dataset(project, content_dir=project / "content")


def frictionless(path: Path) -> dict:
    proc = subprocess.run(
        [sys.executable, "-m", "frictionless", "validate", "--json", str(path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    return json.loads(proc.stdout)


def test_data_package_is_valid_by_frictionless(built):
    _project, site = built
    for name in opendata.FILES:
        assert (site / "data" / name).is_file(), name
    report = frictionless(site / "data" / "datapackage.json")
    assert report["valid"], json.dumps(report, ensure_ascii=False)[:3000]
    assert {t["name"] for t in report["tasks"]} == {"cases", "cases-json", "vocabulary", "glossary", "national"}
    package = json.loads((site / "data" / "datapackage.json").read_text(encoding="utf-8"))
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    assert package["sources"], "the package names its sources"


def test_frictionless_finds_a_value_outside_the_vocabulary(built, tmp_path):
    """The schemas do constrain the data: a term that is not in the vocabulary is an error."""
    _project, site = built
    copy = tmp_path / "data"
    shutil.copytree(site / "data", copy)
    cases = json.loads((copy / "cases.json").read_text(encoding="utf-8"))
    cases[0]["legal_form"] = "存在しない法人格"
    (copy / "cases.json").write_text(json.dumps(cases, ensure_ascii=False), encoding="utf-8")
    report = frictionless(copy / "datapackage.json")
    assert not report["valid"]
    errors = [e for t in report["tasks"] for e in t["errors"]]
    assert any(e["type"] == "constraint-error" and e.get("fieldName") == "legal_form" for e in errors), errors


def test_cases_json_holds_exactly_the_published_records(built, dataset):
    _project, site = built
    objects = json.loads((site / "data" / "cases.json").read_text(encoding="utf-8"))
    published = {c.id for c in dataset.cases if c.published}
    assert [o["id"] for o in objects] == [c.id for c in dataset.published]
    assert {o["id"] for o in objects} == published and "zz-test-kigou" in published
    assert "zz-test-draft" not in {o["id"] for o in objects}, "a draft was exported"
    by_id = {o["id"]: o for o in objects}
    fictional = by_id["zz-test-kigou"]
    assert fictional["summary"].startswith("架空の事例です。a < b & c > d")
    assert fictional["stages"] == {"知る": "架空の学び"}
    assert fictional["formation_factors"] == [{"factor": "危機感の共有", "detail": "架空の説明です。"}]
    assert fictional["url"] == "cases/zz-test-kigou/"
    assert (site / fictional["url"] / "index.html").is_file()
    narrated = next(c for c in dataset.published if c.id in dataset.narratives)
    assert by_id[narrated.id]["body"], "the narrative file is the record's body"


def test_csv_has_a_bom_and_round_trips(built):
    _project, site = built
    raw = (site / "data" / "cases.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read UTF-8"
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    objects = json.loads((site / "data" / "cases.json").read_text(encoding="utf-8"))
    assert [r["id"] for r in rows] == [o["id"] for o in objects]

    def items(cell: str) -> list[str]:  # as the data page documents: values joined by "|"
        return cell.split(opendata.LIST_SEPARATOR) if cell else []

    for row, obj in zip(rows, objects, strict=True):
        assert row["name"] == obj["name"] and row["summary"] == obj["summary"] and row["url"] == obj["url"]
        assert row["founded"] == ("" if obj["founded"] is None else str(obj["founded"]))
        for key in ("regional_issues", "activities", "income_sources", "challenges"):
            assert items(row[key]) == obj[key], (obj["id"], key)
        for key in ("formation_factors", "sustainability_factors"):
            assert items(row[f"{key}.factor"]) == [n["factor"] for n in obj[key]], (obj["id"], key)
        assert items(row["sources.url"]) == [s["url"] for s in obj["sources"]]
        for stage, lesson in obj["stages"].items():
            assert row[f"stages.{stage}"] == lesson
        population = obj["population"] or {}
        assert row["population.people"] == str(population.get("people") or "")
    assert "body" not in rows[0], "the narrative is in cases.json only"


def test_export_data_writes_the_same_files_as_the_site(built, tmp_path):
    project, site = built
    result = CliRunner().invoke(main, ["--root", str(project), "export-data", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    for name in opendata.FILES:
        assert (tmp_path / "out" / name).read_bytes() == (site / "data" / name).read_bytes(), name


class _Scripts(html.parser.HTMLParser):
    """Every script element of a page as (type, text), as a browser's parser splits them."""

    def __init__(self):
        super().__init__()
        self.scripts: list[list] = []
        self._in = False

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.scripts.append([dict(attrs).get("type"), ""])
            self._in = True

    def handle_endtag(self, tag):
        if tag == "script":
            self._in = False

    def handle_data(self, data):
        if self._in:
            self.scripts[-1][1] += data


def json_ld(page_html: str) -> list:
    parser = _Scripts()
    parser.feed(page_html)
    return [json.loads(text) for kind, text in parser.scripts if kind == "application/ld+json"]


def test_every_case_page_has_json_ld_naming_its_case(built, dataset):
    _project, site = built
    for case in dataset.published:
        blocks = json_ld((site / "cases" / case.id / "index.html").read_text(encoding="utf-8"))
        assert len(blocks) == 1, case.id
        data = blocks[0]
        assert data["@context"] == "https://schema.org"
        assert data["@type"] in ("Organization", "Project")
        assert data["name"] == case.name and data["alternateName"] == case.kana
        assert data["address"]["addressRegion"] == case.prefecture
        assert data["address"]["addressLocality"] == case.municipality
        assert data["description"] == case.summary
    fictional = json_ld((site / "cases" / "zz-test-kigou" / "index.html").read_text(encoding="utf-8"))[0]
    assert fictional["foundingDate"] == "2001"
    assert fictional["sameAs"] == ["https://example.jp/own"], "only the organisation's own page"
    assert not (site / "cases" / "zz-test-draft").exists()


def test_json_ld_of_a_summary_with_a_script_end_stays_one_block(dataset):
    """The validator refuses ``</script>`` in a summary; were one to get through, it still could not end the block:
    the case page's front matter, read as MkDocs reads it, through the theme's partial (as MkDocs renders it)."""
    hostile = "</script><script>alert(1)</script><!-- & ]]> ' \u2028"
    case = dataclasses.replace(dataset.published[0], summary=hostile)
    book = build_casebook(dataclasses.replace(dataset, cases=[case]))
    _markdown, meta = mkdocs_meta.get_data(PageRenderer(book).case(case))
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(THEME)))  # MkDocs' theme env: no autoescape
    head = env.get_template("partials/cb-json-ld.html").render(page={"meta": meta})
    parser = _Scripts()
    parser.feed(head)
    assert [kind for kind, _text in parser.scripts] == ["application/ld+json"], head
    assert json.loads(parser.scripts[0][1])["description"] == hostile
    assert "<" not in parser.scripts[0][1]


def test_json_ld_in_an_article_survives_the_allow_list_escaped():
    """Another engine's article (Markdown, then the allow-list) may carry a block written by ``jsonld.script``."""
    hostile = {"description": "</script><script>alert(1)</script><!-- &"}
    html = sanitize(markdown.markdown(f"# t\n\n{jsonld.script(hostile)}\n\n<script>alert(2)</script>\n"))
    parser = _Scripts()
    parser.feed(html)
    assert [kind for kind, _text in parser.scripts] == ["application/ld+json"], html
    assert json.loads(parser.scripts[0][1]) == hostile


def test_allow_list_keeps_only_json_ld_scripts():
    kept = sanitize('<p>a</p><script type="application/ld+json">{"name": "x<y"}</script>')
    assert json_ld(kept) == [{"name": "x<y"}] and "x<y" not in kept
    for dropped in (
        "<script>alert(1)</script>",
        '<script type="text/javascript">alert(1)</script>',
        '<script type="application/ld+json" src="https://example.com/x.js"></script>',
        '<script type="application/ld+json">alert(1)</script>',
        '<script type="application/ld+json" onload="alert(1)">{}</script>',
    ):
        assert "<script" not in sanitize(f"<p>a</p>{dropped}<p>b</p>"), dropped


def test_data_page_lists_the_files_with_a_dataset(built):
    _project, site = built
    text = (site / "data" / "index.html").read_text(encoding="utf-8")
    assert "データをダウンロード" in text and "CC BY 4.0" in text
    for name in opendata.FILES:
        assert f'href="{name}"' in text, name
    (dataset,) = json_ld(text)
    assert dataset["@type"] == "Dataset"
    assert dataset["license"].startswith("https://creativecommons.org/licenses/by/4.0/")
    assert {d["contentUrl"] for d in dataset["distribution"]} == set(opendata.FILES)


def test_serve_remakes_the_data_files_only_when_their_inputs_change(dataset):
    book = build_casebook(dataset)
    memo: dict = {}
    first = opendata.site_data_files(PageRenderer(book, memo=memo))
    assert opendata.site_data_files(PageRenderer(book, memo=memo)) is first, "unchanged inputs: the files made before"
    changed = dataclasses.replace(dataset.published[0], summary="変えた概要です。")
    book2 = build_casebook(dataclasses.replace(dataset, cases=[changed, *dataset.cases[1:]]))
    again = dict(opendata.site_data_files(PageRenderer(book2, memo=memo)))
    assert json.loads(again["data/cases.json"])[0]["summary"] == "変えた概要です。"
