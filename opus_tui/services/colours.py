"""The booking page's colour (*färgschema*, ``#RRGGBB``) and its contrast with text.

WCAG 2.x: relative luminance L = 0.2126 R + 0.7152 G + 0.0722 B of the linearised sRGB channels
(c ≤ 0.04045: c/12.92, else ((c+0.055)/1.055)^2.4); contrast ratio (L1 + 0.05) / (L2 + 0.05)
with L1 the lighter. Normal text needs at least 4.5:1 (level AA).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

AA_NORMAL = 4.5
AA_LARGE = 3.0
_HEX = re.compile(r"#?([0-9A-Fa-f]{6})")

RGB = tuple[int, int, int]
WHITE: RGB = (255, 255, 255)
BLACK: RGB = (0, 0, 0)


class ColourError(ValueError):
    """Not a ``#RRGGBB`` colour (message in Swedish)."""


def parse_hex(text: str) -> RGB:
    """``#RRGGBB`` (the ``#`` may be left out; surrounding spaces ignored) → (r, g, b)."""
    value = text.strip()
    match = _HEX.fullmatch(value)
    if match is None:
        raise ColourError(
            f"'{value}' är ingen färg: ange den som #RRGGBB med sex hexadecimala siffror, "
            "t.ex. #1B5E8C."
        )
    digits = match.group(1)
    return (int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16))


def to_hex(rgb: RGB) -> str:
    return "#{:02X}{:02X}{:02X}".format(*rgb)


def normalise(text: str) -> str:
    """The canonical spelling, ``#RRGGBB`` in upper case."""
    return to_hex(parse_hex(text))


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: RGB | str) -> float:
    r, g, b = parse_hex(colour) if isinstance(colour, str) else colour
    return 0.2126 * _linear(r) + 0.7152 * _linear(g) + 0.0722 * _linear(b)


def contrast_ratio(a: RGB | str, b: RGB | str) -> float:
    la, lb = relative_luminance(a), relative_luminance(b)
    light, dark = max(la, lb), min(la, lb)
    return (light + 0.05) / (dark + 0.05)


@dataclass(frozen=True, slots=True)
class ContrastReport:
    colour: str  # #RRGGBB
    white: float  # ratio of white text on the colour
    black: float  # ratio of black text on the colour

    @property
    def best_text(self) -> str:
        """The text colour that reads best on this background: ``#FFFFFF`` or ``#000000``."""
        return "#FFFFFF" if self.white >= self.black else "#000000"

    @property
    def warnings(self) -> tuple[str, ...]:
        out = []
        if self.white < AA_NORMAL:
            out.append(
                f"Vit text på {self.colour} har kontrasten {format_ratio(self.white)} – "
                f"under {format_ratio(AA_NORMAL)} (WCAG AA) och svår att läsa."
            )
        if self.black < AA_NORMAL:
            out.append(
                f"Svart text på {self.colour} har kontrasten {format_ratio(self.black)} – "
                f"under {format_ratio(AA_NORMAL)} (WCAG AA) och svår att läsa."
            )
        return tuple(out)


def format_ratio(ratio: float) -> str:
    """``4.5411`` → ``"4,54:1"`` (Swedish decimal comma). Rounded down, so a ratio just
    under 4.5 never reads as 4,50."""
    floored = math.floor(ratio * 100 + 1e-9) / 100
    return f"{floored:.2f}".replace(".", ",") + ":1"


def contrast_report(colour: str) -> ContrastReport:
    rgb = parse_hex(colour)
    return ContrastReport(
        colour=to_hex(rgb),
        white=contrast_ratio(WHITE, rgb),
        black=contrast_ratio(BLACK, rgb),
    )
