"""The offline copy (issue 28): ``casebook offline`` packs the built site with a launcher; unpacked in a
temporary folder and started with ``python3 start.py --port P --no-browser``, it serves the site on
127.0.0.1 and Pagefind finds a bundled case in headless Chromium. A page opened from disk (file://) says
how to start the launcher.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.offline import FOLDER

from .harness import top_urls

CASE_NAME = "あば村"
CASE_URL = "/cases/aba-mura/"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def unpacked(site_dir, tmp_path_factory) -> Path:
    """The offline zip of the browser tests' site, unpacked; returns its folder."""
    out = tmp_path_factory.mktemp("offline")
    result = CliRunner().invoke(main, ["offline", "--site", str(site_dir), "-o", str(out / "offline.zip")])
    assert result.exit_code == 0, result.output
    assert [p.name for p in out.iterdir()] == ["offline.zip"], "a temporary file was left beside the zip"
    with zipfile.ZipFile(out / "offline.zip") as zf:
        names = set(zf.namelist())
        assert {f"{FOLDER}/{n}" for n in ("start.py", "start-windows.bat", "start-mac.command", "README.txt")} <= names
        mode = zf.getinfo(f"{FOLDER}/start-mac.command").external_attr >> 16
        assert mode & 0o111, "the macOS wrapper must be executable"
        zf.extractall(out / "x")
    return out / "x" / FOLDER


def wait_for(url: str, proc: subprocess.Popen, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"start.py ended: {proc.communicate()}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer")


def test_launcher_serves_the_site_and_search_finds_a_case(unpacked, browser):
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "start.py", "--port", str(port), "--no-browser"],
        cwd=unpacked,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(base + "/", proc)
        with urllib.request.urlopen(base + "/pagefind/pagefind.js") as r:
            assert r.headers["Content-Type"].startswith("text/javascript")
        context = browser.new_context(locale="ja-JP", service_workers="block")
        try:
            page = context.new_page()
            page.goto(base + "/")
            assert page.locator(".cb-offline-note").count() == 0, "a served page must not show the note"
            found = top_urls(page, [CASE_NAME], n=5)[CASE_NAME]
            assert any(u.rstrip("/").endswith(CASE_URL.rstrip("/")) for u in found["urls"]), found
        finally:
            context.close()
    finally:
        proc.terminate()
        out, _err = proc.communicate(timeout=10)
    assert f"http://127.0.0.1:{port}/" in out, "the launcher says where the site is"


def test_launcher_refuses_a_port_in_use_with_a_message(unpacked):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = subprocess.run(
            [sys.executable, "start.py", "--port", str(port), "--no-browser"],
            cwd=unpacked,
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert proc.returncode == 1
    assert f"ポート {port} はほかのプログラムが使っています" in proc.stdout


def test_page_opened_from_disk_says_how_to_start_the_launcher(unpacked, browser):
    context = browser.new_context(locale="ja-JP", viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto((unpacked / "site" / "index.html").as_uri())
        note = page.locator(".cb-offline-note")
        note.wait_for(state="visible")
        assert "検索が使えません" in note.inner_text()
        assert "start-windows.bat" in note.inner_text() and "start-mac.command" in note.inner_text()
        # links to folders lead to their index.html, not to a listing of the folder
        href = page.locator('a[href*="cases/"]').first.get_attribute("href")
        assert href.endswith("index.html"), href
        page.goto((unpacked / "site" / "search" / "index.html").as_uri())
        hint = page.locator(".cb-offline-search").first
        hint.wait_for(state="attached")
        assert "start-windows.bat" in hint.text_content()
    finally:
        context.close()


def test_a_failed_pack_leaves_the_previous_zip(site_dir, tmp_path):
    target = tmp_path / "offline.zip"
    target.write_bytes(b"previous")
    result = CliRunner().invoke(main, ["offline", "--site", str(tmp_path / "nothing"), "-o", str(target)])
    assert result.exit_code == 2 and "サイトがありません" in result.output
    assert target.read_bytes() == b"previous" and [p.name for p in tmp_path.iterdir()] == ["offline.zip"]
