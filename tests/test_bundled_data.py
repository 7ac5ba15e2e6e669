"""The records that ship with the project are valid."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.records.load import load_dataset

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def dataset():
    return load_dataset(ROOT, content_dir=ROOT / "content")


def test_bundled_data_loads(dataset):
    assert len(dataset.cases) >= 16
    assert dataset.vocab


def test_every_record_has_a_source(dataset):
    for case in dataset.cases:
        assert len(case.sources) >= 1, case.id
        assert all(s.title and s.url for s in case.sources), case.id


def test_case_id_equals_file_stem(dataset, repo_root):
    folder = repo_root / "data" / "cases"
    in_folder = [c for c in dataset.cases if c.location.path.startswith("data/cases/")]
    for case in in_folder:
        assert case.location.path in (f"data/cases/{case.id}.yaml", f"data/cases/{case.id}.yml")
    assert sorted(c.id for c in in_folder) == sorted(p.stem for p in folder.iterdir() if p.suffix in (".yaml", ".yml"))


def test_ids_unique(dataset):
    ids = [c.id for c in dataset.cases]
    assert len(ids) == len(set(ids))


def test_cli_validates_bundled_data(repo_root):
    result = CliRunner().invoke(main, ["--root", str(repo_root), "validate"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("問題はありません: 事例 ")
