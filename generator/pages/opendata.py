"""The records as open data: ``data/`` of the built site and ``casebook export-data DIR``.

``data_files(book, site_url)`` gives (file name, bytes) for ``cases.json``, ``cases.csv``,
``vocabulary.json``, ``glossary.json``, ``national.json`` and ``datapackage.json`` (a Frictionless
Data Package). Their table schemas are derived from the record definitions (``records.definitions``,
built from the field registry): a field is declared once, and the data files follow it.

- ``cases.json``: one object per published record, with every field of the record (absent ones as
  null), the narrative as ``body`` (Markdown) and the page's ``url``. Drafts are never exported.
- ``cases.csv``: one row per record, UTF-8 with a BOM (so that Excel reads Japanese), nested values
  flattened (``population.people``, ``stages.知る``); lists of terms or URLs joined by ``LIST_SEPARATOR``
  (``|``, which neither a URL nor a term may contain). Free-text parts of lists (a factor's detail,
  a source's title) and the narrative are in ``cases.json`` only.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Iterator

from ..records import registry
from ..records.definitions import _NATIONAL_ITEM, CASE, GLOSSARY_FILE, TERM
from .text import page_url, relative_url

LIST_SEPARATOR = "|"
"""Joins the values of a list in a CSV cell."""
CSV_OMIT = frozenset({"body"})
"""Record fields left out of the CSV (the narrative: long Markdown; it is in cases.json)."""
LICENSE = {
    "name": "CC-BY-4.0",
    "title": "クリエイティブ・コモンズ 表示 4.0 国際（CC BY 4.0）",
    "path": "https://creativecommons.org/licenses/by/4.0/deed.ja",
}
TITLE = "地域運営組織 事例・研修ナレッジベース（RMO Casebook）の事例データ"
FILES = ("cases.json", "cases.csv", "vocabulary.json", "glossary.json", "national.json", "datapackage.json")
FOLDER = "data"
"""Where the files live in the built site (``data/cases.json`` …)."""


class ExportError(ValueError):
    """The data cannot be written as documented (a list value holds the CSV separator)."""


# -- values -------------------------------------------------------------------------------------
def plain(value):
    """A record value as JSON data: dataclasses as objects (without their source location), tuples as lists."""
    if hasattr(value, "__dataclass_fields__"):
        return {k: plain(getattr(value, k)) for k in value.__dataclass_fields__ if k != "location"}
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    return value


def case_object(case, body: str | None, url: str) -> dict:
    """One record as in ``cases.json``: every field of the record definition, in its order, then ``url``."""
    out = {}
    for f in CASE.fields:
        if f.name == "stages":
            out["stages"] = dict(case.stages)
        elif f.name == "body":
            out["body"] = body or None
        else:
            out[f.name] = plain(getattr(case, f.name, None))
    out["url"] = url
    return out


# -- table schemas, from the record definitions ------------------------------------------------------
_JSON_TYPES = {"string": "string", "integer": "integer", "array": "array", "object": "object"}


def _field(name: str, js: dict, required: bool = False, title: str | None = None) -> dict:
    """A Table Schema field from a JSON Schema property."""
    kind = js.get("type", "string")
    out: dict = {"name": name}
    if title:
        out["title"] = title
    if js.get("description"):
        out["description"] = js["description"]
    if kind == "string" and js.get("format") == "date":
        out["type"] = "date"
    elif kind == "string" and js.get("format") == "uri":
        out.update(type="string", format="uri")
    else:
        out["type"] = _JSON_TYPES[kind]
    constraints: dict = {}
    if required:
        constraints["required"] = True
    if "enum" in js:
        constraints["enum"] = js["enum"]
    if "maxLength" in js:
        constraints["maxLength"] = js["maxLength"]
    if "pattern" in js and js.get("format") != "uri":
        constraints["pattern"] = js["pattern"].removeprefix("^").removesuffix("$")
    for key in ("minimum", "maximum"):
        if key in js:
            constraints[key] = js[key]
    if constraints:
        out["constraints"] = constraints
    return out


def _titles() -> dict[str, str]:
    """Record key → the registry's title (the label the site shows), for the fields the registry declares."""
    return {f.key: f.title for f in registry.FIELDS if f.key}


def json_schema_fields(record, vocab, extra: tuple[dict, ...] = ()) -> list[dict]:
    """The Table Schema fields of a JSON resource whose rows are ``record``'s objects."""
    js = record.schema(vocab)
    titles = _titles()
    required = set(js.get("required", ()))
    return [_field(name, prop, name in required, titles.get(name)) for name, prop in js["properties"].items()] + list(
        extra
    )


def csv_columns(vocab) -> list[tuple[str, tuple[str, ...], dict]]:
    """The CSV's columns as (name, path into a ``cases.json`` object, Table Schema field)."""
    js = CASE.schema(vocab)
    titles = _titles()
    required = set(js.get("required", ()))
    out: list[tuple[str, tuple[str, ...], dict]] = []
    for name, prop in js["properties"].items():
        if name in CSV_OMIT:
            continue
        kind = prop.get("type")
        if kind == "object":  # population, stages: one column per property
            for sub, sub_prop in prop["properties"].items():
                column = f"{name}.{sub}"
                out.append((column, (name, sub), _field(column, sub_prop)))
        elif kind == "array":
            item = prop["items"]
            if item.get("type") == "object":  # factor notes, support, sources: their terms and URLs only
                for sub, sub_prop in item["properties"].items():
                    if "enum" in sub_prop or sub_prop.get("format") == "uri":
                        column = f"{name}.{sub}"
                        out.append((column, (name, "*", sub), _list_field(column, sub_prop, name in required)))
            else:
                out.append((name, (name, "*"), _list_field(name, {**item, **prop}, name in required, titles.get(name))))
        else:
            out.append((name, (name,), _field(name, prop, name in required, titles.get(name))))
    out.append(("url", ("url",), _URL_FIELD))
    return out


def _list_field(name: str, js: dict, required: bool, title: str | None = None) -> dict:
    """A CSV column holding a list: a string of values joined by ``LIST_SEPARATOR``; values from a vocabulary
    or fixed choices are checked by a pattern built from them."""
    out: dict = {"name": name, "type": "string"}
    if title:
        out["title"] = title
    text = js.get("description", "")
    out["description"] = (text + "。" if text else "") + f"複数の値は「{LIST_SEPARATOR}」で区切っています。"
    constraints: dict = {"required": True} if required else {}
    if js.get("enum"):
        one = "(?:" + "|".join(re.escape(v) for v in js["enum"]) + ")"
        constraints["pattern"] = f"{one}(?:{re.escape(LIST_SEPARATOR)}{one})*"
    if constraints:
        out["constraints"] = constraints
    return out


_URL_FIELD = {
    "name": "url",
    "type": "string",
    "title": "ページ",
    "description": "サイトでのこの事例のページ（site_url が設定されていればそれを含む URL、"
    "なければサイトの根からの相対パス）",
    "constraints": {"required": True},
}


def csv_cell(obj: dict, path: tuple[str, ...], column: str):
    """The value of one CSV cell: lists joined by ``LIST_SEPARATOR``, absent values empty."""
    value = obj.get(path[0])
    if len(path) > 1 and path[1] == "*":
        items = [(v.get(path[2]) if len(path) > 2 else v) for v in value or ()]
        items = [str(v) for v in items if v is not None]
        for v in items:
            if LIST_SEPARATOR in v:
                raise ExportError(f"{obj['id']}: {column}: 「{v}」に区切りの「{LIST_SEPARATOR}」が入っています。")
        return LIST_SEPARATOR.join(items)
    if len(path) > 1:
        value = (value or {}).get(path[1])
    return "" if value is None else value


def cases_csv(objects: list[dict], vocab) -> bytes:
    columns = csv_columns(vocab)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([name for name, _path, _f in columns])
    for obj in objects:
        writer.writerow([csv_cell(obj, path, name) for name, path, _f in columns])
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


# -- the other files ---------------------------------------------------------------------------------
def vocabulary_rows(vocab) -> list[dict]:
    rows = []
    for name in registry.VOCABULARIES:
        v = vocab[name]
        for t in v.terms:
            row = {f.name: getattr(t, f.name) for f in TERM.fields}
            rows.append({**row, "vocabulary": name, "vocabulary_title": v.title})
    return rows


_REQUIRED = {"required": True}
_VOCAB_EXTRA = (
    {
        "name": "vocabulary",
        "type": "string",
        "description": "語彙の名前（事例レコードの項目）",
        "constraints": _REQUIRED,
    },
    {"name": "vocabulary_title", "type": "string", "description": "語彙の見出し（サイトでの表示）"},
)


def glossary_rows(glossary) -> list[dict]:
    item = GLOSSARY_FILE.fields[0].type.item
    return [
        {f.name: ("yes" if t.link else "no") if f.name == "link" else plain(getattr(t, f.name)) for f in item.fields}
        for t in glossary
    ]


_NATIONAL_EXTRA = (
    {"name": "section", "type": "string", "description": "data/national.yaml の区分", "constraints": _REQUIRED},
    {"name": "source_title", "type": "string", "description": "出典の題名"},
    {"name": "source_publisher", "type": "string", "description": "出典の発行者"},
    {"name": "source_url", "type": "string", "format": "uri", "description": "出典の URL"},
    {"name": "source_year", "type": "integer", "description": "出典の発行年"},
)


def national_rows(national: dict | None) -> list[dict]:
    if not national:
        return []
    sources = national["sources"]
    rows = []
    for section, items in national.items():
        if section == "sources":
            continue
        for item in items or ():
            s = sources.get(item.get("source") or "")
            rows.append(
                {
                    **{f.name: item.get(f.name) for f in _NATIONAL_ITEM.fields},
                    "section": section,
                    "source_title": s.title if s else None,
                    "source_publisher": s.publisher if s else None,
                    "source_url": s.url if s else None,
                    "source_year": s.year if s else None,
                }
            )
    return rows


def _json(data) -> bytes:
    """JSON in UTF-8; a list with one item per line (compact, and a changed record is a changed line)."""
    if isinstance(data, list):
        lines = ",\n".join(json.dumps(item, ensure_ascii=False, separators=(",", ":")) for item in data)
        return f"[\n{lines}\n]\n".encode() if data else b"[]\n"
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _integrity(content: bytes) -> dict:
    """Size and hash, which Frictionless checks for a CSV (its JSON reader does not count bytes)."""
    return {"bytes": len(content), "hash": "sha256:" + hashlib.sha256(content).hexdigest()}


def _resource(name: str, path: str, content: bytes, fields: list[dict], title: str, **more) -> dict:
    return {
        "name": name,
        "path": path,
        "title": title,
        "profile": "tabular-data-resource",
        **more,
        **(_integrity(content) if path.endswith(".csv") else {}),
        "schema": {"fields": fields, **({"primaryKey": ["id"]} if name.startswith("cases") else {})},
    }


def package_sources(book) -> list[dict]:
    """The package's sources: each record names its own (``sources``); the national figures theirs."""
    out = [{"title": "各事例の出典（cases.json の sources、cases.csv の sources.url 列）"}]
    national = book.dataset.national or {}
    for s in (national.get("sources") or {}).values():
        entry = {"title": s.title + (f"（{s.publisher}）" if s.publisher else "")}
        if s.url:
            entry["path"] = s.url
        out.append(entry)
    return out


def bodies(book) -> list[str]:
    """The narrative of each published record (``content/cases/<id>.md`` or its ``body``), in order."""
    narratives = book.dataset.narratives
    out = []
    for case in book.dataset.published:
        path = narratives.get(case.id)
        out.append(path.read_text(encoding="utf-8").strip() if path else (case.body or "").strip())
    return out


def data_files(
    book, site_url: str | None = None, directory_urls: bool = True, texts: list[str] | None = None
) -> Iterator[tuple[str, bytes]]:
    """(file name, bytes) of every data file, ``datapackage.json`` last. Only published records.
    ``texts``: their narratives (``bodies(book)``), when the caller has read them already."""
    vocab = book.dataset.vocab
    base = (site_url or "").rstrip("/") + "/" if site_url else ""
    objects = []
    for case, body in zip(book.dataset.published, texts or bodies(book), strict=True):
        objects.append(case_object(case, body, base + page_url(f"cases/{case.id}.md", directory_urls)))
    files = {
        "cases.json": _json(objects),
        "cases.csv": cases_csv(objects, vocab),
        "vocabulary.json": _json(vocabulary_rows(vocab)),
        "glossary.json": _json(glossary_rows(book.glossary)),
        "national.json": _json(national_rows(book.dataset.national)),
    }
    case_fields = json_schema_fields(CASE, vocab, (_URL_FIELD,))
    term_fields = json_schema_fields(TERM, vocab, _VOCAB_EXTRA)
    glossary_fields = json_schema_fields(GLOSSARY_FILE.fields[0].type.item, vocab)
    national_fields = json_schema_fields(_NATIONAL_ITEM, vocab, _NATIONAL_EXTRA)
    resources = [
        _resource("cases", "cases.csv", files["cases.csv"], [f for _n, _p, f in csv_columns(vocab)],
                  "事例（表）", format="csv", mediatype="text/csv", encoding="utf-8-sig"),
        _resource("cases-json", "cases.json", files["cases.json"], case_fields, "事例（すべての項目）",
                  format="json", mediatype="application/json"),
        _resource("vocabulary", "vocabulary.json", files["vocabulary.json"], term_fields, "語彙",
                  format="json", mediatype="application/json"),
        _resource("glossary", "glossary.json", files["glossary.json"], glossary_fields, "用語集",
                  format="json", mediatype="application/json"),
        _resource("national", "national.json", files["national.json"], national_fields, "全国の状況",
                  format="json", mediatype="application/json"),
    ]  # fmt: skip
    package = {
        "profile": "tabular-data-package",
        "name": "rmo-casebook",
        "title": TITLE,
        "description": "地域運営組織（RMO）の事例レコード（公開分）、語彙、用語集、全国の状況の数字です。"
        "事例の表（cases.csv）は Excel で開けるよう BOM 付きの UTF-8 で、複数の値は「|」で区切っています。",
        "language": "ja",
        "licenses": [LICENSE],
        "sources": package_sources(book),
        "resources": resources,
    }
    if base:
        package["homepage"] = base
    yield from files.items()
    yield "datapackage.json", _json(package)


def site_data_files(renderer) -> list[tuple[str, bytes]]:
    """The producer of ``data/*`` in the built site (``pages.sitefiles.PRODUCERS``). Under ``mkdocs serve``
    (the renderer has a ``memo``) the files are made again only when a published record, a narrative, the
    vocabulary, the glossary or the national figures changed."""
    book, memo = renderer.book, renderer.memo
    texts = bodies(book)
    inputs = None
    if memo is not None:
        data = book.dataset
        inputs = (data.published, texts, data.glossary, data.national, data.vocab, renderer.site_url)
        hit = memo.get(_MEMO)
        if hit is not None and hit[0] == inputs:
            return hit[1]
    files = [
        (f"{FOLDER}/{name}", content)
        for name, content in data_files(book, renderer.site_url, renderer.directory_urls, texts)
    ]
    if memo is not None:
        memo[_MEMO] = (inputs, files)
    return files


_MEMO = "data/*"
"""The data files' key in the renderer's memo (page paths end in .md: no clash)."""


def files_block(renderer, here: str) -> str:
    """The data page's list of files (marker ``data-files``), links relative to the page."""
    book = renderer.book
    published = len(book.dataset.published)
    terms = sum(len(book.dataset.vocab[n].terms) for n in registry.VOCABULARIES)
    national = len(national_rows(book.dataset.national))
    files = [
        ("cases.csv", f"事例 {published:,} 件の表（1行に1件。Excel で開けます）", "CSV・BOM 付き UTF-8"),
        ("cases.json", f"事例 {published:,} 件のすべての項目（本文と出典を含みます）", "JSON"),
        ("vocabulary.json", f"事例の分類に使う語彙 {terms:,} 語", "JSON"),
        ("glossary.json", f"用語集 {len(book.glossary):,} 語", "JSON"),
        ("national.json", f"全国の状況の数字 {national:,} 項目と出典", "JSON"),
        ("datapackage.json", "上のファイルの説明（項目の意味と型、ライセンス、出典）", "JSON・Data Package"),
    ]
    page_here = page_url(here, renderer.directory_urls)
    folder = page_url(f"{FOLDER}/index.md", renderer.directory_urls).rsplit("/", 1)[0]
    links = [(relative_url(page_here, f"{folder}/{name}"), what, fmt) for name, what, fmt in files]
    return renderer.render("data_files.md.j2", here, files=links)
