"""Search: the Pagefind index (in parts) and the search pages' script."""

from pathlib import Path

ASSETS = Path(__file__).parent
"""Where ``casebook-search.js`` lives."""
