"""Faults outside the data: a build stopped by a signal or killed, and a site that cannot be written.

Real ``mkdocs build`` processes, real signals, real file-system errors (a file where the site's folder
should be; a file-size limit set with ``ulimit -f``, which fails writes as a full disk does).
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from generator.postprocess.atomic import process_running, stale_working_folders

from .sitebuild import MKDOCS, copy_bundled, mkdocs_build, pagefind_env
from .test_build_safety import leftovers, tree_hash

PAUSE = """\
import pathlib, time

def on_post_page(output, page, config):
    if page.file.src_uri == 'glossary/index.md':  # late in the build: parts of the search index are staged
        pathlib.Path(config.config_file_path).with_name('paused').write_text('x')
        time.sleep(120)
    return output
"""


def with_pause(project: Path) -> None:
    """The project's build waits (a hook) while the staged site and the staged search pages exist."""
    (project / "pause.py").write_text(PAUSE, encoding="utf-8")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").replace("  - casebook\n", "  - casebook:\n      search_part_pages: 40\n")
    config.write_text(text + "hooks:\n  - pause.py\n", encoding="utf-8")


def without_pause(project: Path) -> None:
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("hooks:\n  - pause.py\n", ""), encoding="utf-8")
    (project / "paused").unlink(missing_ok=True)


def paused_build(project: Path) -> subprocess.Popen:
    """Start ``mkdocs build`` and return once it is paused in the middle, its working folders on disk."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **pagefind_env()}
    proc = subprocess.Popen(
        [*MKDOCS, "build", "--strict"],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 300
    while not (project / "paused").exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            out, err = proc.communicate()
            raise AssertionError(f"the build did not reach the pause ({proc.returncode}):\n{out}\n{err}")
        time.sleep(0.05)
    working = {p.name for p in project.iterdir() if p.name.startswith(".site.")}
    assert working == {f".site.building-{proc.pid}", f".site.building-{proc.pid}.pagefind-stage-{proc.pid}"}
    return proc


def test_a_killed_build_leaves_folders_that_the_next_build_removes(tmp_path):
    """kill -9 gives a build no chance to clean up; the next build removes what a dead process left,
    and keeps the working folders of a process that still runs (a build running beside it)."""
    project = copy_bundled(tmp_path / "p")
    mkdocs_build(project)
    with_pause(project)
    proc = paused_build(project)
    proc.kill()
    proc.communicate()
    left = sorted(p.name for p in project.iterdir() if p.name.startswith(".site."))
    assert len(left) == 2, left
    assert not process_running(proc.pid)
    alive = project / f".site.building-{os.getpid()}"  # this test's own process runs: as another build would
    alive.mkdir()
    assert [p.name for p in stale_working_folders(project / "site")] == left
    without_pause(project)
    mkdocs_build(project)
    assert leftovers(project) == [alive.name]
    assert (project / "site" / "index.html").is_file()


@pytest.mark.parametrize(
    ("signum", "returncode"),
    [(signal.SIGTERM, -signal.SIGTERM), (signal.SIGHUP, -signal.SIGHUP), (signal.SIGINT, 1)],
    ids=["SIGTERM", "SIGHUP", "SIGINT"],
)
def test_a_signal_stops_the_build_and_its_working_folders_go_with_it(tmp_path, signum, returncode):
    """SIGTERM and SIGHUP end the process by the same signal, SIGINT as Ctrl-C does (Aborted!, exit 1):
    first the staged site and the staged search pages are removed; the previous site stays as it was."""
    project = copy_bundled(tmp_path / "p")
    mkdocs_build(project)
    before = tree_hash(project / "site")
    with_pause(project)
    proc = paused_build(project)
    proc.send_signal(signum)
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == returncode, err[-2000:]
    assert "Traceback" not in err
    assert leftovers(project, wait=0) == []
    assert tree_hash(project / "site") == before


def test_the_signal_handlers_are_restored_after_a_build(tmp_path):
    """The plugin sets its handlers for the build only: a hook reads them while the build runs, and a script
    running the build in-process checks that they are the previous ones afterwards."""
    project = copy_bundled(tmp_path / "p")
    (project / "probe.py").write_text(
        "import builtins, signal\n\n"
        "def on_post_build(config):\n"
        "    builtins.seen = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)}\n",
        encoding="utf-8",
    )
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "hooks:\n  - probe.py\n", encoding="utf-8")
    script = (
        "import builtins, signal\n"
        "from mkdocs.commands.build import build\n"
        "from mkdocs.config import load_config\n"
        "signal.signal(signal.SIGHUP, signal.SIG_IGN)  # as under nohup: stays ignored\n"
        "before = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)}\n"
        "cfg = load_config('mkdocs.yml')\n"
        "cfg.plugins.on_startup(command='build', dirty=False)\n"
        "build(cfg)\n"
        "during = builtins.seen\n"
        "after = {s: signal.getsignal(s) for s in before}\n"
        "assert after == before, (after, before)\n"
        "assert during[signal.SIGHUP] is signal.SIG_IGN\n"
        "assert during[signal.SIGTERM] != before[signal.SIGTERM] and during[signal.SIGINT] != before[signal.SIGINT]\n"
        "print('restored')\n"
    )
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **pagefind_env()}
    proc = subprocess.run([MKDOCS[0], "-c", script], cwd=project, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0 and proc.stdout.strip() == "restored", proc.stderr[-3000:]


def test_a_site_folder_that_cannot_be_made_is_a_located_message(tmp_path):
    """site_dir inside a regular file (as a read-only or immutable parent, the folder cannot be made)."""
    project = copy_bundled(tmp_path / "p")
    (project / "afile").write_text("x", encoding="utf-8")
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("site_dir: site\n", "site_dir: afile/site\n"), encoding="utf-8"
    )
    proc = mkdocs_build(project, check=False)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert (
        "mkdocs.yml:4:11: site_dir: サイトを afile/site に書き出せませんでした（afile）。"
        "afile はフォルダではなくファイルです。site_dir を直すか、そのファイルを動かしてください。"
        "前のサイトがあれば、そのまま残っています。"
    ) in proc.stderr
    assert (project / "afile").read_text(encoding="utf-8") == "x"
    assert sorted(p.name for p in project.iterdir() if p.name.startswith(".")) == []


def test_a_write_that_fails_midway_is_a_located_message_and_the_previous_site_stays(tmp_path):
    """A file-size limit (``ulimit -f``) makes writes fail with EFBIG in the middle of the build, as a full
    disk fails them with ENOSPC: one located message, exit 1, no traceback, nothing half-replaced."""
    project = copy_bundled(tmp_path / "p")
    mkdocs_build(project)  # also fills the validation cache, so that the limited build writes only the site
    before = tree_hash(project / "site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **pagefind_env()}
    limited = ["bash", "-c", "trap '' XFSZ; ulimit -f 40; exec \"$@\"", "limited", *MKDOCS, "build", "--strict"]
    proc = subprocess.run(limited, cwd=project, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 1, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    assert "mkdocs.yml:4:11: site_dir: サイトを site に書き出せませんでした（site/" in proc.stderr
    assert "ファイルの大きさの上限を超えました。上限（ulimit -f）を確かめてください。" in proc.stderr
    assert "前のサイトがあれば、そのまま残っています。" in proc.stderr
    assert tree_hash(project / "site") == before
    assert leftovers(project) == []
