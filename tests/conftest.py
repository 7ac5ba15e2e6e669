"""Shared fixtures: small throw-away projects in ``tmp_path``.

Tests never read anything outside the repository; the only repository file
they copy is ``data/vocabulary.yaml`` (it ships with the project).
"""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from generator.records.errors import CaseError, DataError
from generator.records.load import load_dataset

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True, scope="session")
def _isolated_cache(tmp_path_factory):
    """Validation caches go to a throw-away folder, also for the mkdocs subprocesses."""
    import os

    old = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))
    yield
    if old is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = old


# A minimal valid record. Line numbers (1-based) are relied upon by the tests:
#  1 id: x
#  2 name: テスト協議会
#  3 kana: てすと
#  4 prefecture: 広島県
#  5 municipality: 安芸高田市
#  6 legal_form: 任意団体
#  7 summary: 概要です。
#  8 regional_issues: [人口減少]
#  9 activities: [防災]
# 10 formation_factors:
# 11   - factor: 危機感の共有
# 12 stages:
# 13   知る: 学び
# 14 sources:
# 15   - title: 出典
# 16     url: https://example.jp/
VALID = textwrap.dedent(
    """\
    id: x
    name: テスト協議会
    kana: てすと
    prefecture: 広島県
    municipality: 安芸高田市
    legal_form: 任意団体
    summary: 概要です。
    regional_issues: [人口減少]
    activities: [防災]
    formation_factors:
      - factor: 危機感の共有
    stages:
      知る: 学び
    sources:
      - title: 出典
        url: https://example.jp/
    """
)


@pytest.fixture
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture
def valid() -> str:
    """The text of a minimal valid record with id ``x`` (see the line table above)."""
    return VALID


@pytest.fixture
def project(tmp_path):
    """Factory: ``project({"x.yaml": text, "cases.yaml": text}, content={...}, vocabulary=text) -> root``.

    Keys of ``cases`` are written to ``data/cases/<key>``, except ``cases.yaml``
    which goes to ``data/cases.yaml``. Values may be ``str`` (written as UTF-8)
    or ``bytes`` (written as is). ``content`` maps paths under ``content/`` to
    text. Each call makes a fresh project folder.
    """
    counter = iter(range(1_000_000))

    def make(cases: dict | None = None, *, content: dict | None = None, vocabulary: str | None = None) -> Path:
        root = tmp_path / f"p{next(counter)}"
        (root / "content").mkdir(parents=True)
        (root / "data" / "cases").mkdir(parents=True)
        (root / "mkdocs.yml").write_text("site_name: t\ndocs_dir: content\n", encoding="utf-8")
        (root / "content" / "index.md").write_text("# t\n", encoding="utf-8")
        if vocabulary is None:
            shutil.copyfile(REPO_ROOT / "data" / "vocabulary.yaml", root / "data" / "vocabulary.yaml")
        else:
            (root / "data" / "vocabulary.yaml").write_text(vocabulary, encoding="utf-8")
        for name, text in (cases or {}).items():
            target = root / "data" / name if name == "cases.yaml" else root / "data" / "cases" / name
            if isinstance(text, bytes):
                target.write_bytes(text)
            else:
                target.write_text(text, encoding="utf-8")
        for name, text in (content or {}).items():
            target = root / "content" / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        return root

    return make


def collect_errors(root: Path, **kwargs) -> list[CaseError]:
    """Every error ``load_dataset`` reports for the project (``[]`` when it is valid)."""
    kwargs.setdefault("content_dir", root / "content")
    try:
        load_dataset(root, **kwargs)
    except DataError as exc:
        assert exc.errors, "DataError raised without errors"
        return exc.errors
    return []


@pytest.fixture
def errors_of():
    """``errors_of(root, **load_dataset_kwargs) -> list[CaseError]``."""
    return collect_errors


@pytest.fixture
def where():
    """``where(errors) -> [(line, column, field), …]``, 1-based as printed."""

    def located(errors):
        return [(e.location.line + 1, e.location.column + 1, e.field) for e in errors]

    return located


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium (Debian's) for the whole session: Playwright's sync API allows one instance per process."""
    import os

    from tests.browser.harness import CHROMIUM, MISSING_CHROMIUM, launch_chromium

    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(MISSING_CHROMIUM, pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        b = launch_chromium(playwright)
        yield b
        b.close()
