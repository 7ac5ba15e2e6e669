"""Charts and the map of cases (issue 27) in headless Chromium: axe in both colour schemes, nothing from
another host, the map's shapes lead to the prefecture pages, SVG text in the page's fonts."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import open_page
from .test_accessibility import BLOCKING, message, target

CHART_PAGES = {
    "home": "/",
    "prefectures": "/index/prefecture/",
    "national": "/national/",
    "activities": "/index/activity/",
    "legal-form": "/index/legal-form/",
    "case": "/cases/hata/",
}


@pytest.fixture(scope="module")
def axe_by_scheme(browser, base_url):
    """{(scheme, page): (blocking violations, problems)} for every chart page in the light and the dark scheme."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    out = {}
    for scheme in ("light", "dark"):
        context, page, problems = open_page(browser, base_url)
        page.emulate_media(color_scheme=scheme)
        try:
            for name, url in CHART_PAGES.items():
                page.goto(url)
                expect(page.locator("article h1")).to_be_visible()
                drawn = "slate" if scheme == "dark" else "default"
                assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == drawn
                violations = axe.run(page).response["violations"]
                blocking = [
                    f"[{v['impact']}] {v['id']}: {target(n)} — {message(n)[:160]}"
                    for v in violations
                    if v["impact"] in BLOCKING
                    for n in v["nodes"]
                ]
                for v in violations:
                    print(f"axe {scheme} {name}: [{v['impact']}] {v['id']} ({len(v['nodes'])})")
                out[scheme, name] = (blocking, problems.all())
                problems.console.clear(), problems.failed.clear(), problems.outside.clear()
        finally:
            context.close()
    return out


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", list(CHART_PAGES))
def test_chart_pages_have_no_serious_axe_violations_and_load_nothing_from_elsewhere(axe_by_scheme, scheme, name):
    blocking, problems = axe_by_scheme[scheme, name]
    assert blocking == []
    assert problems == []  # no request to another host (open_page records and blocks them), no 404, no error


def test_every_prefecture_is_drawn(page):
    page.goto("/index/prefecture/")
    sizes = page.evaluate(
        """() => [...document.querySelectorAll('svg.cb-map-svg path[data-pref]')]
          .map((p) => [p.dataset.pref, p.getBoundingClientRect().width * p.getBoundingClientRect().height])"""
    )
    assert len(sizes) == 47
    assert [name for name, area in sizes if area < 4] == []  # even Osaka, Kagawa and Tokyo have some area


def test_clicking_a_prefecture_on_the_map_opens_its_page(page):
    page.goto("/index/prefecture/")
    shape = page.locator('svg.cb-map-svg a.cb-map-link[data-pref="島根県"] path')
    box = shape.bounding_box()
    assert box and box["width"] > 5
    # A point inside the shape (the bounding box's centre may fall in the sea): the shape's own hit test.
    point = page.evaluate(
        """() => {
          const p = document.querySelector('svg.cb-map-svg path[data-pref="島根県"]');
          const svg = p.ownerSVGElement, len = p.getTotalLength();
          for (let i = 0; i < 200; i++) {
            const a = p.getPointAtLength(len * i / 200), b = p.getPointAtLength(len * ((i + 100) % 200) / 200);
            const m = svg.createSVGPoint(); m.x = (a.x + b.x) / 2; m.y = (a.y + b.y) / 2;
            if (p.isPointInFill(m)) { const s = m.matrixTransform(p.getScreenCTM()); return [s.x, s.y]; }
          }
          return null;
        }"""
    )
    assert point
    page.mouse.click(*point)
    expect(page).to_have_url(__import__("re").compile(r"/index/prefecture/shimane/$"))


def test_map_links_are_for_pointers_and_the_list_is_for_keyboards(page):
    page.goto("/")
    assert page.locator('svg.cb-map-svg a[tabindex="-1"]').count() == page.locator("svg.cb-map-svg a").count() > 0
    page.locator(".cb-map-list summary").focus()
    page.keyboard.press("Enter")
    first = page.locator(".cb-map-list li a").first
    expect(first).to_be_visible()
    page.keyboard.press("Tab")
    expect(first).to_be_focused()


def test_chart_text_uses_the_pages_fonts(page):
    page.goto("/national/")
    fonts = page.evaluate(
        """() => [getComputedStyle(document.querySelector('article p')).fontFamily,
                  getComputedStyle(document.querySelector('#cb-trend-organizations text')).fontFamily]"""
    )
    assert fonts[0] == fonts[1]
    size = page.evaluate("document.querySelector('#cb-regions text').getBoundingClientRect().height")
    assert size >= 12  # legible at 1280 px


def test_charts_are_legible_and_fit_on_a_phone(browse):
    page, problems = browse(width=390, height=844)
    for url in ("/national/", "/index/activity/", "/"):
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, url
        height = page.evaluate(
            "Math.min(...[...document.querySelectorAll('svg text')].map((t) => t.getBoundingClientRect().height))"
        )
        assert height >= 11, url
    assert problems.all() == []
