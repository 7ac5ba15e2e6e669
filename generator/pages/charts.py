"""Charts drawn at build time as inline SVG: horizontal bars (facet overviews, regions) and columns (the trend).

Every chart is ``role="img"`` named by a ``<title>`` that states all its figures; its numbers are also on the
page as a table. Text is SVG text in the page's fonts (``casebook.css`` styles ``.cb-chart``), colours come from
CSS variables set for both colour schemes, and a bar's value is always written next to it (colour never carries
meaning alone). Links inside a chart are for pointers only (``tabindex="-1"``): keyboards and screen readers use
the table's links. The charts are small: a few dozen elements whatever the number of cases.

``CASEBOOK_CHARTS=0`` leaves every chart (and map) out; ``bench/build.py`` measures their cost with it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

WIDTH = 360
"""Width of every chart in SVG units: at a phone's width one unit is about one CSS pixel, so text stays legible."""


def enabled() -> bool:
    """Charts and maps are drawn unless ``CASEBOOK_CHARTS=0`` (a switch for benchmarks)."""
    return os.environ.get("CASEBOOK_CHARTS", "1") != "0"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str
    """The value as written next to the bar (e.g. ``4,177組織``)."""
    href: str | None = None
    note: str = ""
    """A second line under a column's label (e.g. the era year)."""


def _e(text) -> str:
    return escape(str(text), quote=True)


def _title(chart_id: str, title: str, bars: list[Bar]) -> str:
    figures = "、".join(f"{b.label}{('（' + b.note + '）') if b.note else ''} {b.text}" for b in bars)
    return f'<title id="{chart_id}-title">{_e(title)}: {_e(figures)}</title>'


def svg_role(linked: bool) -> str:
    """``img`` for a picture; a chart with links is a ``group`` named the same way, since an image's children
    are presentational and its links would be lost to assistive technology (axe: nested-interactive)."""
    return "group" if linked else "img"


def svg_link(href: str, inner: str, cls: str, name: str, extra: str = "") -> str:
    """A link inside an SVG. ``xlink:href``, not ``href``: Material's instant navigation assigns ``el.href`` of
    every ``[href]`` element, which an SVG link does not allow (an uncaught error that stops its script).
    Out of the tab order: keyboards use the page's table or list of the same links."""
    return f'<a class="{cls}" xlink:href="{_e(href)}" tabindex="-1" aria-label="{_e(name)}"{extra}>{inner}</a>'


def _open(chart_id: str, height: float, kind: str, linked: bool = False) -> str:
    return (
        f'<svg class="cb-chart cb-chart--{kind}" id="{chart_id}" viewBox="0 0 {WIDTH} {height:g}" '
        f'role="{svg_role(linked)}" aria-labelledby="{chart_id}-title" data-pagefind-ignore="all">'
    )


def _link(bar: Bar, inner: str) -> str:
    if not bar.href:
        return f'<g class="cb-bar-item">{inner}</g>'
    return svg_link(bar.href, inner, "cb-bar-item", f"{bar.label} {bar.text}")


def bar_chart(chart_id: str, title: str, bars: list[Bar]) -> Markup:
    """Horizontal bars, one row each: the label above, the bar under it with its value at its end."""
    if not bars:
        return Markup("")
    row, label_h, bar_h, value_room = 40, 17, 15, 76
    top = 4
    height = top + row * len(bars) + 2
    biggest = max(b.value for b in bars) or 1
    scale = (WIDTH - value_room - 2) / biggest
    parts = [_open(chart_id, height, "bars", any(b.href for b in bars)), _title(chart_id, title, bars)]
    for i, b in enumerate(bars):
        y = top + i * row
        w = max(b.value * scale, 0)
        bar = f'<rect class="cb-bar" x="1" y="{y + label_h + 4}" width="{w:.1f}" height="{bar_h}"/>' if w else ""
        label = f'<text class="cb-chart-label" x="1" y="{y + label_h - 3}">{_e(b.label)}</text>'
        value = f'<text class="cb-chart-value" x="{w + 7:.1f}" y="{y + label_h + bar_h}">{_e(b.text)}</text>'
        parts.append(_link(b, label + bar) + value)
    parts.append(f'<line class="cb-axis" x1="1" y1="0" x2="1" y2="{height:g}"/>')
    parts.append("</svg>")
    return Markup("".join(parts))


def column_chart(chart_id: str, title: str, bars: list[Bar | None]) -> Markup:
    """Vertical columns in time order, each labelled with its value above and its year (and note) below.
    ``None`` is a year without a figure: its slot stays, marked 「数字なし」, so the spacing stays honest."""
    shown = [b for b in bars if b]
    if not shown:
        return Markup("")
    top, plot_h, foot = 22, 150, 38
    height = top + plot_h + foot
    slot = (WIDTH - 4) / len(bars)
    col_w = min(34, slot * 0.62)
    biggest = max(b.value for b in shown) or 1
    base = top + plot_h
    parts = [_open(chart_id, height, "columns"), _title(chart_id, title, shown)]
    for i, b in enumerate(bars):
        cx = 2 + slot * (i + 0.5)
        if b is None:
            note = f'<text class="cb-chart-note" x="{cx:.1f}" y="{base - 6}" text-anchor="middle">数字なし</text>'
            parts.append(note)
            continue
        h = b.value / biggest * (plot_h - 4)
        parts.append(
            f'<g class="cb-bar-item"><rect class="cb-bar" x="{cx - col_w / 2:.1f}" y="{base - h:.1f}" '
            f'width="{col_w:.1f}" height="{h:.1f}"/>'
            f'<text class="cb-chart-value" x="{cx:.1f}" y="{base - h - 6:.1f}" text-anchor="middle">{_e(b.text)}</text>'
            f'<text class="cb-chart-label" x="{cx:.1f}" y="{base + 16}" text-anchor="middle">{_e(b.label)}</text>'
            f'<text class="cb-chart-note" x="{cx:.1f}" y="{base + 32}" text-anchor="middle">{_e(b.note)}</text></g>'
        )
    parts.append(f'<line class="cb-axis" x1="0" y1="{base}" x2="{WIDTH}" y2="{base}"/>')
    parts.append("</svg>")
    return Markup("".join(parts))


def figure(chart: Markup, caption: str, table: str = "") -> Markup:
    """A chart with its caption and, if given, its numbers as a table behind 「数値を表で見る」."""
    if not chart:
        return Markup("")
    details = f'<details class="cb-chart-table"><summary>数値を表で見る</summary>{table}</details>' if table else ""
    return Markup(f'<div class="cb-figure">{chart}<p class="cb-figure-caption">{_e(caption)}</p>{details}</div>')


def table(head: tuple[str, str], rows: list[tuple[str, str]]) -> str:
    body = "".join(f'<tr><td>{_e(a)}</td><td class="cb-num">{_e(b)}</td></tr>' for a, b in rows)
    return f"<table><thead><tr><th>{_e(head[0])}</th><th>{_e(head[1])}</th></tr></thead><tbody>{body}</tbody></table>"


# -- the national figures (data/national.yaml) --------------------------------------------------------------
_ERA = re.compile(r"(平成|令和)(元|\d+)年度")
_ERA_START = {"平成": 1988, "令和": 2018}


def western_year(fiscal_year: str) -> int | None:
    """2016 for 「平成28年度」, 2019 for 「令和元年度」; None for anything else."""
    m = _ERA.search(fiscal_year)
    if not m:
        return None
    return _ERA_START[m.group(1)] + (1 if m.group(2) == "元" else int(m.group(2)))


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def trend(by_year: list[dict], key: str) -> list[Bar | None]:
    """One column per fiscal year from the first to the last survey with a figure for ``key``; a year
    between them without one is None."""
    points = {}
    for item in by_year:
        year, value = western_year(item["fiscal_year"]), item.get(key)
        if year and value:
            era = item["fiscal_year"].removesuffix("年度")
            points[year] = Bar(era, _number(value), value, note=f"{year}年度")
    if not points:
        return []
    return [points.get(y) for y in range(min(points), max(points) + 1)]


TREND_CHARTS = (
    ("organizations", "地域運営組織の数（年度ごと）", "組織"),
    ("municipalities", "地域運営組織がある市区町村の数（年度ごと）", "市区町村"),
)
REGION_PREFIX = "fy2016-region-"


def national_charts(data: dict) -> Markup:
    """The trend charts (organizations, municipalities) from ``by_year``."""
    if not enabled():
        return Markup("")
    by_year = data.get("by_year") or []
    out = []
    for key, title, unit in TREND_CHARTS:
        bars = trend(by_year, key)
        caption = f"{title}。単位は{unit}です。「数字なし」の年度は、出典で確かめられた数がありません。"
        out.append(figure(column_chart(f"cb-trend-{key}", title, bars), caption))
    return Markup("".join(out))


def region_chart(data: dict) -> Markup:
    """The FY2016 organizations per region (the ``fy2016-region-*`` findings) as bars, with their table."""
    if not enabled():
        return Markup("")
    items = [f for f in data.get("findings") or [] if str(f.get("key", "")).startswith(REGION_PREFIX)]
    bars = [Bar(f["label"], _number(f["value"]), f"{f['value']}{f.get('unit') or ''}") for f in items]
    if not items:
        return Markup("")
    year = items[0].get("fiscal_year") or ""
    title = f"{year}の地方別の地域運営組織の数" if year else "地方別の地域運営組織の数"
    rows = [(b.label, b.text) for b in bars]
    return figure(bar_chart("cb-regions", title, bars), f"{title}。", table(("地方", "団体数"), rows))


def facet_chart(page, facet) -> Markup:
    """A facet overview's bars: cases per value, in the page's order, each bar with cases linking to its page."""
    if not enabled():
        return Markup("")
    bars = []
    for v in facet.values:
        n = facet.count(v.label)
        bars.append(Bar(v.label, n, f"{n:,}件", page.link_to(facet.path(v.label)) if n else None))
    title = f"{facet.title}ごとの事例の数"
    return figure(bar_chart(f"cb-facet-{facet.slug}", title, bars), f"{title}。同じ数字を下の表にも載せています。")
