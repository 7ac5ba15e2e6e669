"""Aliases (everyday words) of vocabulary and glossary terms: validated, and each word names one term only."""

from __future__ import annotations

import re

import pytest

from generator.records.errors import DataError
from generator.records.load import load_dataset

from .sitebuild import copy_bundled


def add_alias(project, label: str, alias: str) -> None:
    path = project / "data" / "vocabulary.yaml"
    text = path.read_text(encoding="utf-8")
    line = re.search(rf"^\s*- \{{label: {re.escape(label)}, .*\}}$", text, re.M).group(0)
    if ", aliases: [" in line:
        new = line.replace(", aliases: [", f", aliases: [{alias}, ")
    else:
        new = line[:-1] + f", aliases: [{alias}]}}"
    path.write_text(text.replace(line, new), encoding="utf-8")


def problems(project) -> list[str]:
    with pytest.raises(DataError) as info:
        load_dataset(project, content_dir=project / "content")
    return [str(e) for e in info.value.errors]


def test_bundled_vocabulary_has_aliases():
    from .sitebuild import REPO

    data = load_dataset(REPO, content_dir=REPO / "content")
    fuel = data.vocab["activity"].by_label["燃料供給"]
    assert "給油所" in fuel.aliases


@pytest.mark.parametrize(
    "label, alias, said",
    [
        ("燃料供給", "配食", "主な活動「配食」の見出し"),  # another term's label
        ("燃料供給", "茶話会", "主な活動「高齢者交流」の別の言い方"),  # another term's alias
        ("燃料供給", "燃料供給", "見出しと同じ"),  # its own label
        ("燃料供給", "地域運営組織", "用語集「地域運営組織」の見出し"),  # a glossary heading
    ],
)
def test_an_alias_naming_another_term_is_refused_with_its_place(tmp_path, label, alias, said):
    project = copy_bundled(tmp_path / "p")
    add_alias(project, label, alias)
    found = [p for p in problems(project) if f"「{alias}」" in p]
    assert len(found) == 1, found
    assert re.match(r"data/vocabulary\.yaml:\d+:\d+: activity\.terms\[\d+\]\.aliases\[1\]: ", found[0]), found[0]
    assert said in found[0]
