"""Behandlare: per published practitioner a photo (path or directory tree; the reference is stored,
name and size shown, the image as half blocks and its size after fitting, computed in a worker)
and a text with a live count against its limit; Hantera behandlarsamtycke."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DirectoryTree, Input, Label, OptionList, Static

from opus_tui.domain.config import (
    PHOTO_MAX_BYTES,
    Consent,
    PractitionerProfile,
    PractitionerSettings,
)
from opus_tui.domain.fields import label_of, max_length_of
from opus_tui.resources import stylesheet
from opus_tui.screens.base import TabScreen
from opus_tui.screens.consent import ConsentScreen
from opus_tui.screens.help import DIALOG_HELP
from opus_tui.services.paths import expanded, typed_image_path
from opus_tui.widgets.field import FieldError, FieldLabel
from opus_tui.widgets.flat_list import FlatOptionList
from opus_tui.widgets.image_view import ImageView

TEXT_MAX = max_length_of(PractitionerProfile, "text") or 100
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg"}
# the manual's note under the photo; larger photos are fitted when published
PHOTO_NOTE = (
    f"* Maxstorlek på bild som laddas upp är {PHOTO_MAX_BYTES // 1024} kb "
    "(större bilder anpassas vid publicering)."
)


SEP = "\x1f"  # between the database and the practitioner's id in the list's option ids


def _key(option_id: str) -> tuple[str, str]:
    """(database, practitioner_id) of a row of the list."""
    database, _, practitioner_id = option_id.partition(SEP)
    return database, practitioner_id


def photo_info(reference: str) -> str:
    """The chosen file's name and size, in words."""
    if not reference.strip():
        return "Ingen bild vald."
    path = expanded(reference.strip())
    try:
        size = path.stat().st_size
    except OSError:
        return f"{path.name}: filen finns inte eller kan inte läsas."
    if not path.is_file():
        return f"{path.name}: är inte en fil."
    text = f"{path.name} — {size / 1024:.1f} kB"
    if size > PHOTO_MAX_BYTES:
        text += f" (större än {PHOTO_MAX_BYTES // 1024} kB)"
    if path.suffix.lower() not in IMAGE_SUFFIXES:
        text += " — väntade PNG eller JPEG"
    return text


class ImageTree(DirectoryTree):
    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [
            p
            for p in paths
            if not p.name.startswith(".") and (p.is_dir() or p.suffix.lower() in IMAGE_SUFFIXES)
        ]


class FilePicker(ModalScreen[str | None]):
    """Choose an image from a directory tree; Escape cancels."""

    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        Binding("escape", "cancel", "Avbryt", id="picker.cancel", tooltip="Stäng utan att välja"),
        DIALOG_HELP,
    ]

    def __init__(self, start: Path) -> None:
        super().__init__(classes="dialog")
        self.start = start

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog-box", classes="picker"):
            yield Label(f"Välj bild i {self.start}", id="dialog-title")
            yield ImageTree(self.start, id="tree")
            yield Static("Enter väljer filen. Escape avbryter.", classes="hint")

    def on_mount(self) -> None:
        self.query_one(ImageTree).focus()

    @on(DirectoryTree.FileSelected)
    def _chosen(self, event: DirectoryTree.FileSelected) -> None:
        self.dismiss(str(event.path))

    def action_cancel(self) -> None:
        self.dismiss(None)


class PractitionersScreen(TabScreen):
    SECTION = "practitioners"
    CSS_PATH = stylesheet("practitioners.tcss")
    CONTENT_SCROLLS = False
    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        Binding(
            "f6",
            "consent",
            "Samtycke",
            id="practitioners.consent",
            tooltip="Hantera behandlarsamtycke",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.chosen: tuple[str, str] | None = None  # (database, practitioner_id)
        # option id (database SEP practitioner_id) → name, → its clinics; in the list's order
        self._names: dict[str, str] = {}
        self._clinics: dict[str, str] = {}
        self._people_of: object = None  # the ClinicsSettings the list was made from

    def compose_content(self) -> ComposeResult:
        with Horizontal(id="practitioner-columns"):
            people = FlatOptionList(id="people", markup=False)
            people.border_title = "Tillagda behandlare"
            people.tooltip = "Välj behandlare för bild och text."
            yield people
            with Vertical(id="profile"):
                yield Static("", id="who", markup=False)
                yield FieldLabel(PractitionerProfile, "photo")
                with Horizontal(id="photo-row"):
                    yield Input(placeholder="sökväg till PNG/JPEG", compact=True, id="photo")
                    yield Button("Bläddra…", id="browse", compact=True)
                with Horizontal(id="photo-box"):
                    yield ImageView(id="photo-view")
                    with Vertical(id="photo-text"):
                        yield Static("", id="photo-info", markup=False)
                        yield Static("", id="photo-fit", markup=False)
                        yield Static(PHOTO_NOTE, id="photo-note", markup=False)
                yield FieldError(("practitioners", "profiles", -1, "photo"), id="photo-error")
                yield FieldLabel(PractitionerProfile, "text")
                yield Input(placeholder="t.ex. Specialist i ortodonti", compact=True, id="text")
                yield Static("", id="text-count")
                yield FieldError(("practitioners", "profiles", -1, "text"), id="text-error")
                yield Button(label_of(PractitionerSettings, "consents"), id="consent", compact=True)
                yield FieldError(("practitioners",), id="practitioners-problems")

    # Textual calls TabScreen's on_mount and on_screen_resume too (after these): not super()
    def on_mount(self) -> None:
        self.query_one("#photo", Input).tooltip = PractitionerProfile.model_fields[
            "photo"
        ].description
        self.query_one("#text", Input).tooltip = PractitionerProfile.model_fields[
            "text"
        ].description

    def on_screen_resume(self) -> None:
        if self.opus.draft.clinics is not self._people_of:  # Kliniker changed meanwhile
            self._fill_people()

    # -- the list of practitioners --------------------------------------------------------------
    def load(self, value: Any) -> None:
        assert isinstance(value, PractitionerSettings)
        self._fill_people()

    def _fill_people(self) -> None:
        """The list's rows are made only as they are drawn (``FlatOptionList.set_rows``); a
        chain's 9 000 practitioners cost one pass over the clinics, kept as plain strings (no
        objects per row for the cycle collector to walk)."""
        clinics = self.opus.draft.clinics
        self._people_of = clinics
        names: dict[str, str] = {}
        where: dict[str, str] = {}
        for clinic in clinics.published:
            prefix, clinic_name = clinic.database + SEP, clinic.name or clinic.clinic_id
            for p in clinic.practitioners:
                option_id = prefix + p.practitioner_id
                if option_id in names:  # in several clinics of the database
                    where[option_id] += ", " + clinic_name
                else:
                    names[option_id] = p.name or p.practitioner_id
                    where[option_id] = clinic_name
        self._names, self._clinics = names, where
        ids = list(names)
        # the database only when there are several (a narrow list cuts long names)
        several = len({c.database for c in clinics.published if c.practitioners}) > 1

        def row(index: int) -> tuple[str, str]:
            option_id = ids[index]
            name = names[option_id]
            return option_id, f"{name} ({option_id.partition(SEP)[0]})" if several else name

        option_list = self.query_one("#people", FlatOptionList)
        option_list.set_rows(len(ids), row)
        if ids:
            chosen = SEP.join(self.chosen) if self.chosen else ""
            index = ids.index(chosen) if chosen in names else 0
            option_list.highlighted = index
            self._choose(_key(ids[index]))
        else:
            self._choose(None)

    @on(OptionList.OptionHighlighted, "#people")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        option_id = event.option.id or ""
        # a row of the list as it is now, not the one _fill_people has just chosen
        if option_id in self._names and _key(option_id) != self.chosen:
            self._choose(_key(option_id))

    def _choose(self, key: tuple[str, str] | None) -> None:
        self.chosen = key
        who = self.query_one("#who", Static)
        photo = self.query_one("#photo", Input)
        text = self.query_one("#text", Input)
        for widget in (photo, text, self.query_one("#browse", Button)):
            widget.disabled = key is None
        if key is None:
            who.update("Inga tillagda behandlare ännu. Lägg till behandlare under Kliniker.")
            profile = None
        else:
            option_id = SEP.join(key)
            who.update(f"{self._names[option_id]} — {self._clinics[option_id]} ({key[0]})")
            profile = self.current_value().profile(*key)
        with self.prevent(Input.Changed):
            photo.value = profile.photo if profile else ""
            text.value = profile.text if profile else ""
        self._show_photo(photo.value)
        self._show_count(text.value)
        index = self._profile_index()
        self.query_one("#photo-error", FieldError).path = (
            "practitioners",
            "profiles",
            index,
            "photo",
        )
        self.query_one("#text-error", FieldError).path = (
            "practitioners",
            "profiles",
            index,
            "text",
        )
        self._refresh_problems()

    def _profile_index(self) -> int:
        if self.chosen is None:
            return -1
        settings: PractitionerSettings = self.current_value()
        for i, p in enumerate(settings.profiles):
            if (p.database, p.practitioner_id) == self.chosen:
                return i
        return -1

    # -- edits ----------------------------------------------------------------------------------
    def _edit_profile(self, **changes: str) -> None:
        if self.chosen is None:
            return
        settings: PractitionerSettings = self.current_value()
        profiles = list(settings.profiles)
        index = self._profile_index()
        if index < 0:
            database, practitioner_id = self.chosen
            profile = PractitionerProfile(database=database, practitioner_id=practitioner_id)
            profiles.append(profile.model_copy(update=changes))
        else:
            profiles[index] = profiles[index].model_copy(update=changes)
        profiles = [p for p in profiles if p.photo or p.text]
        self.edit(settings.model_copy(update={"profiles": profiles}))
        index = self._profile_index()
        self.query_one("#photo-error", FieldError).path = (
            "practitioners",
            "profiles",
            index,
            "photo",
        )
        self.query_one("#text-error", FieldError).path = (
            "practitioners",
            "profiles",
            index,
            "text",
        )

    @on(Input.Changed, "#photo")
    def _photo_changed(self, event: Input.Changed) -> None:
        photo = typed_image_path(event.value, self._stored_photo())
        self._edit_profile(photo=photo)
        self._show_photo(photo)

    def _stored_photo(self) -> str:
        profile = self.current_value().profile(*self.chosen) if self.chosen else None
        return profile.photo if profile else ""

    def stored_paths(self) -> dict[str, str]:
        return {"photo": self._stored_photo()} if self.chosen is not None else {}

    @on(Input.Changed, "#text")
    def _text_changed(self, event: Input.Changed) -> None:
        self._edit_profile(text=event.value)
        self._show_count(event.value)

    def _show_photo(self, reference: str) -> None:
        self.query_one("#photo-info", Static).update(photo_info(reference))
        path = expanded(reference.strip()) if reference.strip() else None
        shown = path if path is not None and path.is_file() else None
        view = self.query_one("#photo-view", ImageView)
        fit = self.query_one("#photo-fit", Static)
        view.display = fit.display = shown is not None
        if view.source != shown:
            view.set_source(shown)
        fit.remove_class("-error")
        fit.update("Beräknar storleken efter anpassning…" if shown else "")
        if shown is not None:
            self._fit_size(shown)

    @work(thread=True, exclusive=True, group="photo-fit", exit_on_error=False)
    def _fit_size(self, path: Path) -> None:
        """The photo's size after fitting (as publishing uploads it), or why it is refused."""
        from opus_tui.services.images import ImageError, fit_photo

        try:
            fitted = fit_photo(path)
        except ImageError as exc:
            self.app.call_from_thread(self._fitted, path, str(exc), True)
            return
        kb = f"{fitted.bytes / 1024:.0f}"
        text = f"Blir {kb} kB efter anpassning (JPEG {fitted.size[0]}×{fitted.size[1]})."
        self.app.call_from_thread(self._fitted, path, text, False)

    def _fitted(self, path: Path, text: str, refused: bool) -> None:
        if self.query_one("#photo-view", ImageView).source != path:
            return  # another photo was chosen meanwhile
        fit = self.query_one("#photo-fit", Static)
        fit.update(text)
        fit.set_class(refused, "-error")

    def _show_count(self, text: str) -> None:
        count = self.query_one("#text-count", Static)
        count.update(f"{len(text)}/{TEXT_MAX} tecken")
        count.set_class(len(text) > TEXT_MAX, "-over")

    @on(Button.Pressed, "#browse")
    def _browse(self) -> None:
        current = expanded(self.query_one("#photo", Input).value.strip() or ".")
        start = (
            current.parent if current.is_file() else (current if current.is_dir() else Path.cwd())
        )
        self.app.push_screen(FilePicker(start.resolve()), self._picked)

    def _picked(self, path: str | None) -> None:
        if path:
            self.query_one("#photo", Input).value = path  # Changed updates the draft

    # -- consent --------------------------------------------------------------------------------
    @on(Button.Pressed, "#consent")
    def _consent_pressed(self) -> None:
        self.action_consent()

    def action_consent(self) -> None:
        self.app.push_screen(
            ConsentScreen(self.opus.draft.clinics, self.current_value()), self._consented
        )

    def _consented(self, consents: list[Consent] | None) -> None:
        if consents is None:
            return
        settings: PractitionerSettings = self.current_value()
        self.edit(settings.model_copy(update={"consents": consents}))
