"""Issue 25: the GitHub workflows (which cannot run here) are thin, and what they call is tested here.

Each workflow parses; every command of every ``run:`` is a Make target of the Makefile, a ``casebook``
command with options it has, or one of a few standard tools. The job-summary table and the change summary
(cases added, changed, removed between two trees) are unit-tested.
"""

from __future__ import annotations

import re
import shlex
import shutil

import pytest
import yaml

from generator.cli import main as casebook
from generator.records import CaseError
from generator.records.errors import Location
from generator.review import COMMENT_MARKER, changes_markdown, compare, problems_table

from .sitebuild import REPO, copy_bundled

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
STANDARD_TOOLS = {"mkdir", "echo", "tr", "test", "gh", "sed"}
"""Commands a workflow may run besides Make targets and casebook: in every GitHub runner image."""


def make_targets() -> set[str]:
    return set(re.findall(r"^([A-Za-z][\w-]*):", (REPO / "Makefile").read_text(encoding="utf-8"), re.M))


def commands(script: str):
    """Each simple command of a run: script, as a list of words (variables and pipes left as written)."""
    for line in script.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        for part in re.split(r"\s*(?:&&|\|\||;)\s*", line):
            words = shlex.split(part)
            while words and re.match(r"^[A-Z_]+=", words[0]):  # VAR=value before a command, or an assignment
                value = words.pop(0).split("=", 1)[1]
                inner = re.match(r"^\$\((.*)\)$", value)
                if inner:
                    yield from commands(inner.group(1).split("<")[0])
            if words:
                yield words


def test_there_are_the_three_workflows():
    assert {p.name for p in WORKFLOWS} == {"check.yml", "preview-comment.yml", "pages.yml"}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_command_a_workflow_runs_exists(path):
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert workflow["jobs"], path
    targets = make_targets()
    ran = 0
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            if "uses" in step:
                assert re.fullmatch(r"actions/[\w-]+@v\d+", step["uses"]), f"{path.name}: pin {step['uses']}"
            for words in commands(step.get("run", "")):
                ran += 1
                tool = words[0]
                if tool == "make":
                    assert words[1] in targets, f"{path.name}: make {words[1]} is not a Makefile target"
                elif tool == ".venv/bin/casebook":
                    command = casebook.commands.get(words[1])
                    assert command is not None, f"{path.name}: casebook {words[1]} does not exist"
                    options = {o for p in command.params for o in p.opts}
                    for word in words[2:]:
                        if word.startswith("--"):
                            assert word in options, f"{path.name}: casebook {words[1]} has no {word}"
                else:
                    assert tool in STANDARD_TOOLS, f"{path.name}: {tool} is neither a Make target nor casebook"
    assert ran, f"{path.name} runs nothing"


def test_check_workflow_runs_the_checks_without_write_permission():
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "check.yml").read_text(encoding="utf-8"))
    assert workflow["permissions"] == {"contents": "read"}
    runs = "\n".join(s.get("run", "") for s in workflow["jobs"]["check"]["steps"])
    for needed in ("make install", "validate --format github --summary", "make site", "check-links", "make test"):
        assert needed in runs
    uploads = [s["with"]["name"] for s in workflow["jobs"]["check"]["steps"] if "upload-artifact" in s.get("uses", "")]
    assert uploads == ["preview", "site"]


def test_preview_comment_workflow_runs_no_code_of_the_pull_request():
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "preview-comment.yml").read_text(encoding="utf-8"))
    assert workflow[True]["workflow_run"]["workflows"] == ["check"]  # YAML 1.1 reads the key `on` as True
    steps = workflow["jobs"]["comment"]["steps"]
    assert not any("checkout" in s.get("uses", "") for s in steps)
    assert "tr -cd '0-9'" in steps[-1]["run"]


def test_issue_forms_parse():
    forms = {
        p.name: yaml.safe_load(p.read_text(encoding="utf-8"))
        for p in (REPO / ".github" / "ISSUE_TEMPLATE").glob("*.yml")
    }
    assert forms["report-error.yml"]["name"] == "事例の誤りを知らせる"
    ids = [item.get("id") for item in forms["report-error.yml"]["body"]]
    assert {"case", "wrong", "source"} <= set(ids)
    assert "propose-case.yml" in forms


# -- the job summary --------------------------------------------------------------------------------------


def test_problems_table_lists_every_problem_escaped():
    errors = [CaseError(Location("data/cases/x.yaml", i, 4), "activities", f"問題 {i}") for i in range(25)]
    errors.append(CaseError(Location("data/cases/y.yaml", 0, 0), "summary", "a | b <script>\n次の行"))
    table = problems_table(errors)
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    assert len(rows) == 26, "every problem, not the 10 annotations GitHub shows"
    assert "| `data/cases/x.yaml:1:5` | activities | 問題 0 |" in rows
    assert "a \\| b &lt;script&gt; 次の行" in table
    assert "26 件の問題" in table
    assert "問題はありません" in problems_table([])


def test_validate_writes_the_summary(tmp_path):
    from click.testing import CliRunner

    project = copy_bundled(tmp_path / "p")
    record = project / "data" / "cases" / "kawane.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace("prefecture: 広島県", "prefecture: 広島"), "utf-8")
    summary = tmp_path / "summary.md"
    summary.write_text("前のステップ\n", encoding="utf-8")
    result = CliRunner().invoke(
        casebook, ["--root", str(project), "validate", "--no-cache", "--format", "github", "--summary", str(summary)]
    )
    assert result.exit_code == 1
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("前のステップ\n"), "appended, as GitHub's job summary expects"
    assert "`data/cases/kawane.yaml:" in text and "「広島」は使える値にありません" in text


# -- the change summary -----------------------------------------------------------------------------------


@pytest.fixture
def trees(tmp_path):
    base = copy_bundled(tmp_path / "base")
    head = copy_bundled(tmp_path / "head")
    cases = head / "data" / "cases"
    kawane = cases / "kawane.yaml"
    kawane.write_text(kawane.read_text(encoding="utf-8").replace("summary: ", "summary: 変えた。", 1), "utf-8")
    (cases / "hata.yaml").unlink()
    (head / "content" / "cases" / "hata.md").unlink(missing_ok=True)
    added = (cases / "kawane.yaml").read_text(encoding="utf-8").replace("id: kawane", "id: kawane-copy", 1)
    (cases / "kawane-copy.yaml").write_text(added.replace("name: ", "name: 写し", 1), "utf-8")
    narrative = head / "content" / "cases" / "kawane.md"
    if narrative.exists():
        shutil.copyfile(narrative, head / "content" / "cases" / "kawane-copy.md")
    return base, head


def test_compare_finds_added_changed_and_removed_cases(trees):
    base, head = trees
    changes = compare(base, head)
    assert [i for i, _ in changes.added] == ["kawane-copy"]
    assert [i for i, _ in changes.changed] == ["kawane"]
    assert [i for i, _ in changes.removed] == ["hata"]
    assert {"cases/", "cases/kawane/", "cases/kawane-copy/", "cases/hata/"} <= set(changes.pages)
    assert "index/prefecture/shimane/" in changes.pages, "hata's prefecture lists one case fewer"
    assert "index/prefecture/hiroshima/" in changes.pages, "kawane's listing shows its new summary"
    assert compare(base, base).pages == [] and not compare(base, base).changed


def test_a_narrative_change_is_a_changed_case(tmp_path):
    base = copy_bundled(tmp_path / "base")
    head = copy_bundled(tmp_path / "head")
    narratives = sorted(p for p in (head / "content" / "cases").glob("*.md") if p.name != "index.md")
    assert narratives, "the bundled data has narratives"
    narratives[0].write_text(narratives[0].read_text(encoding="utf-8") + "\n追記です。\n", encoding="utf-8")
    assert [i for i, _ in compare(base, head).changed] == [narratives[0].stem]


def test_changes_markdown_is_the_preview_comment(trees):
    base, head = trees
    text = changes_markdown(compare(base, head), run_url="https://example.invalid/run/1")
    assert text.startswith(COMMENT_MARKER)
    assert "追加した事例 1 件" in text and "修正した事例 1 件" in text and "削除した事例 1 件" in text
    assert "`cases/kawane-copy/`" in text and "https://example.invalid/run/1" in text


def test_changes_markdown_reports_errors_instead(trees):
    base, head = trees
    record = head / "data" / "cases" / "kawane.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace("prefecture: 広島県", "prefecture: 広島"), "utf-8")
    text = changes_markdown(compare(base, head))
    assert "サイトを作れませんでした" in text and "「広島」は使える値にありません" in text
