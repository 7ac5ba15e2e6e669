"""The map of cases (inline SVG, 47 prefecture shapes) and the case pages' locator maps (one shared file each).

The shapes are ``japan_map.json``: npm ``@svg-maps/japan`` 2.0.0 (Victor Cazanave, after MapSVG; CC BY 4.0),
simplified once by ``tools/make_japan_map.py``; a build needs neither npm nor the package. Okinawa is enlarged
in an inset at the upper left (``inset``), framed and named here.

``case_map`` shades each prefecture by its number of published cases (four classes from 1 to the largest
count, and 「事例なし」), links each one with cases to its ``index/prefecture/`` page, and gives a legend and
the credit in HTML (page text, legible at any size). The links in the SVG are out of the tab order; the list
of the same links (``with_list``) or the page's table is the way for keyboards.

``locator_files`` is a producer (``sitefiles.PRODUCERS``): ``assets/maps/<slug>.svg`` per prefecture, that
prefecture highlighted and ringed. A case page shows its prefecture's file with one ``<img>``, so it does not
grow with the number of cases and browsers cache the 47 files.
"""

from __future__ import annotations

import json
import re
from functools import cache
from html import escape
from math import ceil
from pathlib import Path

from markupsafe import Markup

from ..model.prefectures import PREFECTURES
from .charts import enabled, svg_link, svg_role

MAP_FILE = Path(__file__).parent / "japan_map.json"
LOCATOR_DIR = "assets/maps"
CLASSES = 4
CREDIT_URL = "https://github.com/VictorCazanave/svg-maps/tree/master/packages/japan"
_SLUG = {p.name: p.slug for p in PREFECTURES}


@cache
def shapes() -> dict:
    """The map data: ``viewBox``, ``inset`` (x, y, w, h), ``paths`` (prefecture slug → path data), credit."""
    return json.loads(MAP_FILE.read_text(encoding="utf-8"))


def shade_classes(maximum: int) -> list[tuple[int, int]]:
    """(lowest, highest) count of each shade, equal steps from 1 to ``maximum``; at most ``CLASSES``."""
    if maximum < 1:
        return []
    k = min(CLASSES, maximum)
    out, low = [], 1
    for i in range(k):
        high = ceil(maximum * (i + 1) / k)
        out.append((low, high))
        low = high + 1
    return out


def shade_of(count: int, classes: list[tuple[int, int]]) -> int:
    """0 for no case, else 1 … len(classes)."""
    for i, (_low, high) in enumerate(classes, 1):
        if count <= high:
            return i if count else 0
    return 0


def _range_text(low: int, high: int) -> str:
    return f"{low:,}件" if low == high else f"{low:,}〜{high:,}件"


def _inset(data: dict, frame: str = "cb-map-inset", label: str = "cb-map-label") -> str:
    """The frame of the Okinawa inset and its name."""
    x, y, w, h = data["inset"]
    return (
        f'<rect class="{frame}" x="{x}" y="{y}" width="{w}" height="{h}"/>'
        f'<text class="{label}" x="{x + w - 8}" y="{y + h - 10}" text-anchor="end">沖縄県</text>'
    )


def case_map(page, size: str = "large", with_list: bool = False) -> Markup:
    """The map of published cases for the page ``page`` (a ``PageContext``): ``size`` is small (home) or large."""
    if not enabled():
        return Markup("")
    data = shapes()
    facet = page.book.facets["prefecture"]
    counts = {v.label: facet.count(v.label) for v in facet.values}
    classes = shade_classes(max(counts.values(), default=0))
    map_id = f"cb-map-{size}"
    with_cases = [(p, counts[p.name]) for p in PREFECTURES if counts.get(p.name)]
    title = (
        f"事例のある都道府県の地図（{len(with_cases)}都道府県）: "
        + "、".join(f"{p.name} {n:,}件" for p, n in with_cases)
        + "。色が濃いほど事例が多い都道府県です。"
    )
    parts = [
        f'<svg class="cb-map-svg" viewBox="{data["viewBox"]}" role="{svg_role(bool(with_cases))}" '
        f'aria-labelledby="{map_id}-title">'
        f'<title id="{map_id}-title">{escape(title)}</title>',
        _inset(data),
    ]
    for p in PREFECTURES:
        n = counts.get(p.name, 0)
        shape = (
            f'<path class="cb-map-shape cb-map-s{shade_of(n, classes)}" data-pref="{p.name}" '
            f'd="{data["paths"][p.slug]}"><title>{p.name} {f"{n:,}件" if n else "事例なし"}</title></path>'
        )
        if n:
            href = page.link_to(facet.path(p.name))
            shape = svg_link(href, shape, "cb-map-link", f"{p.name} {n:,}件", f' data-pref="{p.name}"')
        parts.append(shape)
    parts.append("</svg>")
    legend = ['<li><span class="cb-swatch cb-map-s0" aria-hidden="true"></span>事例なし</li>']
    legend += [
        f'<li><span class="cb-swatch cb-map-s{i}" aria-hidden="true"></span>{_range_text(lo, hi)}</li>'
        for i, (lo, hi) in enumerate(classes, 1)
    ]
    parts.append(f'<ul class="cb-map-legend" aria-label="色の見かた">{"".join(legend)}</ul>')
    parts.append(
        f'<p class="cb-map-credit">地図: <a href="{CREDIT_URL}">@svg-maps/japan</a>'
        "（Victor Cazanave 作、MapSVG の地図をもとにしたもの）を簡略にして作成。"
        f'ライセンスは <a href="{data["license_url"]}">CC BY 4.0</a> です。</p>'
    )
    if with_list and with_cases:
        items = "".join(
            f'<li><a href="{escape(page.link_to(facet.path(p.name)))}">{p.name}</a> {n:,}件</li>' for p, n in with_cases
        )
        parts.append(
            f'<details class="cb-map-list"><summary>事例のある都道府県の一覧（{len(with_cases)}）</summary>'
            f"<ul>{items}</ul></details>"
        )
    return Markup(f'<div class="cb-map cb-map--{size}" data-pagefind-ignore="all">{"".join(parts)}</div>')


# -- locator maps ----------------------------------------------------------------------------------------------
_NUMBER = re.compile(r"-?\d*\.?\d+")
LOCATOR_STYLE = (
    ".o{fill:#cfd8dc;stroke:#90a4ae;stroke-width:.5}.h{fill:#00695c;stroke:#00332c;stroke-width:.8}"
    ".r{fill:none;stroke:#d84315;stroke-width:6}.f{fill:none;stroke:#78909c;stroke-width:1}"
    ".t{fill:#78909c;font:bold 22px sans-serif}"
)
"""Colours that read on a light and a dark page (the file cannot see the page's colour scheme)."""


def _main_box(d: str) -> tuple[float, float, float, float]:
    """(x0, y0, x1, y1) of the largest ring of a path written by tools/make_japan_map.py (M x y l dx dy … z)."""
    best = (0.0, 0.0, 0.0, 0.0)
    for ring in d.split("z"):
        nums = [float(n) for n in _NUMBER.findall(ring)]
        if len(nums) < 2:
            continue
        x, y = nums[0], nums[1]
        xs, ys = [x], [y]
        for dx, dy in zip(nums[2::2], nums[3::2], strict=False):
            x, y = x + dx, y + dy
            xs.append(x)
            ys.append(y)
        box = (min(xs), min(ys), max(xs), max(ys))
        if (box[2] - box[0]) * (box[3] - box[1]) > (best[2] - best[0]) * (best[3] - best[1]):
            best = box
    return best


def locator_svg(slug: str) -> bytes:
    """The map with one prefecture highlighted and ringed (a small one such as Osaka is a dot at this size)."""
    data = shapes()
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{data["viewBox"]}">',
        f"<desc>{escape(data['source'])}、{data['license']}。{escape(data['changes'])}</desc>",
        f"<style>{LOCATOR_STYLE}</style>",
        _inset(data, "f", "t"),  # the name is too small to read here, but says what the box is
    ]
    for other, d in data["paths"].items():
        if other != slug:
            out.append(f'<path class="o" d="{d}"/>')
    d = data["paths"][slug]
    out.append(f'<path class="h" d="{d}"/>')
    x0, y0, x1, y1 = _main_box(d)
    r = max(max(x1 - x0, y1 - y0) / 2 + 12, 28)
    out.append(f'<circle class="r" cx="{(x0 + x1) / 2:.1f}" cy="{(y0 + y1) / 2:.1f}" r="{r:.1f}"/>')
    out.append("</svg>\n")
    return "".join(out).encode("utf-8")


def locator_path(prefecture: str) -> str:
    return f"{LOCATOR_DIR}/{_SLUG[prefecture]}.svg"


def locator_files(renderer) -> list[tuple[str, bytes]]:
    """Producer: one locator map per prefecture (``sitefiles.PRODUCERS``)."""
    if not enabled():
        return []
    return [(locator_path(p.name), locator_svg(p.slug)) for p in PREFECTURES]


def locator(to_root: str, prefecture: str) -> Markup:
    """The ``<img>`` of a case page's locator map (``to_root``: the page's way to the site root)."""
    if not enabled() or prefecture not in _SLUG:
        return Markup("")
    src = escape(to_root + locator_path(prefecture))
    alt = escape(f"{prefecture}の位置を示す日本地図")
    return Markup(f'<img class="cb-locator" src="{src}" alt="{alt}" width="96" height="86" data-pagefind-ignore="all">')
