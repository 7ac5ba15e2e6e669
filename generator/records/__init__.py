"""Records: YAML with locations → validated records, with every problem located.

``load_dataset`` reads and checks everything under ``data/`` (and the
narratives under ``content/cases/``); ``registry`` and ``definitions`` say
what a valid record is; ``json_schema`` and ``scaffold`` give editors the
same rules as a JSON Schema and a commented new record.
"""

from .errors import CaseError, DataError, Location
from .load import load_dataset, load_vocabulary

__all__ = ["CaseError", "DataError", "Location", "load_dataset", "load_vocabulary"]
