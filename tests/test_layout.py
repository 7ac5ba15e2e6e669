"""The package's shape: modules small enough to read, and no speed-up that leans on another library's internals."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import generator

PACKAGE = Path(generator.__file__).parent
MODULES = sorted(PACKAGE.rglob("*.py"))
MAX_LINES = 450
PRIVATE = re.compile(
    r"CodeGenerator|visit_Call|make_globals|_InlineProcessor__|\._content\b|os\.fork|import mmap|gc\.freeze|gc\.disable"
    r"|object\.__new__|_RawHTMLPreprocessor|_ExtractAnchorsTreeprocessor|_RelativePathTreeprocessor|\._register\("
    r"|_watched_paths|\bmarkupsafe\._"
)
"""Private hooks of Jinja2, Python-Markdown, MkDocs and the runtime that earlier speed-ups patched."""


def test_no_module_is_over_the_limit():
    sizes = {p.relative_to(PACKAGE).as_posix(): len(p.read_text(encoding="utf-8").splitlines()) for p in MODULES}
    assert len(sizes) > 20
    assert {name: n for name, n in sizes.items() if n > MAX_LINES} == {}


def test_no_private_internals_are_patched():
    hits = [
        f"{p.relative_to(PACKAGE)}:{i}: {line.strip()}"
        for p in MODULES
        for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if PRIVATE.search(line)
    ]
    assert hits == []


def test_the_pipeline_has_a_subpackage_per_stage():
    stages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert {"records", "model", "pages", "search", "postprocess", "mkdocs"} <= stages
    for stage in stages:
        assert ast.get_docstring(ast.parse((PACKAGE / stage / "__init__.py").read_text(encoding="utf-8"))), stage


def test_the_plugin_declares_its_state_in_init():
    """CasebookPlugin is thin wiring: a docstring, and every attribute it keeps is declared in __init__."""
    tree = ast.parse((PACKAGE / "mkdocs" / "plugin.py").read_text(encoding="utf-8"))
    plugin = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "CasebookPlugin")
    assert ast.get_docstring(plugin)
    declared, assigned = set(), set()
    for method in (n for n in plugin.body if isinstance(n, ast.FunctionDef)):
        for node in ast.walk(method):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.ctx, ast.Store)
                and getattr(node.value, "id", "") == "self"
            ):
                (declared if method.name == "__init__" else assigned).add(node.attr)
    assert assigned - declared == set()
