"""Search over an index built in parts, as a site of thousands of cases is (generator/search/pagefind.py).

The bundled site is built with ``search_part_pages: 40`` (six parts, the first of ten pages) and
served on its own; the browser loads the primary index and merges the others
(casebook-search.js). Results, filter counts and the query set must hold
across parts. The other browser tests search the single index the bundled
site has by default.
"""

from __future__ import annotations

import json

import pytest

from generator.search.pagefind import part_sizes

from .conftest import open_page
from .harness import build_bundled_site, serve, top_urls
from .queries import TOP
from .test_search import book as book  # noqa: F401 - a fixture
from .test_search import expect_record_counts_on_filters, query_set_misses

PART_PAGES = 40


@pytest.fixture(scope="module")
def parts_site(tmp_path_factory):
    project = tmp_path_factory.mktemp("parts-site") / "project"
    with serve(project / "site") as base:
        site = build_bundled_site(project, site_url=base + "/", search_part_pages=PART_PAGES)
        yield base, site


@pytest.fixture
def parts_page(browser, parts_site):
    context, page, problems = open_page(browser, parts_site[0])
    yield page
    context.close()
    assert not problems.all(), problems.all()


def test_parts_on_disk(parts_site):
    site = parts_site[1]
    manifest = json.loads((site / "pagefind" / "casebook-parts.json").read_text(encoding="utf-8"))
    assert len(manifest["parts"]) >= 2
    assert manifest["parts"] == [f"pagefind-{i}/" for i in range(2, len(manifest["parts"]) + 2)]
    for part in manifest["parts"]:
        folder = site / part
        assert (folder / "pagefind-entry.json").is_file()
        assert not list(folder.glob("pagefind*.js")) and not list(folder.glob("wasm.*")), (
            "a merged part needs no code of its own"
        )
    assert not list(site.parent.glob(".*pagefind-stage*")), "the staging folder was left behind"
    entries = [
        json.loads((site / p / "pagefind-entry.json").read_text(encoding="utf-8"))
        for p in ["pagefind/", *manifest["parts"]]
    ]
    sizes = [sum(lang["page_count"] for lang in e["languages"].values()) for e in entries]
    assert sizes == part_sizes(sum(sizes), PART_PAGES), "small parts first, then even ones (search.part_sizes)"


KNOWN_UNFOUND: set[str] = set()
"""Names Pagefind cannot find whole: none since issue 23. 特定非営利活動法人さいはら（羽置の里 びりゅう館） was one:
the index segments 羽置の里 on the page as 羽|置|の里 and the query as words the page did not hold. Case pages now
also index their name with a space at each change of script (pages.finder.script_runs: 羽置 の 里), which holds
the words either way of cutting."""


def test_every_case_is_found_by_name_whichever_part_holds_it(parts_page, book):
    parts_page.goto("/about/")
    names = {case.name: f"/cases/{case.id}/" for case in book.cases}
    found = top_urls(parts_page, list(names), TOP)
    missing = {name: found[name]["urls"] for name, url in names.items() if url not in found[name]["urls"]}
    assert set(missing) == KNOWN_UNFOUND & set(names), missing


def test_filter_counts_add_up_across_parts(parts_page, book):
    expect_record_counts_on_filters(parts_page, book)


def test_query_set_over_parts(parts_page):
    """Each part ranks by its own word statistics, so a merged ranking can differ from one index's.

    At most 2 of the queries may lose their top-5 place. Measured on the
    bundled site in parts of 100 pages: cutting the pages into runs by kind
    instead of dealing them out lost 7, and not merging at all lost 31. In
    parts of at most 40 pages: 1 lost with five even parts, 2 with the ramp
    of six (part_sizes), whose first part holds only ten pages.
    """
    misses = query_set_misses(parts_page)
    assert len(misses) <= 2, misses
