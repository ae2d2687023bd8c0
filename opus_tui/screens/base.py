"""The base of every tab: Spara/Återställ, the dirty marker, field errors, the help line and the
preview slot.

A subclass sets ``SECTION`` (a ``WebConfiguration`` section), yields its fields from
``compose_content()`` and fills them from a section value in ``load()``; it edits through
``self.edit(value)`` (which calls ``app.update_draft``). Fields show their problems through
``FieldError`` widgets whose ``path`` starts with the section name.

Progressive first paint (issue 8): when the app has not built its draft yet (``app.config_ready``
is False: the first tab of a real terminal), the screen composes only the header, the tab bar and
``compose_skeleton()`` — plain data, no pydantic. When ``app.config_loaded`` fires, it mounts
the rest (``complete_content()``, the preview slot, the problems and help lines, the footer) and
only then loads the draft; until then Spara/Återställ/F2 answer that the tab is being read.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Header, Input, Static

from opus_tui.lazy import Deferred
from opus_tui.screens import TAB_BY_SECTION, Tab, release_render_caches
from opus_tui.widgets.field import FieldError
from opus_tui.widgets.footer import TabFooter
from opus_tui.widgets.tab_bar import TabBar

if TYPE_CHECKING:
    from opus_tui.app import OpusApp
    from opus_tui.domain.config import Section, WebConfiguration
    from opus_tui.domain.problems import Problem

WIDE = 120  # columns from which the preview sits next to the tab content
# beside the tab (wide); instead of it (narrow, F2); hidden by F2 (wide); closed (narrow)
PreviewLayout = Literal["beside", "full", "hidden", "closed"]


class TabScreen(Screen[None]):
    """One tab of the web configuration (or Konfiguration)."""

    SECTION: ClassVar[str] = ""
    CONTENT_SCROLLS: ClassVar[bool] = True

    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        Binding("ctrl+s", "save", "Spara", id="save", tooltip="Spara fliken (en revision)"),
        Binding(
            "ctrl+r",
            "revert",
            "Återställ",
            id="revert",
            tooltip="Återställ fliken till det senast sparade",
        ),
        Binding(
            "f2",
            "toggle_preview",
            "Förhandsvisa",
            id="preview",
            tooltip="Visa/dölj förhandsvisningen av bokningssidan",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._problems_pending = False
        self._preview_open = False  # narrow terminal: preview shown full width
        self._preview_hidden = False  # wide terminal: preview hidden
        self.preview_layout: PreviewLayout = "closed"
        self._started = False  # the whole tab is mounted and filled from the draft
        self._completing = False
        self.focus_before_preview: Widget | None = None  # given back when F2 closes it

    # -- properties -----------------------------------------------------------------------------
    @property
    def opus(self) -> OpusApp:
        from opus_tui.app import OpusApp

        app = self.app
        assert isinstance(app, OpusApp)
        return app

    @property
    def tab(self) -> Tab:
        return TAB_BY_SECTION[self.SECTION]

    # -- hooks for subclasses -------------------------------------------------------------------
    def compose_content(self) -> ComposeResult:
        yield Static("")

    def compose_skeleton(self) -> ComposeResult:
        """The content of the first frame, before the draft exists: plain data only (no
        pydantic). By default the whole content (only the first tab is ever composed early)."""
        yield from self.compose_content()

    async def complete_content(self) -> None:
        """Mount what ``compose_content()`` has beyond ``compose_skeleton()``."""

    def load(self, value: Any) -> None:
        """Fill the fields from a section value (draft or saved)."""

    def current_value(self) -> Any:
        return getattr(self.opus.draft, self.SECTION)

    def saved_value(self) -> Any:
        return getattr(self.opus.saved, self.SECTION)

    def is_dirty(self) -> bool:
        return bool(self.current_value() != self.saved_value())

    def section_problems(self) -> list[Problem]:
        """Errors and warnings of this tab (the draft's, plus the screen's own)."""
        prefix = self.SECTION
        found = [p for p in self.opus.problems() if p.path[:1] == (prefix,)]
        return found + list(self.extra_problems())

    def extra_problems(self) -> Iterable[Problem]:
        """Problems only the screen knows (e.g. a subdomain the portal says is taken)."""
        return ()

    def edit(self, value: Section) -> None:
        """Put this tab's new (possibly invalid) value into the draft."""
        if value != self.current_value():
            self.opus.update_draft(self.SECTION, value)

    def write(self, store: Any, value: Any) -> Any:
        """Runs in a thread: save the value in one transaction; returns the revision. Refused
        (``SectionChanged``) if another session saved the section since it was read here."""
        return store.save_section(self.SECTION, value, expected=self.saved_value())

    def after_save(self, value: Any) -> None:
        self.opus.mark_saved(self.SECTION, value)

    def revert(self) -> None:
        self.opus.update_draft(self.SECTION, self.saved_value())

    # -- composition ----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        ready = self.opus.draft_available()
        yield Header(icon="≡")
        yield TabBar(self.tab.mode, id="tab-bar")
        with Horizontal(id="body"):
            container = VerticalScroll if self.CONTENT_SCROLLS else Vertical
            with container(id="content", classes="tab-content"):
                yield from (self.compose_content() if ready else self.compose_skeleton())
            if ready:
                yield self._preview_slot()
        if ready:
            yield from self._bottom()

    def _preview_slot(self) -> Widget:
        return Vertical(
            Deferred("opus_tui.widgets.preview", "PreviewPane", id="preview"), id="preview-slot"
        )

    def _bottom(self) -> list[Widget]:
        return [
            Static("", id="problems", markup=False),
            Static("", id="help-line", markup=False),
            TabFooter(),
        ]

    def on_mount(self) -> None:
        self.title = "opus-tui"
        self.opus.status_changed.subscribe(self, self._on_status)
        if self.opus.config_ready:
            self._start()
        else:
            self.opus.config_loaded.subscribe(self, self._on_config_loaded)

    def _on_config_loaded(self, draft: WebConfiguration) -> None:
        if not self._completing:
            self._completing = True
            self.call_later(self._complete)

    async def _complete(self) -> None:
        """After the first paint: mount the rest of the tab, then fill it from the draft."""
        auto_focused = self.focused
        await self.complete_content()
        await self.query_one("#body").mount(self._preview_slot())
        await self.mount_all(self._bottom())
        self._start()
        if self.focused is auto_focused:  # the user has not moved: focus as a settled screen
            self.set_focus(None)
            self._update_auto_focus()
        self._help_for(self.focused)
        self.opus.tab_completed()

    @property
    def started(self) -> bool:
        """The whole tab is mounted and filled from the draft."""
        return self._started

    def _start(self) -> None:
        self._started = True
        self.opus.draft_changed.subscribe(self, self._on_draft_changed)
        self.opus.reloaded.subscribe(self, self._on_reloaded)
        self.load(self.current_value())
        self._update_layout(self.size.width)
        self._refresh_problems()
        self.opus.freeze_long_lived()  # the tab's widgets live as long as the app

    def _not_started(self) -> bool:
        """True (and says so) while the tab is still being read after the first frame."""
        if not self._started:
            self.notify("Fliken läses fortfarande in – försök igen om ett ögonblick.")
        return not self._started

    def on_screen_resume(self) -> None:
        if self._started:
            self._update_layout(self.size.width)
            self._refresh_problems()

    def on_screen_suspend(self) -> None:
        self._show_stored_paths()  # the focus comes back to such a field, not through it
        release_render_caches(self)

    # -- file path fields -----------------------------------------------------------------------
    def stored_paths(self) -> dict[str, str]:
        """Input id → the path the draft holds for it (absolute once typed: ``services.paths``).
        Such a field shows it once left (Tab, Enter, another tab) and at Spara."""
        return {}

    @on(Input.Blurred)
    @on(Input.Submitted)
    def _field_left(self, event: Input.Blurred | Input.Submitted) -> None:
        if event.input.id in self.stored_paths():
            self._show_stored_paths()

    def _show_stored_paths(self) -> None:
        if not self._started:
            return
        for input_id, stored in self.stored_paths().items():
            for field in self.query(f"#{input_id}").results(Input):
                if field.value != stored:
                    with self.prevent(Input.Changed):
                        field.value = stored

    def on_resize(self, event: events.Resize) -> None:
        if self._started:
            self._update_layout(event.size.width)

    def _update_layout(self, width: int) -> None:
        """Show the preview beside the tab, instead of it, or not (``preview_layout``). The
        classes on the screen re-apply the stylesheet to the whole tab, which is most of an
        F2's time; inline styles on the two containers were tried and left widgets that had
        changed width without a Resize (a TextArea kept its old wrapping)."""
        wide = width >= WIDE
        visible = (wide and not self._preview_hidden) or (not wide and self._preview_open)
        deferred = self.query_one("#preview", Deferred)
        if visible and deferred.realize() is None:
            visible = False  # the preview module is not there (yet)
        self.preview_layout = (
            ("beside" if wide else "full")
            if visible
            else ("hidden" if wide and self._preview_hidden else "closed")
        )
        self.set_class(wide and deferred.available, "-wide")
        self.set_class(self.preview_layout == "full", "-preview-open")
        self.set_class(wide and self._preview_hidden, "-preview-hidden")

    # -- signals --------------------------------------------------------------------------------
    def _on_draft_changed(self, draft: WebConfiguration) -> None:
        # Screens in the background catch up in on_screen_resume.
        if not self._problems_pending and self.is_current:
            self._problems_pending = True
            self.call_later(self._refresh_problems)

    def _on_reloaded(self, draft: WebConfiguration) -> None:
        self.load(self.current_value())
        self._refresh_problems()

    def _on_status(self, status: str) -> None:
        self.sub_title = None  # the header follows app.sub_title

    def _refresh_problems(self) -> None:
        self._problems_pending = False
        if not self.is_mounted or not self._started:
            return
        problems = self.section_problems()
        self.show_problems(problems)
        self.query_one(TabBar).set_dirty(self.opus.dirty_modes())

    def show_problems(self, problems: list[Problem]) -> None:
        """Each problem at the most specific FieldError whose path it starts with; the rest in
        the line above the help line."""
        lines = sorted(self.query(FieldError), key=lambda f: -len(f.path))
        placed: dict[int, list[Problem]] = {id(f): [] for f in lines}
        rest: list[Problem] = []
        for problem in problems:
            for line in lines:
                if problem.path[: len(line.path)] == line.path:
                    placed[id(line)].append(problem)
                    break
            else:
                rest.append(problem)
        for line in lines:
            line.show(placed[id(line)])
        summary = self.query_one("#problems", Static)
        errors = [p for p in problems if p.is_error]
        text: list[str] = []
        if errors:
            text.append(f"✗ {len(errors)} fel hindrar Spara på den här fliken.")
        for p in rest:
            mark = "✗" if p.is_error else "⚠"
            text.append(f"{mark} {p.label + ': ' if p.label else ''}{p.message}")
        summary.update("\n".join(text))
        summary.set_class(bool(text), "-shown")
        summary.set_class(bool(errors), "-error")

    # -- help line ------------------------------------------------------------------------------
    @on(events.DescendantFocus)
    def _show_help(self, event: events.DescendantFocus) -> None:
        self._help_for(event.widget)

    def _help_for(self, widget: Widget | None) -> None:
        from opus_tui.screens.help import help_text

        text = help_text(widget)
        for line in self.query("#help-line").results(Static):  # absent in the first frame
            line.update(text)

    # -- actions --------------------------------------------------------------------------------
    def action_save(self) -> None:
        if self._not_started():
            return
        self._show_stored_paths()  # even while the field has the focus
        problems = self.section_problems()
        self.show_problems(problems)
        errors = [p for p in problems if p.is_error]
        if errors:
            first = errors[0]
            self.notify(
                f"{first.label + ': ' if first.label else ''}{first.message}",
                title=f"Kan inte spara {self.tab.label}",
                severity="error",
            )
            self._focus_problem(first)
            return
        if not self.is_dirty():
            self.notify("Inga ändringar att spara.", title=self.tab.label)
            return
        self._save(self.current_value())

    def _focus_problem(self, problem: Problem) -> None:
        for line in self.query(FieldError):
            if problem in line.problems:
                siblings = list(line.parent.children) if line.parent else []
                index = siblings.index(line)
                for widget in reversed(siblings[:index]):
                    candidates = [widget, *widget.query("*")]
                    focusable = [w for w in candidates if w.focusable]
                    if focusable:
                        focusable[-1].focus()
                        return
                return

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def _save(self, value: Any) -> None:
        from opus_tui.store.errors import SectionChanged

        try:
            store = self.opus.require_store()
            revision = self.write(store, value)
        except SectionChanged as exc:
            self.app.call_from_thread(self.opus.section_changed, exc)
            return
        except Exception as exc:  # shown in words; the store's errors carry no secrets
            problems = getattr(exc, "problems", None)
            self.app.call_from_thread(self._save_failed, str(exc), problems)
            return
        self.app.call_from_thread(self._saved, value, revision)

    def _saved(self, value: Any, revision: Any) -> None:
        self.after_save(value)
        number = getattr(revision, "id", None)
        suffix = f" (revision {number})" if number is not None else ""
        self.notify(f"{self.tab.label} sparad{suffix}.", title="Sparat")
        self._refresh_problems()

    def _save_failed(self, message: str, problems: list[Problem] | None) -> None:
        if problems:
            self.show_problems(problems)
        self.notify(message, title=f"Kan inte spara {self.tab.label}", severity="error")

    def action_revert(self) -> None:
        if self._not_started():
            return
        if not self.is_dirty():
            self.notify("Inget att återställa.", title=self.tab.label)
            return
        self.revert()
        self.load(self.saved_value())
        self._refresh_problems()
        self.notify(f"{self.tab.label} återställd till det senast sparade.", title="Återställt")

    def action_toggle_preview(self) -> None:
        if self._not_started():
            return
        if not self.query_one("#preview", Deferred).available:
            self.notify("Förhandsvisningen är inte tillgänglig ännu.", severity="warning")
            return
        before = self.focused
        if self.size.width >= WIDE:
            self._preview_hidden = not self._preview_hidden
        else:
            self._preview_open = not self._preview_open
        self._update_layout(self.size.width)
        self._focus_after_toggle(before)

    def _focus_after_toggle(self, before: Widget | None) -> None:
        """Keys never go to a hidden widget: the full-width preview takes the focus; a preview
        that is closed or hidden gives it back to the field the technician left."""
        pane = self.query_one("#preview", Deferred).widget
        if pane is None:
            return
        if self.preview_layout == "full":
            if before is not None and before is not pane:
                self.focus_before_preview = before
            pane.focus()
        elif before is pane:
            previous = self.focus_before_preview
            if previous is not None and previous.is_attached and previous.focusable:
                previous.focus()
            else:
                self.set_focus(None)
                self._update_auto_focus()
        elif before is not None and self.focused is not before and before.is_attached:
            before.focus()  # Textual moved it while the content was hidden
