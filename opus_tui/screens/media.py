"""Media: four sub-tabs as in the manual — Generella texter, Kliniktext (standard text and a
clinic picker for clinic-specific texts), Media (colour with swatch and contrast, logo) and
Avvikelser (the three notices, each with "Återställ standardtext").

Texts use the light markup of ``docs/texts.md``; links and HTML are checked by
``services.sanitize`` and a bad link blocks Spara."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.color import Color
from textual.containers import Horizontal
from textual.widgets import Button, Input, Label, Select, Static, TabbedContent, TabPane, TextArea

from opus_tui.domain import standard_texts
from opus_tui.domain.catalogue import Catalogue
from opus_tui.domain.config import (
    Branding,
    ClinicText,
    ClinicTexts,
    DeviationTexts,
    GeneralTexts,
    MediaSettings,
)
from opus_tui.domain.fields import help_of, label_of
from opus_tui.domain.problems import Problem
from opus_tui.resources import stylesheet
from opus_tui.screens.base import TabScreen
from opus_tui.services import colours, content_checks, sanitize
from opus_tui.services.paths import expanded, typed_image_path
from opus_tui.widgets.field import ErrorSlots, FieldLabel
from opus_tui.widgets.image_view import ImageView

MARKUP_HINT = "Tom rad = nytt stycke · **fet** · _kursiv_ · - punktlista · [text](https://…)"

# text area id → (sub-section, field)
TEXT_AREAS: dict[str, tuple[str, str]] = {
    "welcome_text": ("texts", "welcome_text"),
    "patient_info_text": ("texts", "patient_info_text"),
    "standard-body": ("clinic_texts", "body"),
    "dev-new_booking_disabled": ("deviations", "new_booking_disabled"),
    "dev-maintenance": ("deviations", "maintenance"),
    "dev-not_published": ("deviations", "not_published"),
}
DEVIATION_STANDARD: dict[str, str] = {
    "new_booking_disabled": standard_texts.NEW_BOOKING_DISABLED,
    "maintenance": standard_texts.MAINTENANCE,
    "not_published": standard_texts.NOT_PUBLISHED,
}
NO_CLINIC = "(välj klinik)"
LOGO_LIMITS = "Högst 200 kB och 1000×400 bildpunkter."
HEX_WITHOUT_HASH = re.compile(r"[0-9A-Fa-f]{6}")
PER_CLINIC = ("media", "clinic_texts", "per_clinic")

ClinicKey = tuple[str, str]


def _preview(area_id: str) -> Static:
    """The text as the booking page will show it (markup rendered), under its editor."""
    return Static("", id=f"{area_id}-preview", classes="rendered", markup=False)


def _text_area(
    text: str, id: str, tooltip: str, placeholder: str = "", tall: bool = False
) -> TextArea:
    area = TextArea(text, id=id, soft_wrap=True, placeholder=placeholder, classes="text-field")
    area.set_class(tall, "-tall")
    area.tooltip = tooltip
    return area


class MediaScreen(TabScreen):
    SECTION = "media"
    CSS_PATH = stylesheet("content.tcss")

    def __init__(self) -> None:
        super().__init__()
        self.clinic: ClinicKey | None = None
        self.logo_problem: str | None = None
        self.logo_info: str = ""
        self.error_slots = ErrorSlots()  # a line under each field, mounted when it has a problem
        for path, after in (
            *((("media", "texts", name), name) for name in ("welcome_text", "patient_info_text")),
            (("media", "clinic_texts", "header"), "standard-header"),
            (("media", "clinic_texts", "body"), "standard-body"),
            (PER_CLINIC, "clinic-body"),
            (("media", "branding", "colour"), "colour"),
            (("media", "branding", "logo"), "logo"),
            *(
                (("media", "deviations", name), f"restore-row-{name}")
                for name in DEVIATION_STANDARD
            ),
        ):
            self.error_slots.add(path, after)

    # -- composition ----------------------------------------------------------------------------
    def compose_content(self) -> ComposeResult:
        value: MediaSettings = self.current_value()
        with TabbedContent(id="media-tabs"):
            with TabPane("Generella texter", id="pane-texts"):
                yield from self._compose_texts(value.texts)
            with TabPane("Kliniktext", id="pane-clinic"):
                yield from self._compose_clinic(value.clinic_texts)
            with TabPane("Media", id="pane-media"):
                yield from self._compose_branding(value.branding)
            with TabPane("Avvikelser", id="pane-deviations"):
                yield from self._compose_deviations(value.deviations)

    def _compose_texts(self, texts: GeneralTexts) -> ComposeResult:
        yield Static(MARKUP_HINT, classes="standard-note", markup=False)
        for name, placeholder in (
            ("welcome_text", ""),
            ("patient_info_text", standard_texts.PATIENT_INFO),
        ):
            yield FieldLabel(GeneralTexts, name)
            yield _text_area(
                getattr(texts, name), name, help_of(GeneralTexts, name), placeholder, tall=True
            )
            yield _preview(name)

    def _compose_clinic(self, texts: ClinicTexts) -> ComposeResult:
        yield Label("Standard kliniktext", classes="group-title")
        yield FieldLabel(ClinicTexts, "header")
        header = Input(texts.header, id="standard-header", compact=True)
        header.tooltip = help_of(ClinicTexts, "header")
        yield header
        yield FieldLabel(ClinicTexts, "body")
        yield _text_area(texts.body, "standard-body", help_of(ClinicTexts, "body"))
        yield _preview("standard-body")
        yield Label(label_of(ClinicTexts, "per_clinic"), classes="group-title")
        picker: Select[str] = Select(
            self._clinic_options(), prompt=NO_CLINIC, id="clinic", compact=True
        )
        picker.tooltip = "Välj klinik; dess text ersätter standardtexten i steget Behandling"
        yield picker
        yield Label(label_of(ClinicText, "header"), classes="field-label")
        clinic_header = Input("", id="clinic-header", compact=True, disabled=True)
        clinic_header.tooltip = "Klinikens egen överskrift i steget Behandling"
        yield clinic_header
        yield Label(label_of(ClinicText, "body"), classes="field-label")
        yield _text_area(
            "",
            "clinic-body",
            "Klinikens text i steget Behandling; tom text och överskrift ger standardtexten",
        )
        yield _preview("clinic-body")
        yield Static("", id="clinics-with-text", classes="standard-note", markup=False)

    def _compose_branding(self, branding: Branding) -> ComposeResult:
        yield FieldLabel(Branding, "colour")
        colour = Input(branding.colour, id="colour", compact=True, max_length=7)
        colour.tooltip = help_of(Branding, "colour")
        yield colour
        with Horizontal(classes="swatch-row"):
            yield Static("", id="swatch")
            yield Static("", id="contrast")
        yield FieldLabel(Branding, "logo")
        logo = Input(
            branding.logo, id="logo", compact=True, placeholder="sökväg till PNG eller JPEG"
        )
        logo.tooltip = f"{help_of(Branding, 'logo')} {LOGO_LIMITS}"
        yield logo
        yield Static("", id="logo-info", classes="standard-note", markup=False)
        yield ImageView(None, empty="(ingen logotyp)", id="logo-view")

    def _compose_deviations(self, deviations: DeviationTexts) -> ComposeResult:
        yield Label("Avvikelsestexter på portal", classes="group-title")
        for name, standard in DEVIATION_STANDARD.items():
            yield FieldLabel(DeviationTexts, name)
            yield _text_area(
                getattr(deviations, name),
                f"dev-{name}",
                help_of(DeviationTexts, name),
                placeholder=standard,
            )
            with Horizontal(id=f"restore-row-{name}", classes="restore-row"):
                yield Button(
                    "Återställ standardtext",
                    id=f"restore-{name}",
                    compact=True,
                    tooltip="Töm fältet så att standardtexten visas",
                )
            yield _preview(f"dev-{name}")

    # -- loading --------------------------------------------------------------------------------
    def on_mount(self) -> None:  # TabScreen's runs too (Textual calls each class's)
        self.opus.catalogue_changed.subscribe(self, self._catalogue_arrived)

    def _catalogue_arrived(self, catalogue: Catalogue) -> None:
        picker = self.query_one("#clinic", Select)
        current = picker.value
        picker.set_options(self._clinic_options())
        if isinstance(current, str):
            with self.prevent(Select.Changed):
                picker.value = current

    def _clinic_options(self) -> list[tuple[str, str]]:
        catalogue = self.opus.catalogue
        options: dict[str, str] = {}
        if catalogue is not None:
            for c in catalogue.clinics:
                options[f"{c.database}\x1f{c.clinic_id}"] = f"{c.name} ({c.database})"
        value: MediaSettings = self.current_value()
        for t in value.clinic_texts.per_clinic:
            options.setdefault(f"{t.database}\x1f{t.clinic_id}", f"{t.clinic_id} ({t.database})")
        return [(label, key) for key, label in options.items()]

    def load(self, value: Any) -> None:
        assert isinstance(value, MediaSettings)
        for area_id, (sub, name) in TEXT_AREAS.items():
            self._set_area(area_id, getattr(getattr(value, sub), name))
        self._set_input("standard-header", value.clinic_texts.header)
        self._set_input("colour", value.branding.colour)
        self._set_input("logo", value.branding.logo)
        self._load_clinic(value)
        self._show_colour(value.branding.colour)
        self._check_logo(value.branding.logo)

    def _set_area(self, area_id: str, text: str) -> None:
        area = self.query_one(f"#{area_id}", TextArea)
        if area.text != text:
            with self.prevent(TextArea.Changed):
                area.load_text(text)
        self._show_preview(area)

    def _show_preview(self, area: TextArea) -> None:
        shown = area.text  # empty: the placeholder already shows the standard text
        preview = self.query_one(f"#{area.id}-preview", Static)
        preview.update(sanitize.to_rich(shown) if shown.strip() else "")
        preview.set_class(bool(shown.strip()), "-shown")

    def _set_input(self, input_id: str, text: str) -> None:
        field = self.query_one(f"#{input_id}", Input)
        if field.value != text:
            with self.prevent(Input.Changed):
                field.value = text

    def _clinic_entry(self, value: MediaSettings) -> ClinicText | None:
        if self.clinic is None:
            return None
        for t in value.clinic_texts.per_clinic:
            if (t.database, t.clinic_id) == self.clinic:
                return t
        return None

    def _load_clinic(self, value: MediaSettings) -> None:
        entry = self._clinic_entry(value)
        enabled = self.clinic is not None
        self.query_one("#clinic-header", Input).disabled = not enabled
        self.query_one("#clinic-body", TextArea).disabled = not enabled
        self._set_input("clinic-header", entry.header if entry else "")
        self._set_area("clinic-body", entry.body if entry else "")
        names = []
        catalogue = self.opus.catalogue
        for t in value.clinic_texts.per_clinic:
            clinic = catalogue.clinic(t.database, t.clinic_id) if catalogue else None
            names.append(clinic.name if clinic else t.clinic_id)
        note = "Kliniker med egen text: " + (", ".join(names) if names else "inga")
        self.query_one("#clinics-with-text", Static).update(note)

    # -- editing --------------------------------------------------------------------------------
    def _set(self, sub: str, name: str, new: Any) -> None:
        value: MediaSettings = self.current_value()
        part = getattr(value, sub).model_copy(update={name: new})
        self.edit(value.model_copy(update={sub: part}))

    @on(TextArea.Changed)
    def _area_changed(self, event: TextArea.Changed) -> None:
        if event.text_area.id and self.query(f"#{event.text_area.id}-preview"):
            self._show_preview(event.text_area)
        area_id = event.text_area.id or ""
        if area_id in TEXT_AREAS:
            sub, name = TEXT_AREAS[area_id]
            self._set(sub, name, event.text_area.text)
        elif area_id == "clinic-body":
            self._set_clinic_text(body=event.text_area.text)

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        match event.input.id:
            case "standard-header":
                self._set("clinic_texts", "header", event.value)
            case "clinic-header":
                self._set_clinic_text(header=event.value)
            case "colour":
                colour = event.value.strip()
                if HEX_WITHOUT_HASH.fullmatch(colour):  # copied without '#': the rule wants it
                    colour = f"#{colour}"
                    with self.prevent(Input.Changed):
                        event.input.value = colour
                        event.input.cursor_position = len(colour)
                self._set("branding", "colour", colour)
                self._show_colour(colour)
            case "logo":
                logo = typed_image_path(event.value, self.current_value().branding.logo)
                self._set("branding", "logo", logo)
                self._check_logo(logo)
            case _:
                pass

    def stored_paths(self) -> dict[str, str]:
        return {"logo": self.current_value().branding.logo}

    @on(Select.Changed, "#clinic")
    def _clinic_picked(self, event: Select.Changed) -> None:
        value = event.value
        if isinstance(value, str) and "\x1f" in value:
            database, clinic_id = value.split("\x1f", 1)
            self.clinic = (database, clinic_id)
        else:
            self.clinic = None
        self._load_clinic(self.current_value())

    def _set_clinic_text(self, *, header: str | None = None, body: str | None = None) -> None:
        if self.clinic is None:
            return
        value: MediaSettings = self.current_value()
        entry = self._clinic_entry(value)
        new_header = header if header is not None else (entry.header if entry else "")
        new_body = body if body is not None else (entry.body if entry else "")
        others = [
            t for t in value.clinic_texts.per_clinic if (t.database, t.clinic_id) != self.clinic
        ]
        if new_header or new_body:
            database, clinic_id = self.clinic
            # unvalidated: the draft may hold a too-long text, reported as a field error
            others.append(
                ClinicText.model_construct(
                    database=database, clinic_id=clinic_id, header=new_header, body=new_body
                )
            )
        self._set("clinic_texts", "per_clinic", others)
        self._load_clinic(self.current_value())

    @on(Button.Pressed)
    def _restore(self, event: Button.Pressed) -> None:
        button_id = event.button.id or ""
        if button_id.startswith("restore-"):
            name = button_id.removeprefix("restore-")
            area = self.query_one(f"#dev-{name}", TextArea)
            document = area.document
            # an edit (Changed empties the draft's text): Ctrl+Z in the field brings it back
            area.replace("", document.start, document.end)
            self.notify(
                f"{label_of(DeviationTexts, name)}: standardtexten visas (Ctrl+Z i fältet ångrar).",
                title="Avvikelser",
            )

    # -- colour and logo ------------------------------------------------------------------------
    def _show_colour(self, raw: str) -> None:
        swatch = self.query_one("#swatch", Static)
        contrast = self.query_one("#contrast", Static)
        try:
            report = colours.contrast_report(raw)
        except colours.ColourError:
            swatch.styles.background = None
            swatch.update("")
            contrast.update("Ange färgen som #RRGGBB för att se kontrasten.")
            return
        swatch.styles.background = Color.parse(report.colour)
        swatch.styles.color = Color.parse(report.best_text)
        swatch.update(f"Aa {report.colour}")
        text = Text()
        for name, ratio in (("Vit", report.white), ("Svart", report.black)):
            ok = ratio >= colours.AA_NORMAL
            text.append(f"{name} text: {colours.format_ratio(ratio)} ")
            text.append(
                "✓ godkänd (WCAG AA)\n" if ok else "⚠ under 4,5:1\n", style="" if ok else "bold"
            )
        contrast.update(text)

    def _check_logo(self, raw: str) -> None:
        view = self.query_one("#logo-view", ImageView)
        if not raw:
            self.logo_problem, self.logo_info = None, ""
            self.query_one("#logo-info", Static).update(LOGO_LIMITS)
            view.set_source(None)
            return
        self._fit_logo(expanded(raw))

    @work(thread=True, exclusive=True, group="logo", exit_on_error=False)
    def _fit_logo(self, path: Path) -> None:
        from opus_tui.services.images import ImageError, fit_logo

        info = ""
        data: bytes | None = None
        # warms the cache of the same check the app runs on the draft
        problem = content_checks.logo_problem(str(path))
        if problem is None:
            try:
                fitted = fit_logo(path)
            except ImageError as exc:
                problem = str(exc)
            else:
                data = fitted.data
                size = f"{fitted.size[0]}×{fitted.size[1]}"
                kb = f"{fitted.bytes / 1024:.1f}".replace(".", ",")
                if fitted.notes:
                    info = f"{fitted.format} {size}, {kb} kB efter anpassning: " + " ".join(
                        fitted.notes
                    )
                else:
                    info = f"{fitted.format} {size}, {kb} kB – inom gränserna."
        self.app.call_from_thread(self._logo_checked, str(path), problem, info, data)

    def _logo_checked(self, raw: str, problem: str | None, info: str, data: bytes | None) -> None:
        current = self.current_value().branding.logo
        if str(expanded(current)) != raw:
            return
        self.logo_problem, self.logo_info = problem, info
        # a problem is in the field's error line; here the limits (it was said twice)
        self.query_one("#logo-info", Static).update(info or LOGO_LIMITS)
        self.query_one("#logo-view", ImageView).set_source(data)
        self._refresh_problems()

    # -- problems -------------------------------------------------------------------------------
    def show_problems(self, problems: list[Problem]) -> None:
        self.error_slots.place(self, problems)
        super().show_problems(problems)

    def section_problems(self) -> list[Problem]:
        problems = content_checks.dedupe(super().section_problems())
        return [self._name_clinic(p) for p in problems]

    def _per_clinic_key(self, problem: Problem) -> ClinicKey | None:
        """The clinic whose own text ``problem`` is about, or None."""
        path = problem.path
        if path[:3] != PER_CLINIC or len(path) < 4 or not isinstance(path[3], int):
            return None
        entries = self.current_value().clinic_texts.per_clinic
        if not 0 <= path[3] < len(entries):
            return None
        entry = entries[path[3]]
        return (entry.database, entry.clinic_id)

    def _name_clinic(self, problem: Problem) -> Problem:
        """A clinic-specific text's problem names its clinic (the picker may show another)."""
        key = self._per_clinic_key(problem)
        if key is None:
            return problem
        catalogue = self.opus.catalogue
        clinic = catalogue.clinic(*key) if catalogue else None
        return problem.of(clinic.name if clinic else key[1])

    def action_save(self) -> None:
        """A refused Spara shows the clinic whose own text has the first error, at its field."""
        errors = [p for p in self.section_problems() if p.is_error] if self.started else []
        key = self._per_clinic_key(errors[0]) if errors else None
        if key is not None and key != self.clinic:
            self.clinic = key
            with self.prevent(Select.Changed):
                self.query_one("#clinic", Select).value = f"{key[0]}\x1f{key[1]}"
            self._load_clinic(self.current_value())
        super().action_save()
        if key is not None:
            field = "#clinic-header" if errors[0].path[-1] == "header" else "#clinic-body"
            self.query_one(field).focus()

    def extra_problems(self) -> Iterable[Problem]:
        value: MediaSettings = self.current_value()
        found = content_checks.media_problems(value)
        if self.logo_problem and value.branding.logo:
            found.append(
                Problem(
                    ("media", "branding", "logo"),
                    self.logo_problem,
                    "error",
                    value.branding.logo,
                    label_of(Branding, "logo"),
                )
            )
        return found
