"""Rate limits without Redis (issue 25, L4): the counts are rows in the database, shared by every
app server process, so two gunicorn workers do not each let a limit through.

The proof runs two real processes on a copy of the suite's database (SQLite or PostgreSQL, the
suite's engine, copied as talanoa/tests/test_crash.py does): each counts ten hits at a limit of
ten, at the same moment. With the local-memory cache each process would let its ten through.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction

from talanoa import ratelimit
from talanoa.models import RateCount
from talanoa.tests.test_crash import Copy, copy_of_suite_database

pytestmark = pytest.mark.django_db

WINDOW_START = 1_900_000_800  # a multiple of 3600: the start of an hour window
NOW = WINDOW_START + 10


@pytest.fixture(autouse=True)
def _no_purge_unless_asked(monkeypatch):
    """The purge runs at random on a new window: never, unless a test says so."""
    monkeypatch.setattr(ratelimit, "PURGE_EVERY", float("inf"))


def _key(scope: str, who: str, window: int = 3600) -> str:
    return f"rate:{scope}:{who}:{window}:{NOW // window * window}"


def test_without_redis_the_counts_are_rows_in_the_database(django_assert_num_queries):
    assert not settings.REDIS_URL and settings.RATE_LIMIT_STORE == "database"
    with django_assert_num_queries(3):  # one upsert a hit
        answers = [ratelimit.hit("t", "ip:a", "2/hour", now=NOW) for __ in range(3)][-1:]
    assert answers == [3600 - 10]
    assert RateCount.objects.get(key=_key("t", "ip:a")).count == 3
    assert RateCount.objects.get(key=_key("t", "ip:a")).ends_at == WINDOW_START + 3600
    assert cache.get(_key("t", "ip:a")) is None  # nothing counted per process


def test_with_redis_the_cache_counts(settings, django_assert_num_queries):
    settings.RATE_LIMIT_STORE = "cache"
    with django_assert_num_queries(0):
        answers = [ratelimit.hit("t", "ip:b", "2/hour", now=NOW) for __ in range(3)]
    assert answers == [None, None, 3590]
    assert not RateCount.objects.exists()


def test_ended_windows_are_deleted_now_and_then(monkeypatch):
    RateCount.objects.bulk_create([RateCount(key="ended", ends_at=NOW - 1, count=5),
                                   RateCount(key="ends-now", ends_at=NOW, count=5),
                                   RateCount(key="running", ends_at=NOW + 1, count=5)])
    ratelimit.hit("t", "ip:c", "5/min", now=NOW)  # a new window, but the purge did not draw
    assert RateCount.objects.filter(key="ended").exists()
    monkeypatch.setattr(ratelimit, "PURGE_EVERY", 1)
    ratelimit.hit("t", "ip:c", "5/min", now=NOW)  # an existing window: no purge either
    assert RateCount.objects.filter(key="ended").exists()
    ratelimit.hit("t", "ip:d", "5/min", now=NOW)  # a new window: the purge runs
    assert set(RateCount.objects.values_list("key", flat=True)) == {
        "running", _key("t", "ip:c", 60), _key("t", "ip:d", 60)}
    assert ratelimit.purge_ended_windows(now=WINDOW_START + 3600) == 3


def test_a_long_key_is_one_row_still():
    who = "user:" + "x" * 400
    assert [ratelimit.hit("t", who, "1/hour", now=NOW) for __ in range(2)] == [None, 3590]
    (row,) = RateCount.objects.all()
    assert row.key.startswith("rate:sha256:") and row.count == 2


def test_without_an_upsert_an_update_then_an_insert_counts_the_same(monkeypatch):
    """A database without INSERT … ON CONFLICT … RETURNING (not SQLite 3.35+ nor PostgreSQL)."""
    monkeypatch.setattr(connection.features, "can_return_columns_from_insert", False)
    assert [ratelimit.hit("t", "ip:e", "2/hour", now=NOW) for __ in range(3)] == [
        None, None, 3590]
    assert RateCount.objects.get(key=_key("t", "ip:e")).count == 3
    # Another process inserts the window's row between our UPDATE (no row) and our INSERT: ours
    # fails, and the count goes into its row.
    class AnotherProcessFirst:
        @staticmethod
        def atomic():
            RateCount.objects.bulk_create([RateCount(key=_key("t", "ip:f"), count=1,
                                                     ends_at=WINDOW_START + 3600)])
            return transaction.atomic()

    monkeypatch.setattr(ratelimit, "transaction", AnotherProcessFirst)
    assert ratelimit.hit("t", "ip:f", "1/hour", now=NOW) == 3590  # the second hit
    assert RateCount.objects.get(key=_key("t", "ip:f")).count == 2


# --- Two processes ------------------------------------------------------------------------------

COUNTER = """
import json, sys
import django
django.setup()
from talanoa import ratelimit
print("ready", flush=True)
sys.stdin.readline()
now, hits = float(sys.argv[1]), int(sys.argv[2])
answers = [ratelimit.hit("take-part", "ip:203.0.113.9", "10/hour", now=now) for _ in range(hits)]
# The commits of counts do not wait for the disk; the app's own commits still do.
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("PRAGMA synchronous" if connection.vendor == "sqlite"
                   else "SHOW synchronous_commit")
    waits = str(cursor.fetchone()[0])
print("answers " + json.dumps({"answers": answers, "waits": waits}), flush=True)
"""


@pytest.fixture(scope="module")
def database_copy(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Copy]:
    """A copy of the suite's database for the processes (its own is inside the test's
    transaction, which they could not see), made before that transaction begins."""
    with django_db_blocker.unblock(), copy_of_suite_database(tmp_path_factory, "rate-db") as copy:
        yield copy


def test_a_limit_holds_across_two_processes(database_copy, tmp_path):
    """Like two gunicorn workers: 20 "take part" posts at a limit of 10 let exactly 10 through."""
    env = {**{k: v for k, v in os.environ.items()
              if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")},
           "DJANGO_SETTINGS_MODULE": "talanoa.settings", "DATABASE_URL": database_copy.url,
           "SECRET_KEY": settings.SECRET_KEY, "VAR_DIR": str(tmp_path), "LOG_LEVEL": "ERROR"}
    processes = [subprocess.Popen([sys.executable, "-c", COUNTER, str(NOW), "10"],
                                  cwd=settings.BASE_DIR, env=env, stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for __ in range(2)]
    try:
        for process in processes:  # both loaded, then both count at once
            while (line := process.stdout.readline()) and line.strip() != "ready":
                pass
            assert line, process.communicate(timeout=10)[1]
        for process in processes:
            process.stdin.write("go\n")
            process.stdin.flush()
        outputs = [process.communicate(timeout=60) for process in processes]
    finally:
        for process in processes:
            process.kill()
    answers = []
    for process, (out, err) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, err
        said = json.loads(out.split("answers ", 1)[1])
        assert said["waits"] in ("2", "on")  # SQLite's synchronous=FULL, PostgreSQL's default
        answers += said["answers"]
    assert answers.count(None) == 10, answers
    assert [wait for wait in answers if wait is not None] == [3590] * 10
    assert database_copy.query("SELECT count FROM talanoa_ratecount WHERE key = %s",
                               (_key("take-part", "ip:203.0.113.9"),)) == [(20,)]
