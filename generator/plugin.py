"""The MkDocs plugin: wires MkDocs events to the pipeline stages."""

from __future__ import annotations

from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger

from .errors import DataError
from .validate import Dataset, load_dataset

log = get_plugin_logger("casebook")


class CasebookConfig(Config):
    enabled = c.Type(bool, default=True)
    data_dir = c.Type(str, default="data")
    """Folder of the records, relative to mkdocs.yml."""


class CasebookPlugin(BasePlugin[CasebookConfig]):
    def on_config(self, config):
        if not self.config.enabled:
            return config
        self.root = Path(config.config_file_path).parent.resolve()
        self.data_dir = (self.root / self.config.data_dir).resolve()
        try:
            self.dataset: Dataset = load_dataset(self.root, self.data_dir, Path(config.docs_dir))
        except DataError as exc:
            raise PluginError("事例データに問題があります。\n" + exc.summary()) from None
        return config
