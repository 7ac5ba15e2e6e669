"""Structured data (schema.org JSON-LD) for case pages.

A page's structured data is its front matter's ``json_ld`` (a mapping; ``dumps`` writes it as one line of
JSON, which is YAML). The theme (``mkdocs/theme/partials/cb-json-ld.html``) writes it into ``<head>`` with
Jinja's ``tojson``, which escapes ``<``, ``>``, ``&`` and ``'``: no value (a summary holding ``</script>``)
can end the block. ``<head>``, not the article: Material's instant navigation runs the article's scripts
again without their ``type``, and JSON run as JavaScript is an error.

``script(data)`` writes a block escaped the same way; the allow-list (``postprocess.sanitize``) keeps
exactly such blocks in an article (re-written by it) and no other script.
"""

from __future__ import annotations

import json
import re

from markupsafe import Markup

OPEN = '<script type="application/ld+json">'
CLOSE = "</script>"
_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_UNSAFE_RE = re.compile("[<>&\u2028\u2029]")
SCHEMA = "https://schema.org"
TYPES = {"団体": "Organization", "自治体の仕組み": "Project"}
"""schema.org type by the record's kind: a municipality's scheme is a ``Project`` (a kind of Organization)."""


def dumps(data) -> str:
    """JSON text that is safe inside a script element, and a YAML flow mapping (spaces after ``:`` and ``,``)."""
    text = json.dumps(data, ensure_ascii=False)
    return _UNSAFE_RE.sub(lambda m: _UNSAFE[m.group(0)], text)


def script(data) -> Markup:
    return Markup(f"{OPEN}{dumps(data)}{CLOSE}")


def _bare(name: str) -> str:
    """A name without its parenthesised note: 「合同会社あば村（あば商店…）」 → 「合同会社あば村」."""
    return re.sub(r"[（(].*?[）)]", "", name).strip()


def own_pages(case) -> list[str]:
    """Source URLs the organisation publishes itself: the publisher is the organisation's name (not a copy
    on another site). A municipality's own pages count only for a municipality's scheme (自治体の仕組み)."""
    name = _bare(case.name)
    public = {case.prefecture, case.municipality, case.prefecture + case.municipality}
    out = []
    for s in case.sources:
        publisher = s.publisher or ""
        if not s.url or any(word in publisher for word in _COPIES):
            continue
        publisher = _bare(publisher)
        if len(publisher) < 3 or not (publisher in name or name in publisher):
            continue
        if publisher in public and case.kind != "自治体の仕組み":
            continue
        out.append(s.url)
    return list(dict.fromkeys(out))


_COPIES = ("転載", "写し")
"""Words of a publisher's note that mark a copy on someone else's site."""


def organization(case, url: str) -> dict:
    """schema.org ``Organization`` (or ``Project``) of a case record."""
    address = {"@type": "PostalAddress", "addressCountry": "JP", "addressRegion": case.prefecture}
    address["addressLocality"] = case.municipality
    data: dict = {
        "@context": SCHEMA,
        "@type": TYPES.get(case.kind, "Organization"),
        "name": case.name,
        "alternateName": case.kana,
        "address": address,
        "description": case.summary,
        "url": url,
    }
    if case.district:
        data["areaServed"] = case.prefecture + case.municipality + case.district
    if case.founded:
        data["foundingDate"] = str(case.founded)
    same = own_pages(case)
    if same:
        data["sameAs"] = same
    return data
