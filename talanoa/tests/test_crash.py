"""Crash safety (issue 10): a burst of writes over HTTP to a real app server (gunicorn), which is
killed with SIGKILL mid-burst and started again on the same database. Every write that was
acknowledged with a 2xx must be there, exactly once and whole, and the database must pass its
integrity check.

The server runs on a copy of the suite's test database (already migrated, world loaded), on the
suite's engine: SQLite (SQLite's online backup into a file, as the app server needs a file) or
PostgreSQL (a database created from the test database as its template; CI runs the suite with
DATABASE_URL=postgres://…). The suite's own database is never written to.

The writes are the secretariat's imports through the API (`POST /api/indicators/imports` with a
personal token, answered 201): each stores a batch and its first transition in one transaction,
and its file, and each carries a marker of its own (the source and the file name).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connections
from django.db.models import Count
from django.urls import reverse

from api.models import ApiToken
from api.operations import create_token
from conftest import DEMO
from indicators.models import ImportBatch, ImportTransition, Indicator
from members.models import User
from talanoa.lib.net import free_port
from talanoa.tests.test_settings import run_manage

THREADS = 8
MOST_REQUESTS = 400  # the burst stops here if the kill has not stopped it before
KILL_AFTER = 40  # acknowledged writes before the kill
START_TIMEOUT = 30.0
REQUEST_TIMEOUT = 20.0




# --- The copy of the test database --------------------------------------------------------------


@dataclass
class Copy:
    """The copy: its Django settings (for connections of this process), its address for the
    server, and what the test set up in it."""

    settings_dict: dict
    url: str
    secret: str = ""  # the secretariat's API token
    indicator: str = ""

    def connect(self):
        """A fresh connection to the copy, made as the app makes its own (for SQLite: WAL,
        IMMEDIATE transactions). It is no alias of `django.db.connections`: the test case
        forbids queries to aliases other than its own."""
        from django.db.utils import load_backend

        return load_backend(self.settings_dict["ENGINE"]).DatabaseWrapper(
            self.settings_dict, alias="crash")

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        connection = self.connect()
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()
        finally:
            connection.close()


@contextlib.contextmanager
def _write_probe(copy: Copy) -> Iterator[Callable[[], bool]]:
    """A function that tells whether some session has a write transaction open in the copy
    right now, asked from outside the server: SQLite's write lock is taken (`BEGIN IMMEDIATE`
    fails at once), or a PostgreSQL session has a transaction id (it has written)."""
    options = copy.settings_dict
    if options["ENGINE"].endswith("sqlite3"):
        import sqlite3

        probe = sqlite3.connect(options["NAME"], timeout=0, isolation_level=None)

        def writing() -> bool:
            try:
                probe.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError:  # "database is locked"
                return True
            probe.execute("ROLLBACK")
            return False
    else:
        import psycopg

        probe = psycopg.connect(dbname=options["NAME"], host=options["HOST"] or None,
                                port=options["PORT"] or None, user=options["USER"] or None,
                                password=options["PASSWORD"] or None, autocommit=True)

        def writing() -> bool:
            return bool(probe.execute(
                "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL").fetchall())
    try:
        yield writing
    finally:
        probe.close()


@contextlib.contextmanager
def _sqlite_copy(tmp_path: Path) -> Iterator[Copy]:
    import sqlite3

    source = connections["default"]
    source.ensure_connection()
    path = tmp_path / "talanoa.sqlite3"
    target = sqlite3.connect(path)
    try:
        source.connection.backup(target)
    finally:
        target.close()
    yield Copy({**source.settings_dict, "NAME": str(path)}, f"sqlite:///{path}")


@contextlib.contextmanager
def _postgresql_copy() -> Iterator[Copy]:
    import psycopg

    source = connections["default"].settings_dict
    name = f"{source['NAME']}_crash_{os.getpid()}"[:63]
    server = {"host": source["HOST"] or None, "port": source["PORT"] or None,
              "user": source["USER"] or None, "password": source["PASSWORD"] or None}
    # A template may have no other session: this process's own goes (Django reconnects on
    # the next query).
    connections.close_all()
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source["NAME"]}"')
    try:
        auth = quote(source["USER"] or "", safe="")
        if source["PASSWORD"]:
            auth += ":" + quote(source["PASSWORD"], safe="")
        where = f"{source['HOST'] or '127.0.0.1'}:{source['PORT'] or 5432}"
        yield Copy({**source, "NAME": name}, f"postgres://{auth}@{where}/{name}")
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def copy_of_suite_database(tmp_path_factory, name: str) -> Iterator[Copy]:
    """A copy of the suite's database on its engine, for other processes (the suite's own is
    inside the test's transaction, which they cannot see). Call it before that transaction
    begins (from a module-scoped fixture, inside `django_db_blocker.unblock()`): only committed
    data is copied, and a PostgreSQL template may have no open session."""
    vendor = connections["default"].vendor
    if vendor == "sqlite":
        made = _sqlite_copy(tmp_path_factory.mktemp(name))
    elif vendor == "postgresql":
        made = _postgresql_copy()
    else:
        pytest.fail(f"No copy of a {vendor} database")
    with made as copy:
        yield copy


# The test is marked so that pytest-django sets up the test database; its own transaction is
# unused. The copy is made before that transaction begins (module scope): a PostgreSQL template
# may have no open session, and only committed data is copied.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def database_copy(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Copy]:
    """The copy, with a token of the secretariat's in it (made in the suite's database for the
    copy, then deleted there)."""
    with django_db_blocker.unblock():
        token, secret = create_token(User.objects.get(email=DEMO["secretariat"]), "crash test")
        # The catalogue's indicator with the fewest values: each preview reads them all.
        indicator = (Indicator.objects.annotate(n=Count("observations"))
                     .order_by("n", "code").values_list("code", flat=True)[0])
        vendor = connections["default"].vendor
        try:
            if vendor == "sqlite":
                made = _sqlite_copy(tmp_path_factory.mktemp("crash-db"))
            elif vendor == "postgresql":
                made = _postgresql_copy()
            else:
                pytest.fail(f"No crash test for {vendor}")
            with made as copy:
                token.delete()
                copy.secret, copy.indicator = secret, indicator
                yield copy
        finally:
            ApiToken.objects.filter(pk=token.pk).delete()


# --- The app server -----------------------------------------------------------------------------


class Server:
    """gunicorn in a process group of its own, so that one SIGKILL takes master and workers."""

    def __init__(self, copy: Copy, tmp_path: Path) -> None:
        self.port = free_port()
        self.log = tmp_path / "gunicorn.log"
        self.env = {
            **{k: v for k, v in os.environ.items()
               if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")},
            "DJANGO_SETTINGS_MODULE": "talanoa.settings",
            "BIND": f"127.0.0.1:{self.port}",
            "WEB_CONCURRENCY": "2",
            "DATABASE_URL": copy.url,
            "SECRET_KEY": settings.SECRET_KEY,
            "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
            "VAR_DIR": str(tmp_path / "var"),
            "MEDIA_ROOT": str(tmp_path / "files"),
            "API_RATE_TOKEN": "100000/min",
            "LOG_LEVEL": "WARNING",
        }
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        # Production's configuration: the app preloaded, two sync workers.
        command = [sys.executable, "-m", "gunicorn", "-c",
                   str(settings.BASE_DIR / "deploy" / "gunicorn.conf.py"), "talanoa.wsgi"]
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                command, cwd=settings.BASE_DIR, env=self.env, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True)

    def wait_until_serving(self, path: str) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            assert self.process is not None and self.process.poll() is None, self.output()
            with contextlib.suppress(OSError, http.client.HTTPException):
                status, _body = self.request("GET", path, timeout=2)
                assert status == 200, (status, self.output())
                return
            time.sleep(0.05)
        pytest.fail(f"gunicorn did not answer within {START_TIMEOUT} s:\n{self.output()}")

    def kill(self) -> None:
        """SIGKILL to the whole group: no worker finishes its request or its transaction."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.process = None

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict | None = None, timeout: float = REQUEST_TIMEOUT
                ) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-5000:] if self.log.exists() else ""


@pytest.fixture
def server(database_copy, tmp_path) -> Iterator[Server]:
    running = Server(database_copy, tmp_path)
    try:
        yield running
    finally:
        running.kill()


# --- The writes -----------------------------------------------------------------------------


def _import_request(secret: str, indicator: str, marker: str, n: int) -> tuple[bytes, dict]:
    """A long CSV of one value, as multipart/form-data with the marker as its source."""
    boundary = uuid.uuid4().hex
    csv = f"Country Name,Country Code,Year,Value\r\nTonga,TON,2020,{n}.25\r\n"
    parts = [
        ("file", f"{marker}.csv", csv),
        ("indicator", None, indicator),
        ("source", None, marker),
    ]
    body = b""
    for name, file_name, value in parts:
        disposition = f'form-data; name="{name}"'
        if file_name:
            disposition += f'; filename="{file_name}"\r\nContent-Type: text/csv'
        body += (f"--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n{value}\r\n"
                 .encode())
    body += f"--{boundary}--\r\n".encode()
    return body, {"Authorization": f"Bearer {secret}",
                  "Content-Type": f"multipart/form-data; boundary={boundary}"}


@dataclass
class Burst:
    """Who sent what and what came back: a marker is acknowledged only by a 201 received."""

    run: str
    acknowledged: dict[str, int] = field(default_factory=dict)  # marker → batch id
    other_answers: list[tuple[str, int, bytes]] = field(default_factory=list)
    lost: list[tuple[str, str]] = field(default_factory=list)  # sent, no answer: the kill
    dropped: list[tuple[str, str]] = field(default_factory=list)  # no answer, before the kill
    sent: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    enough: threading.Event = field(default_factory=threading.Event)
    killed: threading.Event = field(default_factory=threading.Event)

    def next_marker(self) -> str | None:
        with self.lock:
            if self.sent >= MOST_REQUESTS or self.killed.is_set():
                return None
            self.sent += 1
            return f"crash-{self.run}-{self.sent:04d}"


def _sender(server: Server, burst: Burst, secret: str, indicator: str, path: str) -> None:
    while (marker := burst.next_marker()) is not None:
        body, headers = _import_request(secret, indicator, marker, int(marker[-4:]))
        try:
            status, answer = server.request("POST", path, body, headers)
        except (OSError, http.client.HTTPException) as error:
            killed = burst.killed.is_set()  # set before the kill is sent
            with burst.lock:
                (burst.lost if killed else burst.dropped).append((marker, repr(error)))
            if killed:
                return
            continue
        with burst.lock:
            if status == 201:
                burst.acknowledged[marker] = json.loads(answer)["id"]
                if len(burst.acknowledged) >= KILL_AFTER:
                    burst.enough.set()
            else:
                burst.other_answers.append((marker, status, answer[:300]))


# --- Integrity ---------------------------------------------------------------------------------


def _integrity_problems(copy: Copy) -> list:
    """What the engine's own checker finds wrong with the copy, on a fresh connection."""
    connection = copy.connect()
    try:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA journal_mode")
                assert cursor.fetchone()[0] == "wal"  # as settings.py sets it: what was tested
                cursor.execute("PRAGMA integrity_check")
                problems = [row[0] for row in cursor.fetchall() if row[0] != "ok"]
                cursor.execute("PRAGMA foreign_key_check")
                return problems + cursor.fetchall()
            # amcheck: every B-tree index against its rules and against its table
            # (heapallindexed), and every table's pages and tuples (verify_heapam).
            cursor.execute("CREATE EXTENSION IF NOT EXISTS amcheck")
            cursor.execute("""
                SELECT c.oid::regclass::text FROM pg_index i
                JOIN pg_class c ON c.oid = i.indexrelid
                JOIN pg_am am ON am.oid = c.relam
                JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE am.amname = 'btree' AND n.nspname = 'public' AND c.relpersistence = 'p'
                  AND i.indisvalid AND i.indisready""")
            indexes = [row[0] for row in cursor.fetchall()]
            assert len(indexes) > 100  # every app's tables
            for index in indexes:  # raises on the first corrupt one
                cursor.execute("SELECT bt_index_check(%s::regclass, true)", [index])
            cursor.execute("""
                SELECT c.oid::regclass::text FROM pg_class c
                JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND c.relkind IN ('r', 'm')""")
            problems = []
            for (table,) in cursor.fetchall():
                cursor.execute("SELECT blkno, offnum, msg FROM verify_heapam(%s::regclass)",
                               [table])
                problems += [(table, *row) for row in cursor.fetchall()]
            return problems
    finally:
        connection.close()


# --- The test ---------------------------------------------------------------------------------


def _stored(copy: Copy, run: str) -> tuple[list[tuple], list[tuple]]:
    """The copy's batches of this run (id, source, file name, file) and their transitions
    (batch id, status), read on a fresh connection."""
    batches = copy.query(
        f"SELECT id, source, file_name, file FROM {ImportBatch._meta.db_table} "
        "WHERE source LIKE %s ORDER BY id", (f"crash-{run}-%",))
    transitions = copy.query(
        f"SELECT t.batch_id, t.to_status FROM {ImportTransition._meta.db_table} t "
        f"JOIN {ImportBatch._meta.db_table} b ON b.id = t.batch_id "
        "WHERE b.source LIKE %s ORDER BY t.batch_id", (f"crash-{run}-%",))
    return batches, transitions


def test_acknowledged_writes_survive_a_sigkill_of_the_app_server(database_copy, server,
                                                                  tmp_path):
    copy = database_copy
    ready = reverse("api:get_indicator", kwargs={"code": copy.indicator})
    imports = reverse("api:create_import")
    server.start()
    server.wait_until_serving(ready)

    burst = Burst(run=secrets.token_hex(4))
    senders = [threading.Thread(target=_sender,
                                args=(server, burst, copy.secret, copy.indicator, imports))
               for _ in range(THREADS)]
    for sender in senders:
        sender.start()
    try:
        assert burst.enough.wait(timeout=60), (burst.other_answers[:3], server.output())
        # Then the kill, the moment a write transaction is seen open (the probe is a few
        # milliseconds at most: the kill finds that transaction open or just committed).
        with _write_probe(copy) as writing:
            deadline = time.monotonic() + 10
            while not (during_write := writing()) and time.monotonic() < deadline:
                pass
            burst.killed.set()
            server.kill()
    finally:
        burst.killed.set()
        for sender in senders:
            sender.join(timeout=REQUEST_TIMEOUT + 5)
    # Until the kill, every write was answered, and answered 201.
    assert not burst.dropped, burst.dropped[:5]
    assert not burst.other_answers, burst.other_answers[:5]
    assert len(burst.acknowledged) >= KILL_AFTER
    assert burst.lost, "the kill should have cut requests in flight"
    assert during_write, "no write transaction seen open in 10 s of the burst"
    assert burst.sent < MOST_REQUESTS, "the burst ended before the kill"

    server.start()
    server.wait_until_serving(ready)
    # Still writable after the crash (no lock left behind): one more import goes through.
    after = f"crash-{burst.run}-after"
    body, headers = _import_request(copy.secret, copy.indicator, after, 0)
    status, answer = server.request("POST", imports, body, headers)
    assert status == 201, answer

    batches, transitions = _stored(copy, burst.run)
    by_marker = {source: (pk, file_name, file) for pk, source, file_name, file in batches}
    missing = sorted(set(burst.acknowledged) - set(by_marker))
    assert not missing, f"{len(missing)} of {len(burst.acknowledged)} acknowledged writes lost"
    assert len(by_marker) == len(batches), "a write stored twice"
    for marker, batch_id in burst.acknowledged.items():
        pk, file_name, file = by_marker[marker]
        assert (pk, file_name) == (batch_id, f"{marker}.csv")
        assert (tmp_path / "files" / file).is_file()
    # Nothing half-written: each batch has exactly its one first transition, the acknowledged
    # ones and any committed just before the kill alike.
    assert transitions == [(pk, ImportBatch.Status.PREVIEWED) for pk, *_ in batches]
    # Only requests cut by the kill may have been stored without an answer.
    unanswered = set(by_marker) - set(burst.acknowledged) - {after}
    assert unanswered <= {marker for marker, _ in burst.lost}
    print(f"crash test: {burst.sent} writes sent, {len(burst.acknowledged)} acknowledged, "
          f"{len(burst.lost)} cut by the kill, of which {len(unanswered)} stored unanswered")

    server.kill()
    assert _integrity_problems(copy) == []


def test_sqlite_syncs_each_commit_to_disk(tmp_path):
    """The other half of "acknowledged means stored": a crash of the machine, which no test
    here can cause. SQLite's commit reaches the disk before the answer (synchronous=FULL, 2)."""
    code = ("from django.db import connection; c = connection.cursor(); "
            "c.execute('PRAGMA synchronous'); print(c.fetchone()[0])")
    result = run_manage("shell", "-c", code, VAR_DIR=str(tmp_path))
    assert result.stdout.strip() == "2", result.stderr
