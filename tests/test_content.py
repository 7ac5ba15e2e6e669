"""The bundled content: national figures rendered from their data file, the glossary."""

from __future__ import annotations

import re

import pytest
import yaml

from generator.postprocess.glossary import GlossaryLinker
from generator.records.load import load_dataset

from .sitebuild import REPO, article, copy_bundled, mkdocs_build

FY2017 = ("4,177", "675", "1,741", "87%", "6%", "90%", "69%")


@pytest.fixture(scope="module")
def national_html(tmp_path_factory):
    project = copy_bundled(tmp_path_factory.mktemp("content"))
    mkdocs_build(project)
    return article((project / "site" / "national" / "index.html").read_text(encoding="utf-8"))


def cells(html: str) -> list[list[str]]:
    rows = []
    for tr in re.findall(r"<tr>(.*?)</tr>", html, re.S):
        rows.append([re.sub(r"<[^>]+>", "", td).strip() for td in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", tr, re.S)])
    return rows


def test_fy2017_figures_are_rendered_exactly(national_html):
    table = cells(national_html)
    values = {row[1] for row in table if len(row) == 3}
    for figure in FY2017:
        assert any(figure in v for v in values), (figure, values)
    assert any(v.startswith("4,177") for v in values)


def test_every_figure_comes_from_the_data_file_with_its_source(national_html):
    data = yaml.safe_load((REPO / "data" / "national.yaml").read_text(encoding="utf-8"))
    text = re.sub(r"<[^>]+>", "", national_html)
    for section in ("fy2017", "by_year"):
        for item in data[section]:
            source = data["sources"][item["source"]]
            for key in ("value", "organizations", "municipalities", "responding"):
                if item.get(key):
                    assert item[key] in text, (section, key, item[key])
            assert source["title"] in text
            if source.get("url"):
                assert f'href="{source["url"]}"' in national_html.replace("&amp;", "&")
    for item in data.get("targets", []):
        assert item["text"] in text
    for row in cells(national_html)[1:]:
        if len(row) in (3, 6) and row[0] not in ("項目", "調査年度"):
            assert row[-1], f"row without a source: {row}"


def test_national_prose_types_no_figures():
    from generator.pages.markers import MARKER

    prose = MARKER.sub("", (REPO / "content" / "national.md").read_text(encoding="utf-8"))
    assert not re.search(r"[0-9０-９]", prose), "figures belong in data/national.yaml, not in the prose"


def test_unverified_targets_are_absent(national_html):
    assert "7,000" not in national_html


def test_glossary_has_enough_terms_and_every_linked_term_has_a_definition():
    dataset = load_dataset(REPO, content_dir=REPO / "content")
    assert len(dataset.glossary) >= 35
    linker = GlossaryLinker(dataset.glossary)
    assert linker.by_surface
    for surface, term in linker.by_surface.items():
        assert term.definition.strip(), surface
        assert term.sources, surface


def test_every_bundled_case_has_sources_and_honest_completeness():
    dataset = load_dataset(REPO, content_dir=REPO / "content")
    assert len(dataset.cases) >= 16
    for case in dataset.cases:
        assert case.sources, case.id
        if not (case.legal_form and case.regional_issues and case.activities and case.formation_factors):
            assert case.completeness == "要出典", case.id
