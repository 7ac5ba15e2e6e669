"""After rendering: sanitizing, glossary links, link checking, the atomic site swap (engine-independent)."""
