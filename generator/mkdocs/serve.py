"""``mkdocs serve`` wiring of the plugin: the preview that shows data errors, a quiet log, ``--dirty`` upkeep.

When the data has an error, ``mkdocs serve`` would stop the rebuild and every request would hang (MkDocs'
server waits for a build that never finishes). Instead the plugin builds a one-page site: the page
``PreviewErrors.PAGE`` lists the located messages, and the server answers every HTML request with it
(``PreviewErrors.app`` rewrites the request's path before MkDocs' own WSGI app serves it, so MkDocs injects its
live-reload script as usual). When the data is fixed, the next build succeeds, the browser reloads and the
same address shows the normal page again.
"""

from __future__ import annotations

import html
import logging
import os
from pathlib import Path

from mkdocs.structure.files import File, Files, InclusionLevel

from ..pages.markers import fill_markers
from ..records import DataError

PAGE = "casebook-preview-error.md"
"""The docs path of the error page (never a real page: built only while the data has an error)."""


class _DirtyWarning(logging.Filter):
    """MkDocs warns in English on every ``--dirty`` build; ``make serve`` asks for one on purpose (README)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("A 'dirty' build is being performed")


def quiet_dirty_warning() -> None:
    logger = logging.getLogger("mkdocs.commands.build")
    if not any(isinstance(f, _DirtyWarning) for f in logger.filters):
        logger.addFilter(_DirtyWarning())


def error_markdown(exc: DataError) -> str:
    """The error page: every located message (escaped), what to do, in Japanese."""
    items = "\n".join(
        f'<li><code class="cb-preview-where">{html.escape(str(e.location))}</code> '
        f"{html.escape(e.field + ': ' if e.field else '')}{html.escape(e.message)}</li>"
        for e in exc.errors
    )
    return (
        "# データに問題があります\n\n"
        f"事例データに {len(exc.errors)} 件の問題があるため、プレビューを作れませんでした。\n"
        "「ファイル:行:列」の場所を直して保存してください。直ると、このページは自動で読み込み直され、"
        "ふつうのページが表示されます。\n\n"
        f'<ol class="cb-preview-errors">\n{items}\n</ol>\n\n'
        "同じ内容は、`make serve` を動かしている画面と `make validate`（`casebook validate`）でも確かめられます。\n"
    )


class PreviewErrors:
    """The data error of the last build under ``mkdocs serve`` (None: the last build had none)."""

    def __init__(self):
        self.error: DataError | None = None
        self.root: Path | None = None
        """The folder the server serves (MkDocs' ``site_dir`` while serving)."""

    def fail(self, exc: DataError, config) -> None:
        """This build shows ``exc`` instead of the site: a nav of the error page only (no warning in strict mode)."""
        self.error = exc
        self.root = Path(config.site_dir)
        config.nav = [{"データに問題があります": PAGE}]

    def files(self, files: Files, config) -> Files:
        """The build's files while the data has an error: the theme's and the project's assets and the error page."""
        kept = Files([f for f in files if not f.is_documentation_page()])
        kept.append(File.generated(config, PAGE, content=error_markdown(self.error), inclusion=InclusionLevel.INCLUDED))
        return kept

    def app(self, served, mount: str = "/"):
        """A WSGI app over MkDocs' own: while the data has an error, every page request gets the error page.

        The page keeps the address asked for (so that the live reload, after the fix, shows that page); a
        ``<base>`` makes its relative links (styles, scripts) resolve from the error page's own folder."""
        folder = mount.rstrip("/") + "/" + PAGE.removesuffix(".md") + "/"

        def app(environ, start_response):
            path = environ.get("PATH_INFO", "")
            if (
                self.error is None
                or self.root is None
                or path.startswith("/livereload/")
                or not (path.endswith("/") or path.endswith(".html"))
                or not (self.root / PAGE.removesuffix(".md") / "index.html").is_file()
            ):
                return served(environ, start_response)
            answer: list = []
            body = b"".join(served({**environ, "PATH_INFO": folder}, lambda status, headers: answer.append(status)))
            body = body.replace(b"<head>", b'<head><base href="' + folder.encode() + b'">', 1)
            start_response(
                answer[0] if answer else "200 OK",
                [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))],
            )
            return [body]

        return app

    def install(self, server) -> None:
        """Wrap the server's WSGI app (``wsgiref``'s public ``get_app``/``set_app``)."""
        server.set_app(self.app(server.get_app(), getattr(server, "mount_path", "/")))


def remove_gone(config, paths: set[str], kept: dict) -> None:
    """``serve --dirty``: the built pages of generated pages that no longer exist (a deleted or drafted case,
    a value no case has any more) are removed, so that the preview stops serving them."""
    site = Path(config.site_dir)
    for path in paths:
        built = site / File.generated(config, path, content="").dest_uri
        built.unlink(missing_ok=True)
        try:
            built.parent.rmdir()  # the page's own folder (cases/<id>/), when nothing else is in it
        except OSError:
            pass
        kept.pop(path, None)


def mark_changed_markers(files: Files, narratives: set[str], renderer, written: dict[str, int]) -> None:
    """``serve --dirty``: a hand-written page whose markers now give other Markdown is built again."""
    for file in files.documentation_pages():
        if file.abs_src_path and file.src_uri not in narratives:
            text = Path(file.abs_src_path).read_text(encoding="utf-8")
            if "casebook:" in text:
                digest = hash(fill_markers(renderer, text, file.src_uri))
                if written.get(file.src_uri) != digest:
                    file.is_modified = lambda: True  # type: ignore[method-assign]
                written[file.src_uri] = digest


def unchanged(file: File) -> None:
    """``serve --dirty``: a generated page whose Markdown is what its HTML was built from is not built again."""
    file.is_modified = lambda: not os.path.isfile(file.abs_dest_path)  # type: ignore[method-assign]
