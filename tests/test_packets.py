"""Course packets (issue 24): ``casebook packet`` writes a real A4 PDF (WeasyPrint), read back with poppler.

The bundled cases and training text are used as they are (no synthetic data here).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.model.casebook import build_casebook
from generator.pages import packetfiles, packets
from generator.records import registry
from generator.records.load import load_dataset
from tests.sitebuild import REPO, copy_bundled, mkdocs_build

STAGE = "かたちづくる"
CASES = ("aba-mura", "aoga", "akita-otagaisama")
A4 = (595, 842)

pytestmark = pytest.mark.skipif(
    not (shutil.which("pdftotext") and shutil.which("pdffonts") and shutil.which("pdfinfo")),
    reason="poppler-utils (pdftotext, pdffonts, pdfinfo) is needed: `make test` installs it",
)


@pytest.fixture(scope="module")
def book():
    return build_casebook(load_dataset(REPO, REPO / "data", REPO / "content"))


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def squeezed(text: str) -> str:
    """Without white space: a long URL or name wraps over lines in the PDF."""
    return re.sub(r"\s+", "", text)


def pdf_info(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return dict(line.split(":", 1) for line in out.splitlines() if ":" in line)


def write_packet(tmp_path: Path, *extra: str) -> tuple[Path, str]:
    target = tmp_path / "packet.pdf"
    args = ["--root", str(REPO), "packet", "--stage", STAGE, "--cases", ",".join(CASES), "-o", str(target), *extra]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return target, result.output


@pytest.fixture(scope="module")
def participant(tmp_path_factory):
    return write_packet(tmp_path_factory.mktemp("participant"))[0]


def test_participant_packet_is_a_short_a4_pdf_with_the_stage_worksheet_cases_and_their_sources(participant, book):
    info = pdf_info(participant)
    pages = int(info["Pages"])
    assert 1 <= pages <= 10, f"{pages} pages"
    width, height = (round(float(v)) for v in re.findall(r"[\d.]+", info["Page size"])[:2])
    assert (width, height) == A4
    text = pdf_text(participant)
    flat = squeezed(text)
    assert STAGE in text and "ワークシート" in text
    assert "講師へのメモ" not in text and "よくあるつまずき" not in text and "時間の目安" not in text
    by_id = {c.id: c for c in book.cases}
    for case_id in CASES:
        case = by_id[case_id]
        assert squeezed(case.name) in flat, case.name
        for source in case.sources:
            if source.url:
                assert squeezed(source.url) in flat, f"{case_id}: {source.url} is not printed"
    assert re.search(r"^\s*1\s*/\s*\d+\s*$", text, re.M), "no page numbers"
    assert "目次" in text


def test_instructor_packet_keeps_the_trainer_notes(tmp_path):
    target, output = write_packet(tmp_path, "--instructor")
    text = pdf_text(target)
    assert "講師へのメモ" in text and "よくあるつまずき" in text and "時間の目安" in text
    assert "講師用" in output


def test_packet_embeds_a_japanese_font(participant):
    fonts = subprocess.run(["pdffonts", str(participant)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in fonts.splitlines()[2:]]
    japanese = [r for r in rows if re.search(r"CJK|JP|Gothic|Mincho", r[0])]
    assert japanese, fonts
    assert all(r[-5] == "yes" for r in japanese), f"a Japanese font is not embedded:\n{fonts}"


def test_unknown_case_or_stage_is_a_clear_error(tmp_path):
    runner = CliRunner()
    out = tmp_path / "x.pdf"
    r = runner.invoke(main, ["--root", str(REPO), "packet", "--stage", STAGE, "--cases", "aba-mura,nai", "-o", out])
    assert r.exit_code == 2 and "事例 nai が見つかりません" in r.output
    r = runner.invoke(main, ["--root", str(REPO), "packet", "--stage", "まとめる", "-o", out])
    assert r.exit_code == 2 and "「まとめる」という段階はありません" in r.output
    too_many = ",".join(c.stem for c in sorted((REPO / "data" / "cases").glob("*.yaml"))[:5])
    r = runner.invoke(main, ["--root", str(REPO), "packet", "--stage", "shiru", "--cases", too_many, "-o", out])
    assert r.exit_code == 2 and "4 件まで" in r.output
    assert not out.exists()


def test_trainer_content_is_marked_one_way_and_left_out_for_participants():
    for stage in registry.STAGES:
        text = packets.read_stage(REPO / "content", stage)
        assert [name for name, _ in text.trainer_sections()] == ["講師へのメモ"], stage
        page = packets.stage_page(REPO / "content", stage).read_text(encoding="utf-8")
        assert not re.search(r"^## 講師へのメモ\s*$", page, re.M), "the heading must carry { .trainer }"
        for name in packets.PACKET_SECTIONS:
            assert "!!! trainer" not in packets.strip_trainer(text.section(name))
        assert "!!! trainer" in text.intro and "!!! trainer" not in packets.strip_trainer(text.intro)


def test_each_stage_has_a_timing_plan_of_120_minutes():
    for stage in registry.STAGES:
        intro = packets.read_stage(REPO / "content", stage).intro
        plan = packets.only_trainer(intro)
        assert "時間の目安" in plan, stage
        rows = re.findall(r"^\s*\| (\d+)分 \| ([^|]+) \|", plan, re.M)
        parts = [(int(m), name.strip()) for m, name in rows if name.strip() != "合計"]
        total = [int(m) for m, name in rows if name.strip() == "合計"]
        assert sum(m for m, _ in parts) == 120 == total[0], (stage, parts)
        for name in ("この段階のねらい", "学びのポイント", "話し合いの問い", "ワークシート", "事例から学ぶ"):
            assert name in dict((n, m) for m, n in parts), f"{stage}: no timing for {name}"


def test_stage_pdf_is_cached_by_its_inputs(tmp_path):
    html = "<html><body><h1>テスト</h1><p>架空の研修資料（テスト用）</p></body></html>"
    first = packetfiles.cached_pdf(html, tmp_path)
    stamp = first.stat().st_mtime_ns
    again = packetfiles.cached_pdf(html, tmp_path)
    assert again == first and again.stat().st_mtime_ns == stamp, "an unchanged packet was printed again"
    other = packetfiles.cached_pdf(html.replace("テスト</h1>", "べつのテスト</h1>"), tmp_path)
    assert other != first and other.read_bytes().startswith(b"%PDF")


def test_build_without_weasyprint_succeeds_with_a_warning(tmp_path):
    """A machine without the PDF engine: the build goes on, says what is missing, /packets/ says no PDFs."""
    project = copy_bundled(tmp_path / "project")
    blocker = tmp_path / "blocker"
    (blocker / "weasyprint").mkdir(parents=True)
    (blocker / "weasyprint" / "__init__.py").write_text('raise ImportError("WeasyPrint is not installed (test)")\n')
    fresh_cache = tmp_path / "cache"  # PDFs printed earlier in the session must not stand in for the engine
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(blocker), str(REPO)]), "XDG_CACHE_HOME": str(fresh_cache)}
    result = mkdocs_build(project, env=env)
    assert "WeasyPrint（PyPI）が入っていません" in result.stderr
    site = project / "site"
    assert not list((site / "packets").glob("*.pdf"))
    page = (site / "packets" / "index.html").read_text(encoding="utf-8")
    assert "できあがった PDF がありません" in page
    assert (site / "packets" / "index.json").is_file()


def test_cli_packet_runs_without_a_build(tmp_path):
    project = copy_bundled(tmp_path / "project")
    assert not (project / "site").exists()
    target = tmp_path / "p.html"
    cmd = [sys.executable, "-m", "generator.cli", "packet", "--stage", "shiru", "-o", str(target), "--html"]
    run = subprocess.run(cmd, cwd=project, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    html = target.read_text(encoding="utf-8")
    assert "第1段階" in html and "事例の比較" in html and 'class="trainer' not in html


def test_serve_never_waits_for_a_pdf(tmp_path, monkeypatch, book):
    """Under ``mkdocs serve --dirty`` (a renderer with a memo) a missing PDF is printed in the background."""
    from generator.pages.renderer import PageRenderer

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(packetfiles, "_last", {})
    serving = PageRenderer(book, memo={})
    assert dict(packetfiles.stage_pdfs(serving)) == {}, "the rebuild waited for WeasyPrint"
    packetfiles._background().submit(lambda: None).result()  # one worker: the four PDFs are done before this
    ready = dict(packetfiles.stage_pdfs(serving))
    assert sorted(ready) == sorted(packetfiles.pdf_path(s) for s in registry.STAGES)
    assert all(Path(p).read_bytes().startswith(b"%PDF") for p in ready.values())
    assert dict(packetfiles.stage_pdfs(PageRenderer(book))) == ready, "a build uses the same cached PDFs"
