from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opus_tui.services import sanitize


class _Tags(HTMLParser):
    """Every element and attribute in an HTML fragment, as a browser's tokenizer sees it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, attrs))


def assert_safe(fragment: str) -> None:
    parser = _Tags()
    parser.feed(fragment)
    parser.close()
    for tag, attrs in parser.tags:
        assert tag in sanitize.ALLOWED_TAGS, tag
        for name, value in attrs:
            if tag == "a" and name == "rel":
                continue
            assert (tag, name) == ("a", "href"), (tag, name)
            assert value is not None
            assert urlsplit(value.strip()).scheme.lower() in sanitize.ALLOWED_SCHEMES, value
    # "javascript:" may appear as visible text, never as an address (checked above)
    assert "<script" not in fragment.lower()


def test_paragraphs_lines_bold_italic_links_lists():
    text = (
        "Välkommen till **OpusTandläkarna**!\nVi har _kvällsöppet_ på torsdagar.\n\n"
        "- Ring [046-190470](tel:046190470)\n- Mejla [oss](mailto:info@example.se)\n\n"
        "Läs mer på [vår sida](https://example.se/om?a=1&b=2)."
    )
    out = sanitize.to_html(text)
    assert out.ok and out.warnings == ()
    assert out.html == (
        "<p>Välkommen till <strong>OpusTandläkarna</strong>!<br>"
        "Vi har <em>kvällsöppet</em> på torsdagar.</p>"
        '<ul><li>Ring <a href="tel:046190470" rel="noopener noreferrer nofollow">046-190470</a>'
        '</li><li>Mejla <a href="mailto:info@example.se" rel="noopener noreferrer nofollow">'
        "oss</a></li></ul>"
        '<p>Läs mer på <a href="https://example.se/om?a=1&amp;b=2" '
        'rel="noopener noreferrer nofollow">vår sida</a>.</p>'
    )
    assert_safe(out.html)


def test_snake_case_and_lone_markers_stay_text():
    out = sanitize.to_html("fil_namn_här och 2 * 3 * 4 och **")
    assert out.html == "<p>fil_namn_här och 2 * 3 * 4 och **</p>"


@pytest.mark.parametrize(
    "attack",
    [
        "<script>alert(1)</script>",
        "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
        '<img src=x onerror="alert(1)">',
        "<svg/onload=alert(1)>",
        "<iframe src=https://evil.example></iframe>",
        '<a href="javascript:alert(1)">x</a>',
        "<p onclick=alert(1)>hej</p>",
        "**<script>alert(1)</script>**",
        "[<img src=x onerror=alert(1)>](https://ok.example)",
        '[x](https://ok.example/"onmouseover="alert(1))',
        "<style>body{display:none}</style>",
        "<!--<script>alert(1)</script>-->",
        "&lt;script&gt;alert(1)&lt;/script&gt;",
    ],
)
def test_html_in_text_is_shown_as_text(attack):
    out = sanitize.to_html(attack)
    assert_safe(out.html)
    assert "onerror=" not in out.html or "&lt;" in out.html  # only ever as escaped text


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "vbscript:msgbox(1)",
        "http://example.se",
        "//evil.example/x",
        "ftp://example.se",
        "https:",
        "mailto:",
    ],
)
def test_bad_link_is_a_problem_and_not_a_link(url):
    out = sanitize.to_html(f"Klicka [här]({url})")
    assert not out.ok
    assert "Länken" in out.problems[0]
    assert "<a" not in out.html
    assert_safe(out.html)


def test_clean_html_strips_everything_outside_allow_list():
    dirty = (
        '<p onclick="x()">a<script>alert(1)</script><a href="javascript:alert(1)">b</a>'
        '<a href="https://ok.example" target="_blank" onmouseover="x">c</a>'
        '<img src=x onerror=alert(1)><iframe src="https://e.example"></iframe>'
        '<div style="x">d</div></p>'
    )
    cleaned = sanitize.clean_html(dirty)
    assert_safe(cleaned)
    assert "alert" not in cleaned
    assert 'href="https://ok.example"' in cleaned
    assert "onclick" not in cleaned and "target" not in cleaned and "style" not in cleaned


def test_length_limit_and_html_warning():
    out = sanitize.to_html("x" * 2001, max_length=2000)
    assert out.problems == ("Texten är 2001 tecken lång; högst 2000 tecken tillåts.",)
    assert sanitize.to_html("x" * 2000, max_length=2000).ok
    warned = sanitize.to_html("<b>fet</b>")
    assert warned.ok and "HTML-taggar visas som vanlig text" in warned.warnings[0]
    assert warned.html == "<p>&lt;b&gt;fet&lt;/b&gt;</p>"


def test_empty_and_crlf():
    assert sanitize.to_html("").html == ""
    assert sanitize.to_html("\n \n").html == ""
    assert sanitize.to_html("a\r\n\r\nb\r\nc").html == "<p>a</p><p>b<br>c</p>"


def test_plain_text():
    assert (
        sanitize.plain_text("**Hej** _du_, [sidan](https://a.se)") == "Hej du, sidan (https://a.se)"
    )


_PIECES = st.sampled_from(
    [
        "<", ">", "&", '"', "'", "*", "**", "_", "[", "]", "(", ")", "\n", "\n\n", "- ", " ",
        "script", "javascript:", "on", "error=", "a", "https://x.se", "tel:1", "<script>",
        "<img src=x onerror=alert(1)>", "](", "](javascript:alert(1))", "<a href=", "&#106;",
        "ö", "=",
    ]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_never_unsafe(text):
    assert_safe(sanitize.to_html(text).html)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_never_unsafe_any_text(text):
    assert_safe(sanitize.to_html(text).html)


def test_to_rich_terminal_preview():
    text = sanitize.to_rich(
        "Hej **du** och _du_!\n- ett\n- [sidan](https://a.se)\n\n[x](javascript:y) <b>"
    )
    assert text.plain == "Hej du och du!\n• ett\n• sidan (https://a.se)\n\n[x](javascript:y) <b>"
    styles = {(text.plain[s.start : s.end], str(s.style)) for s in text.spans}
    assert ("du", "bold") in styles
    assert ("du", "italic") in styles
    assert ("sidan", "underline") in styles
