"""Generated pages whose Markdown is made when MkDocs reads them (plugin.LazyPage)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from mkdocs.config import load_config
from mkdocs.structure.pages import Page

from generator.plugin import LazyPage

CONFIG = SimpleNamespace(site_dir="/tmp/site", use_directory_urls=True, plugins=SimpleNamespace(_current_plugin="casebook"))


@pytest.fixture
def mkdocs_config(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: t\n", encoding="utf-8")
    config = load_config(config_file=str(tmp_path / "mkdocs.yml"))
    config.plugins._current_plugin = None  # set by MkDocs while a plugin event runs
    return config


def test_made_once_on_first_read():
    calls = []

    def make():
        calls.append(1)
        return "# 見出し\n\n本文。\n"

    page = LazyPage.lazy(CONFIG, "cases/x.md", make, later=True)
    assert calls == [] and page.casebook_later
    assert page.content_string == "# 見出し\n\n本文。\n"
    assert page.content_bytes == "# 見出し\n\n本文。\n".encode()
    assert calls == [1]
    assert page.dest_uri == "cases/x/index.html" and page.url == "cases/x/"


def test_mkdocs_reads_it_as_a_page_source(mkdocs_config):
    page = LazyPage.lazy(mkdocs_config, "cases/x.md", lambda: "---\ntitle: タイトル\n---\n\n本文。\n")
    mk = Page(None, page, mkdocs_config)
    mk.read_source(mkdocs_config)
    assert mk.markdown.strip() == "本文。" and mk.meta == {"title": "タイトル"}


def test_content_set_afterwards_replaces_the_maker():
    page = LazyPage.lazy(CONFIG, "cases/x.md", lambda: 1 / 0)
    page.content_string = "置き換えた本文"
    assert page.content_string == "置き換えた本文"
