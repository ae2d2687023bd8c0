"""Konfiguration: Databaser (name, ODBC connection string, masked password kept apart, Testa
anslutning), Mitt konto (portal address, masked API key) and Certifikat (paths checked readable).

Not part of the web configuration: it is loaded from and saved to the store's connection settings;
passwords and keys are saved with the settings in one transaction (``store.save_connections``) and
are never shown again (only "sparat"). A saved secret is removed with the button under its field
("Ta bort sparat lösenord" …): marked in the draft, deleted at Spara, undone by Återställ."""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any, ClassVar

from pydantic import ValidationError
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Input, OptionList, Static, TabbedContent, TabPane
from textual.widgets.option_list import Option

from opus_tui.domain.connections import (
    API_KEY_SECRET,
    CERTIFICATE_KEY_PASSPHRASE_SECRET,
    CertificateSettings,
    ConnectionSettings,
    DatabaseProfile,
    PortalAccount,
    database_secret_name,
    plain_http_elsewhere,
)
from opus_tui.domain.fields import help_of, label_of
from opus_tui.domain.problems import Problem, problems_from_validation_error
from opus_tui.resources import stylesheet
from opus_tui.screens.base import TabScreen
from opus_tui.services.connection_files import file_problem
from opus_tui.services.paths import pinned_path
from opus_tui.widgets.field import ErrorSlots, FieldError, FieldLabel

PREFIX = ("connections",)
KEEP = "(sparat — skriv för att byta)"
DB_INPUTS = {"name": "#db-name", "connection_string": "#db-conn", "schema_map": "#db-schema"}
NONE = "(inget sparat)"
FORGET = "(sparat — tas bort vid Spara)"
UNREADABLE = "(sparat på en annan dator, kan inte läsas här — skriv in det igen)"


@dataclass(frozen=True)
class SecretField:
    """A masked field and the button under it that removes its saved secret."""

    input_id: str
    button_id: str
    remove: str  # the button's label while the secret is kept
    keep: str  # its label once the secret is marked for removal
    tooltip: str


DB_PASSWORD = SecretField(
    "db-password",
    "db-password-forget",
    "Ta bort sparat lösenord",
    "Behåll sparat lösenord",
    "Tar bort lösenordet vid Spara (t.ex. för Trusted_Connection); Ctrl+R ångrar.",
)
API_KEY = SecretField(
    "api-key",
    "api-key-forget",
    "Ta bort sparad API-nyckel",
    "Behåll sparad API-nyckel",
    "Tar bort API-nyckeln från datorn vid Spara; Ctrl+R (Återställ) ångrar.",
)
PASSPHRASE = SecretField(
    "key-passphrase",
    "key-passphrase-forget",
    "Ta bort sparad lösenfras",
    "Behåll sparad lösenfras",
    "Tar bort lösenfrasen vid Spara; Ctrl+R (Återställ) ångrar.",
)


@dataclass(frozen=True)
class ConnectionsDraft:
    """The Konfiguration tab's value: settings plus secrets typed but not yet saved."""

    settings: ConnectionSettings
    # database profile index -> the profile's name when loaded (None: new profile)
    original_names: tuple[str | None, ...] = ()
    secrets: tuple[tuple[str, str], ...] = ()  # ("db:<index>" | API_KEY_SECRET | ..., value)
    removed: tuple[str, ...] = ()  # names of removed profiles (their passwords are deleted)
    forget: tuple[str, ...] = ()  # keys as in ``secrets`` whose saved secret is deleted at Spara

    def secret(self, key: str) -> str | None:
        return dict(self.secrets).get(key)

    def with_secret(self, key: str, value: str) -> ConnectionsDraft:
        """A typed secret (it replaces the saved one, and a mark to remove it); an emptied
        field means "keep the saved one"."""
        secrets = dict(self.secrets)
        forget = self.forget
        if value:
            secrets[key] = value
            forget = tuple(k for k in forget if k != key)
        else:
            secrets.pop(key, None)
        return replace(self, secrets=tuple(secrets.items()), forget=forget)

    def with_forget(self, key: str, forget: bool) -> ConnectionsDraft:
        """Mark (or unmark) the saved secret of ``key`` for removal at Spara."""
        rest = tuple(k for k in self.forget if k != key)
        return replace(self, forget=(*rest, key) if forget else rest)


def _pinned_files(settings: ConnectionSettings) -> ConnectionSettings:
    """Certificate, key and schema map paths as saved: absolute (``services.paths``), so that
    publishing and fetching from another working directory find the same files."""
    cert = settings.certificate
    certificate = cert.model_copy(
        update={
            "certificate_path": pinned_path(cert.certificate_path),
            "key_path": pinned_path(cert.key_path),
        }
    )
    databases = [
        d.model_copy(update={"schema_map": pinned_path(d.schema_map)}) for d in settings.databases
    ]
    return settings.model_copy(update={"certificate": certificate, "databases": databases})


class ConfigurationScreen(TabScreen):
    SECTION = "connections"
    CSS_PATH = stylesheet("configuration.tcss")
    CONTENT_SCROLLS = False
    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        Binding(
            "f5",
            "test_connection",
            "Testa",
            id="configuration.test",
            tooltip="Testa anslutningen till den valda databasen",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        empty = ConnectionsDraft(ConnectionSettings())
        self.saved_draft = empty
        self.draft_value = empty
        self.present: set[str] = set()  # secret names the store holds
        self.unreadable: set[str] = set()  # held, but not with this machine's key
        self.loaded = False
        self.db_index: int | None = None
        self._portal_label = ""  # the header's portal state after the last save
        self.error_slots = ErrorSlots()  # a line under a field, mounted when it has a problem

    # -- value hooks ----------------------------------------------------------------------------
    def current_value(self) -> Any:
        return self.draft_value

    def saved_value(self) -> Any:
        return self.saved_draft

    def is_dirty(self) -> bool:
        return self.draft_value != self.saved_draft

    def edit(self, value: Any) -> None:
        if value != self.draft_value:
            self.draft_value = value
            self._on_draft_changed(self.opus.draft)

    def revert(self) -> None:
        self.draft_value = self.saved_draft

    def show_problems(self, problems: list[Problem]) -> None:
        self.error_slots.place(self, problems)
        super().show_problems(problems)

    def section_problems(self) -> list[Problem]:
        settings = self.draft_value.settings
        found: list[Problem] = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a draft may hold unvalidated values
            data = settings.model_dump()
        try:
            ConnectionSettings.model_validate(data)
        except ValidationError as exc:
            found += problems_from_validation_error(exc, ConnectionSettings, PREFIX)
        found += self._schema_map_problems()
        found = [self._named(p) for p in found]
        url = settings.account.url
        if isinstance(url, str) and plain_http_elsewhere(url):
            found.append(
                Problem(
                    (*PREFIX, "account", "url"),
                    "måste börja med https:// (http:// går bara till den här datorn, "
                    "t.ex. portalemulatorn på 127.0.0.1)",
                    "error",
                    url,
                    label_of(PortalAccount, "url"),
                )
            )
        cert = settings.certificate
        for name in ("certificate_path", "key_path"):
            path = getattr(cert, name)
            why = file_problem(path, name) if isinstance(path, str) and path.strip() else None
            if why:
                label = label_of(CertificateSettings, name)
                found.append(Problem((*PREFIX, "certificate", name), why, "error", path, label))
        return found

    def _schema_map_problems(self) -> list[Problem]:
        """A database's own schema map must be a readable, valid mapping (it was saved as
        typed, and failed only at Testa anslutning or the catalogue fetch)."""
        found: list[Problem] = []
        label = label_of(DatabaseProfile, "schema_map")
        for index, profile in enumerate(self.draft_value.settings.databases):
            path = profile.schema_map
            if not isinstance(path, str) or not path.strip():
                continue
            why = file_problem(path, "schema_map")
            if why:
                key = (*PREFIX, "databases", index, "schema_map")
                found.append(Problem(key, why, "error", path, label))
        return found

    def _named(self, problem: Problem) -> Problem:
        """A database's problem names the database: "ODBC-anslutningssträng (Opus Lund)"."""
        rest = problem.path[len(PREFIX) :]
        databases = self.draft_value.settings.databases
        index = rest[1] if len(rest) >= 3 and rest[0] == "databases" else None
        if isinstance(index, int) and index < len(databases) and databases[index].name:
            return problem.of(databases[index].name)
        return problem

    def _focus_problem(self, problem: Problem) -> None:
        """A blocked save shows the faulty field: its sub-tab, its database, its input (the
        generic rule focused "Testa anslutning", the widget before the databases' error line)."""
        rest = problem.path[len(PREFIX) :]
        tabs = self.query_one("#connection-tabs", TabbedContent)
        if rest[:1] == ("databases",):
            tabs.active = "pane-databases"
            field = "name"
            if len(rest) >= 2 and isinstance(rest[1], int):
                index = rest[1]
                if index != self.db_index:
                    self.query_one("#db-list", OptionList).highlighted = index
                    self._show_db(index)
                field = str(rest[2]) if len(rest) >= 3 else field
            self.query_one(DB_INPUTS.get(field, "#db-name"), Input).focus()
            return
        if rest[:1] in (("account",), ("certificate",)):
            tabs.active = f"pane-{rest[0]}"
        super()._focus_problem(problem)

    def write(self, store: Any, value: Any) -> Any:
        assert isinstance(value, ConnectionsDraft)
        settings = _pinned_files(ConnectionSettings.model_validate(value.settings.model_dump()))
        # save_connections deletes first, then moves, then puts: a name freed here may be
        # taken by another renamed profile's move
        delete = [database_secret_name(name) for name in value.removed]
        move: dict[str, str] = {}
        put: dict[str, str | None] = {}
        for index, profile in enumerate(settings.databases):
            key = f"db:{index}"
            typed = value.secret(key)
            original = value.original_names[index] if index < len(value.original_names) else None
            target = database_secret_name(profile.name)
            old = database_secret_name(original) if original is not None else None
            if typed is not None:
                put[target] = typed
                if old is not None and old != target:  # the old name's password must not stay
                    delete.append(old)
            elif old is not None and key in value.forget:
                delete.append(old)
            elif old is not None and old != target:
                move[old] = target
        for key in (API_KEY_SECRET, CERTIFICATE_KEY_PASSPHRASE_SECRET):
            typed = value.secret(key)
            if typed is not None:
                put[key] = typed
            elif key in value.forget:
                delete.append(key)
        store.save_connections(settings, delete=delete, move=move, put=put)
        from opus_tui.services.publisher import status_label

        self._portal_label = status_label(store)  # an API key saved or removed changes it
        return None

    def after_save(self, value: Any) -> None:
        assert isinstance(value, ConnectionsDraft)
        if self._portal_label:  # the header said "ej konfigurerad" until the app restarted
            self.opus.set_portal_state(f"Portal: {self._portal_label}")
        self._load_from_store()

    # -- composition ----------------------------------------------------------------------------
    def compose_content(self) -> ComposeResult:
        with TabbedContent(id="connection-tabs"):
            with (
                TabPane(label_of(ConnectionSettings, "databases"), id="pane-databases"),
                Horizontal(id="databases"),
            ):
                with Vertical(id="db-side"):
                    db_list = OptionList(id="db-list")
                    db_list.border_title = label_of(ConnectionSettings, "databases")
                    db_list.tooltip = "↑/↓ väljer databas; dess fält står till höger (Tab)."
                    yield db_list
                    with Horizontal(classes="button-row"):
                        yield Button(
                            "Ny",
                            id="db-new",
                            compact=True,
                            tooltip="Lägger till en databas (sparas med Spara).",
                        )
                        yield Button(
                            "Ta bort",
                            id="db-remove",
                            compact=True,
                            tooltip="Tar bort den valda databasen vid Spara; Ctrl+R ångrar.",
                        )
                with VerticalScroll(id="db-fields", can_focus=False):
                    yield from self._db_input("name")
                    yield from self._db_input("connection_string")
                    yield Static("Lösenord", classes="field-label")
                    yield from self._secret_field(DB_PASSWORD)
                    yield from self._db_input("schema_map")
                    with Horizontal(classes="button-row"):
                        yield Button(
                            "Testa anslutning", id="db-test", compact=True, variant="primary"
                        )
                    yield Static("", id="db-result", markup=False)
                    yield FieldError((*PREFIX, "databases"), id="db-problems")
            with (
                TabPane(label_of(ConnectionSettings, "account"), id="pane-account"),
                VerticalScroll(can_focus=False),  # no Tab stop of its own
            ):
                yield from self._input(PortalAccount, "url", "account-url", ("account",))
                yield Static("API-nyckel", classes="field-label")
                yield from self._secret_field(API_KEY)
                yield Static("Nyckeln visas aldrig; den sparas krypterad.", classes="hint")
            with (
                TabPane(label_of(ConnectionSettings, "certificate"), id="pane-certificate"),
                VerticalScroll(can_focus=False),  # no Tab stop of its own
            ):
                yield from self._input(
                    CertificateSettings, "certificate_path", "cert-path", ("certificate",)
                )
                yield Static("", id="cert-path-state", classes="hint", markup=False)
                yield from self._input(
                    CertificateSettings, "key_path", "key-path", ("certificate",)
                )
                yield Static("", id="key-path-state", classes="hint", markup=False)
                yield Static("Lösenfras för nyckeln", classes="field-label")
                yield from self._secret_field(PASSPHRASE)

    def _input(
        self,
        model: type[Any],
        name: str,
        widget_id: str,
        path: tuple[str, ...] | None = None,
    ) -> ComposeResult:
        yield FieldLabel(model, name)
        box = Input(compact=True, id=widget_id)
        box.tooltip = help_of(model, name) or None
        yield box
        if path is not None:
            self.error_slots.add((*PREFIX, *path, name), after=widget_id)

    def _db_input(self, name: str) -> ComposeResult:
        """A field of the chosen database with its own error line (its path follows the
        choice: ``_show_db``); the database's other problems go under Testa anslutning."""
        widget_id = DB_INPUTS[name].removeprefix("#")
        yield from self._input(DatabaseProfile, name, widget_id)
        yield FieldError((*PREFIX, "databases", -1, name), id=f"{widget_id}-error")

    def _secret_field(self, field: SecretField) -> ComposeResult:
        yield Input(password=True, compact=True, id=field.input_id)
        with Horizontal(classes="secret-actions") as row:
            row.display = False  # shown while the store holds the secret
            button = Button(field.remove, id=field.button_id, compact=True, classes="forget")
            button.tooltip = field.tooltip
            yield button

    def _show_secret(self, field: SecretField, key: str, name: str, enabled: bool = True) -> None:
        """The field's placeholder and its button from the draft: "sparat", "tas bort vid
        Spara", "kan inte läsas här" or "inget sparat"; the button only for a saved secret
        (``name`` in the store), usable while nothing new is typed (a typed one replaces it)."""
        value = self.draft_value
        unreadable = enabled and name in self.unreadable
        shown = enabled and (name in self.present or unreadable)
        marked = shown and key in value.forget
        box = self.query_one(f"#{field.input_id}", Input)
        box.placeholder = (
            FORGET if marked else UNREADABLE if unreadable else KEEP if shown else NONE
        )
        button = self.query_one(f"#{field.button_id}", Button)
        button.label = field.keep if marked else field.remove
        button.set_class(marked, "-marked")
        usable = shown and value.secret(key) is None
        if not usable and button.has_focus and not box.disabled:
            box.focus()  # the button goes away under the cursor (e.g. the secret was removed)
        button.disabled = not usable
        row = button.parent
        if isinstance(row, Widget):
            row.display = shown

    def _show_account_secrets(self) -> None:
        self._show_secret(API_KEY, API_KEY_SECRET, API_KEY_SECRET)
        self._show_secret(
            PASSPHRASE, CERTIFICATE_KEY_PASSPHRASE_SECRET, CERTIFICATE_KEY_PASSPHRASE_SECRET
        )

    def _show_db_secret(self) -> None:
        index = self.db_index
        original = self._original_name(index)
        name = database_secret_name(original) if original is not None else ""
        self._show_secret(DB_PASSWORD, f"db:{index}", name, enabled=original is not None)

    @on(Button.Pressed, ".forget")
    def _forget_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        button_id = event.button.id
        if button_id == DB_PASSWORD.button_id:
            if self.db_index is None:
                return
            key = f"db:{self.db_index}"
        elif button_id == API_KEY.button_id:
            key = API_KEY_SECRET
        elif button_id == PASSPHRASE.button_id:
            key = CERTIFICATE_KEY_PASSPHRASE_SECRET
        else:
            return
        value = self.draft_value
        self.edit(value.with_forget(key, key not in value.forget))
        self._show_db_secret()
        self._show_account_secrets()

    def on_mount(self) -> None:  # TabScreen's runs too (Textual calls each class's)
        self._load_from_store()

    @work(thread=True, exclusive=True, group="connections", exit_on_error=False)
    def _load_from_store(self) -> None:
        try:
            store = self.opus.require_store()
            settings = store.load_connections()
            names = [database_secret_name(d.name) for d in settings.databases]
            names += [API_KEY_SECRET, CERTIFICATE_KEY_PASSPHRASE_SECRET]
            states = {n: store.secret_state(n) for n in names}
        except Exception as exc:
            self.app.call_from_thread(
                self.notify, str(exc), title="Konfiguration", severity="error"
            )
            return
        self.app.call_from_thread(self._loaded, settings, states)

    def _loaded(self, settings: ConnectionSettings, states: dict[str, str]) -> None:
        draft = ConnectionsDraft(settings, tuple(d.name for d in settings.databases))
        self.saved_draft = self.draft_value = draft
        self.present = {n for n, state in states.items() if state == "readable"}
        self.unreadable = {n for n, state in states.items() if state == "unreadable"}
        self.loaded = True
        self.load(draft)
        self._refresh_problems()

    def load(self, value: Any) -> None:
        assert isinstance(value, ConnectionsDraft)
        settings = value.settings
        self._fill_db_list()
        with self.prevent(Input.Changed):
            self.query_one("#account-url", Input).value = settings.account.url
            self.query_one("#cert-path", Input).value = settings.certificate.certificate_path
            self.query_one("#key-path", Input).value = settings.certificate.key_path
            for widget_id, key in (
                ("#api-key", API_KEY_SECRET),
                ("#key-passphrase", CERTIFICATE_KEY_PASSPHRASE_SECRET),
            ):
                self.query_one(widget_id, Input).value = value.secret(key) or ""
        self._show_account_secrets()
        self._show_paths()

    # -- Databaser ------------------------------------------------------------------------------
    def _fill_db_list(self) -> None:
        db_list = self.query_one("#db-list", OptionList)
        databases = self.draft_value.settings.databases
        db_list.set_options(
            Option(d.name or "(namnlös)", id=str(i)) for i, d in enumerate(databases)
        )
        if databases:
            index = self.db_index if self.db_index is not None else 0
            index = min(index, len(databases) - 1)
            db_list.highlighted = index
            self._show_db(index)
        else:
            self._show_db(None)

    @on(OptionList.OptionHighlighted, "#db-list")
    def _db_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show_db(int(event.option.id or 0))

    def _show_db(self, index: int | None) -> None:
        self.db_index = index
        databases = self.draft_value.settings.databases
        profile = databases[index] if index is not None and index < len(databases) else None
        for widget_id in ("#db-name", "#db-conn", "#db-password", "#db-schema", "#db-test"):
            self.query_one(widget_id).disabled = profile is None
        with self.prevent(Input.Changed):
            self.query_one("#db-name", Input).value = profile.name if profile else ""
            self.query_one("#db-conn", Input).value = profile.connection_string if profile else ""
            self.query_one("#db-schema", Input).value = profile.schema_map if profile else ""
            typed = self.draft_value.secret(f"db:{index}") if index is not None else None
            self.query_one("#db-password", Input).value = typed or ""
        self._show_db_secret()
        self.query_one("#db-problems", FieldError).path = (
            (*PREFIX, "databases", index) if index is not None else (*PREFIX, "databases")
        )
        for name, widget_id in DB_INPUTS.items():  # -1: no database's problem lands there
            line = self.query_one(f"{widget_id}-error", FieldError)
            line.path = (*PREFIX, "databases", -1 if index is None else index, name)
        self._refresh_problems()  # the lines now show this database's problems
        self.query_one("#db-result", Static).update(
            "" if profile else "Inga databaser. Välj Ny för att lägga till en."
        )

    def _original_name(self, index: int | None) -> str | None:
        names = self.draft_value.original_names
        return names[index] if index is not None and index < len(names) else None

    def _edit_profile(self, **changes: str) -> None:
        index = self.db_index
        value = self.draft_value
        databases = list(value.settings.databases)
        if index is None or index >= len(databases):
            return
        databases[index] = databases[index].model_copy(update=changes)
        settings = value.settings.model_copy(update={"databases": databases})
        self.edit(replace(value, settings=settings))
        self._tested("")  # a result shown was for the database as it was
        if "name" in changes:
            self.query_one("#db-list", OptionList).replace_option_prompt(
                str(index), changes["name"] or "(namnlös)"
            )

    @on(Input.Changed, "#db-name")
    def _db_name(self, event: Input.Changed) -> None:
        self._edit_profile(name=event.value.strip())

    @on(Input.Changed, "#db-conn")
    def _db_conn(self, event: Input.Changed) -> None:
        self._edit_profile(connection_string=event.value.strip())

    @on(Input.Changed, "#db-schema")
    def _db_schema(self, event: Input.Changed) -> None:
        self._edit_profile(schema_map=event.value.strip())

    @on(Input.Changed, "#db-password")
    def _db_password(self, event: Input.Changed) -> None:
        if self.db_index is not None:
            self.edit(self.draft_value.with_secret(f"db:{self.db_index}", event.value))
            self._show_db_secret()
            self._tested("")  # a result shown was with the password as it was

    @on(Button.Pressed, "#db-new")
    def _db_new(self) -> None:
        value = self.draft_value
        databases = list(value.settings.databases)
        taken = {d.name for d in databases}
        name = next(f"Databas {n}" for n in range(1, 1000) if f"Databas {n}" not in taken)
        databases.append(DatabaseProfile.model_construct(name=name, connection_string=""))
        settings = value.settings.model_copy(update={"databases": databases})
        names = (*value.original_names, *([None] * (len(databases) - len(value.original_names))))
        self.db_index = len(databases) - 1
        self.edit(replace(value, settings=settings, original_names=names))
        self._fill_db_list()
        self.query_one("#db-name", Input).focus()

    @on(Button.Pressed, "#db-remove")
    def _db_remove(self) -> None:
        index = self.db_index
        value = self.draft_value
        databases = list(value.settings.databases)
        if index is None or index >= len(databases):
            return
        databases.pop(index)
        names = list(value.original_names) + [None] * (len(databases) + 1)
        original = names.pop(index)
        secrets = []
        for key, secret in value.secrets:
            moved = _shifted(key, index)
            if moved is not None:
                secrets.append((moved, secret))
        forget = tuple(k for k in (_shifted(key, index) for key in value.forget) if k)
        removed = value.removed + ((original,) if original else ())
        settings = value.settings.model_copy(update={"databases": databases})
        self.edit(
            ConnectionsDraft(
                settings, tuple(names[: len(databases)]), tuple(secrets), removed, forget
            )
        )
        self._fill_db_list()

    @on(Button.Pressed, "#db-test")
    def _db_test_pressed(self) -> None:
        self.action_test_connection()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """F5 (Testa) only on Databaser: elsewhere it tested a database out of sight."""
        if action == "test_connection":
            tabs = self.query("#connection-tabs").results(TabbedContent)
            pane = next(tabs, None)
            return pane is None or pane.active == "pane-databases"
        return True

    @on(TabbedContent.TabActivated, "#connection-tabs")
    def _pane_changed(self) -> None:
        self.refresh_bindings()  # the footer shows F5 on Databaser only

    def action_test_connection(self) -> None:
        index = self.db_index
        databases = self.draft_value.settings.databases
        if index is None or index >= len(databases):
            self.notify("Välj en databas först.", severity="warning")
            return
        profile = databases[index]
        try:
            profile = DatabaseProfile.model_validate(profile.model_dump())
        except ValidationError as exc:
            problems = problems_from_validation_error(exc, DatabaseProfile)
            self.query_one("#db-result", Static).update(
                "Kan inte testa: " + "; ".join(f"{p.label}: {p.message}" for p in problems)
            )
            return
        self.query_one("#db-result", Static).update(f"Ansluter till {profile.name}…")
        key = f"db:{index}"
        # a password marked for removal is not used (the test shows what Spara will give)
        original = None if key in self.draft_value.forget else self._original_name(index)
        self._test(profile, self.draft_value.secret(key), original)

    @work(thread=True, exclusive=True, group="db-test", exit_on_error=False)
    def _test(self, profile: DatabaseProfile, typed: str | None, original: str | None) -> None:
        try:
            password = typed
            if password is None and original is not None:
                password = self.opus.require_store().get_secret(database_secret_name(original))
            from opus_tui.services.opus_db import gateway_for_profile

            result = f"✓ {gateway_for_profile(profile, password, timeout=10).test_connection()}"
        except Exception as exc:  # OpusDatabaseError's text is Swedish and scrubbed
            result = f"✗ Anslutningen misslyckades: {exc}"
        self.app.call_from_thread(self._tested, result)

    def _tested(self, result: str) -> None:
        shown = self.query_one("#db-result", Static)
        shown.update(result)
        shown.set_class(result.startswith("✗"), "-failed")
        shown.set_class(result.startswith("✓"), "-ok")

    # -- Mitt konto and Certifikat --------------------------------------------------------------
    @on(Input.Changed, "#account-url")
    def _account_url(self, event: Input.Changed) -> None:
        value = self.draft_value
        account = value.settings.account.model_copy(update={"url": event.value.strip()})
        settings = value.settings.model_copy(update={"account": account})
        self.edit(replace(value, settings=settings))

    @on(Input.Changed, "#api-key")
    def _api_key(self, event: Input.Changed) -> None:
        self.edit(self.draft_value.with_secret(API_KEY_SECRET, event.value))
        self._show_account_secrets()

    @on(Input.Changed, "#key-passphrase")
    def _passphrase(self, event: Input.Changed) -> None:
        self.edit(self.draft_value.with_secret(CERTIFICATE_KEY_PASSPHRASE_SECRET, event.value))
        self._show_account_secrets()

    @on(Input.Changed, "#cert-path")
    def _cert_path(self, event: Input.Changed) -> None:
        self._edit_certificate(certificate_path=event.value.strip())

    @on(Input.Changed, "#key-path")
    def _key_path(self, event: Input.Changed) -> None:
        self._edit_certificate(key_path=event.value.strip())

    def _edit_certificate(self, **changes: str) -> None:
        value = self.draft_value
        cert = value.settings.certificate.model_copy(update=changes)
        settings = value.settings.model_copy(update={"certificate": cert})
        self.edit(replace(value, settings=settings))
        self._show_paths()

    def _show_paths(self) -> None:
        cert = self.draft_value.settings.certificate
        for widget_id, name, path in (
            ("#cert-path-state", "certificate_path", cert.certificate_path),
            ("#key-path-state", "key_path", cert.key_path),
        ):
            state = self.query_one(widget_id, Static)
            # a problem is the field's error line already (section_problems)
            why = file_problem(path, name) if path else None
            text = "Ingen fil vald." if not path else "" if why else "✓ PEM-filen kan läsas"
            state.update(text)
            state.display = bool(text)

    def extra_problems(self) -> Iterable[Problem]:
        return ()


def _shifted(key: str, removed: int) -> str | None:
    """A draft key after database ``removed`` is taken out: None for its own, the next ones'
    index one lower, other keys as they are."""
    if not key.startswith("db:"):
        return key
    index = int(key[3:])
    if index == removed:
        return None
    return f"db:{index - 1}" if index > removed else key
