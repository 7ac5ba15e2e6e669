"""The ``casebook`` command line: validate, new, schema."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.cli import main
from generator.records.errors import CaseError
from generator.records.json_schema import case_schema
from generator.records.load import load_vocabulary


def sub(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"{old!r} not found exactly once"
    return text.replace(old, new)


@pytest.fixture
def cli():
    runner = CliRunner()

    def invoke(root, *args):
        return runner.invoke(main, ["--root", str(root), *map(str, args)], catch_exceptions=False)

    return invoke


@pytest.fixture
def bad(valid):
    """Two defects: kana on line 3 (column 7), an unknown field on line 17."""
    return sub(valid, "kana: てすと", "kana: 川根") + "activites: [防災]\n"


# --- validate ------------------------------------------------------------------------------


def test_validate_clean(cli, project, valid):
    result = cli(project({"x.yaml": valid}), "validate")
    assert result.exit_code == 0, result.output
    assert result.stdout == "問題はありません: 事例 1 件、用語 0 件。\n"


def test_validate_counts_drafts(cli, project, valid):
    draft = sub(valid, "id: x", "id: d") + "status: 下書き\n"
    result = cli(project({"x.yaml": valid, "d.yaml": draft}), "validate")
    assert result.exit_code == 0, result.output
    assert result.stdout == "問題はありません: 事例 2 件（うち下書き 1 件）、用語 0 件。\n"


def test_validate_reports_located_errors(cli, project, bad):
    result = cli(project({"x.yaml": bad}), "validate")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "data/cases/x.yaml:3:7: kana: 読みはひらがなかカタカナで書いてください（ー・と空白も使えます）。使えない文字「川」（U+5DDD）があります。",
        "data/cases/x.yaml:17:1: activites: 項目「activites」はありません。「activities」の書き間違いではありませんか。",
        "2 件の問題が見つかりました。",
    ]


def test_validate_github_format(cli, project, bad):
    result = cli(project({"x.yaml": bad}), "validate", "--format", "github")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "::error file=data/cases/x.yaml,line=3,col=7::kana: 読みはひらがなかカタカナで書いてください（ー・と空白も使えます）。使えない文字「川」（U+5DDD）があります。",
        "::error file=data/cases/x.yaml,line=17,col=1::activites: 項目「activites」はありません。「activities」の書き間違いではありませんか。",
    ]
    assert result.stderr == "2 件の問題が見つかりました。\n"


def test_validate_github_format_clean_prints_nothing_on_stdout(cli, project, valid):
    result = cli(project({"x.yaml": valid}), "validate", "--format", "github")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "問題はありません" in result.stderr


def test_validate_reports_every_file(cli, project, valid, bad):
    root = project({"x.yaml": bad, "y.yaml": sub(bad, "id: x", "id: y"), "z.yaml": sub(valid, "id: x", "id: z")})
    result = cli(root, "validate")
    assert result.exit_code == 1
    files = [line.split(":")[0] for line in result.stdout.splitlines()[:-1]]
    assert files == ["data/cases/x.yaml"] * 2 + ["data/cases/y.yaml"] * 2
    assert result.stdout.splitlines()[-1] == "4 件の問題が見つかりました。"


def test_validate_path_checks_only_that_file(cli, project, valid, bad):
    root = project({"a.yaml": sub(valid, "id: x", "id: a"), "x.yaml": bad})
    good = cli(root, "validate", root / "data" / "cases" / "a.yaml")
    assert good.exit_code == 0, good.output
    assert good.stdout == "問題はありません: 事例 1 件、用語 0 件。\n"
    wrong = cli(root, "validate", root / "data" / "cases" / "x.yaml")
    assert wrong.exit_code == 1
    assert [line.split(":")[0] for line in wrong.stdout.splitlines()[:-1]] == ["data/cases/x.yaml"] * 2


def test_validate_relative_path_and_folder(cli, project, valid, monkeypatch):
    root = project({"a.yaml": sub(valid, "id: x", "id: a"), "b.yaml": sub(valid, "id: x", "id: b")})
    monkeypatch.chdir(root)
    result = cli(root, "validate", "data/cases/a.yaml")
    assert result.exit_code == 0 and "事例 1 件" in result.stdout
    result = cli(root, "validate", "data/cases")
    assert result.exit_code == 0 and "事例 2 件" in result.stdout


def test_validate_missing_path_is_a_usage_error(cli, project, valid):
    result = cli(project({"x.yaml": valid}), "validate", "data/cases/nope.yaml")
    assert result.exit_code == 2


def test_validate_path_ignores_other_cases_narratives(cli, project, valid):
    root = project(
        {"a.yaml": sub(valid, "id: x", "id: a"), "b.yaml": sub(valid, "id: x", "id: b")},
        content={"cases/b.md": "本文\n"},
    )
    assert cli(root, "validate").exit_code == 0
    result = cli(root, "validate", root / "data" / "cases" / "a.yaml")
    assert result.exit_code == 0, result.output


def test_validate_finds_root_from_cwd(project, valid, monkeypatch):
    root = project({"x.yaml": valid})
    monkeypatch.chdir(root / "data" / "cases")
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 0, result.output


# --- new -------------------------------------------------------------------------------------

NEW = ["--id", "aki-test", "--name", "テスト振興会", "--kana", "てすとしんこうかい", "--prefecture", "広島",
       "--municipality", "安芸高田市", "--legal-form", "任意団体", "--summary", "試しに作る事例です。"]  # fmt: skip


def new_args(**change):
    args = list(NEW)
    for key, value in change.items():
        args[args.index("--" + key.replace("_", "-")) + 1] = value
    return args


def test_new_creates_a_record(cli, project):
    root = project({})
    result = cli(root, "new", *NEW)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("data/cases/aki-test.yaml を作りました。")
    path = root / "data" / "cases" / "aki-test.yaml"
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert record["id"] == "aki-test"
    assert record["name"] == "テスト振興会"
    assert record["kana"] == "てすとしんこうかい"
    assert record["prefecture"] == "広島県"
    assert record["legal_form"] == "任意団体"
    assert record["status"] == "下書き"
    assert record["updated"] == dt.date.today()  # the record's own date of its last change (issue 22)


def test_new_record_names_the_schema_for_editors(cli, project, repo_root):
    """The first line tells YAML editors (yaml-language-server) where the record's JSON Schema is, relative
    to the record file: from data/cases/ in the repository it must reach the committed schema."""
    root = project({})
    assert cli(root, "new", *NEW).exit_code == 0
    first = (root / "data" / "cases" / "aki-test.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../schema/case.schema.json"
    target = (repo_root / "data" / "cases" / first.split("$schema=", 1)[1]).resolve()
    assert target == repo_root / "schema" / "case.schema.json"
    assert json.loads(target.read_text(encoding="utf-8"))["$id"] == "case.schema.json"


def test_new_record_validates_but_for_its_stages_and_sources(cli, project):
    """The lists a draft (要出典) may leave out are left empty; stages and sources are asked for."""
    root = project({})
    assert cli(root, "new", *NEW).exit_code == 0
    result = cli(root, "validate")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[-1] == "2 件の問題が見つかりました。"
    errors = [line.split(": ", 2) for line in lines[:-1]]
    assert [(where.split(":")[0], field) for where, field, _message in errors] == [
        ("data/cases/aki-test.yaml", "stages"),
        ("data/cases/aki-test.yaml", "sources"),
    ]
    assert all("が空です。値を書いてください。" in message for _where, _field, message in errors)


def test_new_record_once_filled_in_is_valid(cli, project):
    root = project({})
    assert cli(root, "new", *NEW).exit_code == 0
    path = root / "data" / "cases" / "aki-test.yaml"
    text = path.read_text(encoding="utf-8")
    # as the comments say: remove the "# " of the lines to use
    text = sub(text, "#   - 人口減少\n", "  - 人口減少\n")
    text = sub(text, "#   - 防災\n", "  - 防災\n")
    text = sub(text, "#   - factor: 危機感の共有\n", "  - factor: 危機感の共有\n")
    text = sub(text, "#   知る: ", "  知る: ")
    text = sub(text, "\nsources:\n", "\nsources:\n  - title: 出典\n    url: 'https://example.jp/'\n")
    text = text.replace("completeness: 要出典", "completeness: 部分的")  # then regional issues etc. are required
    path.write_text(text, encoding="utf-8")
    result = cli(root, "validate")
    assert result.exit_code == 0, result.output
    assert "（うち下書き 1 件）" in result.stdout


@pytest.mark.parametrize("given, stored", [("東京", "東京都"), ("大阪府", "大阪府"), ("北海道", "北海道")])
def test_new_completes_prefecture(cli, project, given, stored):
    root = project({})
    assert cli(root, "new", *new_args(prefecture=given)).exit_code == 0
    record = yaml.safe_load((root / "data" / "cases" / "aki-test.yaml").read_text(encoding="utf-8"))
    assert record["prefecture"] == stored


def test_new_refuses_to_overwrite_unless_forced(cli, project):
    root = project({})
    path = root / "data" / "cases" / "aki-test.yaml"
    assert cli(root, "new", *NEW).exit_code == 0
    path.write_text("# 編集中\n", encoding="utf-8")
    result = cli(root, "new", *NEW)
    assert result.exit_code == 1
    assert "data/cases/aki-test.yaml はもうあります" in result.stderr
    assert path.read_text(encoding="utf-8") == "# 編集中\n"
    result = cli(root, "new", *NEW, "--force")
    assert result.exit_code == 0, result.output
    assert "id: aki-test" in path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "change, expected",
    [
        ({"id": "Aki_Test"}, "data/cases/Aki_Test.yaml:7:5: id: 半角の小文字・数字とハイフンだけで書いてください"),
        ({"id": "2024"}, "data/cases/2024.yaml:7:5: id: 数値ではなく文字列で書いてください"),
        ({"kana": "安芸"}, "data/cases/aki-test.yaml:9:7: kana: 読みはひらがなかカタカナで書いてください"),
        ({"prefecture": "火星"}, "data/cases/aki-test.yaml:12:13: prefecture: 「火星」は使える値にありません。"),
        (
            {"legal_form": "宇宙法人"},
            "data/cases/aki-test.yaml:28:13: legal_form: 「宇宙法人」は語彙「legal_form」にありません。",
        ),
        (
            {"summary": "あ" * 301},
            "data/cases/aki-test.yaml:52:10: summary: 300 文字以内にしてください（いま 301 文字）。",
        ),
        ({"name": "<b>名前</b>"}, "data/cases/aki-test.yaml:8:7: name: HTML タグ"),
    ],
)
def test_new_rejects_bad_values_with_location(cli, project, change, expected):
    root = project({})
    result = cli(root, "new", *new_args(**change))
    assert result.exit_code == 1
    assert result.stderr.startswith(expected), result.stderr
    assert list((root / "data" / "cases").iterdir()) == []


@pytest.mark.parametrize("change", [{"id": ""}, {"id": "#x"}, {"name": ""}, {"summary": " "}])
def test_new_rejects_empty_values(cli, project, change):
    root = project({})
    result = cli(root, "new", *new_args(**change))
    assert result.exit_code == 1, result.output
    assert list((root / "data" / "cases").iterdir()) == []


def test_new_without_required_option_is_a_usage_error(cli, project):
    root = project({})
    args = NEW[:-2]  # no --summary, and stdin is not a terminal
    result = cli(root, "new", *args)
    assert result.exit_code == 2
    assert "--summary" in result.output


# --- schema ------------------------------------------------------------------------------------


def test_schema_to_file(cli, project, tmp_path, repo_root):
    root = project({})
    target = tmp_path / "out" / "case.schema.json"
    result = cli(root, "schema", "-o", target)
    assert result.exit_code == 0, result.output
    errors: list[CaseError] = []
    vocab = load_vocabulary(root / "data" / "vocabulary.yaml", root, errors)
    assert errors == []
    assert json.loads(target.read_text(encoding="utf-8")) == case_schema(vocab)


def test_schema_default_path_and_stdout(cli, project):
    root = project({})
    assert cli(root, "schema").exit_code == 0
    written = (root / "schema" / "case.schema.json").read_text(encoding="utf-8")
    printed = cli(root, "schema", "-o", "-")
    assert printed.exit_code == 0
    assert printed.stdout == written
    assert written.endswith("}\n") and "地域運営組織の事例レコード" in written  # Japanese kept readable


def test_schema_with_broken_vocabulary(cli, project):
    root = project({}, vocabulary="legal_form: [\n")
    result = cli(root, "schema", "-o", "-")
    assert result.exit_code == 1
    assert result.stdout.startswith("data/vocabulary.yaml:")


def test_version(cli, project):
    result = cli(project({}), "--version")
    assert result.exit_code == 0 and "casebook" in result.stdout


# --- postprocess: file-system faults ------------------------------------------------------------

BUILT_PAGE = '<html><body><article class="md-content__inner md-typeset"><h1>t</h1></article></body></html>'


def built_site(folder: Path) -> Path:
    """A one-page site as another engine would build it (no content markers)."""
    folder.mkdir(parents=True)
    (folder / "index.html").write_text(BUILT_PAGE, encoding="utf-8")
    return folder


def test_postprocess_of_a_missing_site_or_a_file_is_a_located_message(cli, project, tmp_path):
    root = project({})
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    for site in (tmp_path / "nope", tmp_path / "afile"):
        result = cli(root, "postprocess", "--no-search", site)
        assert result.exit_code == 1, result.output
        assert result.output == (
            f"{site}: サイトがありません（{site / 'index.html'} が見つかりません）。"
            "先に mkdocs build で作るか、作ったサイトのフォルダを指定してください。\n"
        )


def test_postprocess_with_a_file_in_the_way_is_a_located_message(cli, project, tmp_path):
    root = project({})
    site = built_site(tmp_path / "site")
    (site / "assets").write_text("x", encoding="utf-8")  # where the styles' folder goes
    result = cli(root, "postprocess", "--no-search", site)  # catch_exceptions=False: a traceback fails the test
    assert result.exit_code == 1, result.output
    assert result.output == (
        f"{site}: サイトを処理できませんでした（{site / 'assets'}）。{site / 'assets'} はフォルダではなくファイルです。"
        f"{site} を直すか、そのファイルを動かしてください。"
        "処理の済んだページはそのまま使えます。直してから、もう一度 casebook postprocess を実行してください。\n"
    )
    (site / "assets").unlink()
    assert cli(root, "postprocess", "--no-search", site).exit_code == 0  # and once it is moved, it runs
    assert (site / "assets" / "casebook.css").is_file()


def test_postprocess_of_a_read_only_site_is_a_located_message(project, tmp_path):
    """A real read-only file system (a read-only bind mount in a user and mount namespace, so that it holds
    even for root): one located message, exit 1, no traceback, the site unchanged."""
    import shutil
    import subprocess
    import sys

    root = project({})
    site = built_site(tmp_path / "site")
    probe = subprocess.run(["unshare", "-rm", "true"], capture_output=True) if shutil.which("unshare") else None
    if probe is None or probe.returncode != 0:
        pytest.skip("unshare -rm (user namespaces) is not available here")
    casebook = [sys.executable, "-m", "generator.cli", "--root", str(root), "postprocess", "--no-search", str(site)]
    script = 'mount --bind -o ro "$1" "$1" && shift && exec "$@"'
    proc = subprocess.run(
        ["unshare", "-rm", "sh", "-c", script, "sh", str(site), *casebook],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
        timeout=120,
    )
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith(f"{site}: サイトを処理できませんでした（{site}")
    assert "読み取り専用のファイルシステムです。" in proc.stderr
    assert f"{site} を書き込めるフォルダにしてください。" in proc.stderr
    assert sorted(p.name for p in site.iterdir()) == ["index.html"]
    assert (site / "index.html").read_text(encoding="utf-8") == BUILT_PAGE


# --- csp ------------------------------------------------------------------------------------------


def test_csp_lists_the_hash_of_each_inline_script_that_runs(cli, project, tmp_path):
    """The expected hash is openssl's: printf 'var a=1' | openssl dgst -sha256 -binary | base64."""
    root = project({})
    site = built_site(tmp_path / "site")
    (site / "a").mkdir()
    (site / "a" / "index.html").write_text(
        '<script>var a=1</script><script src="x.js"></script><script id="__config" type="application/json">{}'
        "</script><script type=module>var a=1</script>",
        encoding="utf-8",
    )
    result = cli(root, "csp", site)
    assert result.exit_code == 0, result.output
    policy = dict(d.split(" ", 1) for d in result.output.strip().split("; "))
    assert policy["script-src"] == "'self' 'wasm-unsafe-eval' 'sha256-WazVQOu5lmXfSreSrMJd1CsaQ4c00fUQpJfBYCuMSIw='"
    assert policy["style-src"] == "'self'"
    assert policy["worker-src"] == "'self' blob:"
    assert "unsafe-inline" not in result.output and "'unsafe-eval'" not in result.output
