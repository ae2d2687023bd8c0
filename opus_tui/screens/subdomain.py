"""Underdomän: the name with live validation, the full address and Kontrollera tillgänglighet.

A name the portal says is taken cannot be saved; a name whose availability could not be checked
is saved with a warning that says so (the publish step checks again)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Button, Input, Static

from opus_tui.domain.config import PORTAL_DOMAIN, SubdomainSettings, subdomain_rule
from opus_tui.domain.fields import help_of, label_of
from opus_tui.domain.problems import Problem
from opus_tui.resources import stylesheet
from opus_tui.screens.base import TabScreen
from opus_tui.widgets.field import FieldError, FieldLabel

PATH = ("subdomain", "name")
LABEL = label_of(SubdomainSettings, "name")
UNCHECKED = "tillgängligheten är okontrollerad"
TAKEN = "namnet är upptaget hos portalen; välj ett annat namn"


def subdomain_of(raw: str) -> str:
    """The name as stored: lower case, without spaces, and without the rest of the address
    when the whole booking-page address is pasted ("https://x.opusdentalonline.com/" → "x")."""
    name = raw.strip().lower()
    for scheme in ("https://", "http://"):
        name = name.removeprefix(scheme)
    name = name.rstrip("/")
    suffix = f".{PORTAL_DOMAIN}"
    if name.endswith(suffix) and len(name) > len(suffix):
        name = name[: -len(suffix)]
    return name


@dataclass(frozen=True)
class Availability:
    name: str
    state: Literal["free", "ours", "taken", "unchecked"]
    message: str


def check_availability(store: Any, name: str) -> Availability:
    """Ask the portal (runs in a thread). Every failure becomes an 'unchecked' answer in words."""
    from opus_tui.domain.connections import API_KEY_SECRET

    try:
        from opus_tui.services.portal import PortalClient, PortalError
    except ImportError:
        return Availability(name, "unchecked", f"Portalen kan inte nås — {UNCHECKED}.")
    try:
        account = store.load_connections().account
        api_key = store.get_secret(API_KEY_SECRET)
    except Exception as exc:
        return Availability(name, "unchecked", f"{exc} — {UNCHECKED}.")
    if not api_key:
        return Availability(
            name,
            "unchecked",
            f"Portalen är inte konfigurerad (Konfiguration › Mitt konto) — {UNCHECKED}.",
        )
    try:
        with PortalClient(account.url, api_key, timeout=5.0) as client:
            answer = client.availability(name)
    except PortalError as exc:
        return Availability(name, "unchecked", f"{exc.message} — {UNCHECKED}.")
    except Exception:
        return Availability(name, "unchecked", f"Portalen kan inte nås — {UNCHECKED}.")
    if answer.OwnedByYou:
        return Availability(name, "ours", f"{name} är redan ert.")
    if answer.Available:
        return Availability(name, "free", f"{name} är ledigt.")
    return Availability(name, "taken", f"{name} är upptaget; välj ett annat namn.")


class SubdomainScreen(TabScreen):
    SECTION = "subdomain"
    CSS_PATH = stylesheet("subdomain.tcss")
    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        Binding(
            "f5",
            "check",
            "Kontrollera",
            id="subdomain.check",
            tooltip="Kontrollera tillgänglighet hos portalen",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.availability: dict[str, Availability] = {}

    def compose_content(self) -> ComposeResult:
        yield FieldLabel(SubdomainSettings, "name")
        name = Input(
            self.current_value().name,
            placeholder="t.ex. opustandlakarna",
            id="name",
        )
        name.tooltip = help_of(SubdomainSettings, "name")
        yield name
        yield FieldError(PATH)
        yield Static("", id="address", markup=False)
        with Horizontal(id="check-row"):
            yield Button("Kontrollera tillgänglighet", id="check", variant="primary")
        yield Static("", id="availability", markup=False)

    def load(self, value: Any) -> None:
        assert isinstance(value, SubdomainSettings)
        name = self.query_one("#name", Input)
        if name.value != value.name:
            with self.prevent(Input.Changed):
                name.value = value.name
        self._show_address(value.name)

    def _show_address(self, raw: str) -> None:
        name = subdomain_of(raw)
        address = self.query_one("#address", Static)
        if not name:
            address.update("Bokningssidans adress: (ingen underdomän vald)")
        elif subdomain_rule(name):
            address.update("Bokningssidans adress: (rätta underdomänen först)")
        else:
            address.update(f"Bokningssidans adress: https://{name}.{PORTAL_DOMAIN}")
        answer = self.availability.get(name)
        text = answer.message if answer else ""
        if answer is not None and any(p.message == TAKEN for p in self.extra_problems()):
            text = ""  # the error line under the name says it (it was said twice)
        shown = self.query_one("#availability", Static)
        shown.update(text)
        shown.set_class(answer is not None and answer.state == "taken", "-taken")
        shown.set_class(answer is not None and answer.state in ("free", "ours"), "-free")

    @on(Input.Changed, "#name")
    def _changed(self, event: Input.Changed) -> None:
        name = subdomain_of(event.value)
        field = event.input
        if name != event.value.strip().lower():  # a pasted address: the field shows the name
            with self.prevent(Input.Changed):
                field.value = name
                field.cursor_position = len(name)
        elif event.value != event.value.lower():  # shown as it is saved: in lower case
            cursor = field.cursor_position
            with self.prevent(Input.Changed):
                field.value = event.value.lower()
                field.cursor_position = cursor
        self.edit(self.current_value().model_copy(update={"name": name}))
        self._show_address(name)

    def extra_problems(self) -> Iterable[Problem]:
        name = self.current_value().name
        if not name or name == self.saved_value().name:
            return ()
        answer = self.availability.get(name)
        if answer is None:
            return ()
        if answer.state == "taken":
            return (Problem(PATH, TAKEN, "error", name, LABEL),)
        if answer.state == "unchecked":
            return (Problem(PATH, UNCHECKED, "warning", None, LABEL),)
        return ()

    @on(Button.Pressed, "#check")
    @on(Input.Submitted, "#name")
    def _pressed(self) -> None:
        """Kontrollera tillgänglighet: the button, F5, or Enter in the name (it did nothing)."""
        self.action_check()

    def action_check(self) -> None:
        name = self.current_value().name
        if not name or any(p.is_error for p in self.section_problems() if p.path == PATH):
            self.notify("Ange en giltig underdomän först.", severity="warning")
            return
        self.query_one("#availability", Static).update(f"Kontrollerar {name}…")
        self._check(name)

    @work(thread=True, exclusive=True, group="availability", exit_on_error=False)
    def _check(self, name: str) -> None:
        try:
            store = self.opus.require_store()
        except Exception as exc:
            answer = Availability(name, "unchecked", f"{exc} — {UNCHECKED}.")
        else:
            answer = check_availability(store, name)
        self.app.call_from_thread(self._checked, answer)

    def _checked(self, answer: Availability) -> None:
        self.availability[answer.name] = answer
        self._show_address(self.current_value().name)
        self._refresh_problems()

    def action_save(self) -> None:
        name = self.current_value().name
        answer = self.availability.get(name)
        blocked = any(p.is_error for p in self.section_problems())
        if name and name != self.saved_value().name and answer is None and not blocked:
            self.availability[name] = Availability(
                name, "unchecked", f"Inte kontrollerad — {UNCHECKED}. Tryck F5 för att kontrollera."
            )
            self._show_address(name)
        super().action_save()
        unchecked = answer is None or answer.state == "unchecked"
        if not blocked and unchecked and name and name != self.saved_value().name:
            self.notify(
                f"{name} sparas lokalt, men {UNCHECKED}; kontrollera före publicering.",
                severity="warning",
            )
