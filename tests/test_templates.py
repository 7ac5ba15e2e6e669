"""Jinja environments with flat template globals (render.flat_globals) render as Jinja's own do."""

from __future__ import annotations

from collections import ChainMap

import jinja2
import markupsafe
from markupsafe import Markup

from generator.render import environment, escape_output, flat_globals, plain_output

TEMPLATES = {
    "base.html": '{% include "part.html" %}|{% import "macros.html" as m %}{{ m.hello(who) }}|{{ site }}|{{ shout("x") }}',
    "part.html": "{{ site }}:{{ who }}{% if extra is defined %}:{{ extra }}{% endif %}",
    "macros.html": "{% macro hello(name) %}{{ greeting }}, {{ name }}{% endmacro %}",
}


def _env(flat: bool) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.DictLoader(TEMPLATES))
    env.globals.update(site="事例集", greeting="こんにちは", shout=str.upper)
    return flat_globals(env) if flat else env


def test_flat_globals_render_what_jinja_s_chainmap_renders():
    stock, flat = _env(False), _env(True)
    assert isinstance(stock.get_template("base.html").globals, ChainMap)
    assert type(flat.get_template("base.html").globals) is dict
    for context in ({"who": "住民"}, {"who": "講師", "extra": "追加"}, {"who": "編集者", "site": "上書き"}):
        assert flat.get_template("base.html").render(context) == stock.get_template("base.html").render(context)
    # A template's own globals still overlay the environment's.
    assert flat.from_string("{{ site }}", globals={"site": "別"}).render() == "別"


def test_the_generator_s_templates_get_flat_globals():
    template = environment().get_template("case_item.html.j2")
    assert type(template.globals) is dict and "decade" in template.globals


PLAIN_OUTPUT = {
    "page.html": (
        '{% import "macros.html" as m %}{{ text }}|{{ number }}|{{ markup }}|{{ obj }}|{{ none }}|{{ text ~ markup }}|{{ m.wrap(text) }}|'
        "{% set block %}<b>{{ text }}</b>{% endset %}{{ block }}|{{ text | upper }}|{% for t in items %}{{ t }};{% endfor %}"
    ),
    "macros.html": "{% macro wrap(v) %}<i>{{ v }}</i>{% endmacro %}",
    "mixed.md": "{{ text }}|{% autoescape true %}{{ text }}|{{ markup }}{% endautoescape %}|{{ text }}",
    "volatile.md": "{% autoescape on %}{{ text }}{% endautoescape %}|{% autoescape flag %}{{ text }}{% endautoescape %}",
}


class _Html:
    def __html__(self):
        return "<em>自前の HTML</em>"

    def __str__(self):  # pragma: no cover - escape uses __html__
        return "使われない"


def _plain_env(plain: bool) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.DictLoader(PLAIN_OUTPUT), autoescape=lambda name: bool(name and name.endswith(".html")))
    return plain_output(env) if plain else env


def test_plain_output_escapes_exactly_as_markupsafe_does():
    context = {
        "text": "<script>alert('x')</script> & \"引用\"",
        "number": 1_000,
        "markup": Markup("<strong>信頼済み</strong>"),
        "obj": _Html(),
        "none": None,
        "items": ["<a>", "&", "安全"],
        "flag": True,
    }
    stock, plain = _plain_env(False), _plain_env(True)
    assert plain.code_generator_class is not stock.code_generator_class  # the hook is in place, so this compares something
    for name in PLAIN_OUTPUT:
        if name == "macros.html":
            continue
        assert plain.get_template(name).render(context) == stock.get_template(name).render(context), name
    out = plain.get_template("page.html").render(context)
    assert "<script>" not in out and "&lt;script&gt;" in out and "<strong>信頼済み</strong>" in out
    assert "environment.escape_output(" in plain.compile(PLAIN_OUTPUT["page.html"], name="page.html", raw=True)


def test_the_generator_s_templates_compile_escaped_output_without_markup():
    assert environment().code_generator_class.__name__ == "_PlainOutputGenerator"
    assert escape_output("<&>'\"") == str(markupsafe.escape("<&>'\"")) and type(escape_output("x")) is str
