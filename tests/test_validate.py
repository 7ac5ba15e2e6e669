"""The case-record validator: every rule, with exact locations (1-based line:column as printed)."""

from __future__ import annotations

import datetime as dt
import json
import re
import textwrap
import time

import pytest

from generator.model.prefectures import PREFECTURES
from generator.records.errors import CaseError, DataError, Location
from generator.records.load import load_dataset
from generator.records.registry import STAGES

X = "data/cases/x.yaml"


def sub(text: str, old: str, new: str) -> str:
    """``text`` with ``old`` replaced once (and it must be there)."""
    assert text.count(old) == 1, f"{old!r} not found exactly once"
    return text.replace(old, new)


def without(text: str, field: str) -> str:
    """``text`` without the top-level ``field:`` line and its indented continuation."""
    out, skipping = [], False
    for line in text.splitlines(keepends=True):
        if not line.startswith(" "):
            skipping = line.startswith(f"{field}:")
        if not skipping:
            out.append(line)
    assert len(out) < len(text.splitlines()), f"{field} not in record"
    return "".join(out)


def only(errors: list[CaseError]) -> CaseError:
    assert len(errors) == 1, "\n".join(map(str, errors))
    return errors[0]


@pytest.fixture
def check(project, errors_of):
    """``check(text, name="x.yaml") -> errors`` for a project holding one record file."""

    def run(text, name: str = "x.yaml", **kwargs):
        return errors_of(project({name: text}), **kwargs)

    return run


# --- the baseline --------------------------------------------------------------------------


def test_valid_record_loads(project, valid):
    root = project({"x.yaml": valid})
    ds = load_dataset(root, content_dir=root / "content")
    assert [c.id for c in ds.cases] == ["x"]
    case = ds.cases[0]
    assert case.location == Location(X, 0, 0)
    assert case.prefecture == "広島県" and case.stages == (("知る", "学び"),)
    assert case.kind == "団体" and case.completeness == "部分的" and case.status == "公開"
    assert case.sources[0].url == "https://example.jp/"


def test_error_string_format(check, valid):
    errors = check(sub(valid, "activities:", "activites:"))
    assert [str(e) for e in errors] == [
        f"{X}:1:1: activities: 必須の項目「activities」（主な活動）がありません（completeness が「要出典」なら省けます）。",
        f"{X}:9:1: activites: 項目「activites」はありません。「activities」の書き間違いではありませんか。",
    ]


# --- 1. required fields --------------------------------------------------------------------

REQUIRED = ["id", "name", "kana", "prefecture", "municipality", "summary", "stages", "sources"]
SOURCED = ["legal_form", "regional_issues", "activities", "formation_factors"]


@pytest.mark.parametrize("field", REQUIRED)
def test_required_field_missing_is_located_at_record_start(check, valid, field):
    # A leading comment moves the mapping's start to line 2, so "record start" is distinguishable from "file start".
    err = only(check("# コメント\n" + without(valid, field)))
    assert (err.location.path, err.location.line + 1, err.location.column + 1, err.field) == (X, 2, 1, field)
    assert f"必須の項目「{field}」" in err.message
    assert "要出典" not in err.message


@pytest.mark.parametrize("field", SOURCED)
def test_sourced_field_required_by_default(check, valid, field):
    err = only(check(without(valid, field)))
    assert (err.location.line + 1, err.location.column + 1, err.field) == (1, 1, field)
    assert f"必須の項目「{field}」" in err.message
    assert "completeness が「要出典」なら省けます" in err.message


@pytest.mark.parametrize("field", SOURCED)
def test_sourced_field_required_when_completeness_is_complete(check, valid, field):
    err = only(check(without(valid, field) + "completeness: 完全\n"))
    assert err.field == field


def test_sourced_fields_may_be_omitted_when_completeness_needs_sources(check, valid):
    text = valid
    for field in SOURCED:
        text = without(text, field)
    assert check(text + "completeness: 要出典\n") == []
    errors = check(text)
    assert sorted(e.field for e in errors) == sorted(SOURCED)


def test_required_field_in_list_file_is_located_at_that_record(check, valid):
    text = textwrap.dedent(
        """\
        - id: a
          name: 一つ目
        - id: b
          name: 二つ目
        """
    )
    errors = check(text, name="cases.yaml")
    assert all(e.location.path == "data/cases.yaml" for e in errors)
    # Each record's missing fields are reported at that record's mapping (column 3, after "- ").
    assert {(e.location.line + 1, e.location.column + 1) for e in errors} == {(1, 3), (3, 3)}
    assert sorted(e.field for e in errors if e.location.line == 2) == sorted(set(REQUIRED + SOURCED) - {"id", "name"})


@pytest.mark.parametrize("empty", ['""', "''", "", "   ''"])
def test_empty_required_value_is_reported_at_its_own_line(check, valid, empty):
    err = only(check(sub(valid, "name: テスト協議会", f"name: {empty}")))
    assert err.location.line + 1 == 2 and err.field == "name"
    assert err.message == "必須の項目「name」（正式名称）が空です。値を書いてください。"


def test_missing_required_value_is_reported_at_the_record(check, valid):
    err = only(check(sub(valid, "name: テスト協議会\n", "")))
    assert str(err) == f"{X}:1:1: name: 必須の項目「name」（正式名称）がありません。"


# --- 2. id ---------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["Kawane", "kawa_ne", "-kawane", "kawane-", "kawa--ne", "かわね"])
def test_id_must_be_a_slug(check, valid, bad):
    err = only(check(sub(valid, "id: x", f"id: {bad}"), name=f"{bad}.yaml"))
    assert (err.location.line + 1, err.location.column + 1, err.field) == (1, 5, "id")
    assert "半角の小文字・数字とハイフンだけ" in err.message


def test_id_length_limit(check, valid):
    ok, long = "a" * 64, "a" * 65
    assert check(sub(valid, "id: x", f"id: {ok}"), name=f"{ok}.yaml") == []
    err = only(check(sub(valid, "id: x", f"id: {long}"), name=f"{long}.yaml"))
    assert (err.location.line + 1, err.location.column + 1, err.field) == (1, 5, "id")
    assert "64 文字以内にしてください（いま 65 文字）" in err.message


def test_id_must_match_file_name(check, valid):
    err = only(check(valid, name="y.yaml"))
    assert (
        str(err)
        == "data/cases/y.yaml:1:5: id: id「x」とファイル名「y.yaml」が合いません。ファイル名は「x.yaml」にしてください。"
    )


def test_list_file_ids_need_not_match_its_name(check, valid):
    text = "- " + valid.replace("\n", "\n  ").rstrip() + "\n"
    assert check(text, name="cases.yaml") == []


def test_duplicate_id_across_list_file_and_record_file_names_both(project, errors_of, valid):
    listed = "- " + valid.replace("\n", "\n  ").rstrip() + "\n"
    err = only(errors_of(project({"cases.yaml": listed, "x.yaml": valid})))
    assert (str(err.location), err.field) == (f"{X}:1:1", "id")
    assert "data/cases.yaml:1:3" in err.message
    assert "id「x」" in err.message


def test_duplicate_id_within_list_file(check, valid):
    record = "- " + valid.replace("\n", "\n  ").rstrip() + "\n"
    err = only(check(record + record, name="cases.yaml"))
    assert (str(err.location), err.field) == ("data/cases.yaml:17:3", "id")
    assert "data/cases.yaml:1:3 でも使われています" in err.message


# --- 3. kana -------------------------------------------------------------------------------


@pytest.mark.parametrize("kana", ["テスト", "てすと ー・テスト", "かわね　しんこう", "ヴァーチャル"])
def test_kana_accepts_kana(check, valid, kana):
    assert check(sub(valid, "kana: てすと", f"kana: {kana}")) == []


@pytest.mark.parametrize(
    "kana, bad", [("川根", "川」（U+5DDD"), ("かわね振興", "振」（U+632F"), ("kawane", "k」（U+006B")]
)
def test_kana_rejects_other_scripts(check, valid, kana, bad):
    err = only(check(sub(valid, "kana: てすと", f"kana: {kana}")))
    assert (err.location.line + 1, err.location.column + 1, err.field) == (3, 7, "kana")
    assert err.message == (
        f"読みはひらがなかカタカナで書いてください（ー・と空白も使えます）。使えない文字「{bad}）があります。"
    )


@pytest.mark.parametrize(
    "written",
    [
        "\uff76\uff9c\uff88",  # half-width ｶﾜﾈ
        "\u30ab\u30ef\u30cd",  # full-width カワネ
        "\u304b\u308f\u306d",  # かわね
    ],
)
def test_kana_half_width_is_read_as_full_width(project, valid, written):
    root = project({"x.yaml": sub(valid, "kana: てすと", f"kana: {written}")})
    case = load_dataset(root).cases[0]
    assert case.kana in ("カワネ", "かわね")


def test_kana_decomposed_is_composed(project, valid):
    decomposed = "か\u3099き\u3099"  # が ぎ written as か + combining dakuten (what macOS file names hold)
    root = project({"x.yaml": sub(valid, "kana: てすと", f"kana: {decomposed}")})
    assert load_dataset(root).cases[0].kana == "がぎ"


# --- 4. choices ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line, expected",
    [
        ("kind: 自治体", "「自治体」は使える値にありません。「自治体の仕組み」ではありませんか。"),
        ("structure: 一体", "「一体」は使える値にありません。「一体型」ではありませんか。"),
        ("completeness: ぜんぶ", "「ぜんぶ」は使える値にありません。使える値: 完全、部分的、要出典"),
        ("status: draft", "「draft」は使える値にありません。使える値: 公開、下書き"),
    ],
)
def test_fixed_choices(check, valid, line, expected):
    field = line.split(":")[0]
    err = only(check(valid + line + "\n"))
    assert (err.location.line + 1, err.location.column + 1, err.field) == (17, len(field) + 3, field)
    assert err.message == expected


@pytest.mark.parametrize("line", ["kind: 自治体の仕組み", "structure: 分離型", "completeness: 完全", "status: 公開"])
def test_fixed_choices_accept_their_values(check, valid, line):
    assert check(valid + line + "\n") == []


@pytest.mark.parametrize(
    "short, full", [("広島", "広島県"), ("東京", "東京都"), ("大阪", "大阪府"), ("京都", "京都府")]
)
def test_prefecture_short_name_suggests_full_name(check, valid, short, full):
    err = only(check(sub(valid, "prefecture: 広島県", f"prefecture: {short}")))
    assert str(err) == f"{X}:4:13: prefecture: 「{short}」は使える値にありません。「{full}」ではありませんか。"


def test_prefecture_unknown(check, valid):
    err = only(check(sub(valid, "prefecture: 広島県", "prefecture: 火星")))
    assert (err.location.line + 1, err.location.column + 1, err.field) == (4, 13, "prefecture")
    assert err.message.startswith("「火星」は使える値にありません。")


def test_all_47_prefectures_accepted(project, errors_of, valid):
    assert len(PREFECTURES) == 47
    files = {}
    for i, p in enumerate(PREFECTURES):
        files[f"p{i}.yaml"] = sub(sub(valid, "id: x", f"id: p{i}"), "prefecture: 広島県", f"prefecture: {p.name}")
    assert errors_of(project(files)) == []


# --- 5. founded, verified ------------------------------------------------------------------

THIS_YEAR = dt.date.today().year


@pytest.mark.parametrize("year", [1868, 1990, THIS_YEAR])
def test_founded_in_range(check, valid, year):
    assert check(valid + f"founded: {year}\n") == []


@pytest.mark.parametrize("year", [1867, THIS_YEAR + 1, 0])
def test_founded_out_of_range(check, valid, year):
    err = only(check(valid + f"founded: {year}\n"))
    assert (err.location.line + 1, err.location.column + 1, err.field) == (17, 10, "founded")
    assert err.message == f"1868 から {THIS_YEAR} までの年を書いてください（いまの値: {year}）。"


@pytest.mark.parametrize("value", ['"1990"', "1990年", "1990.5", "yes"])
def test_founded_must_be_an_integer(check, valid, value):
    err = only(check(valid + f"founded: {value}\n"))
    assert (err.location.line + 1, err.location.column + 1, err.field) == (17, 10, "founded")
    assert "整数で書いてください" in err.message


@pytest.mark.parametrize("value", ["2024-01-31", '"2024-01-31"', "2000-02-29"])
def test_verified_date_accepted(project, valid, value):
    root = project({"x.yaml": valid + f"verified: {value}\n"})
    ds = load_dataset(root)
    assert ds.cases[0].verified == value.strip('"')


@pytest.mark.parametrize("value", ["2024/01/31", "2024-02-30", "31-01-2024", "2024-1-31", "昨日"])
def test_verified_date_format(check, valid, value):
    err = only(check(valid + f"verified: {value}\n"))
    assert (err.location.line + 1, err.location.column + 1, err.field) == (17, 11, "verified")
    assert "YYYY-MM-DD" in err.message


@pytest.mark.parametrize("value", ["20240131", "2024-W05-3"])
def test_verified_date_rejects_other_iso_forms(check, valid, value):
    err = only(check(valid + f"verified: {value}\n"))
    assert (err.location.line + 1, err.field) == (17, "verified")
    assert "YYYY-MM-DD" in err.message


def test_verified_date_in_future_rejected(check, valid):
    # "Today" is today somewhere on Earth (up to UTC+14): a date written in Japan in the morning passes a UTC CI.
    latest = dt.datetime.now(dt.timezone(dt.timedelta(hours=14))).date()
    future = (latest + dt.timedelta(days=1)).isoformat()
    err = only(check(valid + f"verified: {future}\n"))
    assert str(err) == f"{X}:17:11: verified: 未来の日付は書けません: {future}"
    assert check(valid + f"verified: {dt.date.today().isoformat()}\n") == []
    assert check(valid + f"verified: {latest.isoformat()}\n") == []


# --- 6. vocabulary fields ------------------------------------------------------------------


def test_vocabulary_unknown_label_with_suggestion(check, valid):
    err = only(check(sub(valid, "activities: [防災]", "activities: [見守り]")))
    assert (
        str(err)
        == f"{X}:9:14: activities[1]: 「見守り」は語彙「activity」にありません。「声かけ・見守り」ではありませんか。"
    )


def test_vocabulary_unknown_label_lists_choices(check, valid):
    err = only(check(sub(valid, "legal_form: 任意団体", "legal_form: 宇宙法人")))
    assert (err.location.line + 1, err.location.column + 1, err.field) == (6, 13, "legal_form")
    assert err.message.startswith("「宇宙法人」は語彙「legal_form」にありません。使える値: 任意団体、NPO法人")


@pytest.mark.parametrize(
    "line, field, vocabulary",
    [
        ("scope: 宇宙", "scope", "scope"),
        ("base: 宇宙", "base", "base"),
        ("income_sources: [宇宙]", "income_sources[1]", "income"),
        ("challenges: [宇宙]", "challenges[1]", "challenge"),
        ("sustainability_factors: [{factor: 宇宙}]", "sustainability_factors[1].factor", "sustainability_factor"),
    ],
)
def test_every_vocabulary_field_checks_its_vocabulary(check, valid, line, field, vocabulary):
    err = only(check(valid + line + "\n"))
    assert (err.location.line + 1, err.field) == (17, field)
    assert f"語彙「{vocabulary}」にありません" in err.message


def test_vocabulary_list_duplicate(check, valid):
    err = only(check(sub(valid, "activities: [防災]", "activities: [防災, 配食, 防災]")))
    assert str(err) == f"{X}:9:22: activities[3]: 「防災」が重複しています（1 番目と同じ）。"


@pytest.mark.parametrize("field, column", [("regional_issues", 18), ("activities", 13)])
def test_vocabulary_list_empty(check, valid, field, column):
    text = re.sub(rf"^{field}: .*$", f"{field}: []", valid, flags=re.M)
    err = only(check(text))
    line = 8 if field == "regional_issues" else 9
    assert str(err) == f"{X}:{line}:{column}: {field}: 少なくとも 1 つ書いてください。"


def test_optional_vocabulary_list_may_be_empty(check, valid):
    assert check(valid + "income_sources: []\nchallenges: []\n") == []


def test_list_with_empty_item(check, valid):
    text = sub(valid, "activities: [防災]", "activities:\n  - 防災\n  -\n")
    err = only(check(text))
    assert (err.location.line + 1, err.field) == (11, "activities[2]")
    assert "空の項目" in err.message


# --- 7. population -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body", ["{people: 570, year: 2012}", "{households: 230, year: 2012}", "{people: 570, households: 230, year: 2012}"]
)
def test_population_valid(check, valid, body):
    assert check(valid + f"population: {body}\n") == []


def test_population_needs_people_or_households(check, valid):
    err = only(check(valid + "population:\n  year: 2020\n"))
    assert str(err) == f"{X}:18:3: population: 人口（people）か世帯数（households）の少なくとも一方を書いてください。"


def test_population_needs_year(check, valid):
    err = only(check(valid + "population:\n  people: 100\n"))
    assert (err.location.line + 1, err.location.column + 1, err.field) == (18, 3, "population.year")
    assert "必須の項目「year」" in err.message


def test_population_numbers_checked(check, valid):
    errors = check(valid + "population:\n  people: -1\n  households: 多い\n  year: 2020\n")
    assert [(e.location.line + 1, e.field) for e in errors] == [
        (18, "population.people"),
        (19, "population.households"),
    ]


# --- 8. text length and HTML -----------------------------------------------------------------


def test_summary_300_characters_pass_301_fail(check, valid):
    assert check(sub(valid, "summary: 概要です。", "summary: " + "あ" * 300)) == []
    err = only(check(sub(valid, "summary: 概要です。", "summary: " + "あ" * 301)))
    assert str(err) == f"{X}:7:10: summary: 300 文字以内にしてください（いま 301 文字）。"


@pytest.mark.parametrize(
    "old, new, line, column, field",
    [
        ("name: テスト協議会", "name: テスト<b>協議会</b>", 2, 7, "name"),
        ("summary: 概要です。", "summary: 概要<script>alert(1)</script>", 7, 10, "summary"),
        ("municipality: 安芸高田市", "municipality: <i>安芸高田市</i>", 5, 15, "municipality"),
        ("知る: 学び", "知る: 学び<br>", 13, 7, "stages.知る"),
        (
            "- factor: 危機感の共有",
            "- factor: 危機感の共有\n    detail: <!-- x -->",
            12,
            13,
            "formation_factors[1].detail",
        ),
        ("- title: 出典", "- title: </a>出典", 15, 12, "sources[1].title"),
    ],
)
def test_html_rejected_in_text_fields(check, valid, old, new, line, column, field):
    err = only(check(sub(valid, old, new)))
    assert (err.location.line + 1, err.location.column + 1, err.field) == (line, column, field)
    assert "HTML タグ" in err.message


def test_html_rejected_in_body(check, valid):
    err = only(check(valid + "body: |\n  本文です。\n  <div>囲み</div>\n"))
    assert (err.location.line + 1, err.location.column + 1, err.field) == (19, 3, "body")
    assert "HTML タグ" in err.message


def test_less_than_sign_in_prose_is_not_html(check, valid):
    assert check(sub(valid, "summary: 概要です。", "summary: 3 < 5 で、人口 <1000 の地区です。")) == []


# --- 9. formation factors, external support, stages ----------------------------------------------


def test_formation_factor_unknown(check, valid):
    err = only(check(sub(valid, "- factor: 危機感の共有", "- factor: 危機感")))
    assert (
        str(err)
        == f"{X}:11:13: formation_factors[1].factor: 「危機感」は語彙「formation_factor」にありません。「危機感の共有」ではありませんか。"
    )


def test_formation_factor_missing(check, valid):
    err = only(check(sub(valid, "- factor: 危機感の共有", "- factor: 危機感の共有\n  - detail: 要因を書き忘れた")))
    assert (err.location.line + 1, err.location.column + 1, err.field) == (12, 5, "formation_factors[2].factor")
    assert "必須の項目「factor」" in err.message


def test_formation_factor_unknown_nested_key(check, valid):
    err = only(check(sub(valid, "- factor: 危機感の共有", "- factor: 危機感の共有\n    detial: 詳しく")))
    assert (
        str(err)
        == f"{X}:12:5: formation_factors[1].detial: 項目「detial」はありません。「detail」の書き間違いではありませんか。"
    )


def test_formation_factors_empty(check, valid):
    text = sub(valid, "formation_factors:\n  - factor: 危機感の共有\n", "formation_factors: []\n")
    err = only(check(text))
    assert (err.location.line + 1, err.location.column + 1, err.field) == (10, 20, "formation_factors")
    assert "少なくとも 1 つ" in err.message


def test_external_support(check, valid):
    text = valid + textwrap.dedent(
        """\
        external_support:
          - actor: 大学
            effects: [当事者意識の醸成, 人材育成]
            detail: 学生が聞き取り調査をした。
          - actor: 大学生
            effects: [効果あり]
          - effects: [人材育成]
        """
    )
    errors = check(text)
    assert [(e.location.line + 1, e.location.column + 1, e.field) for e in errors] == [
        (21, 12, "external_support[2].actor"),
        (22, 15, "external_support[2].effects[1]"),
        (23, 5, "external_support[3].actor"),
    ]
    assert "「大学生」は語彙「external_actor」にありません。「大学」ではありませんか。" == errors[0].message
    assert "語彙「external_effect」にありません" in errors[1].message
    assert "必須の項目「actor」" in errors[2].message


def test_stages_all_four_accepted(project, valid):
    stages = "stages:\n" + "".join(f"  {s}: {s}の学び\n" for s in reversed(STAGES))
    root = project({"x.yaml": sub(valid, "stages:\n  知る: 学び\n", stages)})
    ds = load_dataset(root)
    assert [k for k, _ in ds.cases[0].stages] == list(STAGES)  # kept in teaching order


def test_stages_unknown_key(check, valid):
    err = only(check(sub(valid, "知る: 学び", "知る: 学び\n  しる: 学び")))
    assert (err.location.line + 1, err.location.column + 1, err.field) == (14, 3, "stages")
    assert err.message.startswith("「しる」は使える値にありません。")
    assert "知る、かたちづくる、動いてみる、持続・発展させる" in err.message


def test_stages_empty_value_and_empty_mapping(check, valid):
    err = only(check(sub(valid, "知る: 学び", "知る: 学び\n  動いてみる:")))
    assert (err.location.line + 1, err.field) == (14, "stages.動いてみる")
    assert "値が空です" in err.message
    err = only(check(sub(valid, "stages:\n  知る: 学び\n", "stages: {}\n")))
    assert (err.location.line + 1, err.location.column + 1, err.field) == (12, 9, "stages")
    assert "少なくとも 1 つ" in err.message


def test_stages_duplicate_key(check, valid):
    err = only(check(sub(valid, "知る: 学び", "知る: 学び\n  知る: もう一度")))
    assert (err.location.line + 1, err.location.column + 1, err.field) == (14, 3, "stages.知る")
    assert "最初は 13 行目" in err.message


# --- 10. sources -----------------------------------------------------------------------------


def test_sources_empty(check, valid):
    err = only(check(sub(valid, "sources:\n  - title: 出典\n    url: https://example.jp/\n", "sources: []\n")))
    assert str(err) == f"{X}:14:10: sources: 少なくとも 1 つ書いてください。"


def test_source_missing_title_and_missing_url(check, valid):
    text = sub(
        valid, "  - title: 出典\n    url: https://example.jp/\n", "  - title: 出典\n  - url: https://example.jp/\n"
    )
    errors = check(text)
    assert [(e.location.line + 1, e.location.column + 1, e.field) for e in errors] == [
        (15, 5, "sources[1].url"),
        (16, 5, "sources[2].title"),
    ]
    assert all("必須の項目" in e.message for e in errors)


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "ftp://example.jp/file", "example.jp", "https://", "mailto:a@example.jp", "//example.jp/"],
)
def test_source_url_must_be_http(check, valid, url):
    err = only(check(sub(valid, "url: https://example.jp/", f'url: "{url}"')))
    assert (err.location.line + 1, err.location.column + 1, err.field) == (16, 10, "sources[1].url")
    assert err.message == f"URL は http:// または https:// で始めてください: {url}"


def test_source_url_without_spaces_or_quotes(check, valid):
    err = only(check(sub(valid, "url: https://example.jp/", 'url: "https://example.jp/a b"')))
    assert err.field == "sources[1].url"
    assert "空白" in err.message


@pytest.mark.parametrize("url", ["http://example.jp/", "HTTPS://example.jp/a?b=c#d"])
def test_source_url_accepted(check, valid, url):
    assert check(sub(valid, "url: https://example.jp/", f"url: {url}")) == []


def test_source_year_checked(check, valid):
    err = only(check(sub(valid, "url: https://example.jp/", "url: https://example.jp/\n    year: 1800")))
    assert (err.location.line + 1, err.field) == (17, "sources[1].year")


# --- 11. unknown and duplicate keys ------------------------------------------------------------


def test_unknown_field_without_close_match_lists_fields(check, valid):
    err = only(check(valid + "zzz: 1\n"))
    assert (err.location.line + 1, err.location.column + 1, err.field) == (17, 1, "zzz")
    assert err.message.startswith("項目「zzz」はありません。使える項目: id、name、kana")


def test_duplicate_key_reported_at_second_key(check, valid):
    err = only(check(sub(valid, "kana: てすと\n", "kana: てすと\nname: 二回目\n")))
    assert str(err) == f"{X}:4:1: name: 項目「name」が2回書かれています（最初は 2 行目）。1つにまとめてください。"


def test_non_string_keys(check, valid):
    errors = check(valid + "yes: 1\n[a]: 2\n")
    assert [(e.location.line + 1, e.location.column + 1, e.message) for e in errors] == [
        (17, 1, "項目名は文字列で書いてください。"),
        (18, 1, "項目名は文字列で書いてください。"),
    ]


# --- 12. YAML syntax, encodings, types -----------------------------------------------------------


def test_tab_indentation_is_located(check, valid):
    err = only(check(sub(valid, "  知る: 学び", "\t知る: 学び")))
    assert (err.location.path, err.location.line + 1, err.field) == (X, 13, "")


@pytest.mark.parametrize("text", ["id: x\n\tname: a\n", "id: x\nstages:\n\t知る: 学び\n"])
def test_tab_indentation_message_mentions_tab(check, text):
    err = only(check(text))
    assert err.location.line + 1 == (2 if "\tname" in text else 3)
    assert "タブ" in err.message


def test_unclosed_quote_is_reported(check, valid):
    err = only(check(sub(valid, "name: テスト協議会", 'name: "テスト協議会')))
    assert err.location.path == X and err.field == ""
    assert "引用符" in err.message and "閉じられていません" in err.message


def test_unclosed_quote_located_at_opening_quote(check, valid):
    err = only(check(sub(valid, "name: テスト協議会", 'name: "テスト協議会')))
    assert (err.location.line + 1, err.location.column + 1) == (2, 7)


def test_second_document_rejected(check, valid):
    err = only(check(valid + "---\nid: y\n"))
    assert (err.location.line + 1, err.location.column + 1) == (17, 1)
    assert "YAML 文書は1つだけ" in err.message


def test_undefined_alias(check, valid):
    err = only(check(sub(valid, "activities: [防災]", "activities: *nope")))
    assert (err.location.line + 1, err.location.column + 1) == (9, 13)
    assert "エイリアス" in err.message


def test_control_character_reported_with_file(check, valid):
    err = only(check(sub(valid, "概要です。", "概要\x07です。")))
    assert err.location.path == X
    assert "制御文字（U+0007）" in err.message


def test_control_character_located(check, valid):
    err = only(check(sub(valid, "概要です。", "概要\x07です。")))
    assert (err.location.line + 1, err.location.column + 1) == (7, 12)
    assert "\n" not in err.message


def test_non_utf8_file_named(check, valid):
    err = only(check(valid.encode("shift_jis")))
    assert str(err) == f"{X}:2:1: ファイルが UTF-8 ではありません。UTF-8 で保存し直してください。"


def test_bom_and_crlf_accepted(project, errors_of, valid):
    data = b"\xef\xbb\xbf" + valid.replace("\n", "\r\n").encode("utf-8")
    assert errors_of(project({"x.yaml": data})) == []
    # ... and locations in such a file are still right
    bad = b"\xef\xbb\xbf" + sub(valid, "kana: てすと", "kana: 川根").replace("\n", "\r\n").encode("utf-8")
    err = only(errors_of(project({"x.yaml": bad})))
    assert (err.location.line + 1, err.location.column + 1, err.field) == (3, 7, "kana")


def test_link_leading_out_of_the_project_is_refused(project, errors_of, valid, tmp_path):
    """A record file that is a symbolic link to a file outside the project is not read; one inside is."""
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text(valid, encoding="utf-8")
    root = project({})
    (root / "data" / "cases" / "x.yaml").symlink_to(outside)
    err = only(errors_of(root))
    assert str(err) == f"{X}:1:1: プロジェクトの外を指すファイル（リンク）は読み込めません。"
    inner = project({})
    (inner / "drafts").mkdir()
    (inner / "drafts" / "x.yaml").write_text(valid, encoding="utf-8")
    (inner / "data" / "cases" / "x.yaml").symlink_to(inner / "drafts" / "x.yaml")
    assert errors_of(inner) == []


def test_oversized_file_is_refused_with_its_size(project, errors_of, valid, monkeypatch):
    from generator.records import yamlnodes as loader

    padded = valid + "# " + "あ" * 8000 + "\n"  # larger than the vocabulary file, which has the same limit
    size = len(padded.encode("utf-8"))
    monkeypatch.setattr(loader, "MAX_FILE_BYTES", size)
    assert errors_of(project({"x.yaml": padded})) == []  # exactly at the limit: read whole
    bigger = padded + "#\n"
    err = only(errors_of(project({"x.yaml": bigger})))
    grown = len(bigger.encode("utf-8"))
    assert str(err) == f"{X}:1:1: ファイルが大きすぎます（{grown:,} バイト、上限 {size:,} バイト）。"


def test_unreadable_entry_is_named(project, errors_of):
    root = project({})
    (root / "data" / "cases" / "x.yaml").mkdir()
    err = only(errors_of(root))
    assert str(err) == (
        f"{X}:1:1: ファイルを読めません。ふつうのファイルではありません（フォルダです）。"
        "消すか、ふつうのファイルにしてください。"
    )


def test_empty_file(check):
    err = only(check(""))
    assert str(err) == f"{X}:1:1: ファイルが空です。事例を1件書くか、ファイルを消してください。"


def test_list_file_must_hold_a_list(check, valid):
    err = only(check(valid, name="cases.yaml"))
    assert (str(err.location), err.field) == ("data/cases.yaml:1:1", "")
    assert "事例のリスト" in err.message


def test_record_file_must_hold_a_mapping(check):
    err = only(check("- a\n- b\n"))
    assert (str(err.location), err.field) == (f"{X}:1:1", "")
    assert "項目の組" in err.message


def test_wrong_types(check, valid):
    text = sub(valid, "id: x", "id: 5")
    text = sub(text, "name: テスト協議会", "name: [a, b]")
    text = sub(text, "activities: [防災]", "activities: {防災: 1}")
    text = sub(text, "summary: 概要です。", "summary: yes")
    text += "population: 100\n"
    errors = check(text)
    assert [(e.location.line + 1, e.location.column + 1, e.field) for e in errors] == [
        (1, 5, "id"),
        (2, 7, "name"),
        (7, 10, "summary"),
        (9, 13, "activities"),
        (17, 13, "population"),
    ]
    id_, name, summary, activities, population = (e.message for e in errors)
    assert id_.startswith("数値ではなく文字列で書いてください")
    assert name == "ここにはリストではなく文字列を1つ書いてください。"
    assert summary.startswith("真偽値（yes/no/true/false）ではなく文字列で")
    assert activities == "リストで書いてください（各行を「- 」で始めます）。"
    assert population == "項目の組（「キー: 値」の行）で書いてください。"


def test_mapping_where_text_belongs(check, valid):
    err = only(check(sub(valid, "municipality: 安芸高田市", "municipality:\n  name: 安芸高田市")))
    assert (err.location.line + 1, err.location.column + 1, err.field) == (6, 3, "municipality")
    assert err.message == "ここには項目の組（キー: 値）ではなく文字列を1つ書いてください。"


# --- 13. several defects in one file -----------------------------------------------------------


def test_every_defect_of_a_file_is_reported(check):
    text = textwrap.dedent(
        """\
        id: x
        name: テスト<b>協議会</b>
        kana: 川根
        prefecture: 広島
        municipality: 安芸高田市
        legal_form: 任意団体
        founded: "1990"
        summary: 概要です。
        regional_issues: []
        activities: [見守り, 防災, 防災]
        formation_factors:
          - factor: 危機感の共有
            detial: 詳しく
        stages:
          しる: 学び
        sources:
          - title: 出典
            url: javascript:alert(1)
        activites: [防災]
        verified: 2024/01/31
        """
    )
    errors = check(text)
    assert [(e.location.line + 1, e.location.column + 1, e.field) for e in errors] == [
        (2, 7, "name"),
        (3, 7, "kana"),
        (4, 13, "prefecture"),
        (7, 10, "founded"),
        (9, 18, "regional_issues"),
        (10, 14, "activities[1]"),
        (10, 23, "activities[3]"),
        (13, 5, "formation_factors[1].detial"),
        (15, 3, "stages"),
        (18, 10, "sources[1].url"),
        (19, 1, "activites"),
        (20, 11, "verified"),
    ]


def test_id_file_name_mismatch_reported_alongside_other_errors(check, valid):
    errors = check(sub(valid, "kana: てすと", "kana: 川根"), name="y.yaml")
    assert sorted(e.field for e in errors) == ["id", "kana"]


# --- 14. all files in one run ------------------------------------------------------------------


def test_errors_of_every_file_reported_in_one_run(project, errors_of, valid):
    files = {
        "a.yaml": sub(sub(valid, "id: x", "id: a"), "kana: てすと", "kana: 漢字"),
        "b.yaml": sub(valid, "id: x", "id: b") + "activites: []\n",
        "c.yaml": sub(sub(valid, "id: x", "id: c"), "prefecture: 広島県", "prefecture: 東京"),
        "ok.yaml": sub(valid, "id: x", "id: ok"),
        "cases.yaml": "- id: d\n",
    }
    errors = errors_of(project(files))
    assert sorted(
        {(e.location.path, e.location.line + 1, e.field) for e in errors if e.location.path != "data/cases.yaml"}
    ) == [
        ("data/cases/a.yaml", 3, "kana"),
        ("data/cases/b.yaml", 17, "activites"),
        ("data/cases/c.yaml", 4, "prefecture"),
    ]
    assert any(e.location.path == "data/cases.yaml" and e.field == "name" for e in errors)
    assert errors == sorted(errors)


# --- 15. aliases ---------------------------------------------------------------------------------

BILLION_LAUGHS = "".join(
    f"{name}: &{name} [" + ",".join([f"*{prev}" if prev else '"lol"'] * 9) + "]\n"
    for prev, name in zip([None, *"abcdefgh"], "abcdefghi", strict=True)
)


def test_alias_bomb_is_harmless_and_quick(check, valid):
    # Nine levels of nine aliases (9**9 strings if expanded), in unknown keys and in a real field.
    text = valid + BILLION_LAUGHS + "challenges: [*i, *i, *i, *i, *i, *i, *i, *i, *i]\n"
    start = time.perf_counter()
    errors = check(text)
    assert time.perf_counter() - start < 2.0
    assert errors and all(e.location.path == X for e in errors)
    assert [e.field for e in errors if e.location.line + 1 >= 17 and e.location.column == 0] == list("abcdefghi")


def test_alias_flood_refused_with_message(check, valid):
    flood = "formation_factors:\n  - &f {factor: 危機感の共有}\n" + "  - *f\n" * 40
    text = sub(valid, "formation_factors:\n  - factor: 危機感の共有\n", flood)
    start = time.perf_counter()
    err = only(check(text))
    assert time.perf_counter() - start < 2.0
    assert "エイリアス（*）が多すぎます" in err.message
    assert err.field.startswith("formation_factors[")


def test_a_few_aliases_are_fine(check, valid):
    text = (
        sub(valid, "activities: [防災]", "activities: &acts [防災]")
        + "sustainability_factors:\n  - &s {factor: 部会制}\n"
    )
    assert check(text) == []


# --- 16. vocabulary.yaml ---------------------------------------------------------------------------


def minimal_vocabulary(**replace: str) -> str:
    """A literal vocabulary file; ``legal_form`` is at the top with these exact lines:

    1 legal_form:
    2   terms:
    3     - {label: 任意団体, slug: nin-i-dantai, description: 説明}
    4     - {label: NPO法人, slug: npo, description: 説明}
    5 scope: …
    """
    head = textwrap.dedent(
        """\
        legal_form:
          terms:
            - {label: 任意団体, slug: nin-i-dantai, description: 説明}
            - {label: NPO法人, slug: npo, description: 説明}
        """
    )
    for old, new in replace.items():
        head = sub(head, old, new)
    tail = ""
    for name in ["scope", "base", "activity", "income", "regional_issue", "challenge", "formation_factor",
                 "sustainability_factor", "external_actor", "external_effect"]:  # fmt: skip
        slug = name.replace("_", "-")
        tail += f"{name}:\n  terms:\n    - {{label: {name}値, slug: {slug}-v, description: 説明}}\n"
    return head + tail


def vocab_errors(project, errors_of, text: str):
    return errors_of(project({}, vocabulary=text))


def test_minimal_vocabulary_is_valid(project, errors_of):
    assert vocab_errors(project, errors_of, minimal_vocabulary()) == []


def test_vocabulary_duplicate_label(project, errors_of):
    err = only(vocab_errors(project, errors_of, minimal_vocabulary(**{"label: NPO法人": "label: 任意団体"})))
    assert (err.location.path, err.field) == ("data/vocabulary.yaml", "legal_form.terms[2].label")
    assert err.message == "「任意団体」が重複しています（3 行目と同じ）。"
    assert err.location.line + 1 == 4


def test_vocabulary_duplicate_slug(project, errors_of):
    err = only(vocab_errors(project, errors_of, minimal_vocabulary(**{"slug: npo": "slug: nin-i-dantai"})))
    assert (err.location.path, err.field) == ("data/vocabulary.yaml", "legal_form.terms[2].slug")
    assert err.message == "「nin-i-dantai」が重複しています（3 行目と同じ）。"
    assert err.location.line + 1 == 4


def test_vocabulary_titles_and_slugs_belong_to_the_registry(project, errors_of):
    """A section's title and URL slug are declared in the field registry, not in the vocabulary file."""
    text = minimal_vocabulary(**{"legal_form:\n": "legal_form:\n  slug: legal-form\n"})
    err = only(vocab_errors(project, errors_of, text))
    assert (err.location.line + 1, err.field) == (2, "legal_form.slug")
    assert "項目「slug」はありません" in err.message


def test_vocabulary_bad_slug_pattern(project, errors_of):
    err = only(vocab_errors(project, errors_of, minimal_vocabulary(**{"slug: npo": "slug: NPO_houjin"})))
    assert str(err).startswith("data/vocabulary.yaml:4:28: legal_form.terms[2].slug: 半角の小文字・数字とハイフンだけ")


def test_vocabulary_missing_section_and_description(project, errors_of):
    text = minimal_vocabulary(**{", description: 説明}\n    - {label: NPO法人": "}\n    - {label: NPO法人"})
    text = text.replace("base:\n", "based:\n")
    errors = vocab_errors(project, errors_of, text)
    assert [(e.location.line + 1, e.location.column + 1, e.field) for e in errors] == [
        (1, 1, "base"),
        (3, 7, "legal_form.terms[1].description"),
        (8, 1, "based"),
    ]


def test_vocabulary_errors_stop_before_cases(project, errors_of, valid):
    errors = errors_of(project({"x.yaml": "garbage: [\n"}, vocabulary="legal_form: [\n"))
    assert {e.location.path for e in errors} == {"data/vocabulary.yaml"}


def test_bundled_vocabulary_labels_suggest(project, errors_of, valid):
    # The bundled vocabulary is the one the tests above rely on for suggestions.
    assert errors_of(project({"x.yaml": valid})) == []


# --- 17. narratives ----------------------------------------------------------------------------------


def test_narrative_file_accepted(project, valid):
    root = project({"x.yaml": valid}, content={"cases/x.md": "本文\n", "cases/index.md": "# 事例\n"})
    ds = load_dataset(root, content_dir=root / "content")
    assert ds.narratives == {"x": root / "content" / "cases" / "x.md"}


def test_orphan_narrative(project, errors_of, valid):
    err = only(errors_of(project({"x.yaml": valid}, content={"cases/y.md": "本文\n"})))
    assert (
        str(err)
        == "content/cases/y.md:1:1: この本文に対応する事例（id: y）がありません。ファイル名を事例の id にそろえてください。"
    )


def test_body_and_narrative_both(project, errors_of, valid):
    root = project({"x.yaml": valid + "body: 本文\n"}, content={"cases/x.md": "本文\n"})
    err = only(errors_of(root))
    assert (str(err.location), err.field) == (f"{X}:1:1", "body")
    assert "content/cases/x.md" in err.message and "両方" in err.message


def test_narratives_ignored_without_content_dir(project, errors_of, valid):
    root = project({"x.yaml": valid}, content={"cases/y.md": "本文\n"})
    assert errors_of(root, content_dir=None) == []


# --- 18. drafts ----------------------------------------------------------------------------------------


def test_drafts_validated_counted_not_published(project, errors_of, valid):
    draft = sub(valid, "id: x", "id: d") + "status: 下書き\n"
    root = project({"x.yaml": valid, "d.yaml": draft})
    ds = load_dataset(root, content_dir=root / "content")
    assert sorted(c.id for c in ds.cases) == ["d", "x"]
    assert [c.id for c in ds.published] == ["x"]
    # Drafts are checked like any record.
    bad = errors_of(project({"d.yaml": sub(draft, "kana: てすと", "kana: 川根")}))
    assert [(e.location.path, e.field) for e in bad] == [("data/cases/d.yaml", "kana")]


# --- odds and ends --------------------------------------------------------------------------------------


def test_data_error_summary_and_sorting(project, valid):
    root = project(
        {"b.yaml": sub(valid, "id: x", "id: b") + "zzz: 1\n", "a.yaml": sub(valid, "id: x", "id: a") + "zzz: 1\n"}
    )
    with pytest.raises(DataError) as info:
        load_dataset(root)
    lines = str(info.value).splitlines()
    assert lines[0].startswith("data/cases/a.yaml:17:1: zzz:")
    assert lines[1].startswith("data/cases/b.yaml:17:1: zzz:")
    assert lines[-1] == "データに 2 件の問題があります。"


def test_github_annotation_escapes():
    err = CaseError(Location("data/cases/x.yaml", 4, 2), "name", "100%\n次の行")
    assert err.github() == "::error file=data/cases/x.yaml,line=5,col=3::name: 100%25%0A次の行"


def test_yml_extension_and_case_paths(project, errors_of, valid):
    root = project({"x.yml": valid, "y.yaml": sub(valid, "id: x", "id: y")})
    ds = load_dataset(root)
    assert sorted(c.id for c in ds.cases) == ["x", "y"]
    ds = load_dataset(root, case_paths=[root / "data" / "cases" / "y.yaml"])
    assert [c.id for c in ds.cases] == ["y"]


# --- issue 22: files in data/cases/, things that are not files, national.yaml, glossary --------------


@pytest.mark.parametrize(
    "name, shown, fixed",
    [
        ("new.YAML", "new.YAML", "new.yaml"),
        ("new.yaml ", "new.yaml␣", "new.yaml"),
        ("new.yaml.txt", "new.yaml.txt", "new.yaml"),
        ("notes.md", "notes.md", None),
    ],
)
def test_files_that_are_not_records_are_named(project, errors_of, valid, name, shown, fixed):
    root = project({"x.yaml": valid, name: valid})
    err = only(errors_of(root))
    tip = f"事例なら名前を「{fixed}」にしてください" if fixed else "事例なら名前を「<id>.yaml」にしてください"
    assert str(err) == (
        f"data/cases/{name}:1:1: 「{shown}」は事例のファイルとして読み込まれません（名前が .yaml で終わっていません）。"
        f"{tip}。事例でなければ data/cases/ の外へ移してください。"
    )


def test_hidden_files_and_folders_in_cases_are_left_alone(project, errors_of, valid):
    root = project({"x.yaml": valid, ".gitkeep": ""})
    (root / "data" / "cases" / "drafts").mkdir()
    assert errors_of(root) == []


NOT_REGULAR = "ファイルを読めません。ふつうのファイルではありません（名前付きパイプです）。消すか、ふつうのファイルにしてください。"


@pytest.mark.parametrize("where", ["data/cases/y.yaml", "data/cases.yaml", "data/glossary.yaml", "data/national.yaml"])
def test_a_named_pipe_is_refused_without_opening_it(project, valid, where):
    """A named pipe blocks whoever opens it until a writer comes: validate must not wait (it did, forever)."""
    import os
    import subprocess
    import sys

    root = project({"x.yaml": valid})
    os.mkfifo(root / where)
    code = "from generator.records.load import load_dataset as l; import sys; l(__import__('pathlib').Path(sys.argv[1]), use_cache=True)"
    run = subprocess.run([sys.executable, "-c", code, str(root)], capture_output=True, text=True, timeout=60)
    assert f"{where}:1:1: {NOT_REGULAR}" in run.stderr, run.stderr


def test_a_named_pipe_narrative_is_refused(project, valid):
    import os
    import subprocess
    import sys

    root = project({"x.yaml": valid})
    (root / "content" / "cases").mkdir()
    os.mkfifo(root / "content" / "cases" / "x.md")
    code = (
        "from generator.records.load import load_dataset as l; import sys, pathlib; r = pathlib.Path(sys.argv[1]);"
        "l(r, content_dir=r / 'content')"
    )
    run = subprocess.run([sys.executable, "-c", code, str(root)], capture_output=True, text=True, timeout=60)
    assert f"content/cases/x.md:1:1: {NOT_REGULAR}" in run.stderr, run.stderr


NATIONAL = """\
sources:
  s1:
    title: 出典
fy2017:
  - label: 組織数
    value: "1"
    source: s1
  - label: 市町村数
    value: "2"
    source: nowhere
findings:
  - text: 見出し
"""


def test_national_errors_point_at_their_item(project, errors_of):
    root = project({})
    (root / "data" / "national.yaml").write_text(NATIONAL, encoding="utf-8")
    assert [str(e) for e in errors_of(root)] == [
        "data/national.yaml:8:5: fy2017[2].source: 出典「nowhere」が sources にありません。",
        "data/national.yaml:12:5: findings[1].source: 出典（source）を書いてください。",
    ]


GLOSSARY = """\
terms:
  - term: 地域運営組織
    slug: rmo
    reading: ちいきうんえいそしき
    definition: "説明\\u202eです。"
    sources:
      - title: 出典
  - term: 小さな拠点
    slug: chiisana-kyoten
    reading: ﾁｲｻﾅｷｮﾃﾝ
    aka: [拠点​]
    definition: 説明です。
    sources:
      - title: 出典
"""


def test_glossary_invisible_characters_and_half_width_reading(project, errors_of):
    root = project({})
    (root / "data" / "glossary.yaml").write_text(GLOSSARY.replace("拠点​", "拠点\u200b"), encoding="utf-8")
    assert [str(e) for e in errors_of(root)] == [
        "data/glossary.yaml:5:17: terms[1].definition: "
        "見えない文字「U+202E（文字の向きを変える制御文字）」が含まれています。消してください。",
        "data/glossary.yaml:11:13: terms[2].aka[1]: 見えない文字「U+200B（幅のない見えない文字）」が含まれています。消してください。",
    ]


def test_glossary_half_width_reading_is_normalized(project):
    root = project({})
    text = GLOSSARY.replace('"説明\\u202eです。"', "説明です。").replace("[拠点​]", "[拠点]")
    (root / "data" / "glossary.yaml").write_text(text, encoding="utf-8")
    terms = load_dataset(root).glossary
    assert [t.reading for t in terms] == ["ちいきうんえいそしき", "チイサナキョテン"]


@pytest.mark.parametrize("written", ["0270", "2:05", "1_000", "0x1F", "0b11", "+5", "00", "07"])
def test_integers_must_be_plain_decimal(check, valid, written):
    err = only(check(valid + f"population:\n  people: {written}\n  year: 2020\n"))
    assert str(err) == (
        f"{X}:18:11: population.people: 整数は 0〜9 の数字だけで書いてください"
        f"（先頭の 0、_ や : の区切り、0x などは使えません）。いま書かれている値: {written}"
    )


@pytest.mark.parametrize("written, value", [("0", 0), ("270", 270), ("100000000", 100_000_000)])
def test_plain_decimal_integers_are_read_as_written(project, valid, written, value):
    root = project({"x.yaml": valid + f"population:\n  people: {written}\n  year: 2020\n"})
    assert load_dataset(root).cases[0].population.people == value


# --- updated: the record's own date of its last change (issue 22: reproducible dates) -------------------


def test_updated_date_is_read(project, errors_of, valid):
    from generator.records import load_dataset

    root = project({"x.yaml": valid + "updated: 2025-04-01\n"})
    assert load_dataset(root).cases[0].updated == "2025-04-01"


@pytest.mark.parametrize("value", ["2025/04/01", "2025-02-30", "先週"])
def test_updated_date_format(check, valid, value):
    err = only(check(valid + f"updated: {value}\n"))
    assert (err.location.line + 1, err.location.column + 1, err.field) == (17, 10, "updated")
    assert "YYYY-MM-DD" in err.message


def test_updated_date_in_future_rejected(check, valid):
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    assert str(only(check(valid + f"updated: {future}\n"))) == f"{X}:17:10: updated: 未来の日付は書けません: {future}"


def test_updated_before_verified_rejected_at_its_line(check, valid):
    err = only(check(valid + "updated: 2025-01-31\nverified: 2025-03-01\n"))
    assert str(err) == (
        f"{X}:17:10: updated: 更新日（updated: 2025-01-31）が最終確認日（verified: 2025-03-01）より前です。"
        "事実を確かめた日には記録も変えているはずなので、updated を 2025-03-01 以降の日付にしてください。"
    )
    assert check(valid + "verified: 2025-03-01\nupdated: 2025-03-01\n") == []


# Found by the mutation run (make mutation): hosts in one script, and values of the wrong shape.


@pytest.mark.parametrize(
    "url",
    [
        "https://пример.рф/",
        "https://xn--e1afmkfd.xn--p1ai/",
        "https://日本語.jp/",
        "https://www.pref.shimane.lg.jp:8443/",
    ],
)
def test_a_host_written_in_one_script_is_accepted(check, valid, url):
    """Cyrillic only, its punycode, Japanese with a Latin TLD, a port: no mix of Latin with Cyrillic or Greek."""
    assert check(sub(valid, "url: https://example.jp/", f"url: {url}")) == []


def test_a_mixed_host_with_a_port_is_still_refused(check, valid):
    err = only(check(sub(valid, "url: https://example.jp/", "url: https://www.prеf.shimane.lg.jp:8443/")))
    assert "ラテン文字とキリル文字「е」（U+0435）が混ざっています" in err.message


@pytest.mark.parametrize("value", ["[270]", "{people: 270}"])
def test_an_integer_given_as_a_list_or_mapping_is_located(check, valid, value):
    err = only(check(valid + f"population:\n  people: {value}\n  year: 2020\n"))
    assert (err.location.line + 1, err.location.column + 1, err.field, err.message) == (
        18,
        11,
        "population.people",
        "ここには数値を1つ書いてください。",
    )


def test_a_date_given_as_a_list_is_located(check, valid):
    err = only(check(valid + "verified: [2024-01-01]\n"))
    assert (err.location.line + 1, err.location.column + 1, err.field, err.message) == (
        17,
        11,
        "verified",
        "日付を YYYY-MM-DD の形で1つ書いてください。",
    )


def test_a_date_that_is_already_today_in_japan_is_accepted(check, valid):
    """CI runs on UTC: a date that is today anywhere on Earth (UTC+14 at most) is not 'in the future'."""
    import datetime as dt

    latest = dt.datetime.now(dt.timezone(dt.timedelta(hours=14))).date().isoformat()
    assert check(valid + f"verified: {latest}\nupdated: {latest}\n") == []


# Survivors of the second mutation run, killed here.


def test_a_list_where_one_choice_belongs_is_one_located_error(check, valid):
    errors = check(valid.replace("legal_form: 任意団体", "legal_form: [任意団体]") + "completeness: [完全]\n")
    assert [(e.location.line + 1, e.field) for e in errors] == [(6, "legal_form"), (17, "completeness")]


def test_a_tagged_collection_is_one_error_and_its_items_are_not_checked(check, valid):
    errors = check(valid.replace("regional_issues: [人口減少]", "regional_issues: !custom [無い課題]"))
    assert [(e.location.line + 1, e.field) for e in errors] == [(8, "regional_issues")]
    assert "タグ（!custom）は使えません" in errors[0].message


@pytest.mark.parametrize(("char", "shown"), [("\x01", "制御文字"), ('"', '"'), (" ", "空白")])
def test_a_url_names_the_characters_it_may_not_hold(check, valid, char, shown):
    url = "https://example.jp/a" + char + "b"
    err = only(check(sub(valid, "url: https://example.jp/", "url: " + json.dumps(url))))
    assert err.field == "sources[1].url" and f"使えない文字（{shown}）があります" in err.message, err.message


def test_user_info_with_two_at_signs_names_the_real_host(check, valid):
    err = only(check(sub(valid, "url: https://example.jp/", "url: https://www.pref.shimane.lg.jp@x@evil.example/")))
    assert "本当の飛び先は「evil.example」です" in err.message


def test_a_punycode_label_after_the_first_one_is_decoded_and_judged(check, valid):
    """www.аррӏе.com written in punycode: the Cyrillic label is the second one."""
    err = only(check(sub(valid, "url: https://example.jp/", "url: https://www.xn--80ak6aa92e.com/")))
    assert "ラテン文字とキリル文字" in err.message, err.message


def test_an_invisible_character_on_a_later_line_of_a_block_is_located_on_its_line(check, valid):
    text = valid.replace("summary: 概要です。", "summary: |\n  一行目です。\n  二行目\u200bです。")
    err = only(check(text))
    assert (err.location.line + 1, err.location.column + 1, err.field) == (9, 6, "summary"), err


def test_a_narrative_of_a_record_with_an_error_is_not_called_an_orphan(project, errors_of, valid):
    """The preview showed two problems for one: the record's wrong value, and its narrative 'without a case'."""
    root = project(
        {"x.yaml": valid.replace("prefecture: 広島県", "prefecture: 火星県")}, content={"cases/x.md": "本文です。\n"}
    )
    errors = errors_of(root)
    assert [(e.location.path, e.field) for e in errors] == [("data/cases/x.yaml", "prefecture")], errors
