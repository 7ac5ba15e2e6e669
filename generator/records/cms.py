"""``casebook cms-config``: the web editor's (Sveltia CMS) configuration, derived from the JSON Schema.

Every property of a case record (``json_schema.case_schema``, itself made from the field registry and the
vocabulary) becomes a field of one folder collection over ``data/cases/`` (one file per case, the file name is
the id): vocabulary values as selects, lists of sources and factors as lists of objects, the narrative as a
Markdown field, each with its Japanese label and the schema's description as help. Nothing is written by hand
per field except the short labels below, so a new field or vocabulary term reaches the editor by itself
(a test checks every schema property and every vocabulary label is in the output).

The GitHub backend uses the editorial workflow: each new or changed case becomes a pull request that the
checks (``.github/workflows/``) and a reviewer see before it is merged.
"""

from __future__ import annotations

import os

import yaml

from ..model.entities import Vocabulary
from .json_schema import case_schema

LABELS = {
    "id": "id（ファイル名・URL）",
    "name": "正式名称",
    "kana": "読み",
    "kind": "種類",
    "prefecture": "都道府県",
    "municipality": "市区町村",
    "district": "地区",
    "founded": "設立年",
    "population": "人口",
    "people": "人数",
    "households": "世帯数",
    "year": "年",
    "summary": "概要",
    "legal_form": "法人格",
    "scope": "活動範囲",
    "base": "拠点",
    "structure": "組織の形",
    "regional_issues": "地域課題",
    "activities": "主な活動",
    "income_sources": "収入源",
    "challenges": "組織の課題",
    "formation_factors": "形成の要因",
    "sustainability_factors": "持続的な運営の要因",
    "factor": "要因",
    "detail": "具体的な内容",
    "external_support": "外部人材の活用",
    "actor": "外部人材",
    "effects": "効果",
    "stages": "研修の段階ごとの学び",
    "body": "本文",
    "sources": "出典",
    "title": "題名",
    "url": "URL",
    "publisher": "発行者",
    "completeness": "情報の完全度",
    "verified": "確かめた日",
    "updated": "更新日",
    "status": "公開の状態",
}
"""Short Japanese labels (the schema's descriptions become the help text under each field)."""

DEFAULTS = {"kind": "団体", "completeness": "要出典", "status": "下書き"}
"""Defaults of a new entry: a new case starts as a draft (下書き), not on the site until a reviewer publishes it."""

CONDITIONAL = "（出典がそろった事例では必須です。「情報の完全度」が要出典なら省けます）"


def repository() -> str:
    """``owner/name`` of the repository the editor commits to: CASEBOOK_REPO, else GitHub Actions'
    GITHUB_REPOSITORY, else a placeholder that README.md and contributing.md say to change."""
    return os.environ.get("CASEBOOK_REPO") or os.environ.get("GITHUB_REPOSITORY") or "OWNER/REPO"


def _field(name: str, prop: dict, required: bool, conditional: bool = False) -> dict:
    field: dict = {"name": name, "label": LABELS.get(name, name)}
    hint = prop.get("description", "")
    if conditional:
        hint += CONDITIONAL
    if hint and hint != field["label"]:
        field["hint"] = hint
    kind = prop.get("type")
    if "enum" in prop:
        field.update(widget="select", options=list(prop["enum"]))
    elif kind == "integer":
        field.update(widget="number", value_type="int")
        if "minimum" in prop:
            field["min"] = prop["minimum"]
        if "maximum" in prop:
            field["max"] = prop["maximum"]
    elif kind == "array" and "enum" in prop["items"]:
        field.update(widget="select", multiple=True, options=list(prop["items"]["enum"]))
        if prop.get("minItems"):
            field["min"] = prop["minItems"]
    elif kind == "array":
        item = prop["items"]
        sub = set(item.get("required", ()))
        field.update(widget="list", fields=[_field(k, v, k in sub) for k, v in item["properties"].items()])
        if prop.get("minItems"):
            field["min"] = prop["minItems"]
        field["summary"] = "{{fields." + next(iter(item["properties"])) + "}}"
    elif kind == "object":
        sub = set(prop.get("required", ()))
        field.update(widget="object", fields=[_field(k, v, k in sub) for k, v in prop["properties"].items()])
    elif name == "body":
        field.update(widget="markdown", modes=["raw", "rich_text"])
    elif prop.get("format") == "date":
        field.update(widget="datetime", type="date", format="YYYY-MM-DD")
    else:
        long = prop.get("maxLength", 0) > 200
        field.update(widget="text" if long else "string")
        if "maxLength" in prop:
            field["maxlength"] = prop["maxLength"]
        if "pattern" in prop:
            field["pattern"] = [prop["pattern"], "書き方が違います。" + hint]
    if not required:
        field["required"] = False
    if name in DEFAULTS:
        field["default"] = DEFAULTS[name]
    return field


def cms_config(vocab: dict[str, Vocabulary], repo: str | None = None, branch: str = "main") -> dict:
    """The Sveltia CMS configuration (``admin/config.yml``) for the case records."""
    record = case_schema(vocab)["$defs"]["case"]
    required = set(record.get("required", ()))
    conditional = set(record.get("else", {}).get("required", ()))
    fields = [_field(k, v, k in required, k in conditional) for k, v in record["properties"].items()]
    return {
        "app_title": "事例の編集",
        "backend": {
            "name": "github",
            "repo": repo or repository(),
            "branch": branch,
            "open_authoring": True,  # editors without write access propose from a fork
            "auth_scope": "public_repo",  # open authoring asks for public repositories only
            "commit_messages": {
                "create": "事例を追加: {{slug}}",
                "update": "事例を修正: {{slug}}",
                "delete": "事例を削除: {{slug}}",
            },
        },
        "publish_mode": "editorial_workflow",  # a pull request per entry
        "media_folder": "content/assets/uploads",
        "public_folder": "/assets/uploads",
        "output": {"omit_empty_optional_fields": True},
        "collections": [
            {
                "name": "cases",
                "label": "事例",
                "label_singular": "事例",
                "description": "1件ずつ data/cases/<id>.yaml に保存します。"
                "保存すると、確認のためのプルリクエストになります。",
                "folder": "data/cases",
                "extension": "yaml",
                "format": "yaml",
                "identifier_field": "name",
                "slug": "{{fields.id}}",
                "summary": "{{name}}（{{prefecture}}{{municipality}}）",
                "sortable_fields": ["kana", "prefecture", "status"],
                "create": True,
                "delete": False,  # removing a case is a decision for a reviewer, made in git
                "fields": fields,
            }
        ],
    }


def cms_config_yaml(vocab: dict[str, Vocabulary], repo: str | None = None) -> str:
    header = (
        "# Sveltia CMS の設定です。`casebook cms-config` が事例の決まり（JSON Schema）から作ります。"
        "手で直さないでください。\n"
    )
    return header + yaml.safe_dump(cms_config(vocab, repo), allow_unicode=True, sort_keys=False, width=1000)
