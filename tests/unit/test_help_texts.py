"""The settings' help texts fit the help line under a tab at 80 columns (78 with its padding):
the line cuts a longer text with …, and the technician has to press F1 to read the rest."""

from __future__ import annotations

import inspect

from pydantic import BaseModel

from opus_tui.domain import config, connections

HELP_LINE_WIDTH = 78  # 80 columns less the help line's padding


def help_texts() -> dict[str, str]:
    """Every field description of the configuration's and Konfiguration's models, by
    ``Model.field``."""
    texts: dict[str, str] = {}
    for module in (config, connections):
        for name, model in inspect.getmembers(module, inspect.isclass):
            if issubclass(model, BaseModel) and model.__module__ == module.__name__:
                for field, info in model.model_fields.items():
                    if info.description:
                        texts[f"{name}.{field}"] = info.description
    return texts


def test_there_are_help_texts() -> None:
    assert len(help_texts()) > 40


def test_every_help_text_fits_the_help_line_at_80_columns() -> None:
    too_long = {
        key: len(line)
        for key, text in help_texts().items()
        for line in text.splitlines()
        if len(line) > HELP_LINE_WIDTH
    }
    assert too_long == {}
