"""The data model: frozen dataclasses for records, vocabularies, glossary terms and the validated dataset."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path

from ..records.errors import Location


@dataclass(frozen=True)
class Term:
    """One value of a vocabulary."""

    label: str
    slug: str
    description: str
    group: str | None = None
    aliases: tuple[str, ...] = ()
    """Everyday words for this term (給油所 for 燃料供給): searched with the cases that carry it."""
    location: Location = field(default=Location(""), compare=False, repr=False)


@dataclass(frozen=True)
class Vocabulary:
    """A controlled list of terms (e.g. ``activity``), with its own index pages."""

    name: str
    title: str
    slug: str
    terms: tuple[Term, ...]
    by_label: dict[str, Term] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def build(cls, name: str, title: str, slug: str, terms: tuple[Term, ...]) -> Vocabulary:
        return cls(name, title, slug, terms, {t.label: t for t in terms})


@dataclass(frozen=True)
class Source:
    title: str
    url: str | None = None
    publisher: str | None = None
    year: int | None = None


@dataclass(frozen=True)
class FactorNote:
    """A formation or sustainability factor with what the case shows of it."""

    factor: str
    detail: str | None = None


@dataclass(frozen=True)
class Support:
    """How an outside actor helped."""

    actor: str
    effects: tuple[str, ...] = ()
    detail: str | None = None


@dataclass(frozen=True)
class Population:
    people: int | None = None
    households: int | None = None
    year: int | None = None


@dataclass(frozen=True)
class Case:
    """One validated case record."""

    id: str
    name: str
    kana: str
    prefecture: str
    municipality: str
    summary: str
    stages: tuple[tuple[str, str], ...]
    sources: tuple[Source, ...]
    kind: str = "団体"
    district: str | None = None
    founded: int | None = None
    legal_form: str | None = None
    scope: str | None = None
    base: str | None = None
    structure: str | None = None
    population: Population | None = None
    regional_issues: tuple[str, ...] = ()
    activities: tuple[str, ...] = ()
    income_sources: tuple[str, ...] = ()
    challenges: tuple[str, ...] = ()
    formation_factors: tuple[FactorNote, ...] = ()
    sustainability_factors: tuple[FactorNote, ...] = ()
    external_support: tuple[Support, ...] = ()
    body: str | None = None
    completeness: str = "部分的"
    verified: str | None = None
    updated: str | None = None
    """YYYY-MM-DD of the record's last change, written in the record (never read from git: reproducible)."""
    status: str = "公開"
    location: Location = field(default=Location(""), compare=False, repr=False)
    more: tuple[tuple[str, object], ...] = ()
    """Values of fields that the field registry declares and this class does not (a new facet field):
    (record key, value) pairs, read as attributes."""

    def __getattr__(self, name: str):
        # Only called for names the class lacks: a registry field added without an attribute here.
        if not name.startswith("_"):
            for key, value in self.__dict__.get("more", ()):
                if key == name:
                    return value
            from ..records.registry import FIELDS

            if any(f.key == name for f in FIELDS):
                return ()
        raise AttributeError(name)

    @classmethod
    def from_fields(cls, **values) -> Case:
        """A case from a record's fields; those the class does not declare go to ``more``."""
        known = {k: v for k, v in values.items() if k in _CASE_FIELDS}
        more = tuple(sorted((k, v) for k, v in values.items() if k not in _CASE_FIELDS))
        return cls(**known, more=more) if more else cls(**known)

    @property
    def place(self) -> str:
        return self.prefecture + self.municipality

    @property
    def published(self) -> bool:
        return self.status == "公開"

    def stage_lesson(self, stage: str) -> str | None:
        for name, lesson in self.stages:  # at most four: a loop, not a dict per call (listings ask 100,000s of times)
            if name == stage:
                return lesson
        return None


_CASE_FIELDS = frozenset(f.name for f in fields(Case))


@dataclass(frozen=True)
class GlossaryTerm:
    term: str
    slug: str
    reading: str
    definition: str
    sources: tuple[Source, ...]
    aka: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    link: bool = True
    aliases: tuple[str, ...] = ()
    """Everyday words for this term: searched, never linked (``aka`` are the linked spellings)."""
    location: Location = field(default=Location(""), compare=False, repr=False)


@dataclass
class Dataset:
    """Everything the site is built from, validated (``records.load_dataset``)."""

    vocab: dict[str, Vocabulary]
    cases: list[Case]
    glossary: list[GlossaryTerm] = field(default_factory=list)
    national: dict | None = None
    narratives: dict[str, Path] = field(default_factory=dict)
    """Case id → ``content/cases/<id>.md``."""
    content_dir: Path | None = None
    """The hand-written pages (``content/``): the training text that packets and worksheets are made from."""

    @property
    def published(self) -> list[Case]:
        return [c for c in self.cases if c.published]
