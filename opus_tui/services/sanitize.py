"""The texts shown on the booking page (Media tab): light markup → safe HTML.

Markup (documented in ``docs/texts.md``):

* a blank line starts a new paragraph; a single line break stays a line break;
* lines starting with ``- `` form a bulleted list;
* ``**fet**`` → bold, ``_kursiv_`` → italic;
* ``[text](https://adress)`` → a link; only ``https:``, ``mailto:`` and ``tel:`` addresses;
* anything else is text: ``<``, ``>`` and ``&`` are shown as written, never as HTML.

The HTML we build is passed through nh3 (the Rust *ammonia* sanitiser) with an allow-list
(p, br, strong, em, ul, li, a[href] with those three schemes), so even a bug in the markup
code cannot let ``<script>``, an ``on…=`` handler or a ``javascript:`` address through.

The portal receives that HTML (``opus_tui.services.wire``); :func:`html_to_markup` turns it back
into the markup, so that ``to_html(html_to_markup(h)).html == h`` for HTML built here.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

ALLOWED_TAGS = frozenset({"p", "br", "strong", "em", "ul", "li", "a"})
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {"a": {"href"}}
ALLOWED_SCHEMES = frozenset({"https", "mailto", "tel"})
LINK_REL = "noopener noreferrer nofollow"

_LINK = re.compile(r"\[([^\]\n]+)\]\(([^)\s]+)\)")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_ITALIC = re.compile(r"(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?![\w_])")
_LIST_ITEM = re.compile(r"^\s*- (.*)$")
_BLANK = re.compile(r"\n[ \t]*\n")
_TAGLIKE = re.compile(r"<\s*/?\s*[A-Za-z!]")


@dataclass(frozen=True, slots=True)
class RenderedText:
    html: str
    problems: tuple[str, ...] = ()  # Swedish; must be fixed before publishing
    warnings: tuple[str, ...] = ()  # Swedish; publishing is still possible

    @property
    def ok(self) -> bool:
        return not self.problems


def has_tags(text: str) -> bool:
    """True when ``text`` holds something a browser would read as an HTML tag or comment."""
    return _TAGLIKE.search(text) is not None


def link_problem(url: str) -> str | None:
    """Why ``url`` may not be a link (Swedish), or None when it may."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return f"Länken '{url}' är ingen giltig adress."
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        return (
            f"Länken '{url}' tillåts inte: bara adresser som börjar med https:, mailto: "
            "eller tel: kan länkas."
        )
    if scheme == "https" and not parts.netloc:
        return f"Länken '{url}' saknar värdnamn (https://exempel.se)."
    if scheme != "https" and not parts.path:
        return f"Länken '{url}' är tom."
    return None


def _emphasis(escaped: str) -> str:
    escaped = _BOLD.sub(r"<strong>\1</strong>", escaped)
    return _ITALIC.sub(r"<em>\1</em>", escaped)


def _inline(text: str, problems: list[str]) -> str:
    out: list[str] = []
    pos = 0
    for match in _LINK.finditer(text):
        out.append(_emphasis(html.escape(text[pos : match.start()], quote=False)))
        label, url = match.group(1), match.group(2)
        problem = link_problem(url)
        if problem is None:
            href = html.escape(url, quote=True)
            out.append(f'<a href="{href}">{_emphasis(html.escape(label, quote=False))}</a>')
        else:
            problems.append(problem)
            out.append(html.escape(match.group(0), quote=False))
        pos = match.end()
    out.append(_emphasis(html.escape(text[pos:], quote=False)))
    return "".join(out)


def _block(block: str, problems: list[str]) -> str:
    lines = block.split("\n")
    items = [_LIST_ITEM.match(line) for line in lines]
    if all(items):
        lis = "".join(f"<li>{_inline(m.group(1), problems)}</li>" for m in items if m)
        return f"<ul>{lis}</ul>"
    return "<p>" + "<br>".join(_inline(line, problems) for line in lines) + "</p>"


def clean_html(fragment: str) -> str:
    """nh3 with our allow-list: the last step before anything reaches the booking page."""
    import nh3

    cleaned: str = nh3.clean(
        fragment,
        tags=set(ALLOWED_TAGS),
        clean_content_tags={"script", "style"},
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )
    return cleaned


def to_html(text: str, *, max_length: int | None = None) -> RenderedText:
    """Render the markup to sanitised HTML, with problems (bad links, too long) and warnings."""
    problems: list[str] = []
    warnings: list[str] = []
    if max_length is not None and len(text) > max_length:
        problems.append(f"Texten är {len(text)} tecken lång; högst {max_length} tecken tillåts.")
    if _TAGLIKE.search(text):
        warnings.append(
            "HTML-taggar visas som vanlig text på bokningssidan; använd **fet**, _kursiv_ "
            "och [text](https://adress)."
        )
    normalised = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    if not normalised.strip():
        return RenderedText("", tuple(problems), tuple(warnings))
    blocks = [b.strip("\n") for b in _BLANK.split(normalised) if b.strip()]
    built = "".join(_block(b, problems) for b in blocks)
    return RenderedText(clean_html(built), tuple(problems), tuple(warnings))


class _MarkupWriter(HTMLParser):
    """HTML (as built by :func:`to_html`) → markup; unknown tags are dropped, their text kept."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.current: list[str] = []
        self.links: list[str] = []
        self.skip = 0  # inside <script>/<style>: text dropped

    def _flush(self) -> None:
        text = "".join(self.current)
        if text.strip():
            self.blocks.append(text.strip("\n"))
        self.current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.skip += 1
        elif tag in ("p", "ul"):
            self._flush()
        elif tag == "li":
            if "".join(self.current).strip():
                self.current.append("\n")
            self.current.append("- ")
        elif tag == "br":
            self.current.append("\n")
        elif tag == "strong":
            self.current.append("**")
        elif tag == "em":
            self.current.append("_")
        elif tag == "a":
            self.links.append(dict(attrs).get("href") or "")
            self.current.append("[")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.current.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        elif tag in ("p", "ul"):
            self._flush()
        elif tag == "strong":
            self.current.append("**")
        elif tag == "em":
            self.current.append("_")
        elif tag == "a" and self.links:
            self.current.append(f"]({self.links.pop()})")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.current.append(data)


def html_to_markup(fragment: str) -> str:
    """The markup for HTML built by :func:`to_html` (the portal's copy of a text), so that
    ``to_html(html_to_markup(h)).html == h``. Other HTML keeps its text, without tags."""
    writer = _MarkupWriter()
    writer.feed(fragment)
    writer.close()
    writer._flush()
    return "\n\n".join(writer.blocks)


def plain_text(text: str) -> str:
    """The text without markup (links as ``text (adress)``), e.g. for a terminal preview."""

    def link(m: re.Match[str]) -> str:
        return f"{m.group(1)} ({m.group(2)})"

    out = _LINK.sub(link, text)
    out = _BOLD.sub(r"\1", out)
    return _ITALIC.sub(r"\1", out)


def to_rich(text: str) -> Any:
    """The markup as a Rich ``Text`` for a terminal preview: paragraphs, • bullets, bold,
    italic, and links as underlined text followed by their address (bad links as written)."""
    from rich.text import Text

    out = Text()
    normalised = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    blocks = [b.strip("\n") for b in _BLANK.split(normalised) if b.strip()]
    for n, block in enumerate(blocks):
        if n:
            out.append("\n\n")
        for m, line in enumerate(block.split("\n")):
            if m:
                out.append("\n")
            item = _LIST_ITEM.match(line)
            if item:
                out.append("• ")
                line = item.group(1)
            _rich_inline(out, line)
    return out


def _rich_inline(out: Any, line: str) -> None:
    pos = 0
    for match in _LINK.finditer(line):
        _rich_emphasis(out, line[pos : match.start()])
        label, url = match.group(1), match.group(2)
        if link_problem(url) is None:
            out.append(label, style="underline")
            out.append(f" ({url})", style="dim")
        else:
            out.append(match.group(0))
        pos = match.end()
    _rich_emphasis(out, line[pos:])


def _rich_emphasis(out: Any, text: str) -> None:
    spans: list[tuple[int, int, str, str]] = []
    for m in _BOLD.finditer(text):
        spans.append((m.start(), m.end(), m.group(1), "bold"))
    for m in _ITALIC.finditer(text):
        if not any(s <= m.start() < e for s, e, _, _ in spans):
            spans.append((m.start(), m.end(), m.group(1), "italic"))
    pos = 0
    for start, end, inner, style in sorted(spans):
        if start < pos:
            continue
        out.append(text[pos:start])
        out.append(inner, style=style)
        pos = end
    out.append(text[pos:])
