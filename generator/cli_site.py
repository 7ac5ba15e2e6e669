"""``casebook`` commands over a site: export-docs, postprocess, export-data, offline, check-links, csp, packet.

``cli`` adds ``COMMANDS`` to the ``casebook`` group; the record commands (validate, schema, cms-config, new,
changes) stay in ``cli``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .postprocess.atomic import atomic_write_bytes, atomic_write_text
from .records import DataError


@click.command("export-docs")
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


@click.command()
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


@click.command("export-data")
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


@click.command()
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


def _built_site(ctx: click.Context, site: Path | None) -> Path:
    """The site folder given (default: site/), or exit 2 with a message when no site was built there."""
    site = site or ctx.obj["root"] / "site"
    if not (site / "index.html").is_file():
        click.echo(f"{site} にサイトがありません。先に make site（mkdocs build）を実行してください。", err=True)
        sys.exit(2)
    return site


@click.command("check-links")
@click.argument("site", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
def check_links(ctx: click.Context, site: Path | None) -> None:
    """作ったサイト（既定: site/）の中のリンクと見出しへのリンクがすべてつながっているか確かめる。"""
    from .postprocess.linkcheck import check_site

    site = _built_site(ctx, site)
    checked, broken = check_site(site)
    for b in broken:
        click.echo(str(b))
    if broken:
        click.echo(f"リンク {checked:,} 件のうち {len(broken)} 件がつながっていません。", err=True)
        sys.exit(1)
    click.echo(f"リンク {checked:,} 件を確かめました。切れたリンクはありません。")


@click.command()
@click.argument("site", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
def csp(ctx: click.Context, site: Path | None) -> None:
    """作ったサイト（既定: site/）が動く Content-Security-Policy ヘッダーの値を表示する（docs/SECURITY.md）。"""
    from .postprocess.csp import content_security_policy

    site = _built_site(ctx, site)
    click.echo(content_security_policy(site))


@click.command()
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


def _print_errors(errors, fmt: str) -> None:
    from .cli import _print_errors as print_errors

    print_errors(errors, fmt)


COMMANDS = (export_docs, postprocess, export_data, offline, check_links, csp, packet)
