"""Each configuration screen driven by the keyboard alone: edit, save (the store holds it),
revert, invalid values that block the save with their message."""

from __future__ import annotations

from textual.widgets import Checkbox, Input, OptionList, Select, Static

from opus_tui.app import OpusApp
from opus_tui.domain.config import MERGED_ORDER, StepKind
from opus_tui.services.config_toml import export_toml
from opus_tui.store.repository import Store
from opus_tui.widgets.field import FieldError
from opus_tui.widgets.tab_bar import TabBar
from tests.ui.conftest import FIXED_NOW
from tests.ui.helpers import (
    focus,
    focus_widget,
    portal_with_name_taken,
    settle,
    to_subdomain_name,
)


def stored(store_url: str):
    with Store.open(store_url) as store:
        return store.load_config()


# -- Kliniker -------------------------------------------------------------------------------------


async def test_clinics_two_databases_order_group_save_export(make_app, store_url: str) -> None:
    app: OpusApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        # Syd / OpusTandläkarna Malmö: add Olle and Anna (Enter adds, the cursor moves on).
        await focus(pilot, "practitioner-list")
        await pilot.press("enter", "enter")
        # Nord / Tandvården Umeå: add Karin.
        await focus(pilot, "database")
        await pilot.press("enter", "down", "enter")
        await pilot.pause()
        await focus(pilot, "practitioner-list")
        await pilot.press("enter")
        await pilot.pause()
        clinics = app.draft.clinics.published
        assert [(c.database, c.clinic_id) for c in clinics] == [("Syd", "1"), ("Nord", "7")]
        assert [p.name for p in clinics[0].practitioners] == ["Olle Ohlsson", "Anna Hedman"]
        # Reorder: Anna above Olle, then Umeå above Malmö.
        await focus(pilot, "published")
        await pilot.press("home", "down", "down", "alt+up")  # rows: Malmö, Olle, Anna, Umeå, Karin
        await pilot.press("down", "down", "alt+up")  # the Umeå row
        # Group Umeå only: the warning about ungrouped clinics appears.
        await focus(pilot, "group")
        await pilot.press(*"UMEÅ")
        await pilot.pause()
        warning = app.screen.query_one("#clinics-problems", FieldError)
        assert any("bara vissa kliniker är grupperade" in p.message for p in warning.problems)
        assert "●" in app.screen.query_one(TabBar).render().plain
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "●" not in app.screen.query_one(TabBar).render().plain
    config = stored(store_url)
    published = config.clinics.published
    assert [(c.clinic_id, c.group) for c in published] == [("7", "UMEÅ"), ("1", "")]
    assert [p.practitioner_id for p in published[1].practitioners] == ["11", "10"]
    text = export_toml(config)
    assert text.index("Tandvården Umeå") < text.index("OpusTandläkarna Malmö")
    assert text.index("Anna Hedman") < text.index("Olle Ohlsson")
    assert 'group = "UMEÅ"' in text


async def test_clinics_filter_remove_and_revert(make_app, store_url: str) -> None:
    app: OpusApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await focus(pilot, "clinic-list")
        await pilot.press(*"lund")  # typing in the list continues in the filter
        await pilot.pause()
        assert app.screen.query_one("#clinic-filter", Input).value == "lund"
        clinic_list = app.screen.query_one("#clinic-list", OptionList)
        assert clinic_list.option_count == 1
        await focus(pilot, "practitioner-list")
        await pilot.press("enter")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert [c.clinic_id for c in stored(store_url).clinics.published] == ["2"]
        # Ta bort the practitioner (its clinic goes too), then Återställ brings it back.
        await focus(pilot, "published")
        await pilot.press("end", "delete")
        await pilot.pause()
        assert app.draft.clinics.published == []
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert [c.clinic_id for c in app.draft.clinics.published] == ["2"]
        assert app.screen.query_one("#published", OptionList).option_count == 2


# -- Flexibilitet ---------------------------------------------------------------------------------


async def test_flexibility_toggle_steps_hours_save_and_revert(make_app, store_url: str) -> None:
    app: OpusApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await pilot.pause()
        await focus(pilot, "general-login_enabled")
        box = app.screen.query_one("#general-login_enabled", Checkbox)
        assert box.value is True and str(box.render()).startswith("▐✓▌")  # on, without colour
        await pilot.press("space")
        await pilot.pause()
        assert box.value is False and str(box.render()).startswith("▐ ▌")  # off
        # Andra steget := Tid. A plain swap would make Behandling the fourth step (not allowed),
        # so the nearest valid order is taken.
        await focus(pilot, "step-second")
        await pilot.press("enter", "down", "enter")
        await pilot.pause()
        steps = app.draft.flexibility.steps
        assert steps.order == (
            StepKind.CLINIC,
            StepKind.TIME,
            StepKind.TREATMENT,
            StepKind.PRACTITIONER,
        )
        # Hours: only digits get in; empty is an error that blocks the save.
        await focus(pilot, "hours_limit")
        await pilot.press("backspace", "-", "x")
        await pilot.pause()
        hours_error = app.screen.query(FieldError).filter(".-shown").exclude(".-warning").first()
        assert hours_error.path == ("flexibility", "booking", "hours_limit")
        assert "heltal" in str(hours_error.render())
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert stored(store_url).flexibility.general.login_enabled is True  # not saved
        await pilot.press(*"24")
        await pilot.pause()
        assert not app.screen.query(FieldError).filter(".-shown").exclude(".-warning")
        await pilot.press("ctrl+s")
        await settle(pilot)
        saved = stored(store_url).flexibility
        assert saved.general.login_enabled is False
        assert saved.booking.hours_limit == 24
        assert saved.steps.order == steps.order
        # Revert after a further change restores the saved state, fields included.
        await focus(pilot, "general-weekend_booking")
        await pilot.press("space", "ctrl+r")
        await pilot.pause()
        assert app.draft.flexibility == saved
        assert app.screen.query_one("#general-weekend_booking", Checkbox).value is True


async def test_flexibility_merged_view_locks_order(make_app, store_url: str) -> None:
    app: OpusApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await focus(pilot, "step-first")
        await pilot.press("enter", "down", "enter")  # Behandlare first
        await pilot.pause()
        assert app.draft.flexibility.steps.first == StepKind.PRACTITIONER
        await focus(pilot, "merged_view")
        await pilot.press("space")
        await pilot.pause()
        steps = app.draft.flexibility.steps
        assert steps.merged_view and steps.order == MERGED_ORDER
        for name in ("first", "second", "third", "fourth"):
            assert app.screen.query_one(f"#step-{name}", Select).disabled
        summary = app.screen.query_one("#order-summary", Static)
        assert "Klinik › Behandling › Behandlare › Tid" in str(summary.render())
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert stored(store_url).flexibility.steps.merged_view is True


# -- Underdomän -----------------------------------------------------------------------------------


async def test_subdomain_invalid_blocks_save_valid_saves_unchecked(make_app, store_url) -> None:
    app: OpusApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await to_subdomain_name(pilot)
        await pilot.press(*"-bad-")
        await pilot.pause()
        error = app.screen.query_one(FieldError)
        assert "bindestreck" in str(error.render())
        assert "rätta underdomänen" in str(app.screen.query_one("#address", Static).render())
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert stored(store_url).subdomain.name == ""
        await pilot.press(*("backspace" for _ in range(5)), *"Kliniken")
        await pilot.pause()
        assert app.draft.subdomain.name == "kliniken"
        address = str(app.screen.query_one("#address", Static).render())
        assert "https://kliniken.opusdentalonline.com" in address
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert stored(store_url).subdomain.name == "kliniken"
        assert "okontrollerad" in str(app.screen.query_one("#availability", Static).render())


async def test_subdomain_taken_at_the_portal_cannot_be_saved(make_app, store_url) -> None:
    with portal_with_name_taken(store_url, "upptagen"):
        app: OpusApp = make_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await to_subdomain_name(pilot)
            await pilot.press(*"upptagen", "f5")
            await settle(pilot)
            error = str(app.screen.query_one(FieldError).render())  # said once, under the name
            assert "upptaget" in error
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert stored(store_url).subdomain.name == ""
            await pilot.press(*("backspace" for _ in range(8)), *"ledigkliniken", "f5")
            await settle(pilot)
            assert "ledigt" in str(app.screen.query_one("#availability", Static).render())
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert stored(store_url).subdomain.name == "ledigkliniken"


# -- Behandlare and Hantera behandlarsamtycke -----------------------------------------------------


def published_two_clinics(store_url: str, text: str = "") -> None:
    from opus_tui.domain.config import (
        ClinicsSettings,
        PractitionerProfile,
        PractitionerSettings,
        PublishedClinic,
        PublishedPractitioner,
    )

    clinics = ClinicsSettings(
        published=[
            PublishedClinic(
                database="Syd",
                clinic_id="1",
                name="OpusTandläkarna Malmö",
                group="MALMÖ",
                practitioners=[
                    PublishedPractitioner(practitioner_id="10", name="Olle Ohlsson"),
                    PublishedPractitioner(practitioner_id="11", name="Anna Hedman"),
                ],
            ),
            PublishedClinic(
                database="Nord",
                clinic_id="7",
                name="Tandvården Umeå",
                group="UMEÅ",
                practitioners=[PublishedPractitioner(practitioner_id="70", name="Karin Berg")],
            ),
        ]
    )
    with Store.open(store_url) as store:
        store.save_section("clinics", clinics)
        if text:
            profile = PractitionerProfile(database="Syd", practitioner_id="10", text=text)
            store.save_section("practitioners", PractitionerSettings(profiles=[profile]))


async def test_practitioner_photo_and_text_save(make_app, store_url: str, tmp_path) -> None:
    photo = tmp_path / "olle.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(3000))
    published_two_clinics(store_url)
    app: OpusApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await focus(pilot, "people")
        await pilot.press("down")  # Anna Hedman
        await focus(pilot, "photo")
        await pilot.press(*str(photo))
        await pilot.pause()
        info = str(app.screen.query_one("#photo-info", Static).render())
        assert "olle.png — 2.9 kB" in info
        await focus(pilot, "text")
        await pilot.press(*"Tandhygienist")
        await pilot.pause()
        assert "13/100" in str(app.screen.query_one("#text-count", Static).render())
        await pilot.press("ctrl+s")
        await settle(pilot)
    (profile,) = stored(store_url).practitioners.profiles
    assert (profile.practitioner_id, profile.photo, profile.text) == (
        "11",
        str(photo),
        "Tandhygienist",
    )


async def test_practitioner_text_over_limit_blocks_save(make_app, store_url: str) -> None:
    published_two_clinics(store_url, text="x" * 97)
    app: OpusApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await focus(pilot, "text")
        await pilot.press("end", *"abcd")
        await pilot.pause()
        count = app.screen.query_one("#text-count", Static)
        assert "101/100" in str(count.render()) and count.has_class("-over")
        error = app.screen.query_one("#text-error", FieldError)
        assert "högst 100 tecken" in str(error.render())
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert stored(store_url).practitioners.profiles[0].text == "x" * 97
        await pilot.press("backspace")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert stored(store_url).practitioners.profiles[0].text == "x" * 97 + "abc"


async def test_consent_dialog_space_ok_cancel_escape(make_app, store_url: str) -> None:
    from opus_tui.screens.consent import ConsentScreen

    published_two_clinics(store_url)
    app: OpusApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2", "f6")
        await pilot.pause()
        assert isinstance(app.screen, ConsentScreen)
        await pilot.press("space", "escape")  # Escape = Cancel: nothing changes
        await pilot.pause()
        assert not isinstance(app.screen, ConsentScreen)
        assert app.draft.practitioners.consents == []
        await pilot.press("f6")
        await pilot.pause()
        # Row 1 (Olle, Malmö): Profilbild; row 3 (Karin, Umeå): Behandlars titel.
        await pilot.press("space", "down", "down", "right", "space")
        await focus(pilot, "ok")
        await pilot.press("enter")
        await pilot.pause()
        consents = [
            (c.practitioner_id, c.clinic_id, c.photo, c.title)
            for c in app.draft.practitioners.consents
        ]
        assert consents == [("10", "1", True, False), ("70", "7", False, True)]
        await pilot.press("ctrl+s")
        await settle(pilot)
    saved = stored(store_url).practitioners.consents
    assert [(c.practitioner_id, c.photo, c.title) for c in saved] == [
        ("10", True, False),
        ("70", False, True),
    ]


# -- Konfiguration --------------------------------------------------------------------------------


async def test_configuration_database_password_masked_and_tested(
    make_app, store_url: str, tmp_path
) -> None:
    from opus_tui.services.demo import create_demo_databases

    (name, connection), *_ = create_demo_databases(tmp_path / "opus", FIXED_NOW.date())
    app: OpusApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("9")
        await settle(pilot)
        await focus(pilot, "db-new")
        await pilot.press("enter")
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "db-name"
        await pilot.press("ctrl+u", *name, "tab", *connection, *";PWD=x")
        await pilot.pause()
        problems = app.screen.query_one("#db-conn-error", FieldError)  # under the field
        assert "lösenordet får inte stå i anslutningssträngen" in str(problems.render())
        await pilot.press("ctrl+s")
        await settle(pilot)
        with Store.open(store_url) as store:
            assert store.load_connections().databases == []
        await focus(pilot, "db-conn")
        await pilot.press("end", *("backspace" for _ in ";PWD=x"), "tab", *"hemligt", "f5")
        await settle(pilot)
        result = str(app.screen.query_one("#db-result", Static).render())
        assert result.startswith("✓"), result
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "hemligt" not in app.export_screenshot()
    with Store.open(store_url) as store:
        (profile,) = store.load_connections().databases
        assert (profile.name, profile.connection_string) == (name, connection)
        assert store.get_secret(f"database:{name}") == "hemligt"


async def test_configuration_account_and_certificate(
    make_app, store_url: str, tmp_path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)  # short relative paths: fewer keys to type
    cert = tmp_path / "client.pem"
    cert.write_text("-----BEGIN CERTIFICATE-----\n-----BEGIN PRIVATE KEY-----\n")  # both
    app: OpusApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("9")
        await settle(pilot)
        tabs = app.screen.query_one("#connection-tabs Tabs")
        await focus_widget(pilot, tabs)
        await pilot.press("right")  # Mitt konto
        await focus(pilot, "account-url")
        await pilot.press("ctrl+u", *"ftp://portal")
        await pilot.pause()
        assert "https://" in str(app.screen.query_one("#problems", Static).render()) or any(
            "https://" in str(e.render()) for e in app.screen.query(FieldError)
        )
        await pilot.press("ctrl+u", *"https://portal.example.se", "tab", *"nyckel-123")
        await focus_widget(pilot, tabs)
        await pilot.press("right")  # Certifikat
        await focus(pilot, "cert-path")
        await pilot.press(*"saknas.pem")
        await focus(pilot, "key-path")
        await pilot.press(*"client.pem")
        await pilot.pause()
        shown = [str(e.render()) for e in app.screen.query(FieldError)]
        assert sum("filen finns inte" in text for text in shown) == 1  # once, under the field
        assert not app.screen.query_one("#cert-path-state", Static).display
        await pilot.press("ctrl+s")
        await settle(pilot)
        with Store.open(store_url) as store:
            assert store.load_connections().certificate.key_path == ""
        await focus(pilot, "cert-path")
        await pilot.press("ctrl+u", *"client.pem")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "nyckel-123" not in app.export_screenshot()
        # saved absolute (the app or publish may run from another directory): shown so
        assert app.screen.query_one("#cert-path", Input).value == str(cert.resolve())
    with Store.open(store_url) as store:
        settings = store.load_connections()
        assert settings.account.url == "https://portal.example.se"
        assert settings.certificate.certificate_path == str(cert.resolve())
        assert settings.certificate.key_path == str(cert.resolve())
        assert store.get_secret("portal:api_key") == "nyckel-123"


async def test_clinics_large_chain_shows_one_clinic_at_a_time(make_app, store_url: str) -> None:
    from opus_tui.domain.config import ClinicsSettings, PublishedClinic, PublishedPractitioner
    from opus_tui.screens.clinics import EXPAND_ALL_LIMIT

    per_clinic = 25
    n_clinics = EXPAND_ALL_LIMIT // per_clinic + 1
    clinics = ClinicsSettings(
        published=[
            PublishedClinic(
                database="Kedjan",
                clinic_id=str(c),
                name=f"Klinik {c}",
                practitioners=[
                    PublishedPractitioner(practitioner_id=f"{c}-{p}", name=f"Behandlare {p}")
                    for p in range(per_clinic)
                ],
            )
            for c in range(n_clinics)
        ]
    )
    with Store.open(store_url) as store:
        store.save_section("clinics", clinics)
    app: OpusApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        published = app.screen.query_one("#published", OptionList)
        assert published.option_count == n_clinics + per_clinic  # first clinic open
        await focus(pilot, "published")
        await pilot.press("end")  # the last clinic's row: it opens, the first one closes
        await pilot.pause()
        assert published.option_count == n_clinics + per_clinic
        await pilot.press("down", "alt+down")  # its first practitioner moves down one
        await pilot.pause()
        moved = app.draft.clinics.published[-1].practitioners
        assert [p.practitioner_id for p in moved[:2]] == [
            f"{n_clinics - 1}-1",
            f"{n_clinics - 1}-0",
        ]


async def test_clinics_catalogue_fetched_from_the_configured_databases(
    make_app, store_url: str, tmp_path
) -> None:
    from opus_tui.domain.connections import ConnectionSettings, DatabaseProfile
    from opus_tui.services.demo import create_demo_databases

    databases = create_demo_databases(tmp_path / "opus", FIXED_NOW.date())
    with Store.open(store_url) as store:
        store.save_connections(
            ConnectionSettings(
                databases=[
                    DatabaseProfile(name=name, connection_string=connection)
                    for name, connection in databases
                ]
            )
        )
    app: OpusApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        assert app.catalogue is not None and app.catalogue.source == "database"
        assert set(app.catalogue.databases) == {name for name, _ in databases}
        select = app.screen.query_one("#database", Select)
        assert select.value == databases[0][0]
        clinic_list = app.screen.query_one("#clinic-list", OptionList)
        assert clinic_list.option_count == len(app.catalogue.clinics_of(databases[0][0])) > 0
        assert "Katalog: Opus-databas" in app.sub_title
    with Store.open(store_url) as store:
        snapshot = store.load_catalogue(with_times=False)
        assert snapshot is not None
        assert {c.clinic_id for c in snapshot.clinics} == {
            c.clinic_id for c in app.catalogue.clinics
        }


async def tree_loaded(pilot, entries: int = 2) -> None:
    from textual.widgets import DirectoryTree

    for _ in range(200):
        await pilot.pause(0.05)
        trees = pilot.app.screen.query(DirectoryTree)
        if trees and len(trees.first().root.children) >= entries:
            return
    raise AssertionError("the directory tree did not load")


async def test_practitioner_photo_from_the_directory_tree(
    make_app, store_url: str, tmp_path, monkeypatch
) -> None:
    from opus_tui.screens.practitioners import FilePicker

    monkeypatch.chdir(tmp_path)
    (tmp_path / "bilder").mkdir()
    (tmp_path / "olle.jpg").write_bytes(b"\xff\xd8\xff" + bytes(1000))
    (tmp_path / "anteckning.txt").write_text("inte en bild")
    published_two_clinics(store_url)
    app: OpusApp = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await focus(pilot, "browse")
        await pilot.press("enter")
        await tree_loaded(pilot)  # the tree's loader is a long-lived worker: no settle() here
        assert isinstance(app.screen, FilePicker)
        await pilot.press("escape")  # Escape leaves the picker, nothing chosen
        await pilot.pause()
        assert not isinstance(app.screen, FilePicker)
        assert app.draft.practitioners.profiles == []
        await pilot.press("enter")
        await tree_loaded(pilot)
        await pilot.press("down", "down", "enter")  # root, bilder/, olle.jpg (no .txt)
        await pilot.pause(0.3)
        assert not isinstance(app.screen, FilePicker)
        (profile,) = app.draft.practitioners.profiles
        assert profile.photo == str(tmp_path / "olle.jpg")
        assert "olle.jpg — 1.0 kB" in str(app.screen.query_one("#photo-info", Static).render())
