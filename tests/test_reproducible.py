"""Reproducible dates (issue 22): the published site does not depend on how the repository was checked out.

A temporary git repository gets real commits on different dates (records FICTIONAL, made here). It is
built from a full clone, from a ``git clone --depth 1`` (GitHub Actions' default checkout) and from a
``git archive`` export (what a ZIP download is): the three sites must be byte-identical, sitemap
included, and carry the records' own ``updated`` dates. ``casebook validate`` warns, where the history
is complete, about a record changed after its ``updated`` date. The bundled records' dates are checked
against this repository's own history.
"""

from __future__ import annotations

import gzip
import os
import re
import struct
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.model.history import content_changes, history_state
from generator.records import load_dataset
from tests.conftest import VALID
from tests.sitebuild import MKDOCS, REPO, copy_bundled, pagefind_env

DATA_FILES = ("vocabulary.yaml", "glossary.yaml", "national.yaml")


def record(case_id: str, name: str, kana: str, updated: str, summary: str = "概要です。") -> str:
    text = VALID.replace("id: x\n", f"id: {case_id}\n").replace("テスト協議会", name).replace("てすと", kana)
    stages = "  知る: 学び\n  かたちづくる: 学び\n  動いてみる: 学び\n  持続・発展させる: 学び\n"  # the training pages link to all four
    return text.replace("概要です。", summary).replace("  知る: 学び\n", stages) + f"updated: {updated}\n"


def git(cwd: Path, *args: str, date: str | None = None) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "テスト",
        "GIT_AUTHOR_EMAIL": "test@example.invalid",
        "GIT_COMMITTER_NAME": "テスト",
        "GIT_COMMITTER_EMAIL": "test@example.invalid",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    if date:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"{date}T10:00:00+09:00"
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True).stdout


def commit(repo: Path, files: dict[str, str], date: str, message: str) -> None:
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text, encoding="utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, date=date)


@pytest.fixture(scope="module")
def origin(tmp_path_factory) -> Path:
    """Four commits on four dates; the last changes a hand-written page only."""
    repo = tmp_path_factory.mktemp("origin") / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    copy_bundled(repo, with_data=False)  # the bundled pages (the generated ones link to them), no narratives
    for narrative in (repo / "content" / "cases").glob("*.md"):
        if narrative.name != "index.md":
            narrative.unlink()
    mkdocs_yml = (repo / "mkdocs.yml").read_text(encoding="utf-8")  # a site_url: the sitemap lists pages with dates
    (repo / "mkdocs.yml").write_text("site_url: https://example.invalid/casebook/\n" + mkdocs_yml, encoding="utf-8")
    data = {f"data/{name}": (REPO / "data" / name).read_text(encoding="utf-8") for name in DATA_FILES}
    commit(
        repo,
        {
            **data,
            "data/cases/aa.yaml": record("aa", "あ協議会", "あ", "2024-05-01"),
            "data/cases/bb.yaml": record("bb", "い協議会", "い", "2024-05-01"),
        },
        "2024-05-01",
        "first records",
    )
    commit(
        repo,
        {"data/cases/bb.yaml": record("bb", "い協議会", "い", "2025-02-10", "書き直した概要です。")},
        "2025-02-10",
        "bb",
    )
    commit(
        repo,
        {
            "data/cases/cc.yaml": record("cc", "う協議会", "う", "2025-08-20"),
            "content/cases/cc.md": "## くわしく\n\n本文です。\n",
        },
        "2025-08-20",
        "cc",
    )
    about = (repo / "content" / "about.md").read_text(encoding="utf-8")
    commit(repo, {"content/about.md": about + "\n書き足した一文です。\n"}, "2026-01-05", "about")
    return repo


def checkout(origin: Path, target: Path, how: str) -> Path:
    if how == "full":
        git(target.parent, "clone", "-q", str(origin), str(target))
    elif how == "shallow":
        git(target.parent, "clone", "-q", "--depth", "1", origin.as_uri(), str(target))
        assert git(target, "rev-parse", "--is-shallow-repository").strip() == "true"
    else:
        target.mkdir()
        archive = subprocess.run(["git", "archive", "HEAD"], cwd=origin, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
        assert not (target / ".git").exists()
    return target


def build(project: Path, tz: str = "UTC") -> dict[str, bytes]:
    """A real ``mkdocs build --strict`` without any SOURCE_DATE_EPOCH of the caller; the site's files."""
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    env.update(NO_MKDOCS_2_WARNING="1", TZ=tz, **pagefind_env())
    proc = subprocess.run(
        [*MKDOCS, "build", "--strict"], cwd=project, env=env, capture_output=True, text=True, timeout=600
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    site = project / "site"
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def sites(origin, tmp_path_factory) -> dict[str, dict[str, bytes]]:
    base = tmp_path_factory.mktemp("checkouts")
    # the shallow clone is also built in another time zone (UTC+14): dates must not move with it
    zones = {"full": "UTC", "shallow": "Pacific/Kiritimati", "archive": "Asia/Tokyo"}
    return {how: build(checkout(origin, base / how, how), zones[how]) for how in zones}


def test_shallow_clone_and_archive_build_the_same_site_as_a_full_clone(sites):
    full = sites["full"]
    assert "sitemap.xml.gz" in full and "cases/bb/index.html" in full
    for how in ("shallow", "archive"):
        assert sorted(sites[how]) == sorted(full), how
        differ = [path for path in full if sites[how][path] != full[path]]
        assert differ == [], f"{how}: {differ[:10]}"


def test_dates_come_from_the_records(sites):
    for how, site in sites.items():
        page = site["cases/bb/index.html"].decode()
        assert "更新日: 2025年2月10日" in page, how
        home = site["index.html"].decode()
        order = re.findall(r"(\w協議会)</a></strong>（広島県安芸高田市） — (\S+) 更新", home)
        assert order == [("う協議会", "2025年8月20日"), ("い協議会", "2025年2月10日"), ("あ協議会", "2024年5月1日")], (
            how
        )
        sitemap = site["sitemap.xml"].decode()
        assert sitemap.count("<lastmod>2025-08-20</lastmod>") == sitemap.count("<url>") > 10, how
        assert _gzip_mtime(site) == 1755648000, how
        assert gzip.decompress(site["sitemap.xml.gz"]).decode() == sitemap


def _gzip_mtime(site: dict[str, bytes]) -> int:
    """The time stamp in the gzip header of sitemap.xml.gz (bytes 4–7, RFC 1952): 2025-08-20 00:00 UTC."""
    return struct.unpack("<I", site["sitemap.xml.gz"][4:8])[0]


def test_validate_warns_about_a_record_changed_without_its_date(origin, tmp_path):
    full = checkout(origin, tmp_path / "full", "full")
    assert history_state(full) == "complete"
    assert content_changes(full, ["data/cases", "content/cases"]) == {
        "aa": "2024-05-01",
        "bb": "2025-02-10",
        "cc": "2025-08-20",
    }
    runner = CliRunner()
    assert runner.invoke(main, ["--root", str(full), "validate", "--strict"]).exit_code == 0
    # aa's summary changes, its date does not; cc's narrative changes; bb only gets a later date (no warning)
    commit(
        full,
        {
            "data/cases/aa.yaml": record("aa", "あ協議会", "あ", "2024-05-01", "変えた概要です。"),
            "content/cases/cc.md": "## くわしく\n\n本文を書き足しました。\n",
            "data/cases/bb.yaml": record("bb", "い協議会", "い", "2026-02-02", "書き直した概要です。"),
        },
        "2026-02-02",
        "edits",
    )
    result = runner.invoke(main, ["--root", str(full), "validate"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "data/cases/aa.yaml:20:1: updated: 警告: この事例は 2026-02-02 に変わっていますが、更新日が 2024-05-01 のままです。"
        "「updated: 2026-02-02」にしてください。",
        "data/cases/cc.yaml:20:1: updated: 警告: この事例は 2026-02-02 に変わっていますが、更新日が 2025-08-20 のままです。"
        "「updated: 2026-02-02」にしてください。",
        "問題はありません: 事例 3 件、用語 40 件。",
        "警告が 2 件あります。",
    ]
    assert runner.invoke(main, ["--root", str(full), "validate", "--strict"]).exit_code == 1
    github = runner.invoke(main, ["--root", str(full), "validate", "--format", "github"]).stdout
    assert github.startswith("::warning file=data/cases/aa.yaml,line=20,col=1::updated: 警告: ")
    # an uncommitted change counts as today's
    (full / "data" / "cases" / "bb.yaml").write_text(
        record("bb", "い協議会", "い", "2026-02-02", "もう一度書き直しました。"), encoding="utf-8"
    )
    assert "data/cases/bb.yaml:20:1: updated: 警告: " in runner.invoke(main, ["--root", str(full), "validate"]).output
    # a commit that only bumps aa's updated: is not a change of the case; its warning goes
    commit(
        full,
        {"data/cases/aa.yaml": record("aa", "あ協議会", "あ", "2026-02-03", "変えた概要です。")},
        "2026-02-03",
        "d",
    )
    assert content_changes(full, ["data/cases"])["aa"] == "2026-02-02"
    assert "aa.yaml" not in runner.invoke(main, ["--root", str(full), "validate"]).output
    # a shallow clone cannot tell, so it does not warn
    shallow = checkout(full, tmp_path / "shallow", "shallow")
    assert history_state(shallow) == "shallow"
    assert "警告" not in runner.invoke(main, ["--root", str(shallow), "validate"]).output


def test_bundled_records_dates_match_their_history():
    """Each bundled record's ``updated`` is the day of the last commit that changed it or its narrative
    (or later: an editor may bump it). Needs this repository's complete history; an uncommitted change
    counts as today, so editing a record without bumping ``updated`` fails here too."""
    if history_state(REPO) != "complete":
        pytest.skip("the repository's history is not complete here (shallow clone or export)")
    changed = content_changes(REPO, ["data/cases", "content/cases"])
    cases = load_dataset(REPO, content_dir=REPO / "content").cases
    assert cases and all(case.updated for case in cases)
    behind = [(case.id, case.updated, changed[case.id]) for case in cases if case.updated < changed.get(case.id, "")]
    assert behind == [], "updated: is older than the record's last change (id, updated, changed)"
