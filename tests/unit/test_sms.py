"""SMS counting checked against an independent reference that really encodes the message:
GSM 7-bit septets (table written out by code point here, not copied from the module), packed
into 140-octet payloads with the concatenation header's 6 octets + fill bits; UCS-2 as UTF-16
big-endian octets. Part limits are derived from the 140-octet payload, not restated."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opus_tui.services import sms
from opus_tui.services.templates import (
    Candidates,
    Channel,
    TemplateKind,
    candidate_values,
    render,
    sample_values,
    standard_text,
)

# --- reference: GSM 03.38 default alphabet by code --------------------------------------------
_REF_SPECIAL = {
    0x00: "@", 0x01: "£", 0x02: "$", 0x03: "¥", 0x04: "è", 0x05: "é", 0x06: "ù", 0x07: "ì",
    0x08: "ò", 0x09: "Ç", 0x0A: "\n", 0x0B: "Ø", 0x0C: "ø", 0x0D: "\r", 0x0E: "Å", 0x0F: "å",
    0x10: "Δ", 0x11: "_", 0x12: "Φ", 0x13: "Γ", 0x14: "Λ", 0x15: "Ω", 0x16: "Π", 0x17: "Ψ",
    0x18: "Σ", 0x19: "Θ", 0x1A: "Ξ", 0x1C: "Æ", 0x1D: "æ", 0x1E: "ß", 0x1F: "É",
    0x24: "¤", 0x40: "¡", 0x5B: "Ä", 0x5C: "Ö", 0x5D: "Ñ", 0x5E: "Ü", 0x5F: "§",
    0x60: "¿", 0x7B: "ä", 0x7C: "ö", 0x7D: "ñ", 0x7E: "ü", 0x7F: "à",
}  # fmt: skip
REF_BASIC: dict[str, int] = {ch: code for code, ch in _REF_SPECIAL.items()}
for _code in range(0x20, 0x80):
    if _code not in _REF_SPECIAL:
        REF_BASIC[chr(_code)] = _code  # the rest coincides with ASCII
REF_EXT: dict[str, int] = {
    "\f": 0x0A, "^": 0x14, "{": 0x28, "}": 0x29, "\\": 0x2F,
    "[": 0x3C, "~": 0x3D, "]": 0x3E, "|": 0x40, "€": 0x65,
}  # fmt: skip
ESC = 0x1B
PAYLOAD_BITS = 140 * 8
UDH_OCTETS = 6  # concatenation header (8-bit reference)


def ref_septets(text: str) -> list[int] | None:
    out: list[int] = []
    for ch in text:
        if ch in REF_BASIC:
            out.append(REF_BASIC[ch])
        elif ch in REF_EXT:
            out += [ESC, REF_EXT[ch]]
        else:
            return None
    return out


def pack_septets(septets: list[int], fill_bits: int = 0) -> bytes:
    """GSM 7-bit packing (LSB first), after ``fill_bits`` zero bits."""
    acc, nbits, out = 0, fill_bits, bytearray()
    for s in septets:
        acc |= s << nbits
        nbits += 7
        while nbits >= 8:
            out.append(acc & 0xFF)
            acc >>= 8
            nbits -= 8
    if nbits:
        out.append(acc & 0xFF)
    return bytes(out)


def ref_count(text: str) -> tuple[str, int, int]:
    """(encoding, units, parts) by really building the payloads."""
    septets = ref_septets(text)
    if septets is not None:
        if not septets:
            return "GSM-7", 0, 0
        if len(pack_septets(septets)) <= 140 and len(septets) * 7 <= PAYLOAD_BITS:
            return "GSM-7", len(septets), 1
        # per part: UDH octets, fill bits to a septet boundary, then septets
        fill = (7 - (UDH_OCTETS * 8) % 7) % 7
        per_part = (PAYLOAD_BITS - UDH_OCTETS * 8 - fill) // 7
        parts, rest = 0, septets
        while rest:
            chunk = rest[:per_part]
            if chunk[-1] == ESC and len(rest) > per_part:
                chunk = chunk[:-1]  # never split ESC from its character
            assert UDH_OCTETS + len(pack_septets(chunk, fill)) <= 140
            rest = rest[len(chunk) :]
            parts += 1
        return "GSM-7", len(septets), parts
    data = text.encode("utf-16-be")
    units = len(data) // 2
    if len(data) <= 140:
        return "UCS-2", units, 1
    per_part = PAYLOAD_BITS // 8 - UDH_OCTETS
    parts, pos = 0, 0
    while pos < len(data):
        end = min(pos + per_part, len(data))
        if end < len(data) and 0xD8 <= data[end - 2] <= 0xDB:
            end -= 2  # never split a surrogate pair
        pos = end
        parts += 1
    return "UCS-2", units, parts


# --- the table --------------------------------------------------------------------------------
GSM_ALL = "".join(sorted(REF_BASIC, key=REF_BASIC.__getitem__))
EXT_ALL = "".join(REF_EXT)


def _std(channel: Channel, kind: TemplateKind) -> str:
    return render(standard_text(channel, kind), sample_values(), kind=kind)


TABLE: list[tuple[str, str]] = [
    ("empty", ""),
    ("one char", "a"),
    ("160 a", "a" * 160),
    ("161 a", "a" * 161),
    ("306 a", "a" * 306),
    ("307 a", "a" * 307),
    ("459 a", "a" * 459),
    ("460 a", "a" * 460),
    ("whole basic set", GSM_ALL),
    ("whole extension set", EXT_ALL),
    ("swedish letters", "Å Ä Ö å ä ö é É ü Ü ñ Ñ à è ù ì ò Ç Ø ø Æ æ ß"),
    ("greek capitals", "ΔΦΓΛΩΠΨΣΘΞ" * 16),
    ("80 euro = 160", "€" * 80),
    ("81 euro = 162", "€" * 81),
    ("158 a + euro = 160", "a" * 158 + "€"),
    ("159 a + euro = 161", "a" * 159 + "€"),
    ("euro across 153 boundary", "a" * 152 + "€" + "a"),
    ("euro at 153 boundary, 306 septets", "a" * 152 + "€" * 77),
    ("brackets at 153 boundary", "a" * 151 + "[]" + "b" * 10),
    ("caret runs", "^" * 77 + "a" * 10),
    ("braces 2 parts exact", "{}" * 76 + "a"),
    ("pipe tilde backslash", "|~\\" * 27),
    ("form feed", "\f" * 5 + "text"),
    ("crlf", "Rad ett\r\nRad två\r\n" * 10),
    ("70 á", "á" * 70),
    ("71 á", "á" * 71),
    ("134 á", "á" * 134),
    ("135 á", "á" * 135),
    ("201 á", "á" * 201),
    ("35 emoji = 70 units", "😀" * 35),
    ("36 emoji = 72 units", "😀" * 36),
    ("emoji across 67 boundary", "a" * 66 + "😀" + "b"),
    ("emoji at 67 boundary twice", "a" * 66 + "😀" * 34),
    ("typographic quotes", "Hej “Anna”, välkommen!"),
    ("apostrophe ’", "Du är välkommen’"),
    ("en dash", "08:10 – 08:40"),
    ("lower c cedilla", "Façade"),
    ("greek lower alpha", "α"),
    ("tab", "a\tb"),
    ("euro in ucs2 counts one", "€" * 60 + "á" * 10),
    ("extension in ucs2 at 70", "{" * 69 + "’"),
    ("extension in ucs2 at 71", "{" * 70 + "’"),
    ("mixed gsm then ucs2 tail", "Bokningsbekräftelse " * 7 + "😀"),
    ("nbsp", "kl.\u00a008:10"),
    ("standard sms new", _std(Channel.SMS, TemplateKind.NEW_BOOKING)),
    ("standard sms rebook", _std(Channel.SMS, TemplateKind.REBOOKING)),
    ("standard sms cancel", _std(Channel.SMS, TemplateKind.CANCELLATION)),
    ("standard email new as sms", _std(Channel.EMAIL, TemplateKind.NEW_BOOKING)),
]


def test_table_size_and_alphabets():
    assert len(TABLE) >= 40
    assert len(sms.GSM_BASIC) == 128
    assert set(sms.GSM_BASIC) - {"\x1b"} == set(REF_BASIC)
    assert set(sms.GSM_EXTENSION) == set(REF_EXT)


@pytest.mark.parametrize(("name", "text"), TABLE, ids=[n for n, _ in TABLE])
def test_count_agrees_with_reference(name, text):
    enc, units, parts = ref_count(text)
    got = sms.count(text)
    assert (got.encoding, got.units, got.parts) == (enc, units, parts)


@pytest.mark.parametrize(
    ("text", "encoding", "units", "parts", "limit"),
    [
        ("a" * 160, "GSM-7", 160, 1, 160),
        ("a" * 161, "GSM-7", 161, 2, 153),
        ("€" * 80, "GSM-7", 160, 1, 160),
        ("a" * 159 + "€", "GSM-7", 161, 2, 153),
        ("a" * 152 + "€" * 77, "GSM-7", 306, 3, 153),  # the pair moves to the next part
        ("á" * 70, "UCS-2", 70, 1, 70),
        ("á" * 71, "UCS-2", 71, 2, 67),
        ("😀" * 35, "UCS-2", 70, 1, 70),
        ("{" * 69 + "’", "UCS-2", 70, 1, 70),
        ("Å Ä Ö å ä ö é É ü Ü", "GSM-7", 19, 1, 160),
    ],
)
def test_known_values(text, encoding, units, parts, limit):
    got = sms.count(text)
    assert (got.encoding, got.units, got.parts, got.per_part_limit) == (
        encoding,
        units,
        parts,
        limit,
    )


def test_ucs2_positions_point_at_the_forcing_characters():
    text = "Hej “Anna” – välkommen 😀!"
    got = sms.count(text)
    assert [text[i] for i in got.ucs2_chars] == ["“", "”", "–", "😀"]
    assert sms.count("Hej Anna – 08:10").summary() == "16 UCS-2-tecken · 1 SMS · UCS-2"
    assert sms.describe_char("–") == "'–' (kort tankstreck)"
    assert sms.describe_char("ł") == "'ł' (tecken U+0142)"  # no English Unicode names
    assert sms.describe_char("😀") == "'😀' (symbol eller emoji)"


def test_the_ucs2_note_says_tecknet_for_one_and_tecknen_for_more() -> None:
    one = sms.estimate("Hej – välkommen!", {})
    assert one.warning is not None
    assert "Tecknet '–' (kort tankstreck) gör att" in one.warning
    two = sms.estimate("Hej – “välkommen”!", {})
    assert two.warning is not None and two.warning.startswith("Tecknen '–' (kort tankstreck), '“'")


_ALPHABET = st.sampled_from(list(GSM_ALL + EXT_ALL + "áç“”–😀€🦷"))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=700))
def test_parts_cover_length(text):
    c = sms.count(text)
    assert (c.encoding, c.units, c.parts) == ref_count(text)
    assert c.parts * c.per_part_limit >= c.units
    if c.parts > 1:
        # a part holds at least limit-1 units (a pair may move on), so no part is wasted
        assert (c.parts - 1) * (c.per_part_limit - 1) < c.units
        if c.encoding == "GSM-7":
            has_pairs = any(ch in REF_EXT for ch in text)
        else:
            has_pairs = any(ord(ch) > 0xFFFF for ch in text)
        if not has_pairs:
            assert (c.parts - 1) * c.per_part_limit < c.units
    else:
        assert c.units <= c.per_part_limit


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_unicode_agrees_with_reference(text):
    c = sms.count(text)
    assert (c.encoding, c.units, c.parts) == ref_count(text)
    assert c.parts == 0 or c.parts * c.per_part_limit >= c.units


# --- the estimate for a template --------------------------------------------------------------


def test_estimate_standard_texts_fit_one_sms():
    cands = candidate_values().values
    for kind in TemplateKind:
        r = sms.estimate(standard_text(Channel.SMS, kind), cands, kind)
        assert r.longest.parts == 1
        assert r.warning is None
        assert r.shortest.units <= r.longest.units


def test_estimate_warns_at_two_parts_and_uses_longest_values():
    cands = Candidates(
        {
            "patient_first_name": ("Bo", "Ann-Christine Louise"),
            "clinic_name": ("Kort", "Folktandvården Storstadens Allra Längsta Kliniknamn AB"),
        }
    )
    template = "Hej {patient_first_name}! " + "x" * 70 + " {clinic_name} " + "y" * 20
    r = sms.estimate(template, cands.values)
    assert r.shortest.parts == 1
    assert r.longest.parts == 2
    assert "Ann-Christine Louise" in r.longest_text
    assert "Allra Längsta" in r.longest_text
    assert r.warning is not None and "2 SMS" in r.warning


def test_estimate_prefers_ucs2_value_when_worse():
    # a short name with a non-GSM letter beats a longer GSM name: UCS-2 halves the room
    cands = {"practitioner_name": ("Lars Andersson Långnamn", "José Ángel")}
    template = "Din tid hos {practitioner_name}. " + "z" * 50
    r = sms.estimate(template, cands)
    assert r.longest.encoding == "UCS-2"
    assert "Ángel" in r.longest_text
    assert r.longest.parts == 2
    assert r.shortest.encoding == "GSM-7"


def test_estimate_literal_ucs2_is_named():
    r = sms.estimate("Välkommen “{patient_first_name}”", {"patient_first_name": ("Bo",)})
    assert r.longest.encoding == "UCS-2"
    assert r.warning is not None and "UCS-2" in r.warning and "“" in r.warning
    assert r.summary().endswith("UCS-2")


def test_estimate_with_extension_chars_in_values():
    cands = {"campaign_code": ("", "€" * 20)}
    r = sms.estimate("a" * 130 + "{campaign_code}", cands)
    assert r.shortest.units == 130
    assert r.longest.units == 170
    assert r.longest.parts == 2
    assert math.isclose(r.longest.units / 153, 170 / 153)
