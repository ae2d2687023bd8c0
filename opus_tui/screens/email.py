"""E-post: the sender and the three templates (Nybokning, Ombokning, Avbokning) with merge
fields and a rendered preview. :class:`TemplatesScreen` is shared with the SMS tab."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, TabbedContent, TabPane

from opus_tui.domain.config import EmailSettings, Section, WebConfiguration
from opus_tui.domain.fields import help_of, label_of
from opus_tui.domain.problems import Problem
from opus_tui.resources import stylesheet
from opus_tui.screens.base import TabScreen
from opus_tui.services import content_checks
from opus_tui.services import templates as tpl
from opus_tui.services.templates import Channel, TemplateKind
from opus_tui.widgets.field import FieldError, FieldLabel
from opus_tui.widgets.template_editor import TemplateEditor

KINDS: tuple[TemplateKind, ...] = (
    TemplateKind.NEW_BOOKING,
    TemplateKind.REBOOKING,
    TemplateKind.CANCELLATION,
)


class TemplatesScreen(TabScreen):
    """Three template editors in sub-tabs; the section's fields are named after the kinds."""

    CHANNEL: ClassVar[Channel] = Channel.EMAIL
    MODEL: ClassVar[type[Section]] = EmailSettings

    def compose_header(self) -> ComposeResult:
        yield from ()

    def compose_content(self) -> ComposeResult:
        yield from self.compose_header()
        value = self.current_value()
        with TabbedContent(id="templates"):
            for kind in KINDS:
                with TabPane(tpl.KIND_LABELS[kind], id=f"pane-{kind.value}"):
                    yield TemplateEditor(
                        self.CHANNEL,
                        kind,
                        getattr(value, kind.value),
                        path=(self.SECTION, kind.value),
                        label=f"{label_of(self.MODEL, kind.value)} – "
                        f"{tpl.CHANNEL_LABELS[self.CHANNEL]}",
                        help=help_of(self.MODEL, kind.value),
                        id=f"editor-{kind.value}",
                    )

    def on_mount(self) -> None:  # TabScreen's runs too (Textual calls each class's)
        self.opus.draft_changed.subscribe(self, self._context_changed)
        self.opus.catalogue_changed.subscribe(self, lambda _c: self._update_context())
        self._update_context()

    def editor(self, kind: TemplateKind) -> TemplateEditor:
        return self.query_one(f"#editor-{kind.value}", TemplateEditor)

    def _context_changed(self, draft: WebConfiguration) -> None:
        key = (draft.flexibility.booking.hours_limit, draft.subdomain.name)
        if key != getattr(self, "_context_key", None):
            self._update_context()

    def _update_context(self) -> None:
        draft = self.opus.draft
        hours = draft.flexibility.booking.hours_limit
        hours = hours if isinstance(hours, int) and hours >= 0 else 0
        subdomain = draft.subdomain.name or ""
        self._context_key = (draft.flexibility.booking.hours_limit, draft.subdomain.name)
        candidates = tpl.candidate_values(
            self.opus.catalogue, subdomain=subdomain, hours_before=hours
        )
        values = tpl.sample_values(hours, subdomain or "tandmottagningen")
        for kind in KINDS:
            self.editor(kind).set_context(candidates, values)

    def load(self, value: Any) -> None:
        for kind in KINDS:
            self.editor(kind).set_text(getattr(value, kind.value))

    @on(TemplateEditor.Changed)
    def _template_changed(self, event: TemplateEditor.Changed) -> None:
        value = self.current_value().model_copy(update={event.editor.kind.value: event.text})
        self.edit(value)

    def _focus_problem(self, problem: Problem) -> None:
        """A blocked save puts the cursor on the first faulty merge field."""
        super()._focus_problem(problem)
        if problem.path[:1] != (self.SECTION,) or len(problem.path) != 2:
            return
        try:
            kind = TemplateKind(str(problem.path[1]))
        except ValueError:
            return  # e.g. the sender
        editor = self.editor(kind)
        parsed = tpl.parse(editor.text, kind)
        if parsed.problems:
            position = parsed.problems[0].position
            self.query_one("#templates", TabbedContent).active = f"pane-{kind.value}"
            editor.text_area.cursor_location = (position.line - 1, position.column - 1)
            editor.text_area.focus()

    def section_problems(self) -> list[Problem]:
        return content_checks.dedupe(super().section_problems())

    def extra_problems(self) -> Iterable[Problem]:
        return content_checks.email_problems(self.current_value())


class EmailScreen(TemplatesScreen):
    SECTION = "email"
    CSS_PATH = stylesheet("content.tcss")
    CHANNEL = Channel.EMAIL
    MODEL = EmailSettings

    def compose_header(self) -> ComposeResult:
        yield FieldLabel(EmailSettings, "sender")
        sender = Input(
            self.current_value().sender,
            placeholder='t.ex. "OpusTandläkarna" <bokning@opustandlakarna.se>',
            id="sender",
        )
        sender.tooltip = help_of(EmailSettings, "sender")
        yield sender
        yield FieldError(("email", "sender"))

    def load(self, value: Any) -> None:
        super().load(value)
        sender = self.query_one("#sender", Input)
        if sender.value != value.sender:
            with self.prevent(Input.Changed):
                sender.value = value.sender

    @on(Input.Changed, "#sender")
    def _sender_changed(self, event: Input.Changed) -> None:
        self.edit(self.current_value().model_copy(update={"sender": event.value.strip()}))
