"""The handbook's data (plain Python: no MkDocs import), one job a module:

- ``yamlfile``: YAML with line numbers (DataFile, read_yaml)
- ``schemas``: the JSON Schemas, validation and its plain messages, the cache of files that passed
- ``model``: the loaded Handbook, each item with its origin (file, line)
- ``checks``: cross-checks between files
- ``loader``: ``load(data_dir, extra_dirs)``, which does all of that

Every problem found is collected, so a maintainer sees them all at once, each as
``data/FILE.yml:LINE: item 'ID': field 'NAME': what is wrong and what is expected``.
"""
from ..errors import DataError, HandbookError, Problem
from . import schemas
from .checks import html_id_owners
from .loader import load
from .model import DATA_FILES, LIST_FILES, Handbook, Origin
from .schemas import schema_documents, validate_schema
from .yamlfile import DataFile, read_yaml

__all__ = ["DATA_FILES", "LIST_FILES", "DataError", "DataFile", "Handbook", "HandbookError", "Origin", "Problem",
           "html_id_owners", "load", "read_yaml", "schema_documents", "schemas", "validate_schema"]
