"""A throwaway PostgreSQL cluster for tests and benchmarks.

Usage as a pytest plugin (registered in ``tests/conftest.py`` with
``pytest_plugins = ["tests.pg_cluster"]``)::

    def test_something(pg_server):                 # session-scoped, shared
        db = pg_server.create_database("my_test")   # fresh, owned by pg_server.user
        db.url     # "postgresql+psycopg://opus:secret@127.0.0.1:54321/my_test" (SQLAlchemy)
        db.odbc    # "DRIVER={PostgreSQL Unicode};SERVER=127.0.0.1;PORT=...;DATABASE=my_test;
                   #  UID=opus;BoolsAsChar=0"   (no password: see db.odbc_with_password)
        db.odbc_with_password   # the same plus PWD={...}

``pg_server`` has ``host``, ``port``, ``user``, ``password``, ``superuser``, ``socket_dir``,
``create_database(name)`` (drops a database of that name first) and ``drop_database(name)``.
Do not stop the shared server; tests that need to stop one use their own cluster::

    with PgCluster.started() as cluster:   # or the function-scoped `pg_private_server` fixture
        ...
        cluster.stop()       # pg_ctl stop -m fast (ends sessions)
        cluster.start()

Outside pytest (bench/), use ``PgCluster.started()`` as a context manager.

The cluster: PostgreSQL 15 (the newest found under ``/usr/lib/postgresql/*/bin``), a data
directory in a temp folder, ``listen_addresses='127.0.0.1'``, a free private port, a private
socket directory, ``fsync=off``. ``initdb`` runs via ``runuser -u postgres --`` when root.
Local socket connections trust the superuser; TCP needs the password (scram-sha-256).
When no PostgreSQL binaries are found, the fixtures skip with a clear reason.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

DEFAULT_USER = "opus"
DEFAULT_PASSWORD = "s3cret-Pg;pw}"  # includes ; and } to exercise escaping


def find_pg_bindir() -> Path | None:
    """The bin dir of the newest PostgreSQL under /usr/lib/postgresql (15 preferred)."""
    env = os.environ.get("OPUS_TUI_PG_BINDIR")
    if env and (Path(env) / "initdb").exists():
        return Path(env)
    root = Path("/usr/lib/postgresql")
    if not root.is_dir():
        return None
    candidates = [p / "bin" for p in root.iterdir() if (p / "bin" / "initdb").exists()]
    if not candidates:
        return None
    for c in candidates:
        if c.parent.name == "15":
            return c
    return sorted(candidates, key=lambda p: p.parent.name)[-1]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _odbc_escape(value: str) -> str:
    return "{" + value.replace("}", "}}") + "}"


@dataclass(frozen=True)
class PgDatabase:
    name: str
    url: str  # SQLAlchemy URL (psycopg 3)
    odbc: str  # ODBC connection string without password
    password: str = field(repr=False)

    @property
    def odbc_with_password(self) -> str:
        return f"{self.odbc};PWD={_odbc_escape(self.password)}"


@dataclass
class PgCluster:
    bindir: Path
    base: Path
    port: int
    host: str = "127.0.0.1"
    user: str = DEFAULT_USER
    password: str = DEFAULT_PASSWORD
    superuser: str = "postgres"
    running: bool = field(default=False)

    @property
    def datadir(self) -> Path:
        return self.base / "data"

    @property
    def socket_dir(self) -> Path:
        return self.base / "sock"

    # -- process control -------------------------------------------------------------------
    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        cmd = list(args)
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=60)

    def init(self) -> None:
        self.datadir.mkdir(parents=True)
        self.socket_dir.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.base, "postgres", "postgres")
            for p in (self.datadir, self.socket_dir):
                shutil.chown(p, "postgres", "postgres")
        self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(self.datadir),
            "-U",
            self.superuser,
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        )
        conf = self.datadir / "postgresql.conf"
        with conf.open("a", encoding="utf-8") as f:
            f.write(
                "\nlisten_addresses = '127.0.0.1'\n"
                f"port = {self.port}\n"
                f"unix_socket_directories = '{self.socket_dir}'\n"
                "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
                "max_connections = 100\nshared_buffers = 32MB\n"
            )

    def start(self) -> None:
        self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.datadir),
            "-l",
            str(self.base / "server.log"),
            "-w",
            "-t",
            "30",
            "start",
        )
        self.running = True

    def stop(self, mode: str = "fast") -> None:
        if not self.running:
            return
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-m", mode, "-w", "stop")
        self.running = False

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(
            host=str(self.socket_dir),
            port=self.port,
            user=self.superuser,
            dbname="postgres",
            autocommit=True,
        ) as conn:
            conn.execute(sql.encode())

    def create_user(self) -> None:
        pw = self.password.replace("'", "''")
        self._admin(f"CREATE ROLE \"{self.user}\" LOGIN CREATEDB PASSWORD '{pw}'")

    # -- databases -------------------------------------------------------------------------
    def database(self, name: str) -> PgDatabase:
        from urllib.parse import quote

        url = (
            f"postgresql+psycopg://{quote(self.user, safe='')}:{quote(self.password, safe='')}"
            f"@{self.host}:{self.port}/{quote(name, safe='')}"
        )
        odbc = (
            f"DRIVER={{PostgreSQL Unicode}};SERVER={self.host};PORT={self.port};"
            f"DATABASE={name};UID={self.user};BoolsAsChar=0"
        )
        return PgDatabase(name=name, url=url, odbc=odbc, password=self.password)

    def create_database(self, name: str) -> PgDatabase:
        self.drop_database(name)
        self._admin(f'CREATE DATABASE "{name}" OWNER "{self.user}"')
        return self.database(name)

    def drop_database(self, name: str) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def cleanup(self) -> None:
        with contextlib.suppress(Exception):
            self.stop()
        shutil.rmtree(self.base, ignore_errors=True)

    @classmethod
    def create(cls, bindir: Path | None = None) -> PgCluster:
        """Init and start a cluster with its user; call ``cleanup()`` when done."""
        bindir = bindir or find_pg_bindir()
        if bindir is None:
            raise RuntimeError("PostgreSQL binaries not found under /usr/lib/postgresql/*/bin")
        base = Path(tempfile.mkdtemp(prefix="opus-pg-"))
        cluster = cls(bindir=bindir, base=base, port=_free_port())
        try:
            cluster.init()
            cluster.start()
            cluster.create_user()
        except BaseException:
            cluster.cleanup()
            raise
        return cluster

    @classmethod
    @contextlib.contextmanager
    def started(cls, bindir: Path | None = None) -> Iterator[PgCluster]:
        cluster = cls.create(bindir)
        try:
            yield cluster
        finally:
            cluster.cleanup()


def _require_bindir() -> Path:
    bindir = find_pg_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL binaries not found under /usr/lib/postgresql/*/bin")
    return bindir


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgCluster]:
    """A PostgreSQL cluster shared by the session (do not stop it)."""
    with PgCluster.started(_require_bindir()) as cluster:
        yield cluster


@pytest.fixture
def pg_private_server() -> Iterator[PgCluster]:
    """A cluster of its own for a test that stops or breaks the server."""
    with PgCluster.started(_require_bindir()) as cluster:
        yield cluster
