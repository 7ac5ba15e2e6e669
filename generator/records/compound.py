"""Compound field types: lists, records (mappings with known fields) and mappings with chosen keys.

Like the scalar types in ``fields``, each checks a YAML node, appending located
Japanese errors to the ``Walk``, and describes itself as JSON Schema.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

import yaml

from .fields import INT, INVALID, NULL, STR, FieldType, Text, Walk, closest
from .registry import SOURCED


@dataclass
class ListOf(FieldType):
    item: FieldType = dc_field(default_factory=Text)
    min_items: int = 0
    unique: bool = False

    def check(self, node, field, w):
        if isinstance(node, yaml.ScalarNode) and node.tag == NULL:
            return None
        if not isinstance(node, yaml.SequenceNode):
            return w.error(node, field, "リストで書いてください（各行を「- 」で始めます）。")
        if not w.enter(node, field):
            return INVALID
        out, bad, seen = [], False, {}
        for i, child in enumerate(node.value, 1):
            name = f"{field}[{i}]"
            value = self.item.check(child, name, w)
            if value is INVALID:
                bad = True
            elif value is None:
                bad = w.error(child, name, "空の項目があります。値を書くか、その行を消してください。") is INVALID
            else:
                if self.unique:
                    key = value if isinstance(value, str) else repr(value)
                    if key in seen:
                        bad = w.error(child, name, f"「{key}」が重複しています（{seen[key]} 番目と同じ）。") is INVALID
                    seen[key] = i
                out.append(value)
        if bad:
            return INVALID
        if len(out) < self.min_items:
            return w.error(node, field, f"少なくとも {self.min_items} つ書いてください。")
        return tuple(out)

    def schema(self, vocab):
        s = {"type": "array", "items": self.item.schema(vocab)}
        if self.min_items:
            s["minItems"] = self.min_items
        if self.unique:
            s["uniqueItems"] = True
        return s


@dataclass(frozen=True)
class Field:
    name: str
    type: FieldType
    required: bool | str = False
    default: Any = None
    description: str = ""


Rule = Callable[[dict, Any, str, Walk], None]


@dataclass
class Record(FieldType):
    """A mapping with known fields; unknown fields are errors, duplicates too."""

    fields: tuple[Field, ...] = ()
    factory: Callable[..., Any] | None = None
    rules: tuple[Rule, ...] = ()
    located: bool = False
    title: str = ""

    def __post_init__(self):
        self.by_name = {f.name: f for f in self.fields}
        self.defaults = {
            f.name: (() if f.default is None and isinstance(f.type, ListOf) else f.default) for f in self.fields
        }
        self._required = [f for f in self.fields if f.required is True or f.required == SOURCED]

    def check(self, node, field, w):
        if not isinstance(node, yaml.MappingNode):
            if isinstance(node, yaml.ScalarNode) and node.tag == NULL:
                return None
            return w.error(node, field, "項目の組（「キー: 値」の行）で書いてください。")
        if not w.enter(node, field):
            return INVALID
        before = len(w.errors)
        prefix = field + "." if field else ""
        values: dict[str, Any] = {}
        seen: dict[str, Any] = {}
        empty: dict[str, Any] = {}
        """Fields written with an empty value (``name: ""``): a required one is reported at its own line."""
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key is None or key_node.tag not in (STR, INT):
                w.error(key_node, field, "項目名は文字列で書いてください。")
                continue
            if key in seen:
                first = seen[key].start_mark.line + 1
                w.error(
                    key_node,
                    prefix + key,
                    f"項目「{key}」が2回書かれています（最初は {first} 行目）。1つにまとめてください。",
                )
                continue
            seen[key] = key_node
            spec = self.by_name.get(key)
            if spec is None:
                hint = closest(key, self.by_name, cutoff=0.5)
                tip = f"「{hint}」の書き間違いではありませんか。" if hint else "使える項目: " + "、".join(self.by_name)
                w.error(key_node, prefix + key, f"項目「{key}」はありません。{tip}")
                continue
            value = spec.type.check(value_node, prefix + key, w)
            if value is not None and value is not INVALID:
                values[key] = value
            elif value is INVALID:
                values[key] = INVALID
            else:
                empty[key] = value_node
        relaxed = values.get("completeness") == "要出典"
        for spec in self._required:
            if spec.name in values:
                continue
            if spec.required is True or not relaxed:
                what = f"「{spec.name}」（{spec.description}）" if spec.description else f"「{spec.name}」"
                extra = "（completeness が「要出典」なら省けます）" if spec.required == SOURCED else ""
                if spec.name in empty:
                    w.error(
                        empty[spec.name], prefix + spec.name, f"必須の項目{what}が空です{extra}。値を書いてください。"
                    )
                else:
                    w.error(node, prefix + spec.name, f"必須の項目{what}がありません{extra}。")
        if len(w.errors) == before:
            for rule in self.rules:
                rule(values, node, field, w)
        if len(w.errors) != before:
            return INVALID
        if self.factory is None:
            return values
        args = {**self.defaults, **values}  # values holds known fields only
        if self.located:
            args["location"] = w.loc(node)
        return self.factory(**args)

    def schema(self, vocab):
        props = {}
        for f in self.fields:
            p = f.type.schema(vocab)
            if f.description:
                p = {"description": f.description, **p}
            props[f.name] = p
        s: dict = {"type": "object", "properties": props, "additionalProperties": False}
        if self.title:
            s["title"] = self.title
        required = [f.name for f in self.fields if f.required is True]
        if required:
            s["required"] = required
        sourced = [f.name for f in self.fields if f.required == SOURCED]
        if sourced:
            s["if"] = {"properties": {"completeness": {"const": "要出典"}}, "required": ["completeness"]}
            s["else"] = {"required": sourced}
        return s


@dataclass
class MapOf(FieldType):
    """A mapping whose keys come from a fixed list (e.g. the four stages) or any slug."""

    key: FieldType = dc_field(default_factory=Text)
    value: FieldType = dc_field(default_factory=Text)
    min_items: int = 0
    order: tuple[str, ...] = ()

    def check(self, node, field, w):
        if isinstance(node, yaml.ScalarNode) and node.tag == NULL:
            return None
        if not isinstance(node, yaml.MappingNode):
            return w.error(node, field, "項目の組（「キー: 値」の行）で書いてください。")
        if not w.enter(node, field):
            return INVALID
        out, bad, seen = {}, False, {}
        for key_node, value_node in node.value:
            key = self.key.check(key_node, field, w)
            if key is INVALID or key is None:
                bad = True
                continue
            name = f"{field}.{key}"
            if key in seen:
                bad = w.error(key_node, name, f"「{key}」が2回書かれています（最初は {seen[key]} 行目）。") is INVALID
                continue
            seen[key] = key_node.start_mark.line + 1
            value = self.value.check(value_node, name, w)
            if value is None:
                bad = w.error(value_node, name, "値が空です。") is INVALID
            elif value is INVALID:
                bad = True
            else:
                out[key] = value
        if bad:
            return INVALID
        if len(out) < self.min_items:
            return w.error(node, field, f"少なくとも {self.min_items} つ書いてください。")
        if self.order:
            return tuple((k, out[k]) for k in self.order if k in out)
        return dict(out)

    def schema(self, vocab):
        s: dict = {"type": "object", "additionalProperties": self.value.schema(vocab)}
        key = self.key.schema(vocab)
        if "enum" in key:
            s = {
                "type": "object",
                "properties": {k: self.value.schema(vocab) for k in key["enum"]},
                "additionalProperties": False,
            }
        elif "pattern" in key:
            s["propertyNames"] = {"pattern": key["pattern"]}
        if self.min_items:
            s["minProperties"] = self.min_items
        return s
