"""The loaded handbook: every item indexed by id, and where each was declared (no MkDocs import)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from .yamlfile import DataFile

# Data file stem -> schema file stem. Lists of the same shape share one schema family
# (each file still names its own schema, which refers to the shared definitions).
DATA_FILES = (
    "sources",
    "glossary",
    "definitions",
    "lists",
    "guidance",
    "embedding",
    "principles",
    "prompts",
    "case-studies",
    "forms",
    "ui",  # the interface's words (macros/ui_text.py)
)
LIST_FILES = ("lists", "guidance", "embedding")


class Origin(NamedTuple):
    """Where an item is declared: the file (as messages show it) and the line its entry starts on."""

    file: str
    line: int


@dataclass
class Handbook:
    """All the data, indexed by id. Items stay plain dicts (Jinja reads them as attributes)."""

    data_dir: Path
    files: dict[str, DataFile]
    documents: dict[str, dict] = field(default_factory=dict)
    references: dict[str, dict] = field(default_factory=dict)
    glossary: dict[str, dict] = field(default_factory=dict)
    definitions: dict[str, dict] = field(default_factory=dict)
    lists: dict[str, dict] = field(default_factory=dict)
    principles: dict[str, dict] = field(default_factory=dict)
    principles_intro: str = ""
    prompt_groups: dict[str, dict] = field(default_factory=dict)
    prompts: dict[str, dict] = field(default_factory=dict)
    facets: dict[str, dict] = field(default_factory=dict)
    case_studies: dict[str, dict] = field(default_factory=dict)
    scales: dict[str, dict] = field(default_factory=dict)
    choices: dict[str, dict] = field(default_factory=dict)
    forms: dict[str, dict] = field(default_factory=dict)
    logs: dict[str, dict] = field(default_factory=dict)  # coaching logs (forms.yml `logs`)
    form_of_group: dict[str, dict] = field(default_factory=dict)  # prompt group id -> form that claims it
    definition_topics: dict[str, list[dict]] = field(default_factory=dict)  # topic -> its definitions
    layers: list[dict[str, DataFile]] = field(default_factory=list)  # the core's files, then each local folder's
    # collection (e.g. "forms") -> id -> where the item is declared: the core's file or a local folder's
    origins: dict[str, dict[str, Origin]] = field(default_factory=dict)

    def origin(self, collection: str, ident: str) -> Origin:
        """Where an item is declared (file as shown in messages, line of its entry)."""
        return self.origins.get(collection, {}).get(ident) or Origin("data/?", 1)

    def item(self, list_id: str, item_id: str) -> dict | None:
        for it in self.lists[list_id]["items"]:
            if it["id"] == item_id:
                return it
        return None

