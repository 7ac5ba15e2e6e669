"""The ``casebook`` command: what MkDocs lacks (validate, new, schema, export-docs, postprocess, check-links,
export-data, offline)."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click

from . import __version__
from .model import prefectures
from .postprocess.atomic import atomic_write_bytes, atomic_write_text
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
@click.argument("site", type=click.Path(path_type=Path))
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
        click.echo(
            f"{site}: サイトがありません（{site / 'index.html'} が見つかりません）。"
            "先に mkdocs build で作るか、作ったサイトのフォルダを指定してください。",
            err=True,
        )
        sys.exit(1)
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
    try:
        done = postprocess_site(site, settings, dataset.glossary, binary, bool(config.get("use_directory_urls", True)))
    except OSError as exc:  # a read-only site, a full disk, a file where a folder should be
        from .postprocess.faults import file_error

        click.echo(file_error(exc, root / "mkdocs.yml", site, given=str(site)), err=True)
        sys.exit(1)
    click.echo(f"{done['pages']} ページを処理し、{done['searchable']} ページを検索の対象にしました。{done['search']}")


@main.command("export-data")
@click.argument("target", type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
def export_data(ctx: click.Context, target: Path) -> None:
    """公開している事例などのデータ（サイトの data/ と同じファイル）を TARGET に書き出す。"""
    from .model.casebook import build_casebook
    from .pages.opendata import ExportError, data_files
    from .postprocess.settings import casebook_options, read_mkdocs_yml
    from .records import load_dataset

    root = ctx.obj["root"]
    config = read_mkdocs_yml(root)
    options = casebook_options(config)
    try:
        dataset = load_dataset(root, root / options.get("data_dir", "data"), root / config.get("docs_dir", "content"))
        book = build_casebook(dataset)
        files = list(data_files(book, config.get("site_url"), config.get("use_directory_urls", True)))
    except DataError as exc:
        _print_errors(exc.errors, "text")
        sys.exit(1)
    except ExportError as exc:
        click.echo(f"データを書き出せません: {exc}", err=True)
        sys.exit(1)
    for name, content in files:  # each file atomically; datapackage.json (which names the others' hashes) last
        atomic_write_bytes(target / name, content)
    click.echo(f"{len(files)} 個のファイル（{', '.join(n for n, _c in files)}）を {target} に書き出しました。")


@main.command()
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("rmo-casebook-offline.zip"),
    show_default=True,
    help="書き出す zip ファイル",
)
@click.option(
    "--site",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="作ったサイトのフォルダ（既定: site/）",
)
@click.pass_context
def offline(ctx: click.Context, output: Path, site: Path | None) -> None:
    """作ったサイトを、インターネットのない会場で開けるオフライン版（起動用のファイル付きの zip）にまとめる。"""
    from .offline import FOLDER, OfflineError, write_offline_zip

    site = site or ctx.obj["root"] / "site"
    try:
        count, size = write_offline_zip(site, output)
    except OfflineError as exc:
        click.echo(str(exc), err=True)
        sys.exit(2)
    click.echo(f"{output} を作りました（{count:,} ファイル、{size / 1_000_000:.1f} MB）。")
    click.echo(f"展開して {FOLDER}/ の start-windows.bat（Windows）か start-mac.command（Mac）を")
    click.echo("ダブルクリックすると開きます。")


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


@main.command()
@click.argument("site", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
def csp(ctx: click.Context, site: Path | None) -> None:
    """作ったサイト（既定: site/）が動く Content-Security-Policy ヘッダーの値を表示する（docs/SECURITY.md）。"""
    from .postprocess.csp import content_security_policy

    site = site or ctx.obj["root"] / "site"
    if not (site / "index.html").is_file():
        click.echo(f"{site} にサイトがありません。先に make site（mkdocs build）を実行してください。", err=True)
        sys.exit(2)
    click.echo(content_security_policy(site))


@main.command()
@click.option(
    "--stage", required=True, help="研修の段階（知る、かたちづくる、動いてみる、持続・発展させる。shiru などでも可）"
)
@click.option(
    "--cases", "case_ids", default="", help="事例の id をカンマで区切って、4件まで（省略するとこの段階の最初の3件）"
)
@click.option("--instructor", is_flag=True, help="講師用（講師へのメモ、時間の目安を含める）")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path), help="書き出す PDF")
@click.option("--html", "as_html", is_flag=True, help="PDF ではなく、印刷用の HTML を書き出す")
@click.pass_context
def packet(ctx: click.Context, stage: str, case_ids: str, instructor: bool, output: Path, as_html: bool) -> None:
    """研修資料（段階のねらい・問い・ワークシート・事例の比較・事例カード）を A4 の PDF に書き出す。"""
    from .model.casebook import build_casebook
    from .pages import packetfiles, packets
    from .pages.renderer import PageRenderer
    from .postprocess.settings import Settings, casebook_options, read_mkdocs_yml
    from .records import load_dataset
    from .records.registry import STAGE_SLUGS, STAGES

    stage = {slug: name for name, slug in STAGE_SLUGS.items()}.get(stage, stage)
    if stage not in STAGES:
        click.echo(
            f"--stage: 「{stage}」という段階はありません。{'、'.join(STAGES)} のどれかを指定してください。", err=True
        )
        sys.exit(2)
    root = ctx.obj["root"]
    config = read_mkdocs_yml(root)
    data_dir = root / Settings.from_options(casebook_options(config)).data_dir
    try:
        dataset = load_dataset(root, data_dir, root / config.get("docs_dir", "docs"), use_cache=True)
    except DataError as exc:
        _print_errors(exc.errors, "text")
        sys.exit(1)
    book = build_casebook(dataset)
    ids = [i.strip() for i in case_ids.split(",") if i.strip()]
    cases, unknown = packets.find_cases(book, ids) if ids else (packets.default_cases(book, stage), [])
    if unknown:
        click.echo(
            f"--cases: 事例 {'、'.join(unknown)} が見つかりません。data/cases/ のファイル名（id）を指定してください。",
            err=True,
        )
        sys.exit(2)
    if len(cases) > packets.MAX_CASES:
        click.echo(f"--cases: 事例は {packets.MAX_CASES} 件までです（{len(cases)} 件が指定されました）。", err=True)
        sys.exit(2)
    html = packets.packet_html(PageRenderer(book), stage, cases, instructor, config.get("site_url"))
    if as_html:
        atomic_write_text(output, html)
    else:
        problem = packetfiles.engine_problem()
        try:
            if not problem:
                packetfiles.write_pdf(html, output)
        except ImportError:
            problem = packetfiles.MISSING
        except OSError as exc:  # Pango could not be loaded
            problem = f"WeasyPrint に必要なライブラリ（Pango）を読み込めません（{exc}）。"
        if problem:
            click.echo(f"PDF を作れません。{problem}{packetfiles.INSTALL_HINT}", err=True)
            sys.exit(1)
    kind = "講師用" if instructor else "参加者用"
    click.echo(f"{output} に「{stage}」の研修資料（{kind}、事例 {len(cases)} 件）を書き出しました。")


if __name__ == "__main__":  # pragma: no cover
    main()
