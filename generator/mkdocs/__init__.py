"""The MkDocs adapter: the plugin's event hooks, the default nav and the theme overrides (thin wiring over the core)."""
