"""``mkdocs serve`` rebuilds when a record in data/ changes (a real server on loopback)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

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


def test_serve_rebuilds_when_a_record_changes(tmp_path):
    project = copy_bundled(tmp_path / "p")
    port = free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **pagefind_env()}
    proc = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,
    )
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
