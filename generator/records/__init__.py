"""Records: YAML with locations → validated records, with every problem located.

``load_dataset`` reads and checks everything under ``data/`` (and the
narratives under ``content/cases/``); ``registry`` and ``definitions`` say
what a valid record is; ``json_schema`` and ``scaffold`` give editors the
same rules as a JSON Schema and a commented new record.
"""

from .errors import CaseError, DataError, Location

__all__ = ["CaseError", "DataError", "Location", "load_dataset", "load_vocabulary"]


def __getattr__(name: str):
    # Loading imports the model, whose entities import errors from here: import it when first asked for.
    if name in ("load_dataset", "load_vocabulary"):
        from . import load

        return getattr(load, name)
    raise AttributeError(name)
