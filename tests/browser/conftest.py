"""Browser fixtures: one real build, one HTTP server and one headless Chromium per session, a new page per test.

The site is built with ``site_url`` set to the server's address, as
``mkdocs serve`` does, so Material's instant navigation is active (see
``harness.build_bundled_site``; the repository's mkdocs.yml sets none, which
``test_search.test_configured_site_url_enables_instant_navigation`` keeps visible).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from .harness import build_bundled_site, serve

# Pagefind is not an outside request, but Chromium's own background fetches would be.
LOCAL_HOSTS = {"127.0.0.1"}


@pytest.fixture(scope="session")
def _served(tmp_path_factory):
    """(base URL, site folder): the server starts first so the build knows its address."""
    project = tmp_path_factory.mktemp("browser-site") / "project"
    with serve(project / "site") as base:
        site = build_bundled_site(project, site_url=base + "/")
        yield base, site


@pytest.fixture(scope="session")
def base_url(_served) -> str:
    return _served[0]


@pytest.fixture(scope="session")
def site_dir(_served) -> Path:
    return _served[1]


@dataclass
class Problems:
    """What went wrong on a page: console errors, page errors, failed or outside requests."""

    console: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)

    def all(self) -> list[str]:
        return (
            [f"console: {m}" for m in self.console]
            + [f"failed: {m}" for m in self.failed]
            + [f"outside: {m}" for m in self.outside]
        )


def open_page(browser, base_url: str, width: int = 1280, height: int = 800):
    """A new context and page; returns (context, page, problems)."""
    context = browser.new_context(
        viewport={"width": width, "height": height}, locale="ja-JP", base_url=base_url, service_workers="block"
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems = Problems()
    page.on(
        "console",
        lambda m: problems.console.append(f"{m.text} ({m.location.get('url')})") if m.type == "error" else None,
    )
    page.on("pageerror", lambda e: problems.console.append(f"uncaught: {e}"))
    # ERR_ABORTED: the page itself cancelled the request (a navigation left before the favicon arrived).
    page.on(
        "requestfailed",
        lambda r: problems.failed.append(f"{r.url} {r.failure}") if "ERR_ABORTED" not in (r.failure or "") else None,
    )
    page.on("response", lambda r: problems.failed.append(f"{r.url} HTTP {r.status}") if r.status >= 400 else None)

    def route(r):
        if urlsplit(r.request.url).hostname in LOCAL_HOSTS or r.request.url.startswith(("data:", "blob:")):
            r.continue_()
        else:
            problems.outside.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    return context, page, problems


@pytest.fixture
def browse(browser, base_url):
    """``browse(width=1280, height=800) -> (page, problems)``; contexts close after the test."""
    contexts = []

    def make(width: int = 1280, height: int = 800):
        context, page, problems = open_page(browser, base_url, width, height)
        contexts.append(context)
        return page, problems

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(browse):
    return browse()[0]
