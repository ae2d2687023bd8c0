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
from opus_tui.widgets.field import ErrorSlots, FieldLabel
from opus_tui.widgets.template_editor import TemplateEditor

KINDS: tuple[TemplateKind, ...] = (
    TemplateKind.NEW_BOOKING,
    TemplateKind.REBOOKING,
    TemplateKind.CANCELLATION,
)


def _context_key(draft: WebConfiguration) -> tuple[object, object]:
    """The draft's settings the templates' context depends on."""
    return (draft.flexibility.booking.hours_limit, draft.subdomain.name)


class TemplatesScreen(TabScreen):
    """Three template editors in sub-tabs; the section's fields are named after the kinds."""

    CHANNEL: ClassVar[Channel] = Channel.EMAIL
    MODEL: ClassVar[type[Section]] = EmailSettings

    def __init__(self) -> None:
        super().__init__()
        # what the editors' context was made from (the draft's part of it, the catalogue)
        self._context_key: tuple[object, object] | None = None
        self._context_catalogue: object = None
        self.error_slots = ErrorSlots()  # a line under each field, mounted when it has a problem
        for kind in KINDS:
            self.error_slots.add((self.SECTION, kind.value), after=f"editor-{kind.value}-text")

    def compose_header(self) -> ComposeResult:
        yield from ()

    def compose_content(self) -> ComposeResult:
        yield from self.compose_header()
        value = self.current_value()
        candidates, values = self._template_context()
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
                        candidates=candidates,
                        values=values,
                    )

    def on_mount(self) -> None:  # TabScreen's runs too (Textual calls each class's)
        self.opus.draft_changed.subscribe(self, self._context_changed)
        self.opus.catalogue_changed.subscribe(self, lambda _c: self._update_context())
        if (
            _context_key(self.opus.draft) != self._context_key
            or self.opus.catalogue is not self._context_catalogue
        ):  # changed while the editors were being composed
            self._update_context()

    def editor(self, kind: TemplateKind) -> TemplateEditor:
        return self.query_one(f"#editor-{kind.value}", TemplateEditor)

    def _context_changed(self, draft: WebConfiguration) -> None:
        if _context_key(draft) != self._context_key:
            self._update_context()

    def _template_context(self) -> tuple[tpl.Candidates, dict[str, str]]:
        """The editors' context from the draft and the catalogue (the editors are composed
        with it: rendered once as they are mounted)."""
        draft = self.opus.draft
        hours = draft.flexibility.booking.hours_limit
        hours = hours if isinstance(hours, int) and hours >= 0 else 0
        subdomain = draft.subdomain.name or ""
        self._context_key = _context_key(draft)
        self._context_catalogue = self.opus.catalogue
        candidates = tpl.candidate_values(
            self.opus.catalogue, subdomain=subdomain, hours_before=hours
        )
        return candidates, tpl.sample_values(hours, subdomain or "tandmottagningen")

    def _update_context(self) -> None:
        candidates, values = self._template_context()
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

    def show_problems(self, problems: list[Problem]) -> None:
        self.error_slots.place(self, problems)
        super().show_problems(problems)

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
        self.error_slots.add(("email", "sender"), after="sender")

    def load(self, value: Any) -> None:
        super().load(value)
        sender = self.query_one("#sender", Input)
        if sender.value != value.sender:
            with self.prevent(Input.Changed):
                sender.value = value.sender

    @on(Input.Changed, "#sender")
    def _sender_changed(self, event: Input.Changed) -> None:
        self.edit(self.current_value().model_copy(update={"sender": event.value.strip()}))
