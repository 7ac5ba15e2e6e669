"""The field registry drives validation, facets, index pages and search filters: one row adds a field.

The test adds a field the way the README says a maintainer would (連携先: its
terms in data/vocabulary.yaml, one row in records/registry.py), in a copy of
the package, and builds the bundled project with it.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import generator
from generator.records import registry
from tests.sitebuild import copy_bundled, pagefind_env

ROW = """    FacetField("partner", "連携先", "partner", key="partners", vocabulary=True, many=True, filter="連携先",
               weight=1, section=CHIPS, description="連携している組織"),
"""


def test_registry_slugs_and_names_are_unique_and_not_reserved():
    slugs = [f.slug for f in registry.FIELDS]
    assert len(set(slugs)) == len(slugs)
    assert not set(slugs) & registry.RESERVED_SLUGS
    assert len({f.name for f in registry.FIELDS}) == len(registry.FIELDS)
    assert len({f.filter for f in registry.FIELDS if f.filter}) == len(registry.search_filters())


def test_a_registry_row_adds_a_validated_field_a_facet_page_and_a_search_filter(tmp_path):
    package = tmp_path / "pkg"
    shutil.copytree(
        Path(generator.__file__).parent, package / "generator", ignore=shutil.ignore_patterns("__pycache__")
    )
    source = package / "generator" / "records" / "registry.py"
    text = source.read_text(encoding="utf-8")
    anchor = '    FacetField(\n        "external_actor",'
    assert anchor in text
    source.write_text(text.replace(anchor, ROW + anchor, 1), encoding="utf-8")

    project = copy_bundled(tmp_path / "project")
    vocab = project / "data" / "vocabulary.yaml"
    vocab.write_text(
        vocab.read_text(encoding="utf-8")
        + "\npartner:\n  terms:\n    - {label: 大学, slug: daigaku, description: 大学や研究室です。}\n"
        + "    - {label: 社会福祉協議会, slug: shakyo, description: 地域の社会福祉協議会です。}\n",
        encoding="utf-8",
    )
    case = project / "data" / "cases" / "kawane.yaml"
    case.write_text(case.read_text(encoding="utf-8") + "partners: [大学]\n", encoding="utf-8")
    env = {
        **os.environ,
        "PYTHONPATH": str(package),
        "NO_MKDOCS_2_WARNING": "1",
        "CASEBOOK_NO_CACHE": "1",
        **pagefind_env(),
    }

    bad = project / "data" / "cases" / "hata.yaml"
    bad.write_text(bad.read_text(encoding="utf-8") + "partners: [大学院]\n", encoding="utf-8")
    check = subprocess.run(
        [sys.executable, "-m", "generator.cli", "validate"], cwd=project, env=env, capture_output=True, text=True
    )
    assert (
        check.returncode == 1
        and "partners[1]: 「大学院」は語彙「partner」にありません。「大学」ではありませんか。" in check.stdout
    )
    bad.write_text(bad.read_text(encoding="utf-8").replace("partners: [大学院]\n", ""), encoding="utf-8")

    schema = subprocess.run(
        [sys.executable, "-m", "generator.cli", "schema", "-o", "-"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(schema.stdout)["$defs"]["case"]["properties"]["partners"]["items"]["enum"] == [
        "大学",
        "社会福祉協議会",
    ]

    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert build.returncode == 0, build.stdout + build.stderr
    site = project / "site"
    value_page = (site / "index" / "partner" / "daigaku" / "index.html").read_text(encoding="utf-8")
    assert "連携先: 大学" in value_page and 'href="../../../cases/kawane/"' in value_page
    assert (site / "index" / "partner" / "index.html").is_file()
    assert "連携先" in (site / "index" / "index.html").read_text(encoding="utf-8")
    kawane = (site / "cases" / "kawane" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<h2 id="[^"]*">連携先</h2>', kawane) and 'href="../../index/partner/daigaku/"' in kawane
    assert 'data-pagefind-filter="連携先:大学"' in kawane
    search = (site / "search" / "index.html").read_text(encoding="utf-8")
    # An HTML attribute: quotes come escaped (&quot; since the finder pages pass the allow-list, issue 22).
    config = json.loads(html.unescape(re.search(r'data-cb-config="([^"]+)"', search).group(1)))
    assert "連携先" in config["filters"]
