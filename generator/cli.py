"""The ``casebook`` command: what MkDocs lacks. Record commands here (validate, new, schema, cms-config,
changes); the commands over a site (export-docs, postprocess, export-data, offline, check-links, csp, packet)
in ``cli_site``."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click

from . import __version__
from .model import prefectures
from .postprocess.atomic import atomic_write_text
from .records import CaseError, DataError

log = logging.getLogger("casebook")


def find_root(start: Path | None = None) -> Path:
    """The project root: the nearest folder upwards holding ``mkdocs.yml``."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "mkdocs.yml").is_file():
            return folder
    return here


def _print_errors(errors: list[CaseError], fmt: str) -> None:
    for e in sorted(errors):
        click.echo(e.github() if fmt == "github" else str(e))
    click.echo(f"{len(errors)} 件の問題が見つかりました。", err=fmt == "github")


def _append_summary(path: Path | None, errors: list[CaseError]) -> None:
    if path is not None:
        from .review import problems_table

        with open(path, "a", encoding="utf-8") as out:
            out.write(problems_table(errors))


@click.group()
@click.version_option(__version__, prog_name="casebook")
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    help="プロジェクトのフォルダ（既定: mkdocs.yml のあるフォルダ）",
)
@click.pass_context
def main(ctx: click.Context, root: Path | None) -> None:
    """地域運営組織 事例・研修ナレッジベースの道具（RMO Casebook）。"""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    ctx.obj = {"root": (root or find_root()).resolve()}


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "github"]),
    default="text",
    help="github: プルリクエストの注釈の形で出す",
)
@click.option("--no-cache", is_flag=True, help="前回の検査結果を使わず、すべてのファイルを読み直す")
@click.option("--strict", is_flag=True, help="警告（更新日 updated の付け忘れ）も問題として終了コード 1 にする")
@click.option(
    "--summary",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="すべての問題を Markdown の表にしてこのファイルに書き足す（GitHub の $GITHUB_STEP_SUMMARY）",
)
@click.pass_context
def validate(
    ctx: click.Context, paths: tuple[Path, ...], fmt: str, no_cache: bool, strict: bool, summary: Path | None
) -> None:
    """事例レコードを検査する（PATHS を省くとすべて）。問題がなければ終了コード 0。"""
    from .records import load_dataset
    from .records.files import expand_paths

    root = ctx.obj["root"]
    case_paths = expand_paths([p.resolve() for p in paths]) if paths else None
    try:
        ds = load_dataset(root, content_dir=root / "content", case_paths=case_paths, use_cache=not no_cache)
    except DataError as exc:
        _print_errors(exc.errors, fmt)
        _append_summary(summary, exc.errors)
        sys.exit(1)
    warnings = _date_warnings(root, ds.cases)
    for w in warnings:
        click.echo(w.github().replace("::error", "::warning", 1) if fmt == "github" else str(w))
    _append_summary(summary, [])
    drafts = len(ds.cases) - len(ds.published)
    extra = f"（うち下書き {drafts} 件）" if drafts else ""
    click.echo(f"問題はありません: 事例 {len(ds.cases)} 件{extra}、用語 {len(ds.glossary)} 件。", err=fmt == "github")
    if warnings:
        click.echo(f"警告が {len(warnings)} 件あります。", err=fmt == "github")
        if strict:
            sys.exit(1)


def _date_warnings(root: Path, cases) -> list[CaseError]:
    """A warning for each case whose record or narrative changed in git after its ``updated`` date,
    located at its ``updated:`` line (or the record's start when it has none)."""
    from .model.history import stale_updates
    from .records import Location

    out = []
    for case, changed in stale_updates(root, cases, ("data/cases", "content/cases")):
        where = case.location
        try:
            lines = (root / where.path).read_text(encoding="utf-8").split("\n")
            where = Location(where.path, next(i for i, t in enumerate(lines) if t.startswith("updated:")))
        except (OSError, UnicodeDecodeError, StopIteration):
            pass
        if case.updated:
            text = f"警告: この事例は {changed} に変わっていますが、更新日が {case.updated} のままです。"
        else:
            text = f"警告: 更新日（updated）がありません。この事例は {changed} に変わっています。"
        out.append(CaseError(where, "updated", text + f"「updated: {changed}」にしてください。"))
    return sorted(out)


def _vocabulary(root: Path):
    """data/vocabulary.yaml, or exit 1 with its located problems."""
    from .records import load_vocabulary

    errors: list[CaseError] = []
    vocab = load_vocabulary(root / "data" / "vocabulary.yaml", root, errors)
    if errors:
        _print_errors(errors, "text")
        sys.exit(1)
    return vocab


@main.command()
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="書き出す先（既定: schema/case.schema.json、- で標準出力）",
)
@click.pass_context
def schema(ctx: click.Context, output: Path | None) -> None:
    """事例レコードの JSON Schema を書き出す（エディタの入力補完用）。"""
    from .records.json_schema import case_schema

    root = ctx.obj["root"]
    text = json.dumps(case_schema(_vocabulary(root)), ensure_ascii=False, indent=2) + "\n"
    if str(output) == "-":
        click.echo(text, nl=False)
        return
    target = output or root / "schema" / "case.schema.json"
    atomic_write_text(target, text)
    click.echo(f"{target} に書き出しました。")


@main.command("cms-config")
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None, help="書き出す先（既定: 標準出力）"
)
@click.option("--repo", default=None, help="GitHub のリポジトリ（owner/name、既定は環境変数 CASEBOOK_REPO）")
@click.pass_context
def cms_config(ctx: click.Context, output: Path | None, repo: str | None) -> None:
    """編集画面（Sveltia CMS、サイトの /admin/）の設定 admin/config.yml を、事例の決まりと語彙から作る。"""
    from .records.cms import cms_config_yaml

    root = ctx.obj["root"]
    text = cms_config_yaml(_vocabulary(root), repo)
    if output is None:
        click.echo(text, nl=False)
        return
    atomic_write_text(output, text)
    click.echo(f"{output} に書き出しました。")


NEW_LABELS = {
    "id": "id（半角の小文字・数字・ハイフン。例: kawane-shinko）",
    "name": "正式名称",
    "kana": "読み（ひらがなかカタカナ）",
    "prefecture": "都道府県",
    "municipality": "市区町村",
    "legal_form": "法人格",
    "summary": "概要（300文字まで）",
}


@main.command()
@click.option("--id", "case_id", help="id（半角小文字・数字・ハイフン）")
@click.option("--name", help="正式名称")
@click.option("--kana", help="読み（ひらがな・カタカナ）")
@click.option("--prefecture", help="都道府県（例: 広島県）")
@click.option("--municipality", help="市区町村")
@click.option("--legal-form", help="法人格（語彙 legal_form）")
@click.option("--summary", help="概要（300文字まで）")
@click.option(
    "--from-issue",
    "issue",
    type=click.File(encoding="utf-8"),
    help="「事例を提案する」の issue の本文（テキスト）から値を読む（- で標準入力）",
)
@click.option("--force", is_flag=True, help="同じ id のファイルがあっても上書きする")
@click.pass_context
def new(ctx: click.Context, case_id, name, kana, prefecture, municipality, legal_form, summary, issue, force) -> None:
    """新しい事例のひな形を data/cases/<id>.yaml に作る（足りない値は尋ね、答えるごとに確かめる）。"""
    from .records import load_vocabulary
    from .records.scaffold import NewCaseError, check_answer, read_issue, suggestion, write_new_case

    root = ctx.obj["root"]
    given = {
        "id": case_id,
        "name": name,
        "kana": kana,
        "prefecture": prefecture,
        "municipality": municipality,
        "legal_form": legal_form,
        "summary": summary,
    }
    proposed = read_issue(issue.read(), root / ".github" / "ISSUE_TEMPLATE" / "propose-case.yml") if issue else {}
    for key in given:
        if given[key] is None and key in proposed:
            given[key] = proposed[key]
    interactive = sys.stdin.isatty()
    vocab = load_vocabulary(root / "data" / "vocabulary.yaml", root, []) if interactive else None
    for key, value in given.items():
        if value is None and not interactive:
            raise click.UsageError(f"--{key.replace('_', '-')}（{NEW_LABELS[key]}）を指定してください。")
        default = None
        while interactive:  # each answer is checked as it is given; only a wrong one is asked again
            if value is None:
                value = click.prompt(NEW_LABELS[key], default=default)
            if key == "prefecture":
                value = prefectures.suggest(value) or value
            problems = check_answer(root, key, value, vocab, force)
            if not problems:
                break
            for e in problems:
                click.echo(f"  {e.message}", err=True)
            default, value = suggestion(problems), None
        if key == "prefecture" and value:
            value = prefectures.suggest(value) or value
        given[key] = value
    try:
        path = write_new_case(root, given, force=force, sources=proposed.get("sources"))
    except NewCaseError as exc:
        for e in exc.errors:
            click.echo(str(e), err=True)
        sys.exit(1)
    click.echo(f"{path.relative_to(root)} を作りました。残りの項目を書いてから casebook validate で確かめてください。")


@main.command()
@click.argument("base", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("head", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None, help="書き出す先")
@click.option("--run-url", default=None, help="チェックの実行結果の URL（コメントに載せる）")
def changes(base: Path, head: Path, output: Path | None, run_url: str | None) -> None:
    """BASE（取り込む先）と HEAD（変更後）の事例をくらべ、追加・修正・削除と変わるページを Markdown で出す。"""
    from .review import changes_markdown, compare

    text = changes_markdown(compare(base.resolve(), head.resolve()), run_url)
    if output is None:
        click.echo(text, nl=False)
    else:
        atomic_write_text(output, text)
        click.echo(f"{output} に書き出しました。")


from .cli_site import COMMANDS  # noqa: E402  (the commands over a site)

for _command in COMMANDS:
    main.add_command(_command)

if __name__ == "__main__":  # pragma: no cover
    main()
