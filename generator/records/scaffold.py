"""``casebook new``: a commented record file with every required field."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jinja2

from ..postprocess.atomic import atomic_write_text
from .definitions import CASE
from .errors import CaseError, DataError, Location
from .fields import Walk
from .load import load_vocabulary
from .yamlnodes import compose

_TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(Path(__file__).parent / "templates")),
    undefined=jinja2.StrictUndefined,
    keep_trailing_newline=True,
    trim_blocks=True,
    lstrip_blocks=True,
)
_TEMPLATES.filters["yq"] = lambda value: json.dumps(value, ensure_ascii=False)  # a YAML double-quoted string
"""The record template of ``casebook new`` (a YAML file, not a page)."""


class NewCaseError(DataError):
    pass


def write_new_case(root: Path, given: dict[str, str], force: bool = False) -> Path:
    """Render the template with ``given`` values, check them with the validator's own field types, write it."""
    errors: list[CaseError] = []
    display = f"data/cases/{given.get('id') or '?'}.yaml"
    for key, value in given.items():
        if value is None or not str(value).strip():
            errors.append(CaseError(Location(display), key, "値を入れてください。"))
    vocab = load_vocabulary(root / "data" / "vocabulary.yaml", root, errors)
    if errors:
        raise NewCaseError(errors)
    text = _TEMPLATES.get_template("new_case.yaml.j2").render(vocab=vocab, today=dt.date.today().isoformat(), **given)
    node = compose(text, display, errors)
    w = Walk(display, errors, vocab)
    if node is not None:
        for key_node, value_node in node.value:
            if key_node.value in given:
                value = CASE.by_name[key_node.value].type.check(value_node, key_node.value, w)
                if key_node.value == "id" and value is None:  # e.g. "#x" became a comment
                    w.error(value_node, "id", "半角の小文字・数字とハイフンだけで書いてください（例: kawane-shinko）。")
    if errors:
        raise NewCaseError(errors)
    target = root / "data" / "cases" / f"{given['id']}.yaml"
    if target.exists() and not force:
        errors.append(
            CaseError(Location(display), "id", f"{display} はもうあります。別の id にするか --force を付けてください。")
        )
    if errors:
        raise NewCaseError(errors)
    atomic_write_text(target, text)
    return target
