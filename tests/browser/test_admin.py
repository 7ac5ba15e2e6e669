"""The web editor at /admin/ (issue 25): Sveltia CMS vendored into the site, in headless Chromium.

Sveltia CMS asks other hosts for its translation, fonts, version and GitHub's status; the site's service
worker (generator/pages/admin_static/sw.js) answers them from the published copies. Any request that would
really leave the browser is caught by the context's route (service workers' answers never reach it) and fails
the test.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from .conftest import LOCAL_HOSTS


def open_admin(browser, base_url: str, width: int, height: int):
    context = browser.new_context(
        viewport={"width": width, "height": height}, locale="ja-JP", base_url=base_url, service_workers="allow"
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    outside: list[str] = []
    answered_here: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"uncaught: {e}"))

    def finished(request):
        response = request.response()
        if urlsplit(request.url).hostname not in LOCAL_HOSTS and response is not None and response.from_service_worker:
            answered_here.append(request.url)

    page.on("requestfinished", finished)

    def route(r):
        if urlsplit(r.request.url).hostname in LOCAL_HOSTS or r.request.url.startswith(("data:", "blob:")):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    return context, page, errors, outside, answered_here


def test_admin_login_screen_in_japanese_with_nothing_from_another_host(browser, base_url, site_dir):
    assert (site_dir / "admin" / "sveltia-cms.js").is_file()
    html = (site_dir / "admin" / "index.html").read_text(encoding="utf-8")
    assert "http" not in html.replace('rel="cms-config-url"', ""), "the admin page names no other host"
    for width, height in ((1280, 800), (390, 844)):
        context, page, errors, outside, answered_here = open_admin(browser, base_url, width, height)
        try:
            page.goto("/admin/")
            page.get_by_role("button", name="アクセストークンを使用してログイン").wait_for()
            page.wait_for_timeout(1500)  # the version and status checks run after the login screen
            assert outside == [], f"requests to another host: {outside}"
            assert errors == [], errors
            # Sveltia asked for its Japanese translation and its fonts; the site's service worker answered.
            assert any(url.endswith("/locales/ja.json") for url in answered_here), answered_here
        finally:
            context.close()
