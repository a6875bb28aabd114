"""The drill of issue 25's Build 2 ("No long transaction"): the finding's 1.2 MB paper text (H1)
is posted to a real app server (gunicorn, production's two sync workers) on SQLite while other
people keep reading and saving: it is refused or saved without stopping any other request for
more than a second, and the server still answers afterwards.

The server runs on a copy of the suite's test database, made and served as the crash test does
(`talanoa/tests/test_crash.py`). A member (Fiji's representative, an author of Fiji's papers) is
signed in by a session written into the copy. While a reader asks for the publications list in a
loop and the member saves small edits of a second paper in another, the member posts to the
first paper, in turn: the finding's 1.2 MB of `[` (refused: too long), 200,000 `[` (refused:
too intricate to lay out), and 100,000 characters of real Markdown (saved, and found by search).
Meanwhile the test asks the database from outside, every few milliseconds, whether a write
transaction is open, and keeps the longest stretch it saw. A request counts as stopped for the
time it took beyond the usual time of its loop, measured for two seconds before the posts: the
suite's other tests share the machine and slow every request alike. Before issue 25's fix the
first post held the write lock for over 20 s, and every save beside it waited that long.
"""

from __future__ import annotations

import contextlib
import datetime
import glob
import http.client
import re
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.db import connections
from django.utils import timezone

from conftest import DEMO
from members.models import Organisation, User, WorkingGroup
from papers.models import PaperKind
from talanoa.lib.markup import DOCUMENT_MAX_CHARS
from talanoa.tests.test_crash import Copy, Server, _postgresql_copy, _sqlite_copy, _write_probe

pytestmark = pytest.mark.django_db

LIMIT = 1.0  # seconds: no other request may wait longer than this
TIMEOUT = 30.0
MARKER = "Quokkaquay"  # a word of the long real text, to find it by search


@pytest.fixture(scope="module")
def copy(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Copy]:
    with django_db_blocker.unblock():
        vendor = connections["default"].vendor
        if vendor == "sqlite":
            made = _sqlite_copy(tmp_path_factory.mktemp("drill-db"))
        elif vendor == "postgresql":
            made = _postgresql_copy()
        else:
            pytest.fail(f"No drill for {vendor}")
        with made as database:
            yield database


@pytest.fixture
def server(copy, tmp_path) -> Iterator[Server]:
    running = Server(copy, tmp_path)
    try:
        yield running
    finally:
        running.kill()


def _sign_in(copy: Copy, email: str) -> str:
    """A session of the person's, written into the copy as `login()` would have stored it."""
    user = User.objects.get(email=email)
    data = {"_auth_user_id": str(user.pk),
            "_auth_user_backend": "allauth.account.auth_backends.AuthenticationBackend",
            "_auth_user_hash": user.get_session_auth_hash()}
    key = secrets.token_hex(16)
    connection = copy.connect()
    try:
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO django_session (session_key, session_data, expire_date) "
                           "VALUES (%s, %s, %s)",
                           [key, SessionStore().encode(data),
                            timezone.now() + datetime.timedelta(days=1)])
    finally:
        connection.close()
    return key


@dataclass
class Answer:
    status: int
    body: bytes
    seconds: float
    location: str = ""
    cookies: dict[str, str] = field(default_factory=dict)


class Browser:
    """One person's HTTP client: a session cookie, the CSRF cookie and form token."""

    def __init__(self, server: Server, session: str | None = None) -> None:
        self.server = server
        self.cookies = {"sessionid": session} if session else {}
        self.token: str | None = None

    def request(self, method: str, path: str, data: dict | None = None) -> Answer:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if data is not None:
            body = urlencode(data).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=TIMEOUT)
        started = time.monotonic()
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            content = response.read()
            seconds = time.monotonic() - started
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            return Answer(response.status, content, seconds, response.getheader("Location", ""))
        finally:
            conn.close()

    def post_form(self, path: str, data: dict) -> Answer:
        """POST the data with a CSRF token, read from the form's page the first time (a token
        stays good for the session, as a browser's open tabs rely on)."""
        if self.token is None:
            page = self.request("GET", path)
            assert page.status == 200, (path, page.status, page.body[:300])
            found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
            assert found, path
            self.token = found[1].decode()
        return self.request("POST", path, {**data, "csrfmiddlewaretoken": self.token})


def _paper_data(title: str, body: str, version: int | None = None) -> dict:
    data = {"group": WorkingGroup.objects.get(slug=settings.DEFAULT_GROUP_SLUG).pk,
            "kind": PaperKind.objects.get(slug="policy-brief").pk, "level": "members",
            "title_en": title, "title_fr": "", "summary_en": "For the drill.", "summary_fr": "",
            "body_en": body, "body_fr": "",
            "lead_organisation": Organisation.objects.get(slug="gov-fji").pk,
            "options-TOTAL_FORMS": "0", "options-INITIAL_FORMS": "0",
            "options-MIN_NUM_FORMS": "0", "options-MAX_NUM_FORMS": "12"}
    if version is not None:
        data["expected_version"] = version
    return data


def _real_text(n: int) -> str:
    """Real Markdown (this project's documentation) to `n` characters, with the marker."""
    docs = sorted(glob.glob(str(Path(settings.BASE_DIR) / "docs" / "*.md")))
    text = f"# {MARKER}\n\n" + "\n\n".join(Path(p).read_text() for p in docs)
    return (text * (n // len(text) + 1))[:n]


@dataclass
class Loop:
    """Requests made again and again until told to stop: (status, seconds, start) of each."""

    answers: list[tuple[int, float, float]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def run(self, stop: threading.Event, make, pause: float) -> None:
        while not stop.is_set():
            started = time.monotonic()
            try:
                answer = make()
            except (OSError, http.client.HTTPException) as error:
                self.errors.append(repr(error))
                continue
            self.answers.append((answer.status, answer.seconds, started))
            time.sleep(pause)

    def times(self, since: float, until: float) -> list[float]:
        return sorted(seconds for _status, seconds, started in self.answers
                      if since <= started < until)


def _p(times: list[float], fraction: float) -> float:
    return times[min(len(times) - 1, int(len(times) * fraction))] if times else 0.0


@contextlib.contextmanager
def _longest_write(copy: Copy) -> Iterator[list[float]]:
    """Polls the copy from outside for an open write transaction; yields a list that holds,
    once the block ends, the longest stretch (seconds) it saw one open."""
    longest = [0.0]
    stop = threading.Event()

    def watch() -> None:
        with _write_probe(copy) as writing:
            since = None
            while not stop.is_set():
                now = time.monotonic()
                if writing():
                    since = now if since is None else since
                    longest[0] = max(longest[0], now - since)
                else:
                    since = None
                time.sleep(0.003)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        yield longest
    finally:
        stop.set()
        watcher.join(timeout=10)


def test_the_findings_paper_text_stops_no_other_request(copy, server):
    server.start()
    server.wait_until_serving("/papers/")
    member = Browser(server, _sign_in(copy, DEMO["member"]))
    drafted = member.post_form("/papers/new/", _paper_data("Drill target", "## First words"))
    other = member.post_form("/papers/new/", _paper_data("Drill neighbour", "Small text."))
    assert drafted.status == other.status == 302, (drafted.body[:500], other.body[:500])
    target, neighbour = drafted.location, other.location  # /papers/<pk>/

    reader, writer = Loop(), Loop()
    version = {"n": 1}
    neighbour_writer = Browser(server, _sign_in(copy, DEMO["member"]))

    def small_edit() -> Answer:
        answer = neighbour_writer.post_form(
            f"{neighbour}edit/", _paper_data("Drill neighbour", f"Small text {version['n']}.",
                                             version["n"]))
        if answer.status == 302:
            version["n"] += 1
        return answer

    anonymous = Browser(server)
    stop = threading.Event()
    # A reader every 10 ms, a save every 100 ms: a sync worker serves one request at a time,
    # and the member's own posts take one of the two while the other serves these.
    loops = [threading.Thread(target=reader.run,
                              args=(stop, lambda: anonymous.request("GET", "/papers/"), 0.01)),
             threading.Thread(target=writer.run, args=(stop, small_edit, 0.1))]
    posts: dict[str, Answer] = {}
    with _longest_write(copy) as longest:
        for loop in loops:
            loop.start()
        try:
            time.sleep(2)  # how long the two loops' requests take here before the drill
            drill = time.monotonic()
            edit = f"{target}edit/"
            posts["1.2 MB of ["] = member.post_form(edit, _paper_data("Drill target",
                                                                      "[" * 1_200_000, 1))
            posts["200,000 ["] = member.post_form(
                edit, _paper_data("Drill target", "[" * DOCUMENT_MAX_CHARS, 1))
            posts["100,000 real"] = member.post_form(
                edit, _paper_data("Drill target", _real_text(100_000), 1))
            drilled = time.monotonic()
            time.sleep(0.5)
        finally:
            stop.set()
            for loop in loops:
                loop.join(timeout=TIMEOUT + 5)

    # A request is stopped for the time it took beyond its usual time here (its loop's median
    # before the drill): a test machine busy with other suites slows every request, and that is
    # not what the drill measures. (With the machine less busy, every request took under half a
    # second in all.)
    stopped = {}
    figures = "drill:"
    for name, loop in (("reader", reader), ("writer", writer)):
        before, during = loop.times(0, drill), loop.times(drill, drilled)
        usual = _p(before, 0.5)
        stopped[name] = (max(during) - usual) if during else 0.0
        figures += (f" {name} {len(during)} requests during the posts, p99 {_p(during, 0.99):.3f}"
                    f" s, max {max(during, default=0):.3f} s (usual {usual:.3f} s, p99 before "
                    f"{_p(before, 0.99):.3f} s);")
    figures += (f" longest write transaction {longest[0]:.3f} s; posts "
                + ", ".join(f"{name}: {a.status} in {a.seconds:.2f} s"
                            for name, a in posts.items()))
    print(figures)
    assert posts["1.2 MB of ["].status == 400
    assert b"at most 200,000 are allowed here" in posts["1.2 MB of ["].body
    assert posts["200,000 ["].status == 400
    assert b"too much Markdown to be laid out in time" in posts["200,000 ["].body
    assert posts["100,000 real"].status == 302, posts["100,000 real"].body[:500]
    assert not reader.errors and not writer.errors, (reader.errors[:3], writer.errors[:3])
    assert reader.times(drill, drilled) and writer.times(drill, drilled), figures
    assert {status for status, *_ in reader.answers} == {200}, figures
    assert {status for status, *_ in writer.answers} == {302}, figures
    assert max(stopped.values()) < LIMIT, figures
    assert longest[0] < LIMIT, figures

    # The server still answers, the long text is shown and found.
    page = member.request("GET", target)
    assert page.status == 200 and f"<h1>{MARKER}</h1>".encode() in page.body
    found = member.request("GET", f"/search/?q={MARKER}")
    assert found.status == 200 and b"Drill target" in found.body
