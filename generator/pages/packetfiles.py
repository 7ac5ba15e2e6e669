"""The packet files of the site (``pages.sitefiles`` producers) and the PDF engine (WeasyPrint).

- ``packets/<stage slug>.pdf``: each stage's participant packet with its first cases, as an A4 PDF.
  A PDF is cached by a hash of its HTML (which holds every input: text, cases, styles) and the
  engine's version, under the user's cache folder, so an unchanged packet is never printed again
  and a ``mkdocs serve`` rebuild does not wait for it.
- ``packets/index.json`` (every case: id, name, place, stages with a lesson) and
  ``packets/cases/<id>.json`` (``packets.case_data``): what the builder page reads.

Without WeasyPrint, its system libraries (Pango) or a Japanese font, the build goes on without the
PDFs and says once what is missing; /packets/ then says the PDFs are not available.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import subprocess
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from ..postprocess.atomic import atomic_write_bytes
from ..records import registry
from ..records.cache import cache_dir
from . import packets

log = logging.getLogger("casebook.packets")
"""Not under ``mkdocs``: a missing PDF engine is a warning that does not fail a ``--strict`` build."""
for _name in ("weasyprint", "weasyprint.progress"):  # it notes every CSS property it does not know, every step
    logging.getLogger(_name).setLevel(logging.ERROR)
INSTALL_HINT = "`make site` で入れられます（WeasyPrint は pip、Pango と fonts-noto-cjk は apt-get）。"


def pdf_path(stage: str) -> str:
    return f"packets/{registry.STAGE_SLUGS[stage]}.pdf"


@cache
def engine_problem() -> str | None:
    """Why PDFs cannot be made here (in Japanese), or None when WeasyPrint, Pango and a Japanese font are there.
    WeasyPrint is not imported (that takes seconds): a warm build publishes cached PDFs without it."""
    import ctypes.util
    import importlib.util

    if importlib.util.find_spec("weasyprint") is None:
        return MISSING
    if ctypes.util.find_library("pangoft2-1.0") is None:
        return "WeasyPrint に必要なライブラリ（Pango）が見つかりません。"
    fc_list = shutil.which("fc-list")
    if fc_list:
        fonts = subprocess.run([fc_list, ":lang=ja", "family"], capture_output=True, text=True, check=False).stdout
        if not fonts.strip():
            return "日本語のフォント（Debian の fonts-noto-cjk）が見つかりません。"
    return None


MISSING = "WeasyPrint（PyPI）が入っていません。"
_warned: set[str] = set()
failure: str | None = None
"""Why the last ``stage_pdfs`` made no PDFs (None: it made them); /packets/ says so."""


def problem() -> str | None:
    return failure or engine_problem()


def _warn(message: str) -> None:
    if message not in _warned:
        _warned.add(message)
        log.warning("警告: 研修資料の PDF は作りません。%s %s", message, INSTALL_HINT)


def available() -> bool:
    if engine_problem():
        _warn(engine_problem())
    return engine_problem() is None


def engine_version() -> str:
    from importlib.metadata import version

    return version("weasyprint")


def write_pdf(html: str, target: Path | None = None) -> bytes:
    """The HTML as PDF bytes (WeasyPrint); written atomically to ``target`` when given."""
    import weasyprint

    pdf = weasyprint.HTML(string=html).write_pdf()
    if target is not None:
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(target, pdf)
    return pdf


def cached_pdf(html: str, folder: Path | None = None, wait: bool = True) -> Path | None:
    """The PDF of this HTML from the cache, printed first when the cache has none. With ``wait=False``
    a missing PDF is printed in a background thread and None is returned (the next rebuild finds it)."""
    key = hashlib.sha256((engine_version() + "\0" + html).encode()).hexdigest()[:32]
    path = (folder or cache_dir() / "packets") / f"{key}.pdf"
    if path.is_file():
        return path
    if wait:
        write_pdf(html, path)
        return path
    if path not in _printing:
        _printing.add(path)
        _background().submit(_print_later, html, path)
    return None


_printing: set[Path] = set()
_last: dict[str, Path] = {}
"""Stage → its last PDF, published under ``mkdocs serve`` while a newer one is being printed."""


@cache
def _background():
    from concurrent.futures import ThreadPoolExecutor

    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="casebook-pdf")


def _print_later(html: str, path: Path) -> None:
    try:
        write_pdf(html, path)
    except Exception as exc:  # noqa: BLE001 - a preview must not die of a PDF; the build prints it again
        log.warning("警告: 研修資料の PDF を作れませんでした（%s）。", exc)
    finally:
        _printing.discard(path)


def stage_pdfs(renderer) -> Iterator[tuple[str, Path]]:
    """Producer: each stage's participant packet as a PDF (nothing, with one warning, without an engine).
    Under ``mkdocs serve --dirty`` (the renderer keeps a memo) a changed packet is printed in the
    background and the stage's previous PDF is published meanwhile: an edit never waits for WeasyPrint."""
    global failure
    if renderer.book.dataset.content_dir is None or not available():
        return
    serving = renderer.memo is not None
    made = []
    try:
        for stage in registry.STAGES:
            if not packets.stage_page(renderer.book.dataset.content_dir, stage).is_file():
                continue
            html = packets.packet_html(renderer, stage, packets.default_cases(renderer.book, stage))
            path = cached_pdf(html, wait=not serving) or _last.get(stage)
            if path is not None:
                _last[stage] = path
                made.append((pdf_path(stage), path))
    except ImportError:
        failure = MISSING
    except OSError as exc:  # WeasyPrint's libraries (Pango) could not be loaded
        failure = f"WeasyPrint に必要なライブラリ（Pango）を読み込めません（{exc}）。"
    else:
        failure = None
    if failure:
        _warn(failure)
        return
    yield from made


def builder_data(renderer) -> Iterator[tuple[str, bytes]]:
    """Producer: the builder's list of cases and one small JSON per case (read only for the chosen ones)."""
    index = []
    for case in renderer.book.cases:
        stages = [registry.STAGES.index(s) for s, lesson in case.stages if lesson]
        index.append([case.id, case.name, case.place, stages])
        data = packets.case_data(case)
        yield f"packets/cases/{case.id}.json", _json(data)
    yield "packets/index.json", _json({"stages": list(registry.STAGES), "cases": index})


def _json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
