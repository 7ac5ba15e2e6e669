"""Jinja environments with flat template globals (render.flat_globals) render as Jinja's own do."""

from __future__ import annotations

from collections import ChainMap

import jinja2

from generator.render import environment, flat_globals

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
