"""The Avancerat tab's web-analytics script: one or more ``<script>`` elements and nothing else.

The text is tokenised with the standard library's HTML parser (the tokenizer browsers follow
for ``<script>`` raw text), not with regular expressions. Allowed: ``<script>`` elements,
whitespace and HTML comments between them. Refused, each with line and column: any other
element (``<img>``, ``<iframe>``, ``<noscript>``…), text outside a script, an unclosed script,
event-handler attributes (``onload=``…), and ``src`` addresses that are not ``https://``.

Hosts the script loads from are listed: ``src`` attributes plus addresses written as string
literals in inline code (``'https://www.googletagmanager.com/gtm.js?id='``, Matomo's
``var u="//matomo.example.se/"``). Known advertising/tracking pixels (Meta, TikTok, LinkedIn,
Snapchat, Pinterest, Google Ads) give a warning: on a health-care booking page they pass on
who books care, and IMY has sanctioned health-care providers for exactly that.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit

SCRIPT_ATTRIBUTES = frozenset(
    {
        "src",
        "async",
        "defer",
        "type",
        "id",
        "nonce",
        "crossorigin",
        "integrity",
        "referrerpolicy",
        "charset",
        "nomodule",
    }
)
SCRIPT_TYPES = frozenset({"", "text/javascript", "application/javascript", "module", "text/plain"})

# A host written in a string literal: "//host/", 'https://host/...'
_LITERAL_URL = re.compile(r"""["'`](?:(https?):)?//([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)""")


@dataclass(frozen=True, slots=True)
class Tracker:
    name: str
    hosts: tuple[str, ...]  # the host or any subdomain of it
    signatures: tuple[str, ...]  # code that only that pixel writes


TRACKERS: tuple[Tracker, ...] = (
    Tracker(
        "Meta-pixeln (Facebook)",
        ("connect.facebook.net", "facebook.com", "facebook.net"),
        ("fbq(", "fbevents.js"),
    ),
    Tracker("TikTok-pixeln", ("analytics.tiktok.com", "tiktok.com"), ("ttq.", "ttq=")),
    Tracker(
        "LinkedIn Insight Tag",
        ("snap.licdn.com", "px.ads.linkedin.com", "licdn.com"),
        ("_linkedin_partner_id", "lintrk("),
    ),
    Tracker("Snapchat-pixeln", ("sc-static.net", "tr.snapchat.com"), ("snaptr(",)),
    Tracker("Pinterest-taggen", ("s.pinimg.com", "ct.pinterest.com"), ("pintrk(",)),
    Tracker(
        "Google Ads-konverteringsspårning",
        ("googleadservices.com", "googleads.g.doubleclick.net"),
        ("'AW-", '"AW-'),
    ),
)

IMY_WARNING = (
    "{name} skickar uppgifter om besökarna till en annonsplattform. På en bokningssida för "
    "vård avslöjar det vem som bokar vård: Integritetsskyddsmyndigheten (IMY) har gett "
    "vårdgivare sanktionsavgifter för just sådana spårningspixlar. Ta bort den från "
    "bokningssidan."
)


@dataclass(frozen=True, slots=True)
class AnalyticsReport:
    scripts: int
    hosts: tuple[str, ...]
    trackers: tuple[str, ...]
    problems: tuple[str, ...] = ()  # Swedish; the script cannot be saved/published
    warnings: tuple[str, ...] = ()  # Swedish

    @property
    def ok(self) -> bool:
        return not self.problems


def _host_matches(host: str, domain: str) -> bool:
    return host == domain or host.endswith("." + domain)


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.warnings: list[str] = []
        self.hosts: dict[str, None] = {}
        self.code: list[str] = []
        self.scripts = 0
        self._in_script = False
        self._has_src = False
        self._body: list[str] = []
        self._script_pos = (1, 0)

    def _where(self, pos: tuple[int, int] | None = None) -> str:
        line, col = pos or self.getpos()
        return f"rad {line}, kolumn {col + 1}"

    def _check_src(self, src: str) -> None:
        value = src.strip()
        parts = urlsplit(value)
        relative_scheme = parts.scheme == "" and value.startswith("//")
        if parts.netloc and (relative_scheme or parts.scheme.lower() == "https"):
            self.hosts.setdefault(parts.netloc.lower(), None)
        elif parts.scheme.lower() == "http":
            self.problems.append(
                f"Scriptet på {self._where()} laddas okrypterat ({value}); använd https://."
            )
        else:
            self.problems.append(
                f"Scriptet på {self._where()} har en ogiltig källa '{value}'; ange en "
                "fullständig https://-adress."
            )

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "script":
            self.problems.append(
                f"Bara <script>-element är tillåtna; <{tag}> på {self._where()} är inte det."
            )
            return
        self.scripts += 1
        self._in_script = True
        self._has_src = False
        self._body = []
        self._script_pos = self.getpos()
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(
                    f"Händelseattributet {name}= på {self._where()} är inte tillåtet."
                )
            elif name == "src":
                self._has_src = True
                self._check_src(value or "")
            elif name == "type" and (value or "").strip().lower() not in SCRIPT_TYPES:
                self.problems.append(
                    f'<script type="{value}"> på {self._where()} är inget JavaScript.'
                )
            elif name not in SCRIPT_ATTRIBUTES and not name.startswith("data-"):
                self.problems.append(
                    f"Attributet {name}= på <script> ({self._where()}) är inte tillåtet."
                )

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.problems.append(
                f"<script/> på {self._where()} stängs inte så i HTML; skriv <script …></script>."
            )
        else:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._in_script:
            self._in_script = False
            body = "".join(self._body)
            if body.strip():
                if self._has_src:
                    self.warnings.append(
                        f"Scriptet på {self._where(self._script_pos)} har både src och kod; "
                        "webbläsaren kör bara src."
                    )
                self._inline(body)
            elif not self._has_src:
                self.warnings.append(f"Scriptet på {self._where(self._script_pos)} är tomt.")
            return
        self.problems.append(f"Oväntad </{tag}> på {self._where()}.")

    def _inline(self, code: str) -> None:
        self.code.append(code)
        for match in _LITERAL_URL.finditer(code):
            scheme, host = match.group(1), match.group(2).lower()
            self.hosts.setdefault(host, None)
            if scheme == "http":
                self.warnings.append(f"Koden hämtar från {host} okrypterat (http://).")

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self._body.append(data)
        elif data.strip():
            snippet = data.strip().splitlines()[0][:40]
            lead = data[: len(data) - len(data.lstrip())]
            line, col = self.getpos()
            if "\n" in lead:
                line, col = line + lead.count("\n"), len(lead) - lead.rfind("\n") - 1
            else:
                col += len(lead)
            self.problems.append(
                f"Text utanför <script> på {self._where((line, col))} ('{snippet}'); bara "
                "<script>-element är tillåtna."
            )

    def handle_decl(self, decl: str) -> None:
        self.problems.append(f"<!{decl}> på {self._where()} är inte tillåtet.")

    def unknown_decl(self, data: str) -> None:
        self.problems.append(f"<![{data}]> på {self._where()} är inte tillåtet.")

    def handle_pi(self, data: str) -> None:
        self.problems.append(f"<?{data}> på {self._where()} är inte tillåtet.")


def check_script(text: str, *, max_length: int | None = None) -> AnalyticsReport:
    """Check the analytics script; an empty text is valid (nothing is injected)."""
    if not text.strip():
        return AnalyticsReport(0, (), ())
    checker = _Checker()
    if max_length is not None and len(text) > max_length:
        checker.problems.append(
            f"Scriptet är {len(text)} tecken långt; högst {max_length} tecken tillåts."
        )
    checker.feed(text)
    checker.close()
    if checker._in_script:
        checker.problems.append(
            f"<script> på {checker._where(checker._script_pos)} saknar avslutande </script>."
        )
    hosts = tuple(checker.hosts)
    code = "\n".join(checker.code)
    found: list[str] = []
    for tracker in TRACKERS:
        by_host = any(_host_matches(h, d) for h in hosts for d in tracker.hosts)
        if by_host or any(sig in code for sig in tracker.signatures):
            found.append(tracker.name)
            checker.warnings.append(IMY_WARNING.format(name=tracker.name))
    if checker.scripts == 0 and not checker.problems:
        checker.problems.append("Inget <script>-element hittades.")
    return AnalyticsReport(
        scripts=checker.scripts,
        hosts=hosts,
        trackers=tuple(found),
        problems=tuple(checker.problems),
        warnings=tuple(checker.warnings),
    )
