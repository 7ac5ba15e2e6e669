"""The Jinja environment of the generated pages' templates (``pages/templates``).

Markdown templates (``*.md.j2``) escape record values with the ``t`` filter;
HTML templates (``*.html.j2``, and ``{% autoescape true %}`` sections) are
autoescaped. A project's ``templates_dir`` overrides templates by name.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jinja2

from ..records import registry
from . import charts, japan_map, text
from .finder import script_runs

TEMPLATES = Path(__file__).parent / "templates"


@cache
def _environment(override: str | None) -> jinja2.Environment:
    search = [override, str(TEMPLATES)] if override else [str(TEMPLATES)]
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(search),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=lambda name: bool(name and name.endswith(".html.j2")),
    )
    env.globals.update(
        decade=registry.decade_label,
        stage_slug=registry.STAGE_SLUGS.get,
        stages=registry.STAGES,
        fields=registry.FIELDS,
        sources_text=text.sources_text,
        # Charts and maps (issue 27): pages/charts.py, pages/japan_map.py
        facet_chart=charts.facet_chart,
        case_map=japan_map.case_map,
        locator=japan_map.locator,
    )
    env.filters.update(
        md_url=text.md_url,
        t=text.md_text,
        cell=text.md_text,
        attr_text=text.attr_text,
        first_sentence=text.first_sentence,
        yaml_str=text.yaml_str,
        pf=text.pagefind_value,
        line=text.one_line,
        jdate=text.japanese_date,
        script_runs=script_runs,
    )
    return env


def environment(override: Path | None = None) -> jinja2.Environment:
    """Templates from ``override`` first (a project's own), then the package's; one environment per folder."""
    return _environment(str(override) if override else None)
