"""The ``casebook`` command: what MkDocs lacks (validate, new, schema, export-docs, postprocess, check-links)."""

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
@click.option(
    "--summary",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="すべての問題を Markdown の表にしてこのファイルに書き足す（GitHub の $GITHUB_STEP_SUMMARY）",
)
@click.pass_context
def validate(ctx: click.Context, paths: tuple[Path, ...], fmt: str, no_cache: bool, summary: Path | None) -> None:
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
    _append_summary(summary, [])
    drafts = len(ds.cases) - len(ds.published)
    extra = f"（うち下書き {drafts} 件）" if drafts else ""
    click.echo(f"問題はありません: 事例 {len(ds.cases)} 件{extra}、用語 {len(ds.glossary)} 件。", err=fmt == "github")


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
    from .records import load_vocabulary
    from .records.json_schema import case_schema

    root = ctx.obj["root"]
    errors: list[CaseError] = []
    vocab = load_vocabulary(root / "data" / "vocabulary.yaml", root, errors)
    if errors:
        _print_errors(errors, "text")
        sys.exit(1)
    text = json.dumps(case_schema(vocab), ensure_ascii=False, indent=2) + "\n"
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
    from .records import load_vocabulary
    from .records.cms import cms_config_yaml

    root = ctx.obj["root"]
    errors: list[CaseError] = []
    vocab = load_vocabulary(root / "data" / "vocabulary.yaml", root, errors)
    if errors:
        _print_errors(errors, "text")
        sys.exit(1)
    text = cms_config_yaml(vocab, repo)
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


@main.command("export-docs")
@click.argument("target", type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
def export_docs(ctx: click.Context, target: Path) -> None:
    """TARGET に mkdocs.yml と docs/（content と生成ページ）を書き出す（MkDocs・ProperDocs などで作れます）。

    作ったサイトには casebook postprocess を実行してください。"""
    from .export import export_docs as run

    root = ctx.obj["root"]
    try:
        count = run(root, target)
    except DataError as exc:
        _print_errors(exc.errors, "text")
        sys.exit(1)
    click.echo(f"{count} ページを {target} に書き出しました。")
    click.echo(
        f"サイトを作るには: mkdocs build -f {target / 'mkdocs.yml'}"
        f"（作ったあと casebook postprocess {target / 'site'}）"
    )


@main.command()
@click.argument("site", type=click.Path(file_okay=False, path_type=Path))
@click.option("--no-search", is_flag=True, help="検索索引（Pagefind）を作らない")
@click.pass_context
def postprocess(ctx: click.Context, site: Path, no_search: bool) -> None:
    """export-docs から別のエンジンで作ったサイト SITE に、検索索引・用語集リンク・安全のための処理を加える。"""
    import dataclasses

    from .postprocess.settings import Settings, casebook_options, read_mkdocs_yml
    from .postprocess.site import postprocess_site
    from .records import load_dataset
    from .search.pagefind import find_binary

    root = ctx.obj["root"]
    if not (site / "index.html").is_file():
        click.echo(f"{site} にサイトがありません。先に mkdocs build で作ってください。", err=True)
        sys.exit(2)
    config = read_mkdocs_yml(root)
    settings = Settings.from_options(casebook_options(config))
    if no_search:
        settings = dataclasses.replace(settings, search=False)
    try:
        dataset = load_dataset(root, root / settings.data_dir, root / config.get("docs_dir", "docs"))
    except DataError as exc:
        _print_errors(exc.errors, "text")
        sys.exit(1)
    binary = find_binary(root) if settings.search else None
    if settings.search and binary is None:
        click.echo(
            "Pagefind が見つかりません。`make site`（または `npm ci`）で入れるか、--no-search を付けてください。",
            err=True,
        )
        sys.exit(1)
    if binary is not None and binary.warning:
        click.echo(binary.warning, err=True)
    done = postprocess_site(site, settings, dataset.glossary, binary, bool(config.get("use_directory_urls", True)))
    click.echo(f"{done['pages']} ページを処理し、{done['searchable']} ページを検索の対象にしました。{done['search']}")


@main.command("check-links")
@click.argument("site", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
def check_links(ctx: click.Context, site: Path | None) -> None:
    """作ったサイト（既定: site/）の中のリンクと見出しへのリンクがすべてつながっているか確かめる。"""
    from .postprocess.linkcheck import check_site

    site = site or ctx.obj["root"] / "site"
    if not (site / "index.html").is_file():
        click.echo(f"{site} にサイトがありません。先に make site（mkdocs build）を実行してください。", err=True)
        sys.exit(2)
    checked, broken = check_site(site)
    for b in broken:
        click.echo(str(b))
    if broken:
        click.echo(f"リンク {checked:,} 件のうち {len(broken)} 件がつながっていません。", err=True)
        sys.exit(1)
    click.echo(f"リンク {checked:,} 件を確かめました。切れたリンクはありません。")


if __name__ == "__main__":  # pragma: no cover
    main()
