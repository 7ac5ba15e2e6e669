"""``mkdocs serve`` rebuilds when a record in data/ changes (a real server on loopback)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from .sitebuild import copy_bundled, pagefind_env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.read().decode("utf-8")
    except OSError:
        return None


def wait_for(predicate, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.3)
    return False


def start_serve(project, *options: str, log=None) -> tuple[subprocess.Popen, int]:
    """A real `mkdocs serve` of ``project`` on a free loopback port (its log to the open file ``log``)."""
    port = free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **pagefind_env()}
    proc = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", *options, "-a", f"127.0.0.1:{port}"],
        cwd=project,
        stdout=log or subprocess.DEVNULL,
        stderr=log or subprocess.DEVNULL,
        env=env,
        start_new_session=True,
    )
    return proc, port


def test_serve_rebuilds_when_a_record_changes(tmp_path):
    project = copy_bundled(tmp_path / "p")
    proc, port = start_serve(project)
    try:
        url = f"http://127.0.0.1:{port}/cases/kawane/"
        assert wait_for(lambda: (fetch(url) or "").find("川根振興協議会") >= 0, 90), "server did not come up"
        record = project / "data" / "cases" / "kawane.yaml"
        marker = "テスト用に書き換えた概要です"
        text = record.read_text(encoding="utf-8")
        record.write_text(text.replace("summary: ", f"summary: {marker}。", 1), encoding="utf-8")
        assert wait_for(lambda: marker in (fetch(url) or ""), 60), "page was not rebuilt after the record changed"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)


def test_dirty_serve_rebuilds_the_edited_case_and_the_pages_that_list_it(tmp_path):
    """`make serve` runs `mkdocs serve --dirty`: only pages whose Markdown changed are rebuilt, but all of those are."""
    project = copy_bundled(tmp_path / "p")
    proc, port = start_serve(project, "--dirty", "--no-strict")
    base = f"http://127.0.0.1:{port}"
    try:
        assert wait_for(lambda: "川根振興協議会" in (fetch(f"{base}/cases/kawane/") or ""), 90), (
            "server did not come up"
        )
        assert "川根振興協議会" not in (fetch(f"{base}/index/activity/bosai/") or "")
        record = project / "data" / "cases" / "kawane.yaml"
        text = record.read_text(encoding="utf-8")
        text = text.replace("summary: ", "summary: 差し替えた最初の文です。", 1).replace(
            "activities:\n", "activities:\n  - 防災\n", 1
        )
        record.write_text(text, encoding="utf-8")
        assert wait_for(lambda: "差し替えた最初の文です" in (fetch(f"{base}/cases/kawane/") or ""), 60), (
            "the case page was not rebuilt"
        )
        # pages that list the case: its prefecture (first sentence of the summary) and the newly added activity
        assert wait_for(lambda: "差し替えた最初の文です" in (fetch(f"{base}/index/prefecture/hiroshima/") or ""), 30)
        assert "川根振興協議会" in (fetch(f"{base}/index/activity/bosai/") or "")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)


@pytest.mark.parametrize("options", [("--dirty", "--no-strict"), ()], ids=["dirty", "full"])
def test_serve_builds_once_per_change_and_then_stays_idle(tmp_path, options):
    """Reading files during a build is not a change: the server must not start building again by itself."""
    project = copy_bundled(tmp_path / "p")
    log_path = tmp_path / "serve.log"
    with open(log_path, "w", encoding="utf-8") as log:
        proc, port = start_serve(project, *options, log=log)
    url = f"http://127.0.0.1:{port}/cases/kawane/"

    def builds() -> int:
        return log_path.read_text(encoding="utf-8").count("Building documentation")

    try:
        assert wait_for(lambda: "川根振興協議会" in (fetch(url) or ""), 90), "server did not come up"
        time.sleep(4)
        assert builds() == 1, log_path.read_text(encoding="utf-8")[-3000:]
        record = project / "data" / "cases" / "kawane.yaml"
        record.write_text(
            record.read_text(encoding="utf-8").replace("summary: ", "summary: 一度だけ作り直す。", 1), encoding="utf-8"
        )
        assert wait_for(lambda: "一度だけ作り直す" in (fetch(url) or ""), 60), (
            "page was not rebuilt after the record changed"
        )
        time.sleep(4)
        assert builds() == 2, log_path.read_text(encoding="utf-8")[-3000:]
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)


def test_dirty_serve_stops_serving_a_deleted_case(tmp_path):
    """MkDocs' --dirty build keeps old output files: the page of a record that was deleted must go."""
    project = copy_bundled(tmp_path / "p")
    proc, port = start_serve(project, "--dirty", "--no-strict")
    base = f"http://127.0.0.1:{port}"
    try:
        listing = f"{base}/index/prefecture/shimane/"
        assert wait_for(lambda: "波多コミュニティ協議会" in (fetch(f"{base}/cases/hata/") or ""), 90), (
            "server did not come up"
        )
        assert "cases/hata/" in (fetch(listing) or "")
        (project / "data" / "cases" / "hata.yaml").unlink()
        (project / "content" / "cases" / "hata.md").unlink(missing_ok=True)
        assert wait_for(lambda: fetch(f"{base}/cases/hata/") is None, 60), "the deleted case's page is still served"
        assert wait_for(lambda: "cases/hata/" not in (fetch(listing) or "cases/hata/"), 30)
        assert not (project / "site" / "cases" / "hata").exists()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)


@pytest.mark.parametrize("options", [("--dirty", "--no-strict"), ()], ids=["dirty", "full"])
def test_serve_answers_with_the_located_errors_while_a_record_is_broken(tmp_path, options):
    """Issue 25: a data error under `make serve` gives a page of located messages (no hanging request), which
    reloads itself; after the fix the same address shows the normal page again."""
    project = copy_bundled(tmp_path / "p")
    proc, port = start_serve(project, *options)
    base = f"http://127.0.0.1:{port}"
    url = f"{base}/cases/kawane/"
    try:
        assert wait_for(lambda: "川根振興協議会" in (fetch(url) or ""), 90), "server did not come up"
        record = project / "data" / "cases" / "kawane.yaml"
        good = record.read_text(encoding="utf-8")
        line = next(i for i, text in enumerate(good.splitlines(), 1) if text.startswith("prefecture:"))
        record.write_text(good.replace("prefecture: 広島県", "prefecture: 広島", 1), encoding="utf-8")
        where = f"data/cases/kawane.yaml:{line}:13"
        started = time.monotonic()
        assert wait_for(lambda: where in (fetch(url) or ""), 10), f"no page naming {where} within 10 s"
        print(f"error page after {time.monotonic() - started:.1f} s")
        page = fetch(url)
        assert "データに問題があります" in page and "「広島」は使える値にありません" in page
        assert "livereload" in page, "the error page must reload itself when the data is fixed"
        assert '<base href="/casebook-preview-error/">' in page, "its styles must load at any address"
        assert where in (fetch(f"{base}/index/activity/") or ""), "every page address answers with the errors"
        assert fetch(f"{base}/casebook-preview-error/assets/none.css") is None  # other files are served as they are
        record.write_text(good, encoding="utf-8")
        assert wait_for(lambda: "川根振興協議会" in (fetch(url) or ""), 60), "the normal page did not come back"
        assert "データに問題があります" not in fetch(url)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
