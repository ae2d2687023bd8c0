"""The local store on SQLite and PostgreSQL: migrations, saves, revisions, secrets, catalogue,
outbox, quick reads and the errors for stores that cannot be opened."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from opus_tui.domain import (
    Catalogue,
    CatalogueClinic,
    CataloguePractitioner,
    CatalogueTreatment,
    ConnectionSettings,
    DatabaseProfile,
    OnlineTime,
    PublishedClinic,
    PublishedPractitioner,
    StepKind,
    StepOrder,
    WebConfiguration,
)
from opus_tui.domain.catalogue import OnlineTimes
from opus_tui.store import ConfigInvalid, Store, StoreError
from opus_tui.store.engine import make_engine, migrate
from opus_tui.store.quick import read_catalogue_fast, read_config_fast, read_plain


def _count(store: Store, table: str) -> int:
    with store.database.transaction() as tx:
        return int(tx.scalar(f"SELECT COUNT(*) FROM {table}"))


def test_models_and_migrations_agree(store_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from opus_tui.store.tables import metadata

    migrate(store_url)
    engine = make_engine(store_url)
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(ctx, metadata) == []
    finally:
        engine.dispose()


def test_defaults_when_nothing_saved(store: Store) -> None:
    assert store.load_config() == WebConfiguration()
    assert store.history() == []
    assert store.load_catalogue() is None
    assert store.publish_state() is None


def test_save_section_records_one_revision(store: Store) -> None:
    flex = store.load_config().flexibility.model_copy(deep=True)
    flex.general.any_clinic = True
    revision = store.save_section("flexibility", flex)
    assert revision.section == "flexibility"
    assert revision.summary == "Flexibilitet: Visa 'Vilken klinik som helst' av → på"
    assert revision.os_user
    assert store.load_config().flexibility.general.any_clinic is True
    assert [r.id for r in store.history()] == [revision.id]
    assert _count(store, "revision") == 1


def test_invalid_save_changes_nothing(store: Store) -> None:
    # model_construct skips validation: the store must still refuse the whole config.
    bad_steps = StepOrder.model_construct(
        merged_view=True,
        first=StepKind.CLINIC,
        second=StepKind.PRACTITIONER,
        third=StepKind.TREATMENT,
        fourth=StepKind.TIME,
    )
    bad = store.load_config().flexibility.model_copy(update={"steps": bad_steps})
    with pytest.raises(ConfigInvalid) as info:
        store.save_section("flexibility", bad)
    assert [p.key for p in info.value.errors] == ["flexibility.steps.merged_view"]
    assert "Sammanslagen visning" in str(info.value)
    assert store.history() == []
    assert store.load_config() == WebConfiguration()


def test_save_is_one_transaction(store: Store) -> None:
    """A failure while writing rolls back the revision row too."""
    config = WebConfiguration()
    store.save_config(config, summary="första")
    with store.database.transaction() as tx:  # break the next write: sections are NOT NULL
        tx.execute("DELETE FROM config_section")
    before = _count(store, "revision")
    original = store._write

    def failing(*args: object, **kwargs: object) -> object:
        original(*args, **kwargs)  # type: ignore[arg-type]
        raise RuntimeError("disk full")

    store._write = failing  # type: ignore[method-assign,assignment]
    with pytest.raises(RuntimeError):
        store.save_config(config, summary="andra")
    assert _count(store, "revision") == before
    assert _count(store, "config_section") == 0


def test_history_and_restore(store: Store) -> None:
    sub = store.load_config().subdomain.model_copy(update={"name": "forsta"})
    first = store.save_section("subdomain", sub)
    second = store.save_section("subdomain", sub.model_copy(update={"name": "andra"}))
    assert second.summary == "Underdomän: Underdomän 'forsta' → 'andra'"
    assert [r.id for r in store.history()] == [second.id, first.id]
    assert store.history(limit=1)[0].id == second.id
    assert store.revision_config(first.id).subdomain.name == "forsta"
    restored = store.restore(first.id)
    assert restored.section == "*"
    assert str(first.id) in restored.summary
    assert store.load_config().subdomain.name == "forsta"
    assert len(store.history()) == 3
    with pytest.raises(StoreError):
        store.revision_config(9999)


def test_connections_and_secrets_encrypted(store: Store, store_url: str) -> None:
    settings = ConnectionSettings(
        databases=[DatabaseProfile(name="Opus", connection_string="DRIVER={SQLite3};Database=x")]
    )
    store.save_connections(settings)
    assert store.load_connections() == settings
    secret = "Hemligt-lösen-4711"
    store.set_secret("database:Opus", secret)
    assert store.get_secret("database:Opus") == secret
    assert store.has_secret("database:Opus")
    assert not store.has_secret("portal:api_key")
    with store.database.transaction() as tx:
        raw = tx.scalar("SELECT ciphertext FROM secret")
    assert secret not in raw
    if store_url.startswith("sqlite"):
        store.close()
        path = Path(store_url.removeprefix("sqlite:///"))
        blob = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
        assert secret.encode() not in blob
    store.set_secret("database:Opus", None)
    assert store.get_secret("database:Opus") is None


def test_connections_and_their_secrets_saved_in_one_transaction(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    one = ConnectionSettings(databases=[DatabaseProfile(name="Syd", connection_string="DSN=a")])
    store.save_connections(one, put={"database:Syd": "lösen-syd", "portal:api_key": "k1"})
    two = ConnectionSettings(databases=[DatabaseProfile(name="Lund", connection_string="DSN=a")])
    # Syd renamed Lund: the password moves; the API key is removed; a gone name is deleted.
    store.set_secret("database:Gammal", "x")
    store.save_connections(
        two,
        delete=["database:Gammal"],
        move={"database:Syd": "database:Lund"},
        put={"portal:api_key": None},
    )
    assert store.load_connections() == two
    assert store.get_secret("database:Lund") == "lösen-syd"
    assert not store.has_secret("database:Syd")
    assert not store.has_secret("database:Gammal")
    assert not store.has_secret("portal:api_key")

    def broken(value: str) -> str:
        raise OSError("nyckelfilen kan inte läsas")

    monkeypatch.setattr(store._secrets, "encrypt", broken)
    with pytest.raises(OSError):
        store.save_connections(one, delete=["database:Lund"], put={"database:Syd": "nytt"})
    assert store.load_connections() == two  # nothing of it was saved
    assert store.get_secret("database:Lund") == "lösen-syd"


def test_undecryptable_secret_reads_as_missing(store: Store) -> None:
    store.set_secret("portal:api_key", "abc")
    with store.database.transaction() as tx:
        tx.execute("UPDATE secret SET ciphertext = 'gAAAAA-not-a-token'")
    assert store.get_secret("portal:api_key") is None
    assert not store.has_secret("portal:api_key")


def _catalogue(database: str, times: int, fetched: datetime) -> Catalogue:
    clinics = tuple(
        CatalogueClinic(database, f"K{i}", f"Klinik {i}", "Gata 1", "22100", "Lund")
        for i in range(3)
    )
    practitioners = (
        *(
            CataloguePractitioner(
                database, f"B{i}", f"K{i % 3}", "Olle", f"Ohlsson {i}", "Tandläkare"
            )
            for i in range(6)
        ),
        CataloguePractitioner(database, "B9", "K0", "Gammal", "Inaktiv", active=False),
    )
    treatments = (
        CatalogueTreatment(database, "T1", "Undersökning", "", 30),
        CatalogueTreatment(database, "T2", "Akut", "Värk", 45, True, False, False),
    )
    start = datetime(2026, 12, 1, 8, 0)
    online = OnlineTimes(
        OnlineTime(
            database,
            f"B{i % 6}",
            f"K{i % 3}",
            start + timedelta(minutes=30 * i),
            start + timedelta(minutes=30 * i + 30),
            "T1" if i % 2 else None,
        )
        for i in range(times)
    )
    return Catalogue("database", fetched, (database,), clinics, practitioners, treatments, online)


def test_catalogue_snapshot_round_trip(store: Store) -> None:
    fetched = datetime(2026, 11, 27, 9, 30, 15)
    a = _catalogue("Lund", 500, fetched)
    store.save_catalogue(a)
    loaded = store.load_catalogue()
    assert loaded is not None
    assert loaded.source == "snapshot"
    assert loaded.fetched_at == fetched
    assert (loaded.databases, loaded.clinics, loaded.practitioners) == (
        a.databases,
        a.clinics,
        a.practitioners,
    )
    assert loaded.treatments == a.treatments
    assert loaded.times == a.times

    # Saving another database keeps the first; saving the first again replaces only it.
    b = _catalogue("Malmö", 10, fetched + timedelta(hours=1))
    store.save_catalogue(b)
    again = _catalogue("Lund", 5, fetched + timedelta(hours=2))
    store.save_catalogue(again)
    loaded = store.load_catalogue()
    assert loaded is not None
    assert set(loaded.databases) == {"Lund", "Malmö"}
    assert len([t for t in loaded.times if t.database == "Lund"]) == 5
    assert len([t for t in loaded.times if t.database == "Malmö"]) == 10
    assert store.catalogue_fetched_at() == {
        "Lund": fetched + timedelta(hours=2),
        "Malmö": fetched + timedelta(hours=1),
    }
    assert loaded.fetched_at == fetched + timedelta(hours=1)


def test_large_catalogue(store: Store) -> None:
    """A chain-sized snapshot (200k online times) saves and loads whole."""
    cat = _catalogue("Kedjan", 200_000, datetime(2026, 11, 27))
    store.save_catalogue(cat)
    loaded = store.load_catalogue()
    assert loaded is not None
    assert len(loaded.times) == 200_000
    assert loaded.times[-1] == cat.times[-1]


def test_load_times_gives_the_snapshots_online_times(store: Store) -> None:
    assert len(store.load_times()) == 0
    store.save_catalogue(_catalogue("Lund", 300, datetime(2026, 11, 27)))
    store.save_catalogue(_catalogue("Malmö", 20, datetime(2026, 11, 28)))
    full = store.load_catalogue()
    assert full is not None
    assert store.load_times() == full.times
    assert len(store.load_times()) == 320


def test_state_changes_with_every_save(store: Store, store_url: str) -> None:
    """The state token: equal while nothing is saved; a config save, a catalogue save and a
    save from another connection each give a new one."""
    seen = [store.state()]
    assert store.state() == seen[0]
    store.load_config()
    store.load_catalogue()
    store.set_secret("portal:api_key", "hemligt")  # not the configuration or the catalogue
    assert store.state() == seen[0]

    def changed() -> None:
        now = store.state()
        assert now not in seen
        seen.append(now)

    flex = store.load_config().flexibility.model_copy(deep=True)
    flex.steps.second, flex.steps.third = StepKind.PRACTITIONER, StepKind.TREATMENT
    store.save_section("flexibility", flex)
    changed()
    store.save_catalogue(_catalogue("Lund", 30, datetime(2026, 11, 27)))
    changed()
    store.save_catalogue(_catalogue("Lund", 30, datetime(2026, 11, 27, 0, 0, 1)))  # fetched again
    changed()
    store.save_catalogue(_catalogue("Malmö", 3, datetime(2026, 11, 27)))
    changed()
    with Store.open(store_url) as other:
        assert other.state() == seen[-1]
        other.save_section("flexibility", flex)  # no change, still a revision
    changed()
    store.restore(1)
    changed()


def test_plain_read_gives_the_stores_state(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    with Store.open(url) as s:
        plain = read_plain(url)
        assert plain is not None and plain.state == s.state()
        s.save_catalogue(_catalogue("Lund", 10, datetime(2026, 11, 27)))
        assert plain.state != s.state()
        plain = read_plain(url)
        assert plain is not None and plain.state == s.state()
        s.save_section("clinics", s.load_config().clinics.model_copy(update={"published": []}))
        assert plain.state != s.state()


def test_outbox(store: Store) -> None:
    payload = {"Name": "tandmottagningen", "FlexibilitySettings": {"UseCombinedView": False}}
    first = store.enqueue_publication(payload, None, "key-1")
    assert store.enqueue_publication(payload, None, "key-1") == first
    second = store.enqueue_publication({"Name": "x"}, "etag-1", "key-2")
    pending = store.pending_publications()
    assert [p.id for p in pending] == [first, second]
    assert pending[0].payload == payload
    assert pending[0].status == "pending"
    assert pending[1].base_etag == "etag-1"

    store.mark_failed(first, "timeout")
    failed = store.pending_publications()[0]
    assert (failed.status, failed.attempts, failed.last_error) == ("failed", 1, "timeout")

    store.mark_applied(first, "etag-2", '{"Name": "tandmottagningen"}')
    state = store.publish_state()
    assert state is not None
    assert state.etag == "etag-2"
    assert state.config == {"Name": "tandmottagningen"}
    store.mark_conflict(second, '{"error": "precondition failed"}')
    assert store.pending_publications() == []
    statuses = {p.id: p.status for p in store.publications()}
    assert statuses == {first: "applied", second: "conflict"}
    assert store.publication_statuses() == ["applied", "conflict"]  # oldest first, no payloads
    third = store.enqueue_publication({"Name": "y"}, "etag-2", "key-3")
    assert store.publication_statuses() == ["applied", "conflict", "pending"]
    store.mark_rejected(third, "400: ogiltig underdomän")
    assert store.pending_publications() == []
    rejected = store.publications(("rejected",))[0]
    assert (rejected.id, rejected.last_error) == (third, "400: ogiltig underdomän")
    conflict = store.publications(("conflict",))[0]
    assert conflict.portal_body == '{"error": "precondition failed"}'


def test_reopen_keeps_data(store_url: str) -> None:
    with Store.open(store_url) as s:
        s.save_section("subdomain", WebConfiguration().subdomain.model_copy(update={"name": "abc"}))
    with Store.open(store_url) as s:
        assert s.load_config().subdomain.name == "abc"
        assert len(s.history()) == 1


def test_postgresql_url_without_driver_is_accepted(pg_server: object) -> None:
    db = pg_server.create_database("store_plain_url")  # type: ignore[attr-defined]
    plain = str(db.url).replace("postgresql+psycopg://", "postgresql://")
    with Store.open(plain) as s:
        assert s.url.startswith("postgresql+psycopg://")
        assert s.load_config() == WebConfiguration()


def test_unreachable_postgresql_error_has_no_password() -> None:
    url = "postgresql://opus:TopSecret99@127.0.0.1:1/opus"
    with pytest.raises(StoreError) as info:
        Store.open(url)
    message = str(info.value)
    assert "TopSecret99" not in message
    assert "127.0.0.1" in message


# --- SQLite only ----------------------------------------------------------------------------


def test_sqlite_pragmas(tmp_path: Path) -> None:
    with Store.open(f"sqlite:///{tmp_path / 's.db'}") as s, s.database.transaction() as tx:
        assert tx.scalar("PRAGMA journal_mode") == "wal"
        assert tx.scalar("PRAGMA foreign_keys") == 1
        assert tx.scalar("PRAGMA busy_timeout") >= 1000


def test_sqlite_open_errors(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="katalogen"):
        Store.open(f"sqlite:///{tmp_path / 'saknas' / 's.db'}")
    with pytest.raises(StoreError, match="finns inte"):
        Store.open(f"sqlite:///{tmp_path / 'ny.db'}", create=False)
    junk = tmp_path / "junk.db"
    junk.write_text("det här är ingen databas\n" * 20)
    with pytest.raises(StoreError, match="ingen SQLite-databas"):
        Store.open(f"sqlite:///{junk}")
    with pytest.raises(StoreError, match="katalog"):
        Store.open(f"sqlite:///{tmp_path}")
    made = tmp_path / "ny" / "djup" / "s.db"
    with Store.open(f"sqlite:///{made}", create_parent=True):
        assert made.exists()


def test_quick_reads_agree_with_store(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'q.db'}"
    assert read_config_fast(url) is None
    assert read_catalogue_fast(url) is None
    with Store.open(url) as s:
        assert read_config_fast(url) == WebConfiguration()
        assert read_catalogue_fast(url) is None
        clinics = s.load_config().clinics.model_copy(
            update={
                "published": [
                    PublishedClinic(
                        database="Lund",
                        clinic_id="K1",
                        name="OpusTandläkarna",
                        group="LUND",
                        practitioners=[PublishedPractitioner(practitioner_id="B1", name="Olle")],
                    )
                ]
            }
        )
        s.save_section("clinics", clinics)
        flex = s.load_config().flexibility.model_copy(deep=True)
        flex.steps.second, flex.steps.third = StepKind.PRACTITIONER, StepKind.TREATMENT
        s.save_section("flexibility", flex)
        s.save_catalogue(_catalogue("Lund", 1000, datetime(2026, 11, 27, 8)))
        assert read_config_fast(url) == s.load_config()
        assert read_catalogue_fast(url) == s.load_catalogue()
        cat = read_catalogue_fast(url, with_times=False)
        assert cat is not None
        assert cat.times == ()
    assert read_config_fast("postgresql://x@127.0.0.1/db") is None


def test_quick_read_is_read_only(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ro.db'}"
    with Store.open(url):
        pass
    db_before = (tmp_path / "ro.db").read_bytes()
    assert read_config_fast(url) == WebConfiguration()
    assert read_catalogue_fast(url) is None
    assert (tmp_path / "ro.db").read_bytes() == db_before
    conn = sqlite3.connect(tmp_path / "ro.db")
    assert conn.execute("SELECT COUNT(*) FROM config_section").fetchone() == (0,)
    conn.close()


def test_head_revision_constant_matches_migrations() -> None:
    from opus_tui.store.engine import HEAD_REVISION, head_revision

    assert head_revision() == HEAD_REVISION


def test_concurrent_saves_from_two_processes(store_url: str) -> None:
    """Two stores (as two processes would) saving different sections at once: every save
    lands, each with its own revision, and the last snapshot holds both sections."""
    import threading

    a, b = Store.open(store_url), Store.open(store_url)
    failures: list[BaseException] = []

    def work(s: Store, section: str, rounds: int) -> None:
        try:
            for i in range(rounds):
                if section == "subdomain":
                    sub = s.load_config().subdomain.model_copy(update={"name": f"sub-{i:03d}"})
                    s.save_section(section, sub)
                else:
                    flex = s.load_config().flexibility.model_copy(deep=True)
                    flex.booking.hours_limit = i
                    s.save_section(section, flex)
        except BaseException as exc:  # reported below
            failures.append(exc)

    threads = [
        threading.Thread(target=work, args=(a, "subdomain", 15)),
        threading.Thread(target=work, args=(b, "flexibility", 15)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert failures == []
        assert len(a.history()) == 30
        final = a.load_config()
        assert (final.subdomain.name, final.flexibility.booking.hours_limit) == ("sub-014", 14)
        assert a.revision_config(a.history(1)[0].id) == final
    finally:
        a.close()
        b.close()


def test_one_store_shared_by_threads(store: Store) -> None:
    """The app's workers share one Store: concurrent saves and reads each get a connection of
    their own and every save lands with its own revision."""
    import threading

    store.save_catalogue(_catalogue("Lund", 2000, datetime(2026, 11, 27)))
    failures: list[BaseException] = []

    def save(rounds: int) -> None:
        try:
            for i in range(rounds):
                sub = store.load_config().subdomain.model_copy(update={"name": f"sub-{i:03d}"})
                store.save_section("subdomain", sub)
        except BaseException as exc:  # reported below
            failures.append(exc)

    def read(rounds: int) -> None:
        try:
            for _ in range(rounds):
                catalogue = store.load_catalogue()
                assert catalogue is not None
                assert len(catalogue.times) == 2000
        except BaseException as exc:  # reported below
            failures.append(exc)

    threads = [
        threading.Thread(target=save, args=(10,)),
        threading.Thread(target=save, args=(10,)),
        threading.Thread(target=read, args=(5,)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    assert len(store.history()) == 20


def test_store_from_a_newer_version(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    with Store.open(url):
        pass
    conn = sqlite3.connect(tmp_path / "new.db")
    with conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.close()
    with pytest.raises(StoreError, match="schemaversion"):
        Store.open(url)


def test_rows_written_through_sqlalchemy_load_identically(store_url: str) -> None:
    """Stores written by earlier versions (SQLAlchemy's DATETIME format on SQLite) read the
    same through the plain DB-API repository, and what it writes reads back through SQLAlchemy."""
    from sqlalchemy import insert, select

    from opus_tui.store.tables import metadata

    databases, times, revisions = (
        metadata.tables[n] for n in ("catalogue_database", "online_time", "revision")
    )

    fetched = datetime(2026, 11, 27, 9, 30, 15, 123456)
    start = datetime(2026, 12, 1, 8, 0)
    with Store.open(store_url) as s:
        engine = make_engine(store_url)
        try:
            with engine.begin() as conn:
                conn.execute(
                    insert(databases),
                    [{"database": "Lund", "position": 1, "fetched_at": fetched}],
                )
                conn.execute(
                    insert(times),
                    [
                        {
                            "database": "Lund",
                            "practitioner_id": "B1",
                            "clinic_id": "K1",
                            "start_at": start + timedelta(minutes=30 * i),
                            "end_at": start + timedelta(minutes=30 * i + 30),
                            "treatment_id": "T1" if i % 2 else None,
                        }
                        for i in range(3)
                    ],
                )
                conn.execute(
                    insert(revisions),
                    [
                        {
                            "created_at": fetched,
                            "os_user": "olle",
                            "section": "*",
                            "summary": "gammal",
                            "snapshot": WebConfiguration().model_dump_json(),
                        }
                    ],
                )
            loaded = s.load_catalogue()
            assert loaded is not None
            assert loaded.fetched_at == fetched
            assert list(loaded.times) == [
                OnlineTime(
                    "Lund",
                    "B1",
                    "K1",
                    start + timedelta(minutes=30 * i),
                    start + timedelta(minutes=30 * i + 30),
                    "T1" if i % 2 else None,
                )
                for i in range(3)
            ]
            [old] = s.history()
            assert (old.created_at, old.os_user, old.summary) == (fetched, "olle", "gammal")

            # And the other way round.
            s.save_catalogue(_catalogue("Malmö", 4, fetched))
            revision = s.save_config(WebConfiguration(), summary="ny")
            with engine.connect() as conn:
                stamps = conn.execute(
                    select(databases.c.fetched_at).where(databases.c.database == "Malmö")
                ).scalar_one()
                assert stamps == fetched
                created = conn.execute(
                    select(revisions.c.created_at).where(revisions.c.id == revision.id)
                ).scalar_one()
                assert created == revision.created_at
                first = conn.execute(
                    select(times.c.start_at, times.c.end_at)
                    .where(times.c.database == "Malmö")
                    .order_by(times.c.id)
                ).first()
                assert first is not None
                assert tuple(first) == (start, start + timedelta(minutes=30))
        finally:
            engine.dispose()


def test_an_up_to_date_postgresql_store_is_used_without_heavy_imports(pg_server: object) -> None:
    """As tests/unit/test_store_imports.py for SQLite: only psycopg is imported."""
    from tests.unit.test_store_imports import run_probe

    db = pg_server.create_database("store_imports")  # type: ignore[attr-defined]
    with Store.open(db.url) as s:
        s.save_catalogue(_catalogue("Lund", 50, datetime(2026, 11, 27)))
        s.set_secret("portal:api_key", "nyckel-4711")
    result = run_probe(db.url, ("sqlalchemy", "sqlmodel", "alembic", "cryptography"))
    assert result["loaded"] == [], result["via"]
    assert (result["times"], result["history"], result["has_secret"]) == (50, 1, True)
