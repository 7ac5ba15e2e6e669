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


CALLS = {
    "calls.txt": (
        "{{ plain(1, 2) }}|{{ plain(a=3) }}|{{ plain(*xs, **kw) }}|{{ plain(1, class=2) }}|{{ now() }}|{{ '{:,}'.format(1234) }}|"
        "{% for x in xs %}{{ with_context(x) }},{{ with_env() }},{{ with_eval() }},{{ callable_obj() }};{% endfor %}|"
        "{% set y = plain(plain(1), b=plain(2)) %}{{ y }}|{{ m.twice('に') }}|{% call m.wrap() %}内側{% endcall %}|"
        "{{ ns.method(5) }}|{{ plain.attr }}|{{ dict(a=1).get('a') }}|{{ cycler('甲', '乙').next() }}|{{ (lambda_like)(4) }}"
        "{% for x in xs if plain(x) %}{{ loop.index }}{% endfor %}"
    ),
    "m.txt": "{% macro twice(s) %}{{ s }}{{ s }}{% endmacro %}{% macro wrap() %}[{{ caller() }}]{% endmacro %}",
}


class _NS:
    def method(self, x):
        return x * 2


class _ContextCallable:
    @jinja2.pass_context
    def __call__(self, context):
        return f"obj:{context.get('x')}"


def test_direct_calls_give_what_context_call_gives():
    """A plain function is called directly; pass_context and its kin, macros and callable objects as before."""

    def plain(*args, **kwargs):
        return f"p{args}{sorted(kwargs.items())}"

    plain.attr = "属性"  # a function with attributes of its own is still plain

    @jinja2.pass_context
    def with_context(context, value):
        return f"c:{value}:{context.get('x')}"

    @jinja2.pass_environment
    def with_env(env):
        return type(env).__name__

    @jinja2.pass_eval_context
    def with_eval(eval_ctx):
        return str(eval_ctx.autoescape)

    def make(plain_env: bool):
        env = jinja2.Environment(loader=jinja2.DictLoader(CALLS))
        if plain_env:
            plain_output(env)
        env.globals.update(plain=plain, with_context=with_context, with_env=with_env, with_eval=with_eval, callable_obj=_ContextCallable(), now=lambda: "今", ns=_NS(), lambda_like=abs)
        env.globals["m"] = env.get_template("m.txt").make_module()
        return env

    stock, plain_env = make(False), make(True)
    context = {"xs": [1, 2], "kw": {"k": "v"}}
    out = plain_env.get_template("calls.txt").render(context)
    assert out == stock.get_template("calls.txt").render(context)
    assert "c:1:" in out and "obj:" in out and "[内側]" in out and "1,234" in out and "p(1,)[('class', 2)]" in out  # the output holds what is compared
    code = plain_env.compile(CALLS["calls.txt"], name="calls.txt", raw=True)
    assert "environment.plain_callable(" in code and "context.call(" in code


def test_link_to_gives_relative_url_from_every_kind_of_page(tmp_path):
    """``link_to`` takes a shortcut for targets outside the page's top folder; it must give what relative_url gives."""
    from generator.indices import build_casebook
    from generator.render import PageRenderer, page_url, relative_url
    from generator.validate import load_dataset

    from .sitebuild import REPO

    (tmp_path / "links.md.j2").write_text("{% for t in targets %}{{ link_to(t) }}\n{% endfor %}", encoding="utf-8")
    book = build_casebook(load_dataset(REPO))
    heres = ["index.md", "about.md", "cases/index.md", "cases/asemigawa.md", "index/index.md", "index/prefecture/kochi.md", "training/shiru.md", "cases.md", "casesx/a.md"]
    targets = [*heres, "cases/hata.md", "cases/asemigawa.md", "index/matrix/activity/bosai-shiru.md", "training/index.md", "casesx.md", "cases/sub/deeper.md"]
    for directory_urls in (True, False):
        renderer = PageRenderer(book, templates=tmp_path, directory_urls=directory_urls)
        for here in heres:
            got = renderer._render("links.md.j2", here, targets=targets).split("\n")[:-1]
            want = [relative_url(page_url(here, directory_urls), page_url(t, directory_urls)) for t in targets]
            assert got == want, (here, directory_urls)


def test_yaml_str_writes_what_json_dumps_writes():
    """Front matter strings: the encoder function json.dumps uses for a str, called directly."""
    import json

    from generator.render import yaml_str

    for text in ("集落活動センター", 'a"b\\c', "改行\nタブ\t\x00\x1f\x7f", "\u2028\u2029", "😀𠀋", "", "</script>", 2024):
        assert yaml_str(text) == json.dumps(str(text), ensure_ascii=False)
