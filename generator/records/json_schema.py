"""JSON Schema for editors, derived from ``definitions`` (never written by hand)."""

from __future__ import annotations

from ..model.entities import Vocabulary
from .definitions import CASE

SCHEMA_URI = "https://json-schema.org/draft/2020-12/schema"


def case_schema(vocab: dict[str, Vocabulary]) -> dict:
    """Schema for one record file (``data/cases/<id>.yaml``) or a list of records (``data/cases.yaml``)."""
    record = CASE.schema(vocab)
    return {
        "$schema": SCHEMA_URI,
        "$id": "case.schema.json",
        "title": "地域運営組織の事例レコード（1件、または事例のリスト）",
        "$defs": {"case": record},
        "anyOf": [{"$ref": "#/$defs/case"}, {"type": "array", "items": {"$ref": "#/$defs/case"}}],
    }
