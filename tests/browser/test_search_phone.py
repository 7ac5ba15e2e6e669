"""Search on a phone (issue 23) and the finders' accessibility (issue 22), at 390 × 844 in headless Chromium.

- /search/: results first, filters in a drawer whose 「N件を表示」 shows the live count and jumps to the
  results; chips for ticked values; the state (query, filters, sort) in the address, restored by reload,
  a new tab and Back from a case; touch targets of 44 px; no sideways scroll;
- everyday words: the query set of ``queries.EVERYDAY`` (none a label) at hit@5 ≥ 0.9, and the page's
  filter suggestion for an everyday word and a place word;
- /situation/: three conditions that no single case meets give cases ranked by how many they meet;
- keyboard focus changes how the search box and a filter checkbox look; axe in both colour schemes.
"""

from __future__ import annotations

import itertools
import re

import pytest
from playwright.sync_api import expect

from ..sitebuild import REPO
from .harness import top_urls
from .queries import TOP, everyday_queries, score
from .test_search import FOUND, matching, paths  # noqa: F401 - a fixture
from .test_search import book as book

PHONE = {"width": 390, "height": 844}
STATUS = "#cb-search-page [data-cb-search-status]"


def phone(browse):
    return browse(**PHONE)


def open_drawer_and_tick(page, group: str, value: str):
    if page.get_attribute("[data-cb-filter-open]", "aria-expanded") != "true":
        page.click("[data-cb-filter-open]")
    details = page.locator(f'details[data-cb-filter="{group}"]')
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    page.locator(f'[id="cb-f-{group}-{value}"]').check()


def in_first_screen(page, selector: str) -> bool:
    box = page.locator(selector).first.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + min(box["height"], 40) <= PHONE["height"]


def test_phone_results_first_with_a_drawer_and_live_count(browse, book):
    page, problems = phone(browse)
    page.goto("/search/")
    expect(page.locator(STATUS)).to_have_text("言葉を入れるか、絞り込みの項目から選んでください。")
    assert not page.locator("[data-cb-filter-panel]").is_visible(), "the filters start closed on a phone"
    assert in_first_screen(page, "[data-cb-filter-open]")
    open_drawer_and_tick(page, "地方", "中国地方")
    n = len(matching(book, {"地方": ["中国地方"]}, True))
    show = page.locator("[data-cb-filter-show]")
    expect(show).to_have_text(f"{n}件を表示")
    assert in_first_screen(page, "[data-cb-filter-show]"), "the count button is on the first screen"
    open_drawer_and_tick(page, "主な活動", "買い物支援")
    expect(show).to_have_text(re.compile(r"^\d+件を表示$"))
    show.click()
    expect(page.locator("[data-cb-filter-panel]")).to_be_hidden()
    expect(page.locator(STATUS)).to_have_text(FOUND)
    assert in_first_screen(page, "#cb-search-page .cb-result__title"), "the first result is on the screen"
    chips = page.locator("[data-cb-chips] .cb-chip-remove")
    expect(chips).to_have_count(3)  # two values and すべて外す
    assert in_first_screen(page, "[data-cb-chips] .cb-chip-remove")
    chips.filter(has_text="中国地方").click()
    expect(page.locator("[data-cb-chips] .cb-chip-remove")).to_have_count(1)
    assert "中国地方" not in page.evaluate("decodeURIComponent(location.hash)")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert problems.all() == []


def test_phone_touch_targets_are_44px(browse):
    page, _ = phone(browse)
    page.goto("/search/")
    page.click("[data-cb-filter-open]")
    page.locator('details[data-cb-filter="地方"] summary').click()
    for selector in ("[data-cb-filter-open]", 'details[data-cb-filter="地方"] summary', "[data-cb-filters] li"):
        heights = page.eval_on_selector_all(
            selector, "els => els.filter(e => e.offsetParent).map(e => e.getBoundingClientRect().height)"
        )
        assert heights and min(heights) >= 44, (selector, heights)
    page.goto("/situation/")
    heights = page.eval_on_selector_all(
        "#cb-situation .cb-situation__group li", "els => els.map(e => e.getBoundingClientRect().height)"
    )
    assert min(heights) >= 44, heights


def test_state_in_the_address_survives_reload_new_tab_and_back(browse, book):
    page, problems = phone(browse)
    page.goto("/search/")
    page.fill("#cb-search-page-input", "協議会")
    open_drawer_and_tick(page, "都道府県", "島根県")
    page.click("[data-cb-filter-show]")
    page.select_option("[data-cb-sort]", "desc")
    expect(page.locator(STATUS)).to_have_text(re.compile(r"^\d+ 件見つかりました"))
    page.wait_for_function("decodeURIComponent(location.hash).includes('sort=desc')")
    address = page.url
    before = paths(page, "#cb-search-page .cb-result__title")
    assert before
    assert "島根県" in page.evaluate("decodeURIComponent(location.hash)")

    def same_view(p):
        expect(p.locator("#cb-search-page-input")).to_have_value("協議会")
        expect(p.locator("[data-cb-sort]")).to_have_value("desc")
        expect(p.locator(STATUS)).to_have_text(re.compile(r"^\d+ 件見つかりました"))
        expect(p.locator('[id="cb-f-都道府県-島根県"]')).to_be_checked()
        expect(p.locator("[data-cb-chips] .cb-chip-remove").first).to_contain_text("島根県")
        assert paths(p, "#cb-search-page .cb-result__title") == before

    page.reload()
    same_view(page)
    other, _ = phone(browse)  # a bookmark or a shared link
    other.goto(address)
    same_view(other)
    page.click("#cb-search-page .cb-result__title >> nth=0")
    page.wait_for_url(re.compile(r"/cases/"))
    page.go_back()
    page.wait_for_url(re.compile(r"/search/#"))
    same_view(page)
    assert problems.all() == []


def test_everyday_words_hit_at_5(page):
    queries = everyday_queries(REPO)
    assert len(queries) >= 40
    page.goto("/about/")
    results = top_urls(page, [q.q for q in queries], TOP)
    hit, misses = score(queries, results)
    print(f"\neveryday hit@{TOP}: {hit:.3f} ({len(queries) - len(misses)}/{len(queries)})")
    for q in misses:
        print(f"  miss {q.q}: got {results[q.q]['urls']}")
    assert hit >= 0.9, [q.q for q in misses]


@pytest.mark.parametrize(
    "query, group, value, rest",
    [
        ("給油所", "主な活動", "燃料供給", ""),
        ("買い物 中国地方", "地方", "中国地方", "買い物"),
        ("雲南", "都道府県", "島根県", ""),
    ],
)
def test_search_page_offers_the_filter_a_word_stands_for(browse, book, query, group, value, rest):
    page, problems = phone(browse)
    page.goto("/search/")
    page.fill("#cb-search-page-input", query)
    offer = page.locator("[data-cb-suggest] .cb-suggest", has_text=value)
    expect(offer).to_contain_text(f"{group}: {value} で絞り込む")
    offer.click()
    expect(page.locator(f'[id="cb-f-{group}-{value}"]')).to_be_checked()
    expect(page.locator("#cb-search-page-input")).to_have_value(rest)
    expect(page.locator(STATUS)).to_have_text(FOUND)
    if not rest:
        field = {"主な活動": "activity", "地方": "region", "都道府県": "prefecture"}[group]
        wanted = {c.id for c in book.cases if value in book.facets[field].spec.values(c)}
        assert {u.split("/")[2] for u in paths(page, "#cb-search-page .cb-result__title")} == wanted
    assert problems.all() == []


def test_finder_ranks_partial_matches(browse, book):
    """Three conditions no single case meets: the cases meeting two come first, then those meeting one."""
    issues = book.facets["regional_issue"]
    has = {v.label: {c.id for c in issues.cases[v.label]} for v in issues.used}
    trio = next(
        t
        for t in itertools.combinations(sorted(has), 3)
        if not (has[t[0]] & has[t[1]] & has[t[2]]) and any(has[a] & has[b] for a, b in itertools.combinations(t, 2))
    )
    met = {}
    for label in trio:
        for case_id in has[label]:
            met[case_id] = met.get(case_id, 0) + 1
    page, problems = browse()
    page.goto("/situation/")
    for label in trio:
        page.locator(f"#cb-s-regional_issue-{issues.by_label[label].slug}").check()
    status = page.locator("#cb-situation [data-cb-search-status]")
    expect(status).to_have_text(re.compile(rf"^{len(met)} 件見つかりました.*すべてにあてはまる事例は 0 件"))
    expect(page.locator("#cb-situation .cb-result")).to_have_count(min(len(met), 50))
    ids = [u.split("/")[2] for u in paths(page, "#cb-situation .cb-result__title")]
    counts = [met[i] for i in ids]
    assert counts == sorted(counts, reverse=True) and counts[0] == 2, list(zip(ids, counts, strict=True))
    expect(page.locator("#cb-situation .cb-result__match").first).to_contain_text("3つのうち2つ一致")
    expect(page.locator("#cb-situation .cb-result__match").first).to_contain_text("あてはまらない:")
    # Every term of the group is offered, also one no case has yet.
    labels = page.eval_on_selector_all("#cb-situation input[name=地域課題]", "els => els.map(e => e.value)")
    assert labels == [t.label for t in book.dataset.vocab["regional_issue"].terms]
    assert problems.all() == []


# --- focus and axe (issue 22) ------------------------------------------------------

LOOK_JS = "e => { const s = getComputedStyle(e); return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow].join(' | '); }"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_keyboard_focus_changes_how_controls_look(browse, scheme):
    page, _ = browse()
    page.emulate_media(color_scheme=scheme)
    page.goto("/search/")
    expect(page.locator("[data-cb-filters] details").first).to_be_attached()
    page.locator('details[data-cb-filter="地方"] summary').click()
    targets = ["#cb-search-page-input", '[id="cb-f-地方-中国地方"]']
    for selector in targets:
        node = page.locator(selector)
        page.evaluate("document.activeElement && document.activeElement.blur()")
        before = node.evaluate(LOOK_JS)
        node.focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")  # focus by keyboard, so :focus-visible applies
        expect(node).to_be_focused()
        after = node.evaluate(LOOK_JS)
        assert after != before and after.startswith("solid | 3px"), (selector, before, after)
    page.goto("/situation/")
    box = page.locator("#cb-situation input[type=checkbox]").first
    before = box.evaluate(LOOK_JS)
    box.focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Shift+Tab")
    expect(box).to_be_focused()
    assert box.evaluate(LOOK_JS) != before


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("url", ["/search/", "/situation/"])
def test_axe_finders_in_both_colour_schemes(browse, scheme, url):
    from axe_playwright_python.sync_playwright import Axe

    page, problems = browse(**PHONE)
    page.emulate_media(color_scheme=scheme)
    page.goto(url)
    if url == "/search/":
        page.fill("#cb-search-page-input", "見守り")
        open_drawer_and_tick(page, "地方", "中国地方")
        expect(page.locator("[data-cb-filter-show]")).to_have_text(re.compile(r"件を表示"))
        page.click("[data-cb-filter-show]")
        expect(page.locator("#cb-search-page .cb-result").first).to_be_visible()
    else:
        page.locator("#cb-situation input[type=checkbox]").first.check()
        expect(page.locator("#cb-situation .cb-result").first).to_be_visible()
    violations = Axe().run(page).response["violations"]
    bad = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"][:3]])
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
    contrast = [v["id"] for v in violations if v["id"] == "color-contrast"]
    assert bad == [] and contrast == []
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert problems.all() == []
