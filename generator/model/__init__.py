"""The site model: validated records (``entities``), grouped into facets and ranked into related cases
(``casebook``)."""
