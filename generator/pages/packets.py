"""Course packets: one stage's training text, its worksheet and a few chosen cases, ready to print.

A packet is rendered by the core from templates (``packet.html.j2``), not from a built site, so
``casebook packet`` works without a build; ``pdf`` turns it into an A4 PDF. The packet builder page
(``/packets/``, ``casebook-training.js``) assembles the same packet in the browser from the same data:
``case_data`` gives one case as the builder's JSON and the packet template's context, and the
comparison rows are ``COMPARE`` for both.

Trainer-only content is marked in the training Markdown in one way: an admonition of type ``trainer``
(``!!! trainer "講師へのメモ"``) or a heading with the ``trainer`` class (``## 講師へのメモ { .trainer }``,
which takes its whole section). Participants' packets leave it out; instructor packets keep it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..records import registry
from .text import one_line

PACKET_SECTIONS = ("この段階のねらい", "話し合いの問い", "ワークシート")
"""The sections of a stage page every packet carries (the builder finds them by these headings' ids)."""
WORKSHEET = "ワークシート"
SOURCES = "出典"
COMPARE = ("legal_form", "scope", "regional_issue", "activity", "formation_factor", "sustainability_factor", "income")
"""Registry fields compared side by side (after 所在地 and 設立); the lesson for the stage closes the table."""
MAX_CASES = 4
DEFAULT_CASES = 3
"""A stage's ready-made PDF (and the builder's first choice) has the stage's first cases, this many."""
TRAINER_CLASS = "trainer"

_H2 = re.compile(r"^## +(.+?)\s*$", re.M)
_TRAINER_HEADING = re.compile(r"\{\s*[^}]*\.trainer\b[^}]*\}\s*$")
_PRINT_LINKS = re.compile(r"^.*\{:? *\.cb-print-link *\}.*\n?", re.M)
_ATTRS = re.compile(r"\s*\{\s*[:.#][^}]*\}\s*$")


@dataclass(frozen=True)
class StageText:
    """A training stage page cut into its parts (``content/training/<slug>.md``)."""

    stage: str
    title: str
    intro: str
    sections: tuple[tuple[str, str, bool], ...]
    """(heading without attributes, Markdown of the section body, trainer-only)."""

    def section(self, heading: str) -> str:
        """A section's Markdown, without the links that only the screen needs (「印刷する」)."""
        for name, body, _ in self.sections:
            if name == heading:
                return _PRINT_LINKS.sub("", body).strip()
        return ""

    def trainer_sections(self) -> list[tuple[str, str]]:
        return [(name, body) for name, body, trainer in self.sections if trainer]


def stage_page(content_dir: Path, stage: str) -> Path:
    return content_dir / "training" / f"{registry.STAGE_SLUGS[stage]}.md"


def read_stage(content_dir: Path, stage: str) -> StageText:
    """The parts of a stage's training page; an error names the file when it cannot be read."""
    path = stage_page(content_dir, stage)
    return parse_stage(stage, path.read_text(encoding="utf-8"))


@cache
def parse_stage(stage: str, markdown: str) -> StageText:
    head, *rest = _H2.split(markdown)
    title_match = re.search(r"^# +(.+)$", head, re.M)
    title = title_match.group(1).strip() if title_match else stage
    intro = head[title_match.end() :].strip() if title_match else head.strip()
    sections = []
    for i in range(0, len(rest) - 1, 2):
        raw, body = rest[i], rest[i + 1].strip()
        trainer = bool(_TRAINER_HEADING.search(raw))
        sections.append((_ATTRS.sub("", raw).strip(), body, trainer))
    return StageText(stage, title, intro, tuple(sections))


def worksheet_markdown(text: StageText) -> str:
    """The worksheet section as a participant sees it."""
    return strip_trainer(text.section(WORKSHEET))


def strip_trainer(markdown: str) -> str:
    """The Markdown without its ``!!! trainer`` admonitions (a participant's view)."""
    out, skipping = [], False
    for line in markdown.splitlines():
        if re.match(r"^!!! +trainer\b", line):
            skipping = True
            continue
        if skipping and (not line.strip() or line.startswith(("    ", "\t"))):
            continue
        skipping = False
        out.append(line)
    return "\n".join(out).strip()


def only_trainer(markdown: str) -> str:
    """Only the ``!!! trainer`` admonitions of the Markdown (the instructor's additions to a section)."""
    out, keeping = [], False
    for line in markdown.splitlines():
        if re.match(r"^!!! +trainer\b", line):
            keeping = True
        elif keeping and line.strip() and not line.startswith(("    ", "\t")):
            keeping = False
        if keeping:
            out.append(line)
    return "\n".join(out).strip()


@cache
def _markdown():
    import markdown

    return markdown.Markdown(extensions=["admonition", "attr_list", "tables"], output_format="html")


def md_html(text: str, worksheet: bool = False) -> str:
    """Markdown of the training text as HTML (the site's extensions for it: admonition, attr_list, tables)."""
    md = _markdown()
    md.reset()
    html = md.convert(text)
    return html.replace("<table>", '<table class="cb-worksheet">') if worksheet else html


def _values(case, name: str) -> list[str]:
    return [str(v) for v in registry.BY_NAME[name].values(case)]


def case_data(case, url: str | None = None) -> dict:
    """One case as a packet shows it: the builder's JSON and the packet template's context."""
    rows = {
        "所在地": [case.place + (f" {case.district}" if case.district else "")],
        "設立": [f"{case.founded}年" if case.founded else "出典に記載なし"],
    }
    for name in COMPARE:
        rows[registry.BY_NAME[name].title] = _values(case, name) or ["—"]
    return {
        "id": case.id,
        "name": case.name,
        "place": case.place,
        "summary": one_line(case.summary),
        "url": url,
        "rows": rows,
        "lessons": {stage: one_line(lesson) for stage, lesson in case.stages if lesson},
        "sources": [
            {"title": one_line(s.title), "publisher": s.publisher, "year": s.year, "url": s.url} for s in case.sources
        ],
    }


def default_cases(book, stage: str) -> list:
    """The cases a stage's ready-made packet shows: its first ``DEFAULT_CASES`` with a lesson for it."""
    return [c for c in book.facets["stage"].cases.get(stage, []) if c.stage_lesson(stage)][:DEFAULT_CASES]


def packet_html(renderer, stage: str, cases: list, instructor: bool = False, site_url: str | None = None) -> str:
    """The packet as one HTML document (A4, for WeasyPrint or a browser's print)."""
    content_dir = renderer.book.dataset.content_dir
    if content_dir is None:
        raise ValueError("the dataset was loaded without its content folder")
    text = read_stage(content_dir, stage)
    view = (lambda md: md) if instructor else strip_trainer
    parts = [
        (name, md_html(view(text.section(name)), worksheet=name == WORKSHEET))
        for name in PACKET_SECTIONS
        if text.section(name)
    ]
    trainer = [(name, md_html(body)) for name, body in text.trainer_sections()] if instructor else []
    base = site_url.rstrip("/") + "/" if site_url else None
    data = [case_data(c, f"{base}cases/{c.id}/" if base else None) for c in cases]
    return renderer.template("packet.html.j2").render(
        stage=stage,
        number=registry.STAGES.index(stage) + 1,
        title=text.title,
        intro=md_html(view(text.intro)),
        parts=parts,
        trainer=trainer,
        sources=md_html(text.section(SOURCES)),
        cases=data,
        instructor=instructor,
        css=(Path(__file__).parent / "packet.css").read_text(encoding="utf-8"),
    )


def find_cases(book, ids: list[str]) -> tuple[list, list[str]]:
    """The published cases with these ids, in the given order, and the ids that match none."""
    by_id = {c.id: c for c in book.cases}
    return [by_id[i] for i in ids if i in by_id], [i for i in ids if i not in by_id]
