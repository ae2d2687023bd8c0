"""OptionPool: the same row gives the same Option (with its measured visual) on a rebuild."""

from __future__ import annotations

from rich.text import Text

from opus_tui.widgets.flat_list import OptionPool


def _head(group: str) -> Text:
    text = Text("Kedjetandvården 0001 (Kedjan)", style="bold")
    text.append(f"  [{group}]", style="italic")
    return text


def test_same_row_same_option() -> None:
    pool = OptionPool()
    first = pool.option(_head("Malmö"), "c:0")
    assert pool.option(_head("Malmö"), "c:0") is first
    assert pool.option("Per Holm", "10") is pool.option("Per Holm", "10")


def test_changed_text_style_id_or_state_gives_a_new_option() -> None:
    pool = OptionPool()
    first = pool.option(_head("Malmö"), "c:0")
    assert pool.option(_head("Lund"), "c:0") is not first
    assert pool.option(_head("Malmö"), "c:1") is not first
    plain = Text("Kedjetandvården 0001 (Kedjan)  [Malmö]")  # same characters, other styles
    assert pool.option(plain, "c:0") is not first
    assert pool.option("✓ Per Holm", "10", True) is not pool.option("✓ Per Holm", "10", False)
    assert pool.option("✓ Per Holm", "10", True).disabled


def test_a_replaced_prompt_is_not_handed_out_for_the_old_row() -> None:
    """OptionList.replace_option_prompt changes the Option in place (Kliniker's Grupp does)."""
    pool = OptionPool()
    option = pool.option(_head("Malmö"), "c:0")
    option._set_prompt(_head("Lund"))
    again = pool.option(_head("Malmö"), "c:0")
    assert again is not option
    assert again.prompt == _head("Malmö")


def test_bounded() -> None:
    pool = OptionPool(limit=10)
    for i in range(25):
        pool.option(f"row {i}", str(i))
    assert len(pool) <= 10
    pool.clear()
    assert len(pool) == 0
