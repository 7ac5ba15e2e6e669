"""Pages: every generated page as (docs-relative path, Markdown), and the markers of hand-written pages."""
