"""Files of the site that are not Markdown pages: downloads, PDFs, pictures, configuration.

A producer is a function ``producer(renderer) -> Iterable[(docs-relative path, content)]`` where the content
is ``bytes`` (written as it is) or a ``Path`` (copied; e.g. a cached PDF). Producers are listed in
``PRODUCERS``; a feature adds its own with one line. The MkDocs plugin adds what they give as generated
files (``on_files``), ``casebook export-docs`` writes them into ``docs/``, so every engine publishes them.

A producer must be cheap when its inputs did not change (``mkdocs serve`` calls it on every rebuild):
cache expensive output by a hash of its inputs and return the cached ``Path``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from . import packetfiles
from .admin import admin_files
from .japan_map import locator_files
from .opendata import site_data_files

if TYPE_CHECKING:
    from .renderer import PageRenderer

SiteFile = tuple[str, bytes | Path]
Producer = Callable[["PageRenderer"], Iterable[SiteFile]]

PRODUCERS: list[Producer] = [
    site_data_files,  # data/: the records as open data (issue 28)
    packetfiles.stage_pdfs,  # course packets (issue 24): the four stages' participant PDFs
    packetfiles.builder_data,  # course packets (issue 24): the /packets/ builder's JSON
    admin_files,  # issue 25: the web editor (Sveltia CMS) at /admin/
    locator_files,  # issue 27: assets/maps/<prefecture>.svg, the case pages' locator maps
]
"""Every producer of site files, in the order their files are added."""


def site_files(renderer: PageRenderer) -> Iterator[SiteFile]:
    """Every non-page file of the site, from every producer; a path given twice is an error."""
    seen: set[str] = set()
    for producer in PRODUCERS:
        for path, content in producer(renderer):
            if path in seen:
                raise ValueError(f"site file {path} is produced twice")
            seen.add(path)
            yield path, content
