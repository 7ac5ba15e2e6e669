"""Load and validate: every node checked against ``definitions``, records built.

Every problem of every file is collected (never only the first) as a
``CaseError``; callers decide whether to print them (CLI) or raise
``DataError`` (plugin). ``load_dataset`` is the entry point.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import yaml

from ..model.entities import Case, Dataset, GlossaryTerm, Vocabulary
from . import definitions as d
from . import registry
from .aliases import check_aliases
from .cache import ValidationCache, content_key
from .errors import CaseError, DataError, Location
from .fields import INVALID, Walk
from .files import Places, case_files, display_path, stray_files
from .narratives import case_link_message, case_link_problems, read_narrative, structure_problems, text_problems
from .policy import markdown_problems
from .yamlnodes import MAX_RECORD_CHARS, read_document


def load_vocabulary(path: Path, root: Path | None, errors: list[CaseError]) -> dict[str, Vocabulary]:
    doc = read_document(path, root, errors)
    if doc.node is None:
        if not any(e.location.path == doc.display for e in errors):
            errors.append(CaseError(Location(doc.display), "", "語彙ファイルが空です。"))
        return {}
    w = Walk(doc.display, errors, text=doc.raw)
    raw = d.VOCABULARY_FILE.check(doc.node, "", w)
    if raw is INVALID or raw is None:
        return {}
    vocab = {}
    for name in d.VOCABULARY_NAMES:
        terms = raw[name]["terms"]
        _unique(terms, "label", doc, f"{name}.terms", errors)
        _unique(terms, "slug", doc, f"{name}.terms", errors)
        row = registry.BY_NAME[name]
        vocab[name] = Vocabulary.build(name, row.title, row.slug, terms)
    return vocab


def _unique(terms, attr: str, doc, name: str, errors: list[CaseError]) -> None:
    seen: dict[str, object] = {}
    for i, t in enumerate(terms, 1):
        key = getattr(t, attr)
        if key in seen:
            first = seen[key]
            errors.append(
                CaseError(
                    t.location, f"{name}[{i}].{attr}", f"「{key}」が重複しています（{first.line + 1} 行目と同じ）。"
                )
            )
        seen.setdefault(key, t.location)


def load_cases(
    files: list[Path],
    vocab: dict[str, Vocabulary],
    root: Path | None,
    errors: list[CaseError],
    cache: ValidationCache | None = None,
) -> list[Case]:
    """Check every case file, in order; a file under ``cases/`` holds one record, any other a list.

    With a ``cache``, a file whose bytes were checked before (by the same
    rules and vocabulary) is not parsed again.
    """
    out: list[Case] = []
    places = Places(root)
    for path in files:
        key = None
        if cache is not None:
            key = content_key(path)
            hit = cache.get(path, key) if key is not None else None
            if hit is not None:
                out.extend(hit[0])
                errors.extend(hit[1])
                continue
        cases: list[Case] = []
        errs: list[CaseError] = []
        _check_file(path, vocab, places, cases, errs)
        if key is not None:
            cache.put(path, key, cases, errs)
        out.extend(cases)
        errors.extend(errs)
    if cache is not None:
        cache.save({str(p) for p in files})
    return out


def _check_file(path: Path, vocab, places: Places, cases: list[Case], errors: list[CaseError]) -> None:
    before = len(errors)
    display = places.display(path)
    if not places.inside(path):
        errors.append(CaseError(Location(display), "", "プロジェクトの外を指すファイル（リンク）は読み込めません。"))
        return
    doc = read_document(path, places.root, errors, display)
    if doc.node is None or (isinstance(doc.node, yaml.ScalarNode) and doc.node.tag == "tag:yaml.org,2002:null"):
        if len(errors) == before:
            errors.append(
                CaseError(Location(doc.display), "", "ファイルが空です。事例を1件書くか、ファイルを消してください。")
            )
        return
    w = Walk(doc.display, errors, vocab, doc.raw)
    one_record = os.path.basename(os.path.dirname(path)) == "cases"
    records = doc.node.value if isinstance(doc.node, yaml.SequenceNode) and not one_record else [doc.node]
    for record in records:
        size = record.end_mark.index - record.start_mark.index
        if size > MAX_RECORD_CHARS:
            errors.append(
                CaseError(
                    w.loc(record),
                    "",
                    f"1件の事例が長すぎます（{size:,} 文字、上限 {MAX_RECORD_CHARS:,} 文字）。"
                    "長い本文は content/cases/<id>.md に分けてください。",
                )
            )
    if len(errors) > before:
        return
    if one_record:
        case = d.CASE.check(doc.node, "", w)
        id_node = _id_node(doc.node)
        if (
            id_node is not None
            and id_node.value != path.stem
            and _SLUG.match(id_node.value)
            and id_node.value not in d.CASE_RESERVED
        ):
            errors.append(
                CaseError(
                    w.loc(id_node),
                    "id",
                    f"id「{id_node.value}」とファイル名「{path.name}」が合いません。ファイル名は「{id_node.value}.yaml」にしてください。",
                )
            )
        elif isinstance(case, Case):
            cases.append(case)
    elif isinstance(doc.node, yaml.SequenceNode):
        for item in doc.node.value:
            case = d.CASE.check(item, "", w)
            if isinstance(case, Case):
                cases.append(case)
    else:
        errors.append(
            CaseError(
                w.loc(doc.node), "", "このファイルには事例のリスト（各事例を「- id: …」で始める）を書いてください。"
            )
        )


_SLUG = re.compile(d.SLUG)
"""An id that is not a slug is reported by the id field itself, not as a file-name mismatch."""


def _id_node(node) -> yaml.ScalarNode | None:
    """The ``id`` value of a record mapping, when it is a plain string (checked even if the record has other errors)."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == "id":
                return value if isinstance(value, yaml.ScalarNode) and value.tag == "tag:yaml.org,2002:str" else None
    return None


def check_cases(
    cases: list[Case], narratives: dict[str, Path], root: Path | None, errors: list[CaseError], complete: bool = True
) -> None:
    """Rules across records: unique ids, narrative files that belong to a case and link to published cases.

    ``complete`` is False when only some records were loaded: a link to a case not among them is not reported.
    """
    first: dict[str, Case] = {}
    for case in cases:
        if case.id in first:
            errors.append(
                CaseError(
                    case.location,
                    "id",
                    f"id「{case.id}」は {first[case.id].location} でも使われています。別の id にしてください。",
                )
            )
        else:
            first[case.id] = case
    published = {case.id: case.published for case in cases}
    for case in cases:  # links to other cases in a record's body: located at the body's line, as in narratives
        if case.published:
            for case_id, target, where in getattr(case.body, "links", ()):
                message = case_link_message(case_id, target, published, complete)
                if message:
                    errors.append(CaseError(where, "body", message))
    places = Places(root)
    failed = {Path(e.location.path).stem for e in errors if Path(e.location.path).suffix in (".yaml", ".yml")}
    """Ids of record files with problems (data/cases/<id>.yaml): their narratives are not orphans."""
    for case_id, path in sorted(narratives.items()):
        case = first.get(case_id)
        loc = Location(places.display(path))
        if not places.inside(path):
            errors.append(CaseError(loc, "", "プロジェクトの外を指すファイル（リンク）は読み込めません。"))
            continue
        text = read_narrative(path, loc.path, errors)
        if text is None:
            continue
        problems = text_problems(text) + structure_problems(text) + markdown_problems(text)
        if case is not None and case.published:
            problems += case_link_problems(text, published, complete)
        for line, column, message in sorted(problems):
            errors.append(CaseError(Location(loc.path, line, column), "", message))
        if case is None and case_id not in failed:  # a record that failed has its own messages
            errors.append(
                CaseError(
                    loc,
                    "",
                    f"この本文に対応する事例（id: {case_id}）がありません。ファイル名を事例の id にそろえてください。",
                )
            )
        elif case is not None and case.body:
            errors.append(
                CaseError(
                    case.location,
                    "body",
                    f"本文が record の body と {loc.path} の両方にあります。どちらか一方にしてください。",
                )
            )


def find_narratives(content_dir: Path | None) -> dict[str, Path]:
    if content_dir is None or not (content_dir / "cases").is_dir():
        return {}
    return {p.stem: p for p in sorted((content_dir / "cases").glob("*.md")) if p.stem != "index"}


def load_glossary(path: Path, root: Path | None, errors: list[CaseError]) -> list[GlossaryTerm]:
    if not os.path.lexists(path):
        return []
    doc = read_document(path, root, errors)
    if doc.node is None:
        return []
    w = Walk(doc.display, errors, text=doc.raw)
    raw = d.GLOSSARY_FILE.check(doc.node, "", w)
    if raw is INVALID or raw is None:
        return []
    terms: list[GlossaryTerm] = list(raw["terms"])
    heads = {t.term for t in terms}
    _unique(terms, "term", doc, "terms", errors)
    _unique(terms, "slug", doc, "terms", errors)
    for i, t in enumerate(terms, 1):
        for r in t.related:
            if r not in heads:
                errors.append(CaseError(t.location, f"terms[{i}].related", f"関連語「{r}」は用語集にありません。"))
    return terms


def load_national(path: Path, root: Path | None, errors: list[CaseError]) -> dict | None:
    if not os.path.lexists(path):
        return None
    doc = read_document(path, root, errors)
    if doc.node is None:
        return None
    w = Walk(doc.display, errors, text=doc.raw)
    raw = d.NATIONAL_FILE.check(doc.node, "", w)
    if raw is INVALID or raw is None:
        return None
    sources = raw["sources"]
    for section in ("fy2017", "findings", "by_year", "targets", "notes"):
        for i, item in enumerate(raw.get(section) or (), 1):
            where = item.pop("location")
            src = item.get("source")
            if section != "notes" and src is None:
                errors.append(CaseError(where, f"{section}[{i}].source", "出典（source）を書いてください。"))
            elif src is not None and src not in sources:
                errors.append(CaseError(where, f"{section}[{i}].source", f"出典「{src}」が sources にありません。"))
    return raw


def load_dataset(
    root: Path,
    data_dir: Path | None = None,
    content_dir: Path | None = None,
    case_paths: list[Path] | None = None,
    use_cache: bool = False,
) -> Dataset:
    """Load and validate everything under ``data/``; raise ``DataError`` listing every problem.

    ``use_cache`` reuses results for unchanged files (see ``cache``); it is off
    unless asked for and always off with CASEBOOK_NO_CACHE=1.
    """
    data_dir = data_dir or root / "data"
    errors: list[CaseError] = []
    vocab_path = data_dir / "vocabulary.yaml"
    vocab = load_vocabulary(vocab_path, root, errors)
    if errors:
        raise DataError(errors)
    files = case_paths if case_paths is not None else case_files(data_dir)
    if case_paths is None:
        for name, message in stray_files(data_dir):
            errors.append(CaseError(Location(display_path(data_dir / "cases" / name, root)), "", message))
    cache = None
    if use_cache and os.environ.get("CASEBOOK_NO_CACHE") != "1":
        cache = ValidationCache(root, vocab_path.read_bytes())
    cases = load_cases(files, vocab, root, errors, cache)
    narratives = find_narratives(content_dir)
    if case_paths is not None:  # only some records were asked for: other narratives are not orphans
        ids = {c.id for c in cases}
        narratives = {k: v for k, v in narratives.items() if k in ids}
    check_cases(cases, narratives, root, errors, complete=case_paths is None)
    glossary = load_glossary(data_dir / "glossary.yaml", root, errors)
    national = load_national(data_dir / "national.yaml", root, errors)
    check_aliases(vocab, glossary, errors)
    if errors:
        raise DataError(errors)
    return Dataset(vocab, cases, glossary, national, narratives, content_dir)
