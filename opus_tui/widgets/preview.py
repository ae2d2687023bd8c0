"""The live preview: the booking page as a patient sees it with the current, unsaved draft.

``PreviewPane()`` reads ``app.draft`` and ``app.catalogue`` and listens to the app's
``draft_changed`` and ``catalogue_changed`` signals; bursts of changes are coalesced into one
recompute (a replaceable message). The technician walks the page like a patient when the pane
has focus: up/down, enter to choose, backspace/← to go back, r to start again. Escape leaves
the preview: the full-width one (narrow terminal) closes as F2 does; beside the tab the
focus goes back to the tab's field.
"""

from __future__ import annotations

import time
from collections.abc import Hashable
from contextlib import suppress
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, ClassVar
from weakref import WeakKeyDictionary

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.style import Style
from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Static

from opus_tui.domain.catalogue import Catalogue
from opus_tui.domain.config import WebConfiguration
from opus_tui.local_time import local
from opus_tui.services import booking_flow as bf
from opus_tui.services.paths import expanded

SOURCE_LABELS = {"database": "Opus-databasen", "snapshot": "sparad", "demo": "demo"}
PHOTO_MIN_WIDTH = 30  # columns needed before photos are drawn (the pane beside a tab has 43)
PHOTO_CELLS = (8, 5)  # width, height in cells
LOGO_CELLS = (24, 4)  # the logo above the page, fitted inside
INLINE_INDEX_TIMES = 50_000  # larger catalogues are indexed in a thread


def age_text(fetched_at: datetime | None, now: datetime) -> str:
    """``hämtad för 3 min sedan`` / ``… 2 h sedan`` / ``… 4 dagar sedan``; ``fetched_at`` is
    naive UTC (as stored), ``now`` local time (the app's clock)."""
    if fetched_at is None:
        return "hämtningstid okänd"
    seconds = max(0, int((now - local(fetched_at)).total_seconds()))
    if seconds < 60:
        return "hämtad nyss"
    if seconds < 3600:
        return f"hämtad för {seconds // 60} min sedan"
    if seconds < 2 * 86400:
        return f"hämtad för {seconds // 3600} h sedan"
    return f"hämtad för {seconds // 86400} dagar sedan"


def _tiny_catalogue(today: date) -> Catalogue:
    """Used only when the demo module is missing: one clinic, one practitioner, no times."""
    from opus_tui.domain.catalogue import CatalogueClinic, CataloguePractitioner

    return Catalogue(
        source="demo",
        fetched_at=datetime.combine(today, datetime.min.time()),
        databases=("Demo",),
        clinics=(CatalogueClinic("Demo", "1", "OpusTandläkarna", city="LUND"),),
        practitioners=(CataloguePractitioner("Demo", "1", "1", "Olle", "Ohlsson", "Tandläkare"),),
    )


def _markup(body: str) -> Text:
    """A text of the Media tab (light markup: bold, italic, lists, links) as the booking page
    shows it; the engine's own texts have no markup and come out as written."""
    from opus_tui.services.sanitize import to_rich

    rendered = to_rich(body)
    return rendered if isinstance(rendered, Text) else Text(body)


def _explain_any(action: bf.Action) -> str:
    """Why a "Vilken … som helst" option is on the page: the Flexibilitet setting."""
    from opus_tui.domain.config import GeneralSettings
    from opus_tui.domain.fields import label_of

    if action.kind != "choose":
        return ""
    if action.step == bf.CLINIC and action.value.startswith(bf.ANY_CLINIC_PREFIX):
        group = action.value.removeprefix(bf.ANY_CLINIC_PREFIX)
        where = f" i gruppen {group}" if group else ""
        return (
            f"Visas eftersom {label_of(GeneralSettings, 'any_clinic')} är aktiverad "
            f"(Flexibilitet): lediga tider söks på alla kliniker{where}."
        )
    if action.step == bf.PRACTITIONER and action.value == bf.ANY_PRACTITIONER:
        return (
            f"Visas eftersom {label_of(GeneralSettings, 'any_practitioner')} är aktiverad "
            "(Flexibilitet): lediga tider söks hos alla behandlare."
        )
    return ""


class _Hanging:
    """An option as the booking page lists it: the marker, then the label; the label's wrapped
    lines stay under the label and the details under their indent (wrapped at the width it is
    drawn at), so options are told apart in a narrow pane."""

    DETAIL_INDENT = 4

    def __init__(self, prefix: Text, body: Text, details: list[Text]) -> None:
        self.prefix, self.body, self.details = prefix, body, details
        self._key: Hashable | None = None

    @property
    def key(self) -> Hashable:
        """Equal for options drawn alike (see :func:`block_key`); computed once: an option's
        block is made again only when the option or its marker changes."""
        if self._key is None:
            details = tuple(_text_key(d) for d in self.details)
            self._key = ("option", _text_key(self.prefix), _text_key(self.body), details)
        return self._key

    @property
    def plain(self) -> str:
        """Unwrapped (tests, support)."""
        pad = " " * self.DETAIL_INDENT
        return "\n".join(
            [self.prefix.plain + self.body.plain] + [pad + d.plain for d in self.details]
        )

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        out = self.prefix.copy()
        indent = self.prefix.cell_len
        for i, line in enumerate(self.body.wrap(console, max(1, width - indent))):
            if i:
                out.append("\n" + " " * indent)
            out.append_text(line)
        pad = " " * self.DETAIL_INDENT
        for detail in self.details:
            for line in detail.wrap(console, max(1, width - self.DETAIL_INDENT)):
                out.append("\n" + pad)
                out.append_text(line)
        yield out


def page_unseen(page: bf.Page) -> str:
    """What the patient does not see on the page but the settings do to it (Avancerat's
    analytics script, the Boka Vård marketplace), so that those edits show in the pane too."""
    parts = []
    if page.analytics:
        parts.append("Sidan har ett webbanalys-script (Avancerat)")
    if "Boka Vård" in page.published_on:
        parts.append("Tiderna publiceras även på Boka Vård")
    return " · ".join(parts) + " – syns inte för patienten." if parts else ""


@dataclass
class _Body:
    blocks: list[RenderableType] = field(default_factory=list)
    # block index of each selectable action, in the order of Page.selectable()
    anchors: list[int] = field(default_factory=list)


# The patient's path in the preview, per app: walking on one tab continues on the next.
_SHARED_CHOICES: WeakKeyDictionary[Any, bf.Choices] = WeakKeyDictionary()


def _text_key(text: Text) -> tuple[Hashable, ...]:
    """Everything of a Text that its lines depend on (at a given width)."""
    return (
        text.plain,
        tuple(text.spans),
        text.style,
        text.justify,
        text.overflow,
        text.no_wrap,
        text.end,
        text.tab_size,
    )


def block_key(block: RenderableType) -> Hashable:
    """Equal for blocks that render to the same lines: a Text or an option by content (a new
    ``_body`` makes new objects), anything else (photos, the logo) by identity."""
    if type(block) is Text:
        return ("text", _text_key(block))
    if type(block) is _Hanging:
        return block.key
    return ("object", id(block))


class PageLines(ScrollView, can_focus=False):
    """The page's blocks rendered into lines; only the visible lines are painted.

    The lines of each block are kept (by :func:`block_key`, width and base style) for the next
    build, so a repaint after a setting change, the cursor moving or F2 renders only the blocks
    that changed: with every clinic of a large chain shown, that is a few of ≈ 300 options."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._blocks: list[RenderableType] = []
        self._strips: list[Strip] = []
        self._offsets: list[int] = []
        self._width = 0
        # block lines of the last build and of the one before; (block, lines): the block is
        # held so that an identity key is never reused by another object while kept
        self._kept: dict[Hashable, tuple[RenderableType, list[Strip]]] = {}
        self._kept_before: dict[Hashable, tuple[RenderableType, list[Strip]]] = {}
        self.rendered_blocks = 0  # blocks rendered in the last build, not taken from the kept
        self._pending = False  # blocks shown while it had no width: not built yet

    def show(self, blocks: list[RenderableType]) -> None:
        self._blocks = blocks
        self._build()

    def _build(self) -> None:
        width = self.scrollable_content_region.width or self.size.width
        if width <= 0:
            # Hidden (F2 closed it) or not laid out yet: built when it gets a width (on_resize).
            self._width = 0
            self._pending = True
            return
        self._build_at(width)

    def _build_at(self, width: int) -> None:
        self._pending = False
        self._width = width
        console = self.app.console
        options = console.options.update_width(width)
        base = self.rich_style
        kept: dict[Hashable, tuple[RenderableType, list[Strip]]] = {}
        rendered = 0
        strips: list[Strip] = []
        offsets: list[int] = []
        for block in self._blocks:
            offsets.append(len(strips))
            key = (block_key(block), width, base)
            entry = kept.get(key) or self._kept.get(key) or self._kept_before.get(key)
            if entry is None:
                lines = [
                    Strip(line).apply_style(base)
                    for line in console.render_lines(block, options, pad=False)
                ]
                entry = (block, lines)
                rendered += 1
            kept[key] = entry
            strips.extend(entry[1])
        self._kept_before, self._kept = self._kept, kept
        self.rendered_blocks = rendered
        self._strips, self._offsets = strips, offsets
        size = Size(width, len(strips))
        if size != self.virtual_size:
            self.virtual_size = size  # a layout refresh only when the height changes
        self.refresh()

    def reveal(self, block: int) -> None:
        """Scroll so that block number ``block`` is visible."""
        if not 0 <= block < len(self._offsets):
            return
        top = self._offsets[block]
        end = self._offsets[block + 1] if block + 1 < len(self._offsets) else len(self._strips)
        self.scroll_to_region(
            Region(0, top, self._width, max(1, end - top)), animate=False, immediate=True
        )

    def on_resize(self, _event: events.Resize) -> None:
        width = self.scrollable_content_region.width
        if width and (width != self._width or self._pending):
            self._build()

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        if index >= len(self._strips):
            return Strip.blank(width, self.rich_style)
        return self._strips[index].crop_extend(scroll_x, scroll_x + width, self.rich_style)

    def plain_lines(self) -> list[str]:
        if self._pending:
            self._build_at(40)  # not shown: as it would be in a narrow pane
        return [strip.text for strip in self._strips]


class PreviewPane(Widget, can_focus=True):
    """What the patient sees, recomputed on every draft change; walkable with the keyboard."""

    DEFAULT_CSS = """
    PreviewPane {
        width: 1fr;
        height: 1fr;
        border: round $primary 50%;
        border-title-color: $text-primary;
        padding: 0 1;
        layout: vertical;
    }
    PreviewPane:focus {
        border: round $primary;
    }
    PreviewPane > #pv-source {
        height: auto;
        color: $text-muted;
    }
    PreviewPane > #pv-crumbs {
        height: auto;
        margin-bottom: 1;
    }
    PreviewPane > #pv-body {
        height: 1fr;
        scrollbar-size-vertical: 1;
    }
    """

    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        Binding("up", "move(-1)", "Upp", show=False, id="preview.up", tooltip="Föregående val"),
        Binding("down", "move(1)", "Ned", show=False, id="preview.down", tooltip="Nästa val"),
        Binding("enter", "choose", "Välj", id="preview.choose", tooltip="Välj som patienten gör"),
        Binding(
            "backspace,left",
            "back",
            "Tillbaka",
            id="preview.back",
            tooltip="Ett steg tillbaka (⌫ eller ←)",
        ),
        # Escape leaves the preview (never steps back): one of these two applies (check_action)
        Binding(
            "escape",
            "close",
            "Stäng",
            id="preview.close",
            tooltip="Stäng förhandsvisningen (som F2); bokningsvägen finns kvar",
        ),
        Binding(
            "escape",
            "leave",
            "Till fliken",
            id="preview.leave",
            tooltip="Tillbaka till flikens fält; förhandsvisningen står kvar",
        ),
        Binding("r", "restart", "Börja om", id="preview.restart", tooltip="Börja om bokningen"),
        Binding(
            "question_mark",
            "explain",
            "Varför?",
            id="preview.explain",
            tooltip="Förklara regeln bakom det markerade valet (bild, titel, tider)",
        ),
    ]

    class Recompute(Message):
        """A change to show; a newer one replaces a pending one (bursts coalesce)."""

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, PreviewPane.Recompute)

    def __init__(self, *, id: str | None = "preview-pane", classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.border_title = "Förhandsgranskning"
        # the help line and F1 for the pane itself
        self.tooltip = (
            "Bokningssidan som patienten ser den, med osparade ändringar: ↑↓ och Enter väljer, "
            "⌫/← går tillbaka, r börjar om, ? förklarar, Esc lämnar förhandsvisningen."
        )
        self._own_choices = bf.Choices()
        self._painted_choices: bf.Choices | None = None
        self.page: bf.Page | None = None
        self.cursor = 0
        self.recomputes = 0  # how many times the page was computed (tests, bench)
        self.last_recompute_ms = 0.0
        self._own_catalogue: Catalogue | None = None
        self._stale = False
        self._fresh = True  # a new page: put the cursor on its first option
        # The cursor is on a header button only because the page had no option (yet): when
        # options come (the catalogue arrives), it goes to the first one.
        self._on_header_for_want = False
        self._photos: dict[tuple[str, int, int], RenderableType | None] = {}
        self._painted: dict[str, object] = {}
        # the option blocks of the last _body, by (option, marker, marker style)
        self._option_blocks: dict[tuple[bf.Option, str, str], _Hanging] = {}
        self._came_from: Widget | None = None  # the field the focus came from (Escape returns)

    # -- the patient's path: one per app, shared by the panes of all tabs ----------------------
    @property
    def choices(self) -> bf.Choices:
        try:
            return _SHARED_CHOICES.get(self.app, self._own_choices)
        except Exception:  # not mounted yet
            return self._own_choices

    @choices.setter
    def choices(self, value: bf.Choices) -> None:
        self._own_choices = value
        with suppress(Exception):  # not mounted yet
            _SHARED_CHOICES[self.app] = value

    # -- composition and signals ----------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static("", id="pv-source", markup=False)
        yield Static("", id="pv-crumbs", markup=False)
        yield PageLines(id="pv-body")

    def on_mount(self) -> None:
        app: Any = self.app
        for name in ("draft_changed", "catalogue_changed"):
            signal = getattr(app, name, None)
            if signal is not None:
                signal.subscribe(self, self._on_signal, immediate=True)
        # A pane on a tab that was not shown missed changes: catch up when its tab returns.
        for name in ("screen_change_signal", "mode_change_signal"):
            signal = getattr(app, name, None)
            if signal is not None:
                signal.subscribe(self, self._on_screen_change)
        self.watch(self.screen, "focused", self._focus_moved, init=False)
        self.recompute()

    def _focus_moved(self, old: Widget | None, new: Widget | None) -> None:
        if new is self and old is not None and old is not self:
            self._came_from = old

    def _on_signal(self, _data: object) -> None:
        self.post_message(self.Recompute())

    def _on_screen_change(self, _data: object) -> None:
        self.call_after_refresh(self._catch_up)

    def _catch_up(self) -> None:
        behind = self._stale or self._painted_choices != self.choices
        if behind and self.is_on_screen_now():
            self.recompute()

    def on_preview_pane_recompute(self, _message: PreviewPane.Recompute) -> None:
        if not self.is_on_screen_now():
            self._stale = True  # recompute when shown again
            return
        self.recompute()

    def on_show(self, _event: events.Show) -> None:
        if self._stale:
            self.recompute()

    def on_resize(self, _event: events.Resize) -> None:
        if self.page is not None:
            self._paint()
        self.refresh_bindings()  # Escape's meaning follows the width (Stäng / Till fliken)

    def is_on_screen_now(self) -> bool:
        try:
            return self.screen.is_current and self.display
        except Exception:
            return False

    # -- data -----------------------------------------------------------------------------------
    @property
    def config(self) -> WebConfiguration:
        draft = getattr(self.app, "draft", None)
        return draft if isinstance(draft, WebConfiguration) else WebConfiguration()

    def now(self) -> datetime:
        clock = getattr(self.app, "clock", None)
        moment = clock() if callable(clock) else datetime.now(UTC)
        if not isinstance(moment, datetime):
            moment = datetime.now(UTC)
        # The catalogue is in naive UTC; a naive clock reading is local time.
        return moment.astimezone(UTC).replace(tzinfo=None)

    @property
    def catalogue(self) -> Catalogue:
        given = getattr(self.app, "catalogue", None)
        if isinstance(given, Catalogue):
            return given
        if self._own_catalogue is None:
            today = self.now().date()
            try:
                from opus_tui.services.demo import demo_catalogue

                self._own_catalogue = demo_catalogue(today)
            except ImportError:
                self._own_catalogue = _tiny_catalogue(today)
        return self._own_catalogue

    def recompute(self) -> None:
        """Compute the page for the current draft and repaint (without saving anything)."""
        started = time.perf_counter()
        self._stale = False
        config, catalogue, now = self.config, self.catalogue, self.now()
        if len(catalogue.times) > INLINE_INDEX_TIMES and not bf.index_ready(catalogue):
            # A large catalogue is indexed once, off the UI thread; then the page comes.
            self._index_in_background(catalogue)
            self.page = bf.Page(
                kind="loading",
                heading="Förbereder förhandsgranskningen …",
                notices=(
                    bf.TextBlock(
                        "",
                        f"Katalogen har {len(catalogue.times):,} lediga tider.".replace(",", " "),
                    ),
                ),
            )
            self._paint(source=(catalogue, now))
            return
        before = self.page
        under_cursor = self._action_at_cursor()
        try:
            self.choices = bf.replay(config, catalogue, self.choices, now)
            self.page = bf.page(config, catalogue, self.choices, now)
            self._painted_choices = self.choices
        except Exception as exc:  # a half-edited draft must never take the app down
            self.page = bf.Page(
                kind="error",
                heading="Förhandsgranskningen kan inte visas",
                notices=(bf.TextBlock("", f"{type(exc).__name__}: {exc}", "notice"),),
            )
        self.recomputes += 1
        actions = self.page.selectable()
        if self._on_header_for_want and not self._fresh:
            self._fresh = True
        if not self._fresh:
            if under_cursor in actions:
                # A setting moved the options (e.g. [Logga in] went): stay on the same one.
                self.cursor = actions.index(under_cursor)
            elif before is None or before.kind != self.page.kind:
                self._fresh = True  # another page: start on its first option
        if self._fresh:
            # Start on the first option, not on the header's buttons (Logga in …).
            headers = sum(1 for b in self.page.header_buttons if b.enabled)
            self.cursor = headers if len(actions) > headers else 0
            # only header buttons to stand on (no options yet): move once options come
            self._on_header_for_want = headers > 0 and len(actions) <= headers
            self._fresh = False
        self.cursor = min(self.cursor, max(0, len(actions) - 1))
        self._paint(source=(catalogue, now))
        self.last_recompute_ms = (time.perf_counter() - started) * 1000  # the paint included

    def _action_at_cursor(self) -> bf.Action | None:
        if self.page is None or self.page.kind == "loading":
            return None
        actions = self.page.selectable()
        return actions[self.cursor] if 0 <= self.cursor < len(actions) else None

    def plain_text(self) -> str:
        """What the pane shows now, as plain text (tests, support)."""
        if self.page is None:
            return ""
        body = self._body(self.page)
        parts = [self._crumbs(self.page).plain]
        parts += [b.plain for b in body.blocks if isinstance(b, (Text, _Hanging))]
        return "\n".join(parts)

    @work(thread=True, exclusive=True, group="preview-index", exit_on_error=False)
    def _index_in_background(self, catalogue: Catalogue) -> None:
        bf.catalogue_index(catalogue)
        self.post_message(self.Recompute())

    # -- keys -----------------------------------------------------------------------------------
    def action_move(self, delta: int) -> None:
        if self.page is None:
            return
        n = len(self.page.selectable())
        if n:
            self.cursor = (self.cursor + delta) % n
            self._on_header_for_want = False  # the technician put it there
            self._paint()

    def action_choose(self) -> None:
        if self.page is None:
            return
        actions = self.page.selectable()
        if not actions:
            return
        self._apply(actions[min(self.cursor, len(actions) - 1)])

    def action_back(self) -> None:
        self._apply(bf.BACK)

    def action_restart(self) -> None:
        self._apply(bf.RESTART)

    def _full_width(self) -> bool:
        """Shown instead of the tab (a narrow terminal, opened with F2)."""
        from textual.dom import NoScreen

        try:
            return getattr(self.screen, "preview_layout", "") == "full"
        except NoScreen:  # not mounted (yet, or any more)
            return False

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "close":
            return self._full_width()
        if action == "leave":
            return not self._full_width()
        return True

    async def action_close(self) -> None:
        """Escape on the full-width preview: close it as F2 does (the path stays)."""
        await self.run_action("screen.toggle_preview")

    def action_leave(self) -> None:
        """Escape beside the tab: the focus goes back to the field it came from."""
        # The first focus (F2 on a narrow terminal) comes before this pane is mounted: then the
        # tab screen's own note of the field it took the focus from.
        target = self._came_from or getattr(self.screen, "focus_before_preview", None)
        if not isinstance(target, Widget) or target is self:
            target = None
        if target is not None and target.is_attached and target.focusable:
            target.focus()
        else:
            self.screen.focus_next()

    def explanation(self) -> str:
        """Why the highlighted option looks as it does (the engine's rules), or ''."""
        if self.page is None:
            return ""
        actions = self.page.selectable()
        if not actions:
            return ""
        action = actions[min(self.cursor, len(actions) - 1)]
        config, catalogue, now = self.config, self.catalogue, self.now()
        subjects = bf.subjects_of(action, self.choices)
        # a practitioner's title follows the same consent table as the photo
        subjects += [replace(s, kind="title") for s in subjects if s.kind == "photo"]
        lines = [bf.explain(config, catalogue, subject, now) for subject in subjects]
        return "\n".join(lines) or _explain_any(action)

    def action_explain(self) -> None:
        text = self.explanation()
        self.notify(text or "Inget att förklara för det här valet.", title="Varför?")

    def choose(self, action: bf.Action) -> None:
        """Take ``action`` as the patient would (tests and scripts)."""
        self._apply(action)

    def _apply(self, action: bf.Action) -> None:
        try:
            self.choices = bf.step(self.config, self.catalogue, self.choices, action, self.now())
        except bf.InvalidAction:
            self.app.bell()
            return
        self._fresh = True
        self.recompute()
        self.query_one(PageLines).scroll_home(animate=False)

    # -- painting -------------------------------------------------------------------------------
    def _paint(self, source: tuple[Catalogue, datetime] | None = None) -> None:
        page = self.page
        if page is None:
            return
        self.border_subtitle = page.address
        if source is not None:
            catalogue, now = source
            label = SOURCE_LABELS.get(catalogue.source, catalogue.source)
            self._update_static(
                "#pv-source",
                Text(f"Katalog: {label}, {age_text(catalogue.fetched_at, now)} · utan att spara"),
            )
        self._update_static("#pv-crumbs", self._crumbs(page))
        body = self._body(page)
        lines = self.query_one(PageLines)
        lines.show(body.blocks)
        if self.has_focus and body.anchors:
            lines.reveal(body.anchors[min(self.cursor, len(body.anchors) - 1)])

    def _update_static(self, selector: str, text: Text) -> None:
        """Update only on change: an update re-lays out the screen (height: auto)."""
        key = (text.plain, tuple(str(span) for span in text.spans))
        if self._painted.get(selector) != key:
            self._painted[selector] = key
            self.query_one(selector, Static).update(text)

    def _accent(self) -> Style:
        colour = self.config.media.branding.colour
        try:
            return Style.parse(f"bold {colour}")
        except Exception:
            return Style(bold=True)

    def _crumbs(self, page: bf.Page) -> Text:
        text = Text()
        for i, crumb in enumerate(page.breadcrumb):
            if i:
                text.append(" > ", style="dim")
            if crumb.state == "current":
                text.append(crumb.label, style=self._accent() + Style(underline=True))
            elif crumb.state == "done":
                text.append(crumb.label)
            else:
                text.append(crumb.label, style="dim")
        return text

    def _body(self, page: bf.Page) -> _Body:
        body = _Body()
        made: dict[tuple[bf.Option, str, str], _Hanging] = {}
        actions = page.selectable()
        cursor_action = actions[self.cursor] if actions and self.cursor < len(actions) else None
        accent = self._accent()
        width = max(10, self.size.width - 4)

        selectable = set(actions)  # a list's `in` would make a long page quadratic

        def add(block: RenderableType, action: bf.Action | None = None) -> None:
            if action is not None and action in selectable:
                body.anchors.append(len(body.blocks))
            body.blocks.append(block)

        def marker(action: bf.Action | None) -> tuple[str, str]:
            if action is not None and action == cursor_action and self.has_focus:
                return "▶ ", "reverse"
            if action is not None and action == cursor_action:
                return "▶ ", "bold"
            return "  ", ""

        if page.logo:
            logo = self._logo(page.logo, width)
            if logo is not None:
                add(logo)
        for b in page.header_buttons:
            pre, style = marker(b.action)
            add(Text(f"{pre}[{b.label}]", style=style or "italic"), b.action)
        add(Text(page.heading, style=accent))
        for block in page.texts:
            text = Text()
            if block.heading:
                text.append(block.heading + "\n", style="bold")
            text.append_text(_markup(block.body))
            if block.style == "yellow":
                text.stylize("black on #f3e58a")
            elif block.style == "info":
                text.stylize("italic")
            add(text)
        for notice in page.notices:
            head = f"{notice.heading}: " if notice.heading else ""
            line = Text(f"⚠ {head}" if notice.style == "notice" else head)
            line.append_text(_markup(notice.body))  # Avvikelser texts are Media markup
            if notice.style == "notice":
                line.stylize("bold yellow")
            add(line)
        for group in page.groups:
            if group.heading:
                add(Text("\n" + group.heading, style=accent))
            for option in group.options:
                self._add_option(add, marker, option, width, made)
        current_section = ""
        for f in page.fields:
            if f.section != current_section:
                current_section = f.section
                add(Text("\n" + current_section, style="bold"))
                if current_section == "Personuppgifter":
                    add(Text("* Obligatoriska fält", style="dim"))
            label = f.label + (" *" if f.required else "")
            line = Text(f"  {label}: ", style="dim")
            line.append(f.value or "…")
            if f.help:
                line.append(f"\n    {f.help}", style="dim italic")
            add(line)
        for b in page.buttons:
            pre, style = marker(b.action)
            label = f"{pre}[{b.label}]"
            if not b.enabled:
                label += f" ({b.reason})" if b.reason else ""
                style = "dim"
            add(Text(label, style=style), b.action if b.enabled else None)
        if page.summary:
            add(Text("\nDina val", style="bold"))
            add(Text("\n".join(f"  {line}" for line in page.summary)))
        if page.effects:
            add(Text("\nNär patienten bekräftar (syns inte på sidan):", style="dim italic"))
        for effect in page.effects:
            add(Text(f"— {effect.heading} —", style="bold magenta"))
            add(Text(effect.body, style="magenta"))
        unseen = page_unseen(page)
        if unseen:
            add(Text("\n" + unseen, style="dim italic"))
        self._option_blocks = made
        return body

    def _add_option(
        self,
        add: Any,
        marker: Any,
        option: bf.Option,
        width: int,
        made: dict[tuple[bf.Option, str, str], _Hanging],
    ) -> None:
        pre, style = marker(option.action if option.enabled else None)
        if option.photo:
            photo = self._photo(option.photo, width)
            if photo is not None:
                add(photo)
        key = (option, pre, style)
        block = made.get(key) or self._option_blocks.get(key)
        if block is None:
            block = self._option_block(option, pre, style)
        made[key] = block
        add(block, option.action if option.enabled else None)

    @staticmethod
    def _option_block(option: bf.Option, pre: str, style: str) -> _Hanging:
        prefix = Text(pre, style=style)
        text = Text(("● " if option.selected else "") + option.label, style=style or "bold")
        if option.sublabel:
            text.append(f"  {option.sublabel}", style="dim")
        if not option.enabled:
            prefix.stylize("dim")
            text.stylize("dim")
            if option.reason:
                text.append(f"  ({option.reason})", style="dim italic")
        details = [Text(line, style="dim") for line in option.lines]
        return _Hanging(prefix, text, details)

    def _photo(self, path: str, width: int) -> RenderableType | None:
        return self._image(path, PHOTO_CELLS) if width >= PHOTO_MIN_WIDTH else None

    def _logo(self, path: str, width: int) -> RenderableType | None:
        return self._image(path, LOGO_CELLS) if width >= LOGO_CELLS[0] else None

    def _image(self, path: str, cells: tuple[int, int]) -> RenderableType | None:
        """A practitioner's photo or Media's logo (PNG or JPEG), drawn off the UI thread (a
        file may be large) and again when the file changes; None until drawn or when it cannot
        be shown (missing, no image: the tab names the problem)."""
        w, h = cells
        file = expanded(path)
        try:
            changed = file.stat().st_mtime_ns if file.is_file() else -1
        except OSError:
            changed = -1
        key = (f"{file}\x1f{changed}", w, h)
        if key not in self._photos:
            self._photos[key] = None
            if changed >= 0:
                self._draw_image(key, file)
        return self._photos[key]

    @work(thread=True, group="preview-image", exit_on_error=False)
    def _draw_image(self, key: tuple[str, int, int], file: Path) -> None:
        try:
            from opus_tui.services.images import terminal_image

            image = terminal_image(file, key[1], key[2])
        except Exception:  # unreadable image: none, the page stays
            return
        self.app.call_from_thread(self._image_drawn, key, image)

    def _image_drawn(self, key: tuple[str, int, int], image: RenderableType) -> None:
        self._photos[key] = image
        if self.page is not None:
            self._paint()

    def on_focus(self, _event: events.Focus) -> None:
        self._paint()

    def on_blur(self, _event: events.Blur) -> None:
        self._paint()
