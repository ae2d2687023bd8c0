"""A store whose saved configuration breaks a rule (saved before the rule was tightened, or
edited by hand) still opens with every value (``lenient_config``) and can be put right by saving
the section at fault; other sections are refused while it is wrong (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from opus_tui.domain import EmailSettings, FlexibilitySettings
from opus_tui.domain.problems import check, lenient_config
from opus_tui.store import ConfigInvalid, Store

BAD_SENDER = "a@klinik.se, b@klinik.se"


def _hand_edit(store: Store, section: str, **values: object) -> None:
    data = store.load_config_data()[section]
    data.update(values)
    with store._transaction(write=True) as tx:
        tx.execute(
            "UPDATE config_section SET data = ? WHERE section = ?",
            (json.dumps(data, ensure_ascii=False), section),
        )


def test_a_stored_value_that_breaks_a_rule_is_kept_and_can_be_fixed(store: Store) -> None:
    store.save_section("email", EmailSettings(sender="bokning@klinik.se", new_booking="Hej {namn}"))
    _hand_edit(store, "email", sender=BAD_SENDER)
    with pytest.raises(ConfigInvalid):
        store.load_config()

    config = lenient_config(store.load_config_data())
    assert config.email.sender == BAD_SENDER  # kept as stored, not reset
    assert config.email.new_booking == "Hej {namn}"  # the rest validated as usual
    assert [p.key for p in check(config) if p.is_error] == ["email.sender"]

    with pytest.raises(ConfigInvalid) as refused:  # another tab: the error is named
        store.save_section("flexibility", FlexibilitySettings())
    assert [p.key for p in refused.value.errors] == ["email.sender"]

    fixed = config.email.model_copy(update={"sender": "bokning@klinik.se"})
    revision = store.save_section("email", fixed)
    assert "Avsändare" in revision.summary and BAD_SENDER in revision.summary
    assert store.load_config().email == EmailSettings.model_validate(fixed.model_dump())


def test_export_edit_import_puts_a_store_right(tmp_path: Path) -> None:
    """The CLI way: export writes the stored values (and names the error), import of the
    corrected file saves."""
    from tests.integration.test_cli import _runner, ok

    path = tmp_path / "store.db"
    with Store.open(f"sqlite:///{path}") as store:
        store.save_section("email", EmailSettings(sender="bokning@klinik.se"))
        _hand_edit(store, "email", sender=BAD_SENDER)
    run = _runner(tmp_path)
    exported = ok(run("--store", str(path), "export", str(tmp_path / "x.toml")))
    assert "bara en avsändaradress" in exported.stderr
    assert "exporteras som den är" in exported.stderr
    text = (tmp_path / "x.toml").read_text(encoding="utf-8")
    assert f'sender = "{BAD_SENDER}"' in text
    (tmp_path / "x.toml").write_text(text.replace(BAD_SENDER, "bokning@klinik.se"), "utf-8")
    ok(run("--store", str(path), "import", str(tmp_path / "x.toml")))
    with Store.open(f"sqlite:///{path}") as store:
        assert store.load_config().email.sender == "bokning@klinik.se"
