"""The first frame's plain data (issue 8): generated labels equal the domain's, and the plain
store read agrees with the domain's reading of the same store."""

from __future__ import annotations

from pathlib import Path

from opus_tui import labels, labels_gen
from opus_tui.domain.config import SECTION_NAMES, PublishedClinic, section_label
from opus_tui.domain.fields import help_of, label_of
from opus_tui.screens import TABS
from opus_tui.store.quick import (
    read_plain,
)


def test_generated_labels_module_is_up_to_date() -> None:
    written = Path(labels.__file__).read_text(encoding="utf-8")
    assert written == labels_gen.render(), "run: python -m opus_tui.labels_gen"


def test_generated_labels_equal_the_domain_titles() -> None:
    assert {name: section_label(name) for name in SECTION_NAMES} == labels.SECTION_LABELS
    assert label_of(PublishedClinic, "practitioners") == labels.PUBLISHED_LABEL
    assert help_of(PublishedClinic, "practitioners") == labels.PUBLISHED_HELP
    assert label_of(PublishedClinic, "group") == labels.GROUP_LABEL
    assert help_of(PublishedClinic, "group") == labels.GROUP_HELP
    for tab in TABS:
        if tab.section != "connections":
            assert tab.label == section_label(tab.section)


def test_plain_read_of_a_missing_store_is_none(tmp_path: Path) -> None:
    assert read_plain(f"sqlite:///{tmp_path / 'nothing.db'}") is None
    assert read_plain("postgresql://host/db") is None
