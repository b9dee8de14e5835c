"""The theme's words for (b), Material building the pre-rendered pages without mkdocs-macros.

The handbook's theme templates (overrides/: the privacy footer, the 404 page) take their words from
``config.extra.handbook.ui``, which define_env sets in a handbook build. (b) has no macros plugin, so
this hook sets the same catalogue (data/ui.yml, read with PyYAML, no validation) and the one other
value the templates read. It costs (b) a few milliseconds, which counts against Material, not us.
"""
from pathlib import Path

import yaml


def on_config(config):
    from macros.self_check import MAX_ANSWER_CHARS
    from macros.ui_text import UiText, catalogue

    root = Path(config["config_file_path"]).parent
    hb = config["extra"].setdefault("handbook", {})
    data = yaml.safe_load((root / hb.get("data_dir", "data") / "ui.yml").read_text(encoding="utf-8"))
    hb["ui"] = UiText(catalogue([data]))
    hb.setdefault("max_answer_chars", MAX_ANSWER_CHARS)
    return config
