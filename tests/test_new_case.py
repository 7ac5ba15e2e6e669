"""Issue 25: ``casebook new`` checks each answer as it is given, lists the allowed values one per line, and
can start from the text of an issue written with the form 「事例を提案する」.

The interactive test runs the real command on a pseudo-terminal (its standard input is a terminal, as an
editor's is), answering as an editor would.
"""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time

import yaml
from click.testing import CliRunner

from generator.cli import main
from generator.records.load import load_vocabulary

from .sitebuild import REPO

GIVEN = ["--id", "aki-test", "--name", "テスト振興会", "--kana", "てすとしんこうかい", "--municipality", "安芸高田市",
         "--summary", "試しに作る事例です。"]  # fmt: skip


class Terminal:
    """A command on a pseudo-terminal: ``expect`` a text, then ``answer`` a line."""

    def __init__(self, args: list[str]):
        self.master, slave = pty.openpty()
        env = {**os.environ, "COLUMNS": "200"}
        self.proc = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True)
        os.close(slave)
        self.output = b""

    def expect(self, text: str, timeout: float = 30) -> None:
        end = time.monotonic() + timeout
        while text.encode() not in self.output:
            left = end - time.monotonic()
            assert left > 0, f"waited for {text!r}; got:\n{self.output.decode('utf-8', 'replace')}"
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    self.output += os.read(self.master, 4096)
                except OSError:  # the command ended
                    break
        assert text.encode() in self.output, self.output.decode("utf-8", "replace")
        self.output = self.output[self.output.index(text.encode()) + len(text.encode()) :]

    def answer(self, line: str) -> None:
        os.write(self.master, line.encode() + b"\r")

    def finish(self) -> int:
        code = self.proc.wait(timeout=30)
        os.close(self.master)
        return code


def test_each_answer_is_checked_as_it_is_given(project):
    root = project({})
    term = Terminal([sys.executable, "-m", "generator.cli", "--root", str(root), "new", *GIVEN])
    try:
        term.expect("都道府県:")
        term.answer("火星")
        term.expect("「火星」は使える値にありません")  # said at once, before the next question
        term.expect("都道府県:")  # and only this answer is asked again
        term.answer("広島")  # completed to 広島県
        term.expect("法人格:")
        term.answer("NPO")
        term.expect("「NPO法人」ではありませんか")
        term.expect("法人格 [NPO法人]:")  # the suggestion is the default: Enter takes it
        term.answer("")
        term.expect("data/cases/aki-test.yaml を作りました。")
    finally:
        code = term.finish()
    assert code == 0
    record = yaml.safe_load((root / "data" / "cases" / "aki-test.yaml").read_text(encoding="utf-8"))
    assert (record["prefecture"], record["legal_form"], record["name"]) == ("広島県", "NPO法人", "テスト振興会")


def test_template_lists_allowed_values_one_per_line(project):
    root = project({})
    args = [*GIVEN, "--prefecture", "広島県", "--legal-form", "任意団体"]
    assert CliRunner().invoke(main, ["--root", str(root), "new", *args]).exit_code == 0
    lines = (root / "data" / "cases" / "aki-test.yaml").read_text(encoding="utf-8").splitlines()
    values = {line.removeprefix("#").strip().removeprefix("- ") for line in lines if line.startswith("#   ")}
    vocab = load_vocabulary(REPO / "data" / "vocabulary.yaml", REPO, [])
    for name in ("legal_form", "scope", "base", "regional_issue", "activity", "income", "challenge",
                 "formation_factor", "sustainability_factor", "external_actor", "external_effect"):  # fmt: skip
        for term in vocab[name].terms:
            assert term.label in values, f"{name}: {term.label} is not on a line of its own"
    assert "声かけ・見守り" in values, "a label with 「・」 stays whole"
    assert not any("・".join(t.label for t in vocab["activity"].terms[:2]) in line for line in lines)


ISSUE = """### id

kawane-teian

### 正式名称

提案振興会

### 読み

ていあんしんこうかい

### 都道府県

広島

### 市区町村

安芸高田市

### 法人格

_No response_

### 概要

フォームから提案された事例です。

### 出典

安芸高田市のページ https://example.jp/teian
"""


def test_new_from_an_issue_form(project, tmp_path):
    root = project({})
    form = root / ".github" / "ISSUE_TEMPLATE"
    form.mkdir(parents=True)
    (form / "propose-case.yml").write_bytes((REPO / ".github" / "ISSUE_TEMPLATE" / "propose-case.yml").read_bytes())
    issue = tmp_path / "issue.md"
    issue.write_text(ISSUE, encoding="utf-8")
    result = CliRunner().invoke(
        main, ["--root", str(root), "new", "--from-issue", str(issue), "--legal-form", "任意団体"]
    )
    assert result.exit_code == 0, result.output
    text = (root / "data" / "cases" / "kawane-teian.yaml").read_text(encoding="utf-8")
    record = yaml.safe_load(text)
    assert (
        record["name"] == "提案振興会" and record["prefecture"] == "広島県" and record["municipality"] == "安芸高田市"
    )
    assert record["summary"] == "フォームから提案された事例です。"
    assert "#   安芸高田市のページ https://example.jp/teian" in text, "the issue's sources, to check and copy"


def test_new_from_an_issue_without_an_answer_asks_for_it(project, tmp_path):
    root = project({})
    issue = tmp_path / "issue.md"
    issue.write_text(ISSUE, encoding="utf-8")  # 法人格: _No response_, and no --legal-form
    result = CliRunner().invoke(main, ["--root", str(root), "new", "--from-issue", str(issue)])
    assert result.exit_code == 2 and "--legal-form" in result.output
