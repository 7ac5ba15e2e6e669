"""The output side of the content policy: what Markdown renders passes nh3's allow-list.

The input side (``records.policy``) rejects raw HTML and unsafe links with a
located error; this is the second line behind it, so that a gap in those
checks still cannot put script on a page.
"""

from __future__ import annotations

import json
import re
import secrets
from functools import cache

from ..pages.jsonld import OPEN as JSONLD_OPEN
from ..pages.jsonld import script as jsonld_script
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
FINDER_TAGS = ALLOWED_TAGS | {
    "button", "fieldset", "form", "input", "label", "legend", "noscript", "option", "section", "select",
}  # fmt: skip
"""The finders' pages (the search page, 「地域の状況から探す」) also hold their form controls."""
FINDER_ATTRIBUTES = {
    **ALLOWED_ATTRIBUTES,
    "*": ALLOWED_ATTRIBUTES["*"] | {"role", "tabindex"},
    "input": {"type", "name", "value", "placeholder", "autocomplete"},
    "label": {"for"},
    "option": {"value"},
    "button": {"type"},
}
_ALIGN = re.compile(r'<(td|th)\b([^>]*?)\sstyle="\s*text-align:\s*(left|right|center)\s*;?\s*"([^>]*)>')
"""A table cell aligned by Markdown's ``tables`` (``style="text-align: right;"``)."""
_EXTERNAL_A = re.compile(r'<a (?![^>]*\brel=)([^>]*\bhref="(?:https?:)?//[^"]*"[^>]*)>')


@cache
def _cleaner(images: bool, finder: bool = False):
    """nh3's cleaner, made once (``nh3.clean`` converts the allow-lists on every call). With ``images``, a
    Python check of every attribute drops image sources from outside the site; a text without ``<img`` needs none."""
    import nh3

    return nh3.Cleaner(
        tags=FINDER_TAGS if finder else ALLOWED_TAGS,
        attributes=FINDER_ATTRIBUTES if finder else ALLOWED_ATTRIBUTES,
        # The finders' script finds its parts by data-cb-*; aria-* names their groups and states.
        generic_attribute_prefixes={"data-pagefind-", "data-cb-", "aria-"} if finder else {"data-pagefind-"},
        url_schemes=SAFE_SCHEMES,
        link_rel=None,
        strip_comments=True,
        attribute_filter=_local_images_only if images else None,
    )


_IMG = re.compile(r"<img", re.I)


def sanitize(html: str, finder: bool = False) -> str:
    """Allow-list cleaning of a rendered page body (nh3): no script, no handlers, safe URLs only.

    The one script kept is structured data, ``<script type="application/ld+json">`` with nothing else in the
    tag, whose content is JSON: it is parsed and written again escaped (``pages.jsonld``), so nothing in it
    can end the block. Any other script, and a JSON-LD block that is not JSON, is removed.

    ``finder``: the allow-list of the finders' pages, which adds their form controls (still no script)."""
    if JSONLD_OPEN not in html:
        return _cleaner(_IMG.search(html) is not None, finder).clean(html)
    kept: list[str] = []
    token = f"cbjsonld{secrets.token_hex(8)}x"

    def take(m: re.Match) -> str:
        try:
            data = json.loads(m.group(1))
        except ValueError:
            return ""
        kept.append(jsonld_script(data))
        return f"{token}{len(kept) - 1}{token}"

    html = _JSONLD.sub(take, html)
    cleaned = _cleaner(_IMG.search(html) is not None, finder).clean(html)
    return re.sub(rf"{token}(\d+){token}", lambda m: kept[int(m.group(1))], cleaned)


_JSONLD = re.compile(re.escape(JSONLD_OPEN) + r"(.*?)</script\s*>", re.S | re.I)


def _local_images_only(tag: str, attribute: str, value: str) -> str | None:
    """Drop an image source that would load from outside the site."""
    if tag == "img" and attribute == "src" and link_problem(value, image=True):
        return None
    return value


def protect_external_links(html: str) -> str:
    """``rel="noopener noreferrer"`` on every link that leaves the site."""
    return _EXTERNAL_A.sub(r'<a \1 rel="noopener noreferrer">', html)


def align_classes(html: str) -> str:
    """Table cells' ``style="text-align: …"`` as ``class="cb-align-…"`` (styled in casebook.css), so that
    no page needs inline styles (a Content-Security-Policy without ``'unsafe-inline'`` blocks them)."""
    return _ALIGN.sub(_align_class, html) if "text-align" in html else html


def _align_class(m: re.Match) -> str:
    tag, before, side, after = m.groups()
    attributes = before + after
    name = f"cb-align-{side}"
    if ' class="' in attributes:
        attributes = attributes.replace(' class="', f' class="{name} ', 1)
    else:
        attributes += f' class="{name}"'
    return f"<{tag}{attributes}>"
