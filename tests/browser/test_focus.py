"""Visible keyboard focus (WCAG 2.4.7, 1.4.11): Tab through a page, every stop shows a ring of ≥ 3:1.

Material's reset removes outlines (``input{outline:none}``, ``.md-header__button:not(.focus-visible)``),
so without the focus block of casebook.css the header's buttons and the inputs show nothing. For each
Tab stop: the indicator (the element, or the label of Material's hidden toggle input) has a solid outline
or a box shadow when focused that it does not have once focus moves on, and the outline's colour has
≥ 3:1 contrast with what is behind it (sampled beside the element, where the ring is drawn).
The /search/ and /situation/ finders are the search helper's (issue 23) and are tested there.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

STOPS = 60
"""Tab stops checked per page: the header, the whole navigation and the start of the content."""

# Runs in the page: the focused element's indicator, its outline, and the colour behind the ring.
FOCUSED_JS = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  // Material's toggles are hidden inputs; a label beside them shows their focus: the one that is displayed.
  const shown = el.matches('.md-option, .md-toggle')
    ? [...el.parentElement.querySelectorAll(':scope > label')].find((l) => l.getClientRects().length) || el
    : el;
  window.__cbShown = shown;
  const cs = getComputedStyle(shown);
  const width = parseFloat(cs.outlineWidth) || 0, offset = parseFloat(cs.outlineOffset) || 0;
  const r = shown.getBoundingClientRect();
  const parse = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const backgroundAt = (x, y) => {
    const top = document.elementsFromPoint(x, y).find((e) => e !== shown && !shown.contains(e));
    let layers = [];
    for (let e = top; e; e = e.parentElement) {
      const [cr, cg, cb, a = 1] = parse(getComputedStyle(e).backgroundColor);
      if (a > 0) layers.push([cr, cg, cb, a]);
      if (a >= 1) break;
    }
    let rgb = [255, 255, 255];  // the canvas (never reached: Material paints the body)
    for (const [cr, cg, cb, a] of layers.reverse()) rgb = [cr, cg, cb].map((v, i) => v * a + rgb[i] * (1 - a));
    return rgb;
  };
  const ring = offset + width / 2;
  const y = Math.min(Math.max(r.top + r.height / 2, 0), innerHeight - 1);
  const points = [[r.left - ring, y], [r.right + ring, y]].filter(([x]) => x >= 0 && x < innerWidth);
  return {
    name: (el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' ' + (shown.className || '') + ' ' +
           (el.getAttribute('href') || '')).trim().slice(0, 90),
    kind: el.matches('.md-skip') ? 'skip' : el.matches('.md-option') ? 'palette' :
          el.matches('.cb-search-open') ? 'search-button' : el.closest('.md-header') ? 'header' :
          el.closest('.md-nav') ? 'nav' : el.closest('.md-content') ? 'content' : 'other',
    rendered: shown.getClientRects().length > 0 && cs.visibility === 'visible',
    outline: [cs.outlineStyle, width, parse(cs.outlineColor)],
    shadow: cs.boxShadow,
    backgrounds: points.map(([x, py]) => backgroundAt(x, py)),
  };
}
"""
# The previous indicator, now that focus has moved on.
UNFOCUSED_JS = """
() => { const cs = getComputedStyle(window.__cbShown); return [cs.outlineStyle, parseFloat(cs.outlineWidth) || 0, cs.boxShadow]; }
"""


def luminance(rgb) -> float:
    def channel(v: float) -> float:
        v /= 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_contrast_formula_against_known_values():
    assert round(contrast((255, 255, 255), (0, 0, 0)), 1) == 21.0
    assert (
        int(contrast((255, 255, 255), (0, 0x94, 0x85)) * 100) == 376
    )  # Material's teal: the 3.76:1 (axe truncates)
    assert round(contrast((255, 255, 255), (0, 0x69, 0x5C)), 1) == 6.6


def tab_through(page, stops: int = STOPS) -> list[dict]:
    """Press Tab ``stops`` times; for each stop, its indicator focused and once focus has moved on."""
    seen = []
    previous = None
    for _ in range(stops + 1):
        page.keyboard.press("Tab")
        if previous is not None:
            previous["unfocused"] = page.evaluate(UNFOCUSED_JS)
            seen.append(previous)
        previous = page.evaluate(FOCUSED_JS)
    return seen


def problems_of(stop: dict) -> list[str]:
    style, width, color = stop["outline"]
    out = []
    if not stop["rendered"]:
        out.append("the focused control (or its label) is not displayed")
    if style in ("none", "hidden") or width < 2:
        out.append(f"no outline when focused ({style} {width}px, box-shadow {stop['shadow']})")
    if [style, width, stop["shadow"]] == stop["unfocused"]:
        out.append("looks the same focused and unfocused")
    for background in stop["backgrounds"]:
        ratio = contrast(color, background)
        if ratio < 3:
            out.append(f"ring rgb{tuple(color)} on rgb{tuple(round(v) for v in background)}: {ratio:.2f}:1")
    if not stop["backgrounds"]:
        out.append("no point beside the control to measure")
    return out


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("url", ["/", "/cases/hata/"])
def test_every_tab_stop_shows_a_ring_of_3_to_1(browse, url, scheme):
    page, problems = browse()
    page.emulate_media(color_scheme=scheme)
    page.goto(url)
    expect(page.locator("article h1")).to_be_visible()
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", "slate" if scheme == "dark" else "default")
    stops = tab_through(page)
    kinds = {s["kind"] for s in stops}
    assert {"skip", "header", "palette", "search-button", "nav", "content"} <= kinds, kinds
    bad = [f"{s['name']}: {'; '.join(problems_of(s))}" for s in stops if problems_of(s)]
    assert bad == [], "\n".join(bad)
    assert problems.all() == []


def test_the_header_search_button_and_a_content_link_on_a_phone(browse):
    """At 390×844 the header's controls and the content show their ring. The closed navigation drawer is
    Material's: its links stay in the Tab order off screen (and the drawer has no keyboard toggle), so
    stops without any point on screen are left out here (see the report of issue 22)."""
    page, problems = browse(width=390, height=844)
    page.goto("/cases/hata/")
    expect(page.locator("article h1")).to_be_visible()
    stops = [s for s in tab_through(page, 40) if s["backgrounds"]]
    names = [s["name"] for s in stops]
    assert any(re.search(r"cb-search-open", n) for n in names), names
    assert any(s["kind"] == "content" for s in stops), names
    bad = [f"{s['name']}: {'; '.join(problems_of(s))}" for s in stops if problems_of(s)]
    assert bad == [], "\n".join(bad)
    assert problems.all() == []
