"""The stylesheets every site carries parse as CSS: a lost brace would swallow the rules after it
(a merge once dropped one, and the print rules, nested in a rule that never closed, stopped applying)."""

from __future__ import annotations

from pathlib import Path

import pytest
import tinycss2

STYLES = sorted((Path(__file__).resolve().parents[1] / "generator").rglob("*.css"))


@pytest.mark.parametrize("path", STYLES, ids=lambda p: p.name)
def test_stylesheet_parses_with_every_rule_at_the_top_level(path):
    rules = tinycss2.parse_stylesheet(path.read_text(encoding="utf-8"), skip_comments=True, skip_whitespace=True)
    errors = [f"{r.source_line}:{r.source_column}: {r.message}" for r in rules if r.type == "error"]
    assert errors == []
    for rule in rules:
        if rule.type == "qualified-rule":  # a selector list that holds a '{' swallowed the rules after it
            body = tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True)
            nested = [b for b in body if b.type in ("qualified-rule", "at-rule")]
            assert nested == [], f"{path.name}:{rule.source_line}: a rule inside a rule (a missing '}}' before it?)"


def test_the_print_rules_are_a_media_block_at_the_top_level():
    css = (Path(__file__).resolve().parents[1] / "generator" / "pages" / "casebook.css").read_text(encoding="utf-8")
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    media = [r for r in rules if r.type == "at-rule" and r.lower_at_keyword == "media"]
    assert any(tinycss2.serialize(r.prelude).strip() == "print" for r in media)
