"""Writes ``opus_tui/labels.py``: the domain's labels the first frame needs, as plain strings.

The first frame must not import pydantic (issue 8), so it cannot ask the domain for its
``title=``s. Run ``python -m opus_tui.labels_gen`` after changing a label in the domain;
``tests/unit/test_first_frame.py`` fails while the generated module is out of date.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

TARGET = Path(__file__).with_name("labels.py")


def values() -> dict[str, object]:
    """The generated module's names and their values, read from the domain."""
    from opus_tui.domain.config import SECTION_NAMES, PublishedClinic, section_label
    from opus_tui.domain.fields import help_of, label_of

    return {
        "SECTION_LABELS": {name: section_label(name) for name in SECTION_NAMES},
        "PUBLISHED_LABEL": label_of(PublishedClinic, "practitioners"),
        "PUBLISHED_HELP": help_of(PublishedClinic, "practitioners"),
        "GROUP_LABEL": label_of(PublishedClinic, "group"),
        "GROUP_HELP": help_of(PublishedClinic, "group"),
    }


def _quote(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)  # a valid Python literal for plain strings


def render() -> str:
    lines = [
        '"""Labels of the first frame, generated from the domain\'s ``title=``/``description=``',
        'by ``python -m opus_tui.labels_gen`` (do not edit; a unit test keeps it equal)."""',
        "",
        "from __future__ import annotations",
        "",
    ]
    for name, value in values().items():
        if isinstance(value, dict):
            lines.append(f"{name}: dict[str, str] = {{")
            lines.extend(f"    {_quote(k)}: {_quote(v)}," for k, v in value.items())
            lines.append("}")
        else:
            lines.append(f"{name} = {_quote(value)}")
    return "\n".join(lines) + "\n"


def main() -> int:
    TARGET.write_text(render(), encoding="utf-8")
    print(f"wrote {TARGET}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
