"""RMO Casebook: a static-site generator for 地域運営組織 case records.

The pipeline, one subpackage per stage (docs/ARCHITECTURE.md):

- ``records``: YAML files → located nodes → validated records, driven by the
  field definitions and the field registry (``records.definitions``);
- ``model``: the casebook (published cases, facets, related cases);
- ``pages``: every generated page as (path, Markdown), and the markers of
  hand-written pages;
- ``postprocess``: what a built site gets afterwards (sanitizing, glossary
  links, link checking, the atomic swap);
- ``search``: the Pagefind index and the search pages' assets;
- ``mkdocs``: the thin MkDocs plugin; ``cli``: the ``casebook`` command;
  ``export``: the Markdown tree for another engine.
"""

__version__ = "0.2.0"
