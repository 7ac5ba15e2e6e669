"""Stage 4, render: the site's generated pages as (path, Markdown) pairs."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jinja2

TEMPLATES = Path(__file__).parent / "templates"


@lru_cache(maxsize=None)
def _environment(override: str | None) -> jinja2.Environment:
    search = [override, str(TEMPLATES)] if override else [str(TEMPLATES)]
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(search),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )


def environment(override: Path | None = None) -> jinja2.Environment:
    """Templates from ``override`` first (a project's own), then the package's."""
    return _environment(str(override) if override else None).overlay()
