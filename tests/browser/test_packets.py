"""Printing and the packet builder (issue 24) in headless Chromium, on the real built bundled site.

``page.pdf`` is Chromium's own print (print media, A4); poppler reads the PDFs back.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from generator.model.casebook import build_casebook
from generator.pages.packets import default_cases
from generator.records.load import load_dataset
from tests.sitebuild import REPO

pytestmark = pytest.mark.skipif(
    not shutil.which("pdftotext"), reason="poppler-utils is needed: `make test` installs it"
)

CASE = "aba-mura"
STAGE_SLUGS = ("shiru", "katachizukuru", "ugoitemiru", "jizoku-hatten")


def printed(page, path: Path) -> tuple[str, int]:
    """Chromium's A4 print of the page: (its text, its number of pages)."""
    page.emulate_media(media="print")
    page.pdf(path=str(path), format="A4", print_background=True)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return text, int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def test_printed_case_page_shows_its_source_urls_and_no_related_cases(page, tmp_path):
    case = next(c for c in load_dataset(REPO, REPO / "data", REPO / "content").cases if c.id == CASE)
    page.goto(f"/cases/{CASE}/")
    text, pages = printed(page, tmp_path / "case.pdf")
    flat = re.sub(r"\s+", "", text)
    for source in case.sources:
        assert re.sub(r"\s+", "", source.url) in flat, f"{source.url} is not printed"
    assert "関連する事例" in text  # the heading stays; the list of related cases does not
    assert "事例を探す" not in text, "the navigation was printed"
    assert pages <= 4


def test_worksheet_page_prints_on_one_a4_sheet(page, tmp_path):
    for slug in STAGE_SLUGS:
        page.goto(f"/training/worksheets/{slug}/")
        text, pages = printed(page, tmp_path / f"{slug}.pdf")
        assert pages == 1, f"the {slug} worksheet takes {pages} pages"
        assert "ワークシート" in text and "グループ名・名前" in text


def test_stage_page_print_leaves_out_trainer_notes_and_read_links(page, tmp_path):
    page.goto("/training/katachizukuru/")
    text, _ = printed(page, tmp_path / "stage.pdf")
    assert "ワークシート" in text
    assert "講師へのメモ" not in text and "よくあるつまずき" not in text
    assert "事例を読む" not in text


def test_packets_page_links_four_stage_pdfs_that_exist(page, site_dir):
    page.goto("/packets/")
    hrefs = page.eval_on_selector_all("[data-cb-pdf]", "els => els.map(a => a.getAttribute('href'))")
    assert len(hrefs) == 4
    for href in hrefs:
        url = urljoin(page.url, href)  # Material's instant navigation makes links absolute
        target = site_dir / urlsplit(url).path.lstrip("/")
        assert target.suffix == ".pdf" and target.read_bytes().startswith(b"%PDF"), href
        assert page.request.get(url).status == 200


def ready(page) -> str:
    page.wait_for_selector("[data-cb-packets][data-cb-ready]")
    return page.get_attribute("[data-cb-packets]", "data-cb-ready")


def test_builder_state_in_the_url_reopens_the_same_packet(browse):
    page, problems = browse()
    page.goto("/packets/")
    first = ready(page)
    assert first.startswith("shiru|participant|") and len(first.split("|")[2].split(",")) == 3  # preselected
    page.goto("/packets/?stage=katachizukuru")  # the stage's first cases, as in its ready-made PDF
    book = build_casebook(load_dataset(REPO, REPO / "data", REPO / "content"))
    assert ready(page) == "katachizukuru|participant|" + ",".join(c.id for c in default_cases(book, "かたちづくる"))
    page.goto("/packets/")
    ready(page)
    page.check("input[name=stage][value=katachizukuru]")
    page.check("input[name=view][value=instructor]")
    # The list is drawn again on every change: click by value, not by position.
    for value in page.eval_on_selector_all("[data-cb-case-list] input:checked", "els => els.map(e => e.value)"):
        page.click(f"[data-cb-case-list] input[value='{value}']")
    page.fill("[data-cb-filter]", "あば村")
    page.click("[data-cb-case-list] input[value='aba-mura']")
    page.fill("[data-cb-filter]", "")
    page.click("[data-cb-case-list] input[value='aoga']")
    page.wait_for_function(
        "document.querySelector('[data-cb-packets]').dataset.cbReady.split('|')[2].split(',').length == 2"
    )
    state = ready(page)
    assert state == "katachizukuru|instructor|aba-mura,aoga"
    packet = page.inner_text("[data-cb-packet]")
    assert "講師へのメモ" in packet and "事例の比較" in packet and "合同会社あば村" in packet
    shared = page.url
    assert "stage=katachizukuru" in shared and "view=instructor" in shared

    again, problems_again = browse()
    again.goto(shared)
    assert ready(again) == state
    assert again.inner_text("[data-cb-packet]") == packet
    assert again.is_checked("input[name=view][value=instructor]")
    assert not problems.all() and not problems_again.all(), problems.all() + problems_again.all()


def test_builder_participant_packet_has_no_trainer_notes_and_prints_source_urls(page, tmp_path):
    book = build_casebook(load_dataset(REPO, REPO / "data", REPO / "content"))
    page.goto(f"/packets/?stage=katachizukuru&view=participant&cases={CASE}")
    assert ready(page) == f"katachizukuru|participant|{CASE}"
    text, pages = printed(page, tmp_path / "builder.pdf")
    assert "講師へのメモ" not in text and "段階を選ぶ" not in text
    flat = re.sub(r"\s+", "", text)
    case = next(c for c in book.cases if c.id == CASE)
    assert all(re.sub(r"\s+", "", s.url) in flat for s in case.sources)
    assert pages <= 10


def test_trainer_switch_hides_trainer_notes_and_is_remembered(page):
    page.goto("/training/katachizukuru/")
    notes = page.locator(".md-typeset .trainer").first
    assert notes.is_visible()
    page.get_by_role("button", name="講師用の内容を表示").click()
    assert not notes.is_visible()
    page.goto("/training/shiru/")
    assert not page.locator(".md-typeset .trainer").first.is_visible()
    assert page.get_by_role("button", name="講師用の内容を表示").get_attribute("aria-pressed") == "false"


def test_projector_mode_hides_side_bars_scales_text_and_is_remembered(browse):
    page, _ = browse(1920, 1080)
    page.goto("/training/katachizukuru/")
    size = page.eval_on_selector("article p", "p => parseFloat(getComputedStyle(p).fontSize)")
    page.get_by_role("button", name="大きく表示").click()
    big = page.eval_on_selector("article p", "p => parseFloat(getComputedStyle(p).fontSize)")
    assert 1.4 <= big / size <= 1.6, (size, big)
    assert not page.locator(".md-sidebar--primary").is_visible()
    page.reload()
    assert page.eval_on_selector("article p", "p => parseFloat(getComputedStyle(p).fontSize)") == big


@pytest.mark.parametrize(
    "url",
    [
        "/packets/?stage=katachizukuru&view=instructor&cases=aba-mura,aoga,akita-otagaisama",
        "/training/worksheets/shiru/",
    ],
)
def test_packet_pages_pass_axe_and_fit_a_phone(browse, url):
    from axe_playwright_python.sync_playwright import Axe

    page, problems = browse(360, 800)
    page.goto(url)
    if "packets" in url:
        ready(page)
    serious = [
        f"{v['id']}: {' '.join(map(str, n['target']))}"
        for v in Axe().run(page).response["violations"]
        if v["impact"] in ("serious", "critical")
        for n in v["nodes"]
    ]
    assert serious == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert problems.all() == []


def test_a_phone_shows_no_projector_switch_but_keeps_the_trainer_switch(browse):
    page, _ = browse(390, 844)
    page.goto("/cases/hata/")
    page.wait_for_selector(".cb-switch--projector", state="attached")
    assert not page.get_by_role("button", name="大きく表示").is_visible()
    assert not page.locator(".cb-toolbar").is_visible()  # nothing else in it on a case page
    page.goto("/training/katachizukuru/")
    assert page.get_by_role("button", name="講師用の内容を表示").is_visible()
    assert not page.get_by_role("button", name="大きく表示").is_visible()
