"""Accessibility in a real browser: axe-core on every kind of page, and no sideways scrolling.

Every violation axe reports is printed (for diagnosis). A page fails on any
violation of impact ``serious`` or ``critical``; there is no list of tolerated ones.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from .conftest import open_page

FOUND = re.compile(r"^\d+ 件見つかりました")
BLOCKING = {"serious", "critical"}


def show_search_results(page):
    page.fill("#cb-search-page-input", "見守り")
    expect(page.locator("#cb-search-page .cb-result").first).to_be_visible()
    expect(page.locator("#cb-search-page [data-cb-search-status]")).to_have_text(FOUND)


def tick_situation(page):
    page.locator("#cb-situation input[name=段階]").first.check()
    expect(page.locator("#cb-situation .cb-result").first).to_be_visible()


def open_header_search(page):
    page.click(".cb-search-open")
    page.fill("#cb-search-dialog-input", "集落活動センター")
    expect(page.locator("#cb-search-dialog .cb-result").first).to_be_visible()


# name: (url, what to do once loaded)
PAGES: dict[str, tuple[str, Callable | None]] = {
    "home": ("/", None),
    "case": ("/cases/hata/", None),
    "index": ("/index/activity/mimamori/", None),
    "training": ("/training/shiru/", None),
    "glossary": ("/glossary/", None),
    "search": ("/search/", show_search_results),
    "situation": ("/situation/", tick_situation),
    "header-search": ("/cases/kawane/", open_header_search),
}


def load(page, name: str):
    url, prepare = PAGES[name]
    page.goto(url)
    expect(page.locator("article h1")).to_be_visible()
    if prepare:
        prepare(page)


def target(node: dict) -> str:
    return " ".join(node["target"]) if all(isinstance(t, str) for t in node["target"]) else json.dumps(node["target"])


def message(node: dict) -> str:
    checks = node.get("any") or node.get("all") or node.get("none") or [{}]
    return checks[0].get("message", "")


def run_axe(browser, base_url, scheme: str) -> dict:
    """{page name: (violations, problems, scrollWidth)}: each page loaded once at 1280×800 in the colour scheme
    ``scheme`` (``prefers-color-scheme``, which Material's palette follows until a visitor picks one)."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    context, page, problems = open_page(browser, base_url)
    page.emulate_media(color_scheme=scheme)
    out = {}
    try:
        for name in PAGES:
            load(page, name)
            expect(page.locator("body")).to_have_attribute("data-md-color-scheme", SCHEMES[scheme])
            violations = axe.run(page).response["violations"]
            print(f"\naxe {scheme} {name} ({PAGES[name][0]}): {len(violations)} violation(s)")
            for v in violations:
                nodes = v["nodes"]
                print(f"  [{v['impact']}] {v['id']} ({len(nodes)} nodes): {v['help']}")
                for node in nodes[:4]:
                    print(f"      {target(node)} — {message(node)[:160]}")
            out[name] = (violations, problems.all(), page.evaluate("document.documentElement.scrollWidth"))
            problems.console.clear(), problems.failed.clear(), problems.outside.clear()
    finally:
        context.close()
    return out


SCHEMES = {"light": "default", "dark": "slate"}
"""prefers-color-scheme → Material's scheme (mkdocs.yml's palette)."""


@pytest.fixture(scope="module")
def axe_results(browser, base_url):
    """The light scheme's results, shared by the tests below."""
    return run_axe(browser, base_url, "light")


@pytest.fixture(scope="module")
def axe_dark_results(browser, base_url):
    """The dark scheme's (slate) results."""
    return run_axe(browser, base_url, "dark")


def blocking(violations: list[dict], only: str | None = None) -> list[str]:
    """Each node of each serious or critical violation (of rule ``only``, of any impact, when given)."""
    return [
        f"[{v['impact']}] {v['id']}: {target(node)} — {message(node)[:160]}"
        for v in violations
        if (v["id"] == only if only else v["impact"] in BLOCKING)
        for node in v["nodes"]
    ]


@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_no_serious_violations(axe_results, name):
    violations, problems, _ = axe_results[name]
    assert blocking(violations) == []
    assert problems == []


@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_no_serious_violations_in_the_dark_scheme(axe_dark_results, name):
    violations, problems, _ = axe_dark_results[name]
    assert blocking(violations) == []
    assert problems == []


@pytest.mark.parametrize("scheme", list(SCHEMES))
@pytest.mark.parametrize("name", ["home", "case", "search"])
def test_no_color_contrast_violation_of_any_impact(axe_results, axe_dark_results, name, scheme):
    """Issue 22: the header title was white on #009485 (3.76:1) in the dark scheme, on every page."""
    violations = (axe_results if scheme == "light" else axe_dark_results)[name][0]
    assert blocking(violations, only="color-contrast") == []


def test_no_sideways_scrolling_at_1280(axe_results):
    assert {name: r[2] for name, r in axe_results.items() if r[2] > 1280} == {}


def test_no_sideways_scrolling_at_360(browse):
    width = 360
    page, problems = browse(width=width, height=800)
    wide = {}
    for name in PAGES:
        load(page, name)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > width:
            wide[name] = (scroll_width, page.evaluate(WIDEST_JS, width))
    assert wide == {}
    assert problems.all() == []


# The elements that stick out on the right, for the failure message.
WIDEST_JS = """
(width) => [...document.querySelectorAll('body *')]
  .filter((el) => el.getBoundingClientRect().right > width + 0.5)
  .filter((el) => !el.closest('[hidden], .md-sidebar, dialog:not([open])'))
  .slice(0, 5)
  .map((el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\\s+/).join('.') : '') + ' right=' + Math.round(el.getBoundingClientRect().right))
"""
