"""A booking-flow :class:`~opus_tui.services.booking_flow.Page` as text: plain (for scripts,
support tickets and tests) or as a Rich renderable with colour and a frame."""

from __future__ import annotations

from typing import TYPE_CHECKING

from opus_tui.services.booking_flow import Option, Page

if TYPE_CHECKING:
    from rich.console import RenderableType


def _option_lines(option: Option) -> list[str]:
    mark = "(x)" if option.selected else ("( )" if option.enabled else "(-)")
    line = f"  {mark} {option.label}"
    if option.sublabel:
        line += f" — {option.sublabel}"
    if not option.enabled and option.reason:
        line += f"  [{option.reason}]"
    out = [line]
    if option.photo:
        out.append(f"        [bild: {option.photo}]")
    out += [f"        {extra}" for extra in option.lines]
    return out


def page_lines(page: Page) -> list[str]:
    """The page, line by line, in reading order."""
    out: list[str] = []
    meta = [f"Adress: {page.address}"] if page.address else []
    if page.colour:
        meta.append(f"Färg: {page.colour}")
    if page.logo:
        meta.append(f"Logotyp: {page.logo}")
    if page.analytics:
        meta.append("Webbanalys-script: ja")
    meta.append("Publiceras på: " + (", ".join(page.published_on) or "ingenstans"))
    out.append(" · ".join(meta))
    if page.breadcrumb:
        out.append(
            " > ".join(f"[{c.label}]" if c.state == "current" else c.label for c in page.breadcrumb)
        )
    if page.header_buttons:
        out.append(" ".join(f"[{b.label}]" for b in page.header_buttons))
    out.append(page.heading)
    out.append("=" * len(page.heading))
    for text in page.texts:
        out.append("")
        if text.heading:
            out.append(text.heading)
        if text.body:
            out += text.body.splitlines()
    for notice in page.notices:
        out.append("")
        prefix = "OBS: " if notice.style == "notice" else ""
        head = f"{notice.heading}: " if notice.heading else ""
        out.append(f"{prefix}{head}{notice.body}")
    for group in page.groups:
        out.append("")
        if group.heading:
            out.append(group.heading)
        for option in group.options:
            out += _option_lines(option)
    section = None
    for f in page.fields:
        if f.section != section:
            section = f.section
            out.append("")
            out.append(section or "Uppgifter")
            if section == "Personuppgifter":
                out.append("* Obligatoriska fält")
        out.append(f"  {f.label}{' *' if f.required else ''}: {f.value}")
        if f.help:
            out.append(f"    {f.help}")
    if page.summary:
        out.append("")
        out.append("Dina val")
        out += [f"  {line}" for line in page.summary]
    if page.buttons:
        out.append("")
        out.append(
            " ".join(
                f"[{b.label}]" if b.enabled else f"[{b.label} – {b.reason or 'ej möjligt'}]"
                for b in page.buttons
            )
        )
    for effect in page.effects:
        out.append("")
        out.append(f"--- {effect.heading} ---")
        out += effect.body.splitlines()
    return out


def render_plain(page: Page) -> str:
    return "\n".join(page_lines(page))


def render_pages_plain(pages: list[Page]) -> str:
    parts = []
    for n, page in enumerate(pages, start=1):
        parts.append(f"### Sida {n}: {page.heading}\n\n{render_plain(page)}")
    return "\n\n".join(parts) + "\n"


def render_rich(page: Page, number: int | None = None) -> RenderableType:
    """The page in a frame, the current step and headings in colour."""
    from rich.console import Group
    from rich.panel import Panel
    from rich.text import Text

    lines = page_lines(page)
    parts: list[RenderableType] = [Text(lines[0], style="dim")]
    if page.breadcrumb:
        crumbs = Text()
        for i, c in enumerate(page.breadcrumb):
            if i:
                crumbs.append(" > ", style="dim")
            style = (
                "bold underline cyan"
                if c.state == "current"
                else ("" if c.state == "done" else "dim")
            )
            crumbs.append(c.label, style=style)
        parts.append(crumbs)
    body = Text()
    for line in lines[2 if page.breadcrumb else 1 :]:
        style = ""
        if line.startswith("OBS:"):
            style = "bold yellow"
        elif line.startswith("---"):
            style = "magenta"
        elif line.startswith("  (-)"):
            style = "dim"
        elif line.startswith("  (x)"):
            style = "bold"
        body.append(line + "\n", style=style)
    parts.append(body)
    title = f"Sida {number}: {page.heading}" if number is not None else page.heading
    return Panel(Group(*parts), title=title, title_align="left")
