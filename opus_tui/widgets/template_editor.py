"""A merge-field template editor: the text, a picker that inserts a field at the cursor, the
template's problems, the live SMS counter (SMS only) and a rendered preview with the manual's
sample data. Empty = Opus's standard text (shown as the placeholder and in the preview)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Label, OptionList, Select, Static, TextArea

from opus_tui.domain.problems import Path
from opus_tui.services import sms
from opus_tui.services import templates as tpl
from opus_tui.services.templates import Candidates, Channel, TemplateKind


class TemplateEditor(Vertical):
    DEFAULT_CSS = """
    TemplateEditor { height: auto; }
    TemplateEditor .picker-row { height: auto; margin-top: 1; }
    TemplateEditor .picker { width: 1fr; }
    TemplateEditor .use-standard { width: auto; min-width: 14; margin-left: 1; }
    TemplateEditor TextArea { height: 7; }
    TemplateEditor .counter { height: auto; padding: 0 1; }
    TemplateEditor .counter.-warning { color: $text-warning; }
    TemplateEditor .preview-title { margin-top: 1; color: $text-muted; }
    TemplateEditor .preview {
        height: auto; padding: 0 1; border: round $panel-lighten-2; background: $boost;
    }
    """

    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        Binding(
            "f4",
            "pick_field",
            "Kopplingsfält",
            id="template.pick_field",
            tooltip="Infoga ett kopplingsfält vid markören",
        ),
    ]

    @dataclass
    class Changed(Message):
        editor: TemplateEditor
        text: str

        @property
        def control(self) -> TemplateEditor:
            return self.editor

    def __init__(
        self,
        channel: Channel,
        kind: TemplateKind,
        text: str = "",
        *,
        path: Path,
        label: str,
        help: str = "",
        id: str | None = None,
        candidates: Candidates | None = None,
        values: dict[str, str] | None = None,
    ) -> None:
        super().__init__(id=id)
        self.channel = channel
        self.kind = kind
        self.path = path
        self._label = label
        self._help = help
        self._initial = text
        self._from_text = False  # the field list was opened with F4 from the text
        self._composed = False  # its parts are there (``is_mounted`` is False in on_mount)
        # the context (``set_context``), given here to render once as it is mounted
        self.candidates: Candidates = candidates or tpl.candidate_values()
        self.values: dict[str, str] = values or tpl.sample_values()

    # -- composition ----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        fields = [f for f in tpl.FIELDS if self.kind in f.kinds]
        yield Label(self._label, classes="field-label")
        with Horizontal(classes="picker-row"):
            picker: Select[str] = Select(
                [(f"{f.label}  {f.token}", f.key) for f in fields],
                prompt="Infoga kopplingsfält (F4)",
                classes="picker",
                compact=True,
            )
            picker.tooltip = "Väljer du ett fält infogas det vid markören i mallen"
            yield picker
            yield Button(
                "Standardtext",
                classes="use-standard",
                compact=True,
                tooltip="Lägger in Opus standardtext i mallen att utgå från (Ctrl+Z ångrar)",
            )
        area = TextArea(
            self._initial,
            soft_wrap=True,
            placeholder=tpl.standard_text(self.channel, self.kind),
            classes="source",
            id=self.text_id,
        )
        area.tooltip = self._help or "Tom mall: Opus standardtext skickas"
        yield area  # the template's problems under it: the screen's ``ErrorSlots``
        if self.channel is Channel.SMS:
            yield Static("", classes="counter", markup=False)
        yield Label("Förhandsvisning med exempeldata", classes="preview-title")
        yield Static("", classes="preview", markup=False)

    def on_mount(self) -> None:
        self.watch(self.query_one(Select), "expanded", self._picker_expanded, init=False)
        self._composed = True
        self.refresh_view()

    def _picker_expanded(self, expanded: bool) -> None:
        """The list opens on its first field, not on the blank prompt row (Enter inserts it);
        closed with Escape after F4, the cursor goes back to the text (it stayed on the list)."""
        picker = self.query_one(Select)
        if expanded and not isinstance(picker.value, str):
            picker.query_one(OptionList).highlighted = 1  # the overlay; 0 is the blank prompt
        elif not expanded and self._from_text:
            self._from_text = False
            self.call_after_refresh(self._back_to_text)  # after the Select refocuses itself

    def _back_to_text(self) -> None:
        if self.app.focused is self.query_one(Select):
            self.text_area.focus()

    # -- API ------------------------------------------------------------------------------------
    @property
    def text_id(self) -> str | None:
        """The id of the text (the editor's own id + ``-text``)."""
        return f"{self.id}-text" if self.id else None

    @property
    def text_area(self) -> TextArea:
        return self.query_one(TextArea)

    @property
    def text(self) -> str:
        return self.text_area.text

    def set_text(self, text: str) -> None:
        """Replace the text without posting Changed (loading a saved value)."""
        area = self.text_area
        if area.text != text:  # the same text: the view already shows it
            with self.prevent(TextArea.Changed):
                area.load_text(text)
            self.refresh_view()

    def set_context(self, candidates: Candidates, values: dict[str, str]) -> None:
        """The plausible values (for the SMS range) and the preview's sample values."""
        if candidates is self.candidates and values == self.values:
            return  # the view already shows them
        self.candidates = candidates
        self.values = values
        self.refresh_view()

    def insert_field(self, key: str) -> None:
        """Insert ``{key}`` at the cursor (replacing a selection)."""
        area = self.text_area
        area.replace(tpl.FIELDS_BY_KEY[key].token, *area.selection)
        area.focus()

    # -- view -----------------------------------------------------------------------------------
    def refresh_view(self) -> None:
        if not self._composed:
            return
        source = tpl.effective_template(self.channel, self.kind, self.text)
        rendered = tpl.render(source, self.values, kind=self.kind, strict=False)
        shown = Text(rendered)
        if self.channel is Channel.SMS:
            for i in sms.ucs2_positions(rendered):  # characters forcing UCS-2, marked
                shown.stylize("reverse bold", i, i + 1)
            self._show_counter(source, rendered)
        self.query_one(".preview", Static).update(shown)

    def _show_counter(self, source: str, rendered: str) -> None:
        counter = self.query_one(".counter", Static)
        example = sms.count(rendered)
        estimate = sms.estimate(source, self.candidates.values, self.kind)
        text = Text()
        text.append(f"Exempel: {example.summary()}\n")
        text.append(f"Uppskattad längd: {estimate.summary()}")
        literal = tpl.parse(source, self.kind).literal_text
        forcing = sms.ucs2_positions(literal)
        if forcing:
            text.append("\nTecken som kräver UCS-2: ")
            seen: list[str] = []
            for i in forcing:
                if literal[i] not in seen:
                    seen.append(literal[i])
            for n, ch in enumerate(seen):
                if n:
                    text.append(" ")
                text.append(f" {ch} ", style="reverse bold")
        counter.update(text)  # the warning itself is in the field's problem line above
        counter.set_class(bool(estimate.warning), "-warning")

    # -- events ---------------------------------------------------------------------------------
    @on(TextArea.Changed)
    def _changed(self, event: TextArea.Changed) -> None:
        event.stop()
        self.refresh_view()
        self.post_message(self.Changed(self, self.text))

    @on(Select.Changed)
    def _picked(self, event: Select.Changed) -> None:
        event.stop()
        value = event.value
        if isinstance(value, str):
            self.insert_field(value)
            with self.prevent(Select.Changed):
                event.select.clear()

    @on(Button.Pressed, ".use-standard")
    def _use_standard(self, event: Button.Pressed) -> None:
        """Put the standard text into the editor to start from it (an edit: Ctrl+Z brings back
        what was there; load_text dropped the undo history with the user's own text)."""
        event.stop()
        area = self.text_area
        document = area.document
        area.replace(tpl.standard_text(self.channel, self.kind), document.start, document.end)
        area.focus()

    def action_pick_field(self) -> None:
        picker = self.query_one(Select)
        self._from_text = self.app.focused is self.text_area
        picker.focus()
        picker.expanded = True
