from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from opus_tui.services import colours
from opus_tui.services.colours import ColourError


@pytest.mark.parametrize(
    ("fg", "bg", "ratio"),
    [
        ("#000000", "#FFFFFF", 21.0),
        ("#FFFFFF", "#FFFFFF", 1.0),
        ("#767676", "#FFFFFF", 4.54),  # the lightest grey passing AA on white
        ("#777777", "#FFFFFF", 4.48),
        ("#595959", "#FFFFFF", 7.0),
        ("#FF0000", "#FFFFFF", 4.0),
        ("#0000FF", "#FFFFFF", 8.59),
        ("#008000", "#FFFFFF", 5.14),
        ("#FFFF00", "#000000", 19.56),
    ],
)
def test_published_ratios(fg, bg, ratio):
    assert colours.contrast_ratio(fg, bg) == pytest.approx(ratio, abs=0.01)
    assert colours.contrast_ratio(bg, fg) == pytest.approx(ratio, abs=0.01)


def test_luminance_endpoints():
    assert colours.relative_luminance("#000000") == 0
    assert colours.relative_luminance("#FFFFFF") == pytest.approx(1)
    assert colours.relative_luminance((255, 0, 0)) == pytest.approx(0.2126)


def test_report_and_warnings():
    report = colours.contrast_report("#767676")
    assert report.colour == "#767676"
    assert report.white == pytest.approx(4.54, abs=0.01)
    assert report.black == pytest.approx(4.63, abs=0.01)
    assert report.warnings == ()
    dark = colours.contrast_report("1b5e8c")
    assert dark.colour == "#1B5E8C"
    assert dark.best_text == "#FFFFFF"
    (warning,) = dark.warnings
    assert warning.startswith("Svart text på #1B5E8C har kontrasten")
    assert "3,02:1 – under 4,50:1" in warning
    light = colours.contrast_report("#FFFF00")
    assert light.best_text == "#000000"
    assert "Vit text" in light.warnings[0]
    assert colours.format_ratio(4.5411) == "4,54:1"
    assert colours.format_ratio(4.4999) == "4,49:1"
    assert colours.format_ratio(21.0) == "21,00:1"


@pytest.mark.parametrize("bad", ["", "#12345", "#1234567", "#GG0000", "red", "rgb(0,0,0)", "#fff"])
def test_parse_errors(bad):
    with pytest.raises(ColourError, match="#RRGGBB"):
        colours.parse_hex(bad)


def test_parse_forms():
    assert colours.parse_hex(" #1b5E8c ") == (0x1B, 0x5E, 0x8C)
    assert colours.normalise("abcdef") == "#ABCDEF"


@given(st.tuples(*[st.integers(0, 255)] * 3), st.tuples(*[st.integers(0, 255)] * 3))
def test_ratio_bounds_and_symmetry(a, b):
    r = colours.contrast_ratio(a, b)
    assert 1 <= r <= 21.0000001
    assert r == pytest.approx(colours.contrast_ratio(b, a))
    assert colours.parse_hex(colours.to_hex(a)) == a
