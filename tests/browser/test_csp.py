"""The built site works under the Content-Security-Policy of docs/SECURITY.md, with no violation.

The bundled site is served by a plain HTTP server that adds the header ``casebook csp`` computes
(``postprocess.csp.content_security_policy``: no ``'unsafe-inline'``; Material's inline scripts by
hash; ``'wasm-unsafe-eval'`` and ``worker-src blob:`` for Pagefind). Chromium reports each blocked
script, style or worker as a ``securitypolicyviolation`` event (collected from the first moment of
each page) and as a console error (``Problems``); both must stay empty, and the search must work.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from generator.postprocess.csp import content_security_policy

from .conftest import open_page
from .harness import serve

FOUND = re.compile(r"^\d+ 件見つかりました")
COLLECT = """
window.__cbViolations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__cbViolations.push(
  `${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile || ''}:${e.lineNumber || ''}) ${(e.sample || '').slice(0, 60)}`));
"""


def serve_with_policy(site: Path, policy: str):
    """Serve ``site`` on 127.0.0.1 with ``Content-Security-Policy: policy`` on every response."""
    return serve(site, {"Content-Security-Policy": policy})


@pytest.fixture(scope="module")
def policy(site_dir) -> str:
    return content_security_policy(site_dir)


@pytest.fixture(scope="module")
def csp_page(browser, site_dir, policy):
    """A page of the site served under the policy; (page, problems)."""
    with serve_with_policy(site_dir, policy) as base:
        context, page, problems = open_page(browser, base)
        page.add_init_script(COLLECT)
        yield page, problems
        context.close()


def test_the_policy_allows_nothing_inline_but_listed_scripts(policy):
    directives = dict(d.split(" ", 1) for d in policy.split("; "))
    assert directives["style-src"] == "'self'"
    assert directives["default-src"] == "'self'" and directives["object-src"] == "'none'"
    script = directives["script-src"].split()
    assert script[:2] == ["'self'", "'wasm-unsafe-eval'"]
    assert script[2:] and all(re.fullmatch(r"'sha256-[A-Za-z0-9+/]{43}='", s) for s in script[2:])
    assert "unsafe-inline" not in policy and "'unsafe-eval'" not in policy


def test_no_page_has_a_style_attribute_or_an_event_handler(site_dir):
    """Site-wide (the browser test below visits a few pages): what a policy without 'unsafe-inline' blocks.
    /situation/'s inline onsubmit is removed by the search helper's branch (issue 23)."""
    inline = re.compile(r"<[a-zA-Z][^>]*\s(style|on[a-z]+)\s*=", re.S)
    found = {}
    for path in sorted(site_dir.rglob("*.html")):
        rel = path.relative_to(site_dir).as_posix()
        hits = inline.findall(path.read_text(encoding="utf-8"))
        if hits and rel != "situation/index.html":
            found[rel] = sorted(set(hits))
    assert found == {}


def search(page):
    page.fill("#cb-search-page-input", "見守り")
    expect(page.locator("#cb-search-page .cb-result").first).to_be_visible()
    expect(page.locator("#cb-search-page [data-cb-search-status]")).to_have_text(FOUND)


def header_search(page):
    page.click(".cb-search-open")
    page.fill("#cb-search-dialog-input", "集落活動センター")
    expect(page.locator("#cb-search-dialog .cb-result").first).to_be_visible()


def aligned_columns(page):
    """Numbers stay right-aligned by class (the style attribute is gone)."""
    expect(page.locator("article td.cb-align-right").first).to_have_css("text-align", "right")


def tick_situation(page):
    page.locator("#cb-situation input[name=段階]").first.check()
    expect(page.locator("#cb-situation .cb-result").first).to_be_visible()


@pytest.mark.parametrize(
    ("url", "action"),
    [
        ("/", None),
        ("/cases/hata/", header_search),
        ("/national/", aligned_columns),
        ("/search/", search),  # Pagefind: WebAssembly and its worker
        ("/situation/", tick_situation),
    ],
)
def test_pages_work_under_the_policy_without_a_violation(csp_page, url, action):
    page, problems = csp_page
    problems.console.clear(), problems.failed.clear(), problems.outside.clear()
    page.goto(url)
    expect(page.locator("article h1")).to_be_visible()
    if action:
        action(page)
    page.wait_for_timeout(300)  # a late violation (a worker, a lazily compiled handler) is reported too
    assert page.evaluate("window.__cbViolations") == []
    assert problems.all() == []


def test_instant_navigation_works_under_the_policy(browse, policy):
    """Material's instant navigation (active on the session's server, the site's site_url) swaps pages in
    without loading them; the policy is added to that server's responses here, by Playwright's routing."""
    page, problems = browse()

    def with_policy(route):
        try:
            response = route.fetch()
            route.fulfill(response=response, headers={**response.headers, "content-security-policy": policy})
        except PlaywrightError as exc:  # a request the page dropped meanwhile (instant navigation's prefetch)
            if "disposed" not in str(exc) and "closed" not in str(exc):
                raise

    page.route("**/*", with_policy)
    page.add_init_script(COLLECT)
    page.goto("/")
    expect(page.locator("article h1")).to_be_visible()
    loads = []
    page.on("load", lambda: loads.append(page.url))
    for text, title in (("事例の索引", "事例の索引"), ("用語集", "用語集"), ("事例を探す", "事例を探す")):
        page.locator(".md-nav--primary a", has_text=text).first.click()
        expect(page.locator("article h1")).to_have_text(title)
    search(page)
    page.locator("#cb-search-page .cb-result a").first.click()
    expect(page.locator("article h1")).not_to_have_text("事例を探す")
    assert loads == []  # every page came by instant navigation, none by a full load
    assert page.evaluate("window.__cbViolations") == []
    assert problems.all() == []
