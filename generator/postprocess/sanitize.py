"""The output side of the content policy: what Markdown renders passes nh3's allow-list.

The input side (``records.policy``) rejects raw HTML and unsafe links with a
located error; this is the second line behind it, so that a gap in those
checks still cannot put script on a page.
"""

from __future__ import annotations

import re
from functools import cache

from ..records.policy import SAFE_SCHEMES, link_problem

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt", "em", "h1", "h2", "h3",
    "h4", "h5", "h6", "hr", "img", "li", "mark", "ol", "p", "pre", "span", "strong", "sub", "summary", "sup",
    "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "*": {"class", "id", "title", "hidden"},
    "a": {"href"},
    "img": {"src", "alt"},
    "td": {"style"},
    "th": {"style"},
    "ol": {"start"},
}
# Charts and maps (issue 27): inline SVG drawn by pages/charts.py and pages/japan_map.py. Shapes, text and links
# only: no style, no <use>, <image>, <foreignObject> or animation, and links pass the same URL schemes.
ALLOWED_TAGS |= {"svg", "g", "path", "rect", "line", "circle", "text", "title"}
_SVG_SHAPE = {"class", "x", "y", "width", "height", "x1", "y1", "x2", "y2", "cx", "cy", "r", "d", "data-pref"}
ALLOWED_ATTRIBUTES |= {
    "svg": {"viewBox", "role", "aria-labelledby"},
    "text": {"x", "y", "text-anchor"},
    **{tag: _SVG_SHAPE for tag in ("g", "path", "rect", "line", "circle")},
}
ALLOWED_ATTRIBUTES["a"] = {"href", "tabindex", "aria-label", "data-pref"}  # SVG links: xlink:href is href
ALLOWED_ATTRIBUTES["ul"] = {"aria-label"}
ALLOWED_ATTRIBUTES["span"] = {"aria-hidden"}
_EXTERNAL_A = re.compile(r'<a (?![^>]*\brel=)([^>]*\bhref="(?:https?:)?//[^"]*"[^>]*)>')


@cache
def _cleaner(images: bool):
    """nh3's cleaner, made once (``nh3.clean`` converts the allow-lists on every call). With ``images``, a
    Python check of every attribute drops image sources from outside the site; a text without ``<img`` needs none."""
    import nh3

    return nh3.Cleaner(
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        generic_attribute_prefixes={"data-pagefind-"},
        url_schemes=SAFE_SCHEMES,
        filter_style_properties={"text-align"},
        link_rel=None,
        strip_comments=True,
        attribute_filter=_local_images_only if images else None,
    )


_IMG = re.compile(r"<img", re.I)


def sanitize(html: str) -> str:
    """Allow-list cleaning of a rendered page body (nh3): no script, no handlers, safe URLs only."""
    return _cleaner(_IMG.search(html) is not None).clean(html)


def _local_images_only(tag: str, attribute: str, value: str) -> str | None:
    """Drop an image source that would load from outside the site."""
    if tag == "img" and attribute == "src" and link_problem(value, image=True):
        return None
    return value


def protect_external_links(html: str) -> str:
    """``rel="noopener noreferrer"`` on every link that leaves the site."""
    return _EXTERNAL_A.sub(r'<a \1 rel="noopener noreferrer">', html)
