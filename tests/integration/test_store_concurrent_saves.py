"""Two sessions on one store (two SSH logins, or the app beside ``opus-tui import``): a section
save names the value it started from, and the store refuses it when another session saved the
section meanwhile, instead of silently undoing that session's work (SQLite and PostgreSQL)."""

from __future__ import annotations

import getpass
from pathlib import Path

import pytest

from opus_tui.domain import config as dc
from opus_tui.store import Store
from opus_tui.store.errors import SectionChanged


def _clinic(clinic_id: str, name: str) -> dc.PublishedClinic:
    return dc.PublishedClinic(database="Opus", clinic_id=clinic_id, name=name)


def test_a_stale_save_is_refused_and_writes_nothing(store_url: str) -> None:
    first, second = Store.open(store_url), Store.open(store_url)
    try:
        start = first.load_config().clinics
        assert second.load_config().clinics == start
        theirs = dc.ClinicsSettings(published=[_clinic("1", "Lund")])
        second.save_section("clinics", theirs, expected=start)
        revisions = len(first.history())

        ours = dc.ClinicsSettings(published=[_clinic("2", "Malmö")])
        with pytest.raises(SectionChanged) as info:
            first.save_section("clinics", ours, expected=start)
        assert info.value.section == "clinics"
        assert info.value.stored == theirs  # what the other session saved, to start again from
        message = str(info.value)
        assert message.startswith("Kliniker sparades från en annan session")
        assert getpass.getuser() in message
        assert first.load_config().clinics == theirs  # nothing written
        assert len(first.history()) == revisions

        # Saving again from what is stored now is the deliberate overwrite.
        first.save_section("clinics", ours, expected=info.value.stored)
        assert second.load_config().clinics == ours
    finally:
        first.close()
        second.close()


def test_other_sections_and_unchanged_sections_save(store: Store) -> None:
    start = store.load_config()
    store.save_section("clinics", dc.ClinicsSettings(published=[_clinic("1", "Lund")]))
    flex = start.flexibility.model_copy(deep=True)
    flex.general.any_clinic = True
    # Another section was saved meanwhile: this one's starting point still holds.
    store.save_section("flexibility", flex, expected=start.flexibility)
    assert store.load_config().flexibility.general.any_clinic is True
    # Without ``expected`` (import, restore, a script) nothing is compared.
    store.save_section("clinics", dc.ClinicsSettings(), expected=None)
    assert store.load_config().clinics == dc.ClinicsSettings()


def test_an_unvalidated_draft_equal_to_the_stored_value_is_no_conflict(store: Store) -> None:
    # Screens build drafts with model_copy, which skips the validators' normalising.
    store.save_section("subdomain", dc.SubdomainSettings(name="kliniken"))
    saved_as_typed = dc.SubdomainSettings().model_copy(update={"name": " Kliniken "})
    store.save_section("subdomain", dc.SubdomainSettings(name="nya"), expected=saved_as_typed)
    assert store.load_config().subdomain.name == "nya"


def test_save_config_with_expected_refuses_a_changed_store(store: Store) -> None:
    start = store.load_config()
    store.save_section("sms", dc.SmsSettings(new_booking="Välkommen"))
    with pytest.raises(SectionChanged) as info:
        store.save_config(start, summary="import", expected=start)
    assert info.value.section == "sms"
    assert store.load_config().sms.new_booking == "Välkommen"
    store.save_config(start, summary="import")  # an import without expected overwrites
    assert store.load_config().sms.new_booking == ""


def test_check_pin_does_not_undo_a_save_made_meanwhile(store_url: str, tmp_path: Path) -> None:
    from opus_tui.commands.check import pin_relative_paths

    (tmp_path / "logo.png").write_bytes(b"not read by --pin")
    with Store.open(store_url) as setup:
        media = setup.load_config().media
        branding = media.branding.model_copy(update={"logo": "logo.png"})
        setup.save_section("media", media.model_copy(update={"branding": branding}))

    class SavedInTheAppMeanwhile(Store):
        def load_config(self) -> dc.WebConfiguration:
            config = super().load_config()
            with Store.open(store_url) as app:  # the technician saves Media in the app
                texts = config.media.texts.model_copy(update={"welcome_text": "Hej"})
                app.save_section("media", config.media.model_copy(update={"texts": texts}))
            return config

    racing = SavedInTheAppMeanwhile.open(store_url)
    try:
        pinned = pin_relative_paths(racing, tmp_path)
    finally:
        racing.close()
    assert "Media sparades från en annan session" in " ".join(pinned.lines)
    with Store.open(store_url) as store:
        media = store.load_config().media
        assert media.texts.welcome_text == "Hej"  # the app's save stands
        assert media.branding.logo == "logo.png"  # not pinned: run again
