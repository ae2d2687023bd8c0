"""SMS length counted as a phone counts it (3GPP TS 23.038 / GSM 03.38).

* GSM 7-bit default alphabet: 160 septets in one SMS, 153 per part of a concatenated SMS
  (the user-data header takes 7 septets). Characters of the extension table
  (form feed ^ { } \\ [ ] ~ | €) are sent as ESC + character and take two septets.
* Any character outside both tables switches the *whole* message to UCS-2: 70 UTF-16 code
  units in one SMS, 67 per part. Characters outside the BMP (emoji) take two code units.
  Extension characters then take one unit like any other.
* A part never ends between an escape and its character, nor between the two halves of a
  surrogate pair (phones move the pair to the next part). So a part may hold 152 septets
  or 66 code units; ``parts`` counts the parts a phone really sends.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from opus_tui.services.templates import ParsedTemplate, TemplateKind, parse, render

Encoding = Literal["GSM-7", "UCS-2"]

# The GSM 03.38 default alphabet, in code order 0x00-0x7F (0x1B is the escape, not a character).
GSM_BASIC: str = (
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNO"
    "PQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmno"
    "pqrstuvwxyzäöñüà"
)
# The extension table (each sent as ESC + one septet).
GSM_EXTENSION: str = "\f^{}\\[]~|€"

_BASIC = frozenset(GSM_BASIC) - {"\x1b"}
_EXTENSION = frozenset(GSM_EXTENSION)

SINGLE_LIMIT: dict[Encoding, int] = {"GSM-7": 160, "UCS-2": 70}
PART_LIMIT: dict[Encoding, int] = {"GSM-7": 153, "UCS-2": 67}


@dataclass(frozen=True, slots=True)
class SmsCount:
    """The length of one SMS text."""

    encoding: Encoding
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    parts: int
    per_part_limit: int  # 160/70 for a single SMS, 153/67 per part when concatenated
    ucs2_chars: tuple[int, ...] = ()  # string indices of the characters forcing UCS-2

    @property
    def characters_left(self) -> int:
        """Units left in the last part before another part is needed (approximate at pairs)."""
        if self.parts == 0:
            return SINGLE_LIMIT[self.encoding]
        return max(0, self.parts * self.per_part_limit - self.units)

    def summary(self) -> str:
        """A short Swedish line for the SMS counter, e.g. ``"134 tecken · 1 SMS · GSM-7"``."""
        unit = "tecken" if self.encoding == "GSM-7" else "UCS-2-tecken"
        return f"{self.units} {unit} · {self.parts} SMS · {self.encoding}"


def ucs2_positions(text: str) -> tuple[int, ...]:
    """Indices of the characters that force UCS-2 (outside both GSM 03.38 tables)."""
    return tuple(i for i, ch in enumerate(text) if ch not in _BASIC and ch not in _EXTENSION)


def _atoms(text: str, encoding: Encoding) -> list[int]:
    """The unsplittable pieces of the encoded message, as their sizes in units."""
    if encoding == "GSM-7":
        return [2 if ch in _EXTENSION else 1 for ch in text]
    return [2 if ord(ch) > 0xFFFF else 1 for ch in text]


def _count_parts(atoms: list[int], units: int, encoding: Encoding) -> int:
    if units == 0:
        return 0
    if units <= SINGLE_LIMIT[encoding]:
        return 1
    limit = PART_LIMIT[encoding]
    parts, used = 1, 0
    for size in atoms:
        if used + size > limit:
            parts += 1
            used = 0
        used += size
    return parts


def count(text: str) -> SmsCount:
    """Count ``text`` as a phone does: encoding, units, parts and the characters forcing UCS-2."""
    forcing = ucs2_positions(text)
    encoding: Encoding = "UCS-2" if forcing else "GSM-7"
    atoms = _atoms(text, encoding)
    units = sum(atoms)
    parts = _count_parts(atoms, units, encoding)
    limit = SINGLE_LIMIT[encoding] if parts <= 1 else PART_LIMIT[encoding]
    return SmsCount(
        encoding=encoding, units=units, parts=parts, per_part_limit=limit, ucs2_chars=forcing
    )


# Swedish names of the characters that most often slip in from a word processor.
_CHAR_NAMES = {
    "–": "kort tankstreck",
    "—": "långt tankstreck",
    "‘": "typografisk apostrof",
    "’": "typografisk apostrof",
    "‚": "typografiskt citattecken",
    "“": "typografiskt citattecken",
    "”": "typografiskt citattecken",
    "„": "typografiskt citattecken",
    "«": "vinkelcitattecken",
    "»": "vinkelcitattecken",
    "…": "tre punkter i ett tecken",
    "\u00a0": "hårt mellanslag",
    "\u202f": "smalt hårt mellanslag",
    "\u2009": "smalt mellanslag",
    "\u200b": "osynligt mellanslag",
    "•": "punkt",
    "´": "accent",
    "‐": "bindestreck (typografiskt)",
    "−": "minustecken",
}


def describe_char(char: str) -> str:
    """A readable name for a character forcing UCS-2, for the counter's highlight list."""
    import unicodedata

    name = _CHAR_NAMES.get(char)
    if name is None:
        if unicodedata.category(char) == "So":
            name = "symbol eller emoji"
        else:
            name = f"tecken U+{ord(char):04X}"
    return f"'{char}' ({name})"


# --- templates: the length as a range ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SmsRange:
    """The length of a template's SMS between its shortest and longest plausible expansion."""

    shortest: SmsCount
    longest: SmsCount
    shortest_text: str
    longest_text: str
    warning: str | None = None

    def summary(self) -> str:
        a, b = self.shortest, self.longest
        units = f"{a.units}" if a.units == b.units else f"{a.units}–{b.units}"
        parts = f"{a.parts}" if a.parts == b.parts else f"{a.parts}–{b.parts}"
        enc = a.encoding if a.encoding == b.encoding else f"{a.encoding}/{b.encoding}"
        return f"{units} tecken · {parts} SMS · {enc}"


def _gsm_units(text: str) -> int:
    return sum(2 if ch in _EXTENSION else 1 for ch in text)


def _utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _severity(c: SmsCount) -> tuple[int, float]:
    return (c.parts, c.units / SINGLE_LIMIT[c.encoding])


def _choose(
    options: dict[str, tuple[str, ...]], literal_is_ucs2: bool, longest: bool
) -> list[dict[str, str]]:
    """Candidate value sets that reach the extreme length: one all-GSM set (when possible) and
    UCS-2 sets (when some value or the literal text forces UCS-2)."""
    pick = max if longest else min
    sets: list[dict[str, str]] = []
    gsm_only = {k: tuple(v for v in vs if not ucs2_positions(v)) for k, vs in options.items()}
    if not literal_is_ucs2 and all(gsm_only.values()):
        sets.append({k: pick(vs, key=_gsm_units) for k, vs in gsm_only.items()})
    forcing = {k: tuple(v for v in vs if ucs2_positions(v)) for k, vs in options.items()}
    if literal_is_ucs2 or any(forcing.values()):
        base = {k: pick(vs, key=_utf16_units) for k, vs in options.items()}
        if literal_is_ucs2 or any(ucs2_positions(v) for v in base.values()):
            sets.append(base)
        else:
            for key, vs in forcing.items():
                if vs:
                    sets.append({**base, key: pick(vs, key=_utf16_units)})
    return sets


def estimate(
    template: str,
    candidates: Mapping[str, Sequence[str]],
    kind: TemplateKind | None = None,
) -> SmsRange:
    """The SMS length of ``template`` for its shortest and longest plausible field values.

    ``candidates`` maps each field to its plausible values (see
    :func:`opus_tui.services.templates.candidate_values`). Encoding interacts across fields
    (one non-GSM character makes the whole message UCS-2), so both the all-GSM and the UCS-2
    extremes are tried. Faulty fields are counted as written."""
    parsed = parse(template, kind)
    used = parsed.fields
    options = {k: tuple(candidates.get(k, ())) or ("",) for k in used}
    literal_is_ucs2 = bool(ucs2_positions(parsed.literal_text))
    results: dict[bool, tuple[SmsCount, str]] = {}
    for longest in (False, True):
        best: tuple[SmsCount, str] | None = None
        for values in _choose(options, literal_is_ucs2, longest) or [{}]:
            text = render(parsed, values, strict=False)
            c = count(text)
            if (
                best is None
                or (longest and _severity(c) > _severity(best[0]))
                or (not longest and _severity(c) < _severity(best[0]))
            ):
                best = (c, text)
        assert best is not None
        results[longest] = best
    (short, short_text), (long, long_text) = results[False], results[True]
    warning = None
    if long.parts >= 2:
        warning = (
            f"Bekräftelsen kan bli {long.parts} SMS ({long.units} tecken, {long.encoding}) "
            "med de längsta namnen – korta ner mallen."
        )
    if literal_is_ucs2:
        forcing = _literal_forcing(parsed)
        chars = ", ".join(describe_char(parsed.literal_text[i]) for i in forcing)
        which = "Tecknet" if len(forcing) == 1 else "Tecknen"
        note = f"{which} {chars} gör att meddelandet skickas som UCS-2 (70 tecken per SMS)."
        warning = f"{warning} {note}" if warning else note
    return SmsRange(short, long, short_text, long_text, warning)


def _literal_forcing(parsed: ParsedTemplate) -> list[int]:
    text = parsed.literal_text
    seen: dict[str, int] = {}
    for i in ucs2_positions(text):
        seen.setdefault(text[i], i)
    return list(seen.values())
