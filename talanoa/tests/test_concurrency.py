"""Two people at once, two workers at once (issue 11, item 7): no lost update, no duplicate
email.

- Interleaved requests: two editors load the same edit page (a paper, minutes), both submit;
  the second gets the conflict page (409) with their own text kept, the first's change stays.
- Truly concurrent: threads, each with its own database connection, race the same version check
  (papers, minutes, a task's status) and two django-tasks database workers race the same queue
  of email tasks. On PostgreSQL they use the test database; SQLite's in-memory test database
  cannot hold two writers (shared cache answers "table is locked" at once, where a file waits),
  so there the threads run on a file copy of it, as production runs SQLite (WAL, BEGIN
  IMMEDIATE, a busy timeout).
"""

from __future__ import annotations

import datetime
import sqlite3
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from talanoa.lib.editing import EditConflict

# Committed data, as a real second connection sees it. Emptying the database afterwards is
# quick on SQLite and a few seconds on PostgreSQL: the threaded checks share few tests.
COMMITTED = pytest.mark.django_db(transaction=True)


# ---------------------------------------------------------------------------------------------
# Interleaved requests through the pages


def form_data(page: bytes | str, marker: str) -> dict[str, Any]:
    """The fields of the page's form holding `marker` (a field name), as a browser would submit
    them unchanged."""
    soup = BeautifulSoup(page, "html.parser")
    form = next(f for f in soup.find_all("form") if f.find(attrs={"name": marker}))
    data: dict[str, Any] = {}
    for field in form.find_all(["input", "textarea", "select"]):
        name = field.get("name")
        if not name or field.get("type") in ("submit", "file", "button"):
            continue
        if field.name == "textarea":
            data[name] = field.text.removeprefix("\n")
        elif field.name == "select":
            chosen = [o.get("value", o.text) for o in field.find_all("option")
                      if o.has_attr("selected")]
            if field.has_attr("multiple"):
                if chosen:
                    data[name] = chosen
            else:
                data[name] = chosen[0] if chosen else ""
        elif field.get("type") in ("checkbox", "radio"):
            if field.has_attr("checked"):
                data.setdefault(name, []).append(field.get("value", "on"))
        else:
            data[name] = field.get("value", "")
    return data


@pytest.fixture
def paper(db, group, people):
    from members.models import Organisation
    from papers import operations
    from papers.models import Paper, PaperKind

    paper = Paper(group=group, level="members", kind=PaperKind.objects.get(slug="policy-brief"),
                  title_en="Submarine cable repair", summary_en="Few ships.",
                  body_en="One ship for the region.",
                  lead_organisation=Organisation.objects.get(slug="spc"))
    return operations.create_paper(paper, people["secretariat"])


def test_two_editors_load_the_same_paper_and_both_save(client_for, paper):
    url = reverse("papers:paper_edit", args=[paper.pk])
    chair, secretariat = client_for("chair"), client_for("secretariat")
    first = form_data(chair.get(url).content, "expected_version")
    second = form_data(secretariat.get(url).content, "expected_version")
    assert first["expected_version"] == second["expected_version"] == str(paper.version)
    first["body_en"] = "The chair's wording."
    second["body_en"] = "The secretariat's wording."

    assert chair.post(url, first).status_code == 302
    response = secretariat.post(url, second)

    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else saved this record" in page
    kept = form_data(page, "expected_version")
    assert kept["body_en"] == "The secretariat's wording."  # their text, still in the form
    assert "The chair&#x27;s wording." in page  # and what was saved meanwhile, to compare
    paper.refresh_from_db()
    assert paper.body_en == "The chair's wording." and paper.version == 2
    # Saving again from the conflict page is a deliberate choice, and goes through.
    assert secretariat.post(url, kept).status_code == 302
    paper.refresh_from_db()
    assert paper.body_en == "The secretariat's wording." and paper.version == 3


def test_two_editors_load_the_same_minutes_and_both_save(client_for, group, people):
    from meetings import operations
    from meetings.models import Meeting, Minutes

    start = timezone.now() - datetime.timedelta(days=1)
    meeting = operations.mark_held(Meeting.objects.create(
        group=group, level="public", title_en="Held meeting", starts_at=start,
        ends_at=start + datetime.timedelta(hours=6), city="Suva",
        status=Meeting.Status.CONVENED), people["chair"])
    operations.write_minutes(Minutes(meeting=meeting), "# Minutes\n\nOpening.", people["chair"])
    url = reverse("meetings:minutes_edit", args=[meeting.pk])
    chair, secretariat = client_for("chair"), client_for("secretariat")
    first = form_data(chair.get(url).content, "expected_revision")
    second = form_data(secretariat.get(url).content, "expected_revision")
    first["text"] = "# Minutes\n\nThe chair's record."
    second["text"] = "# Minutes\n\nThe secretariat's record."

    assert chair.post(url, first).status_code == 302
    response = secretariat.post(url, second)

    assert response.status_code == 409
    assert form_data(response.content, "expected_revision")["text"] == second["text"]
    minutes = Minutes.objects.get(meeting=meeting)
    assert list(minutes.revisions.order_by("number").values_list("text", flat=True)) == [
        "# Minutes\n\nOpening.", "# Minutes\n\nThe chair's record."]


# ---------------------------------------------------------------------------------------------
# Threads, each with its own connection


class Race:
    """Runs functions at once in threads with their own database connections: on the test
    database (PostgreSQL), or on a file copy of it (SQLite)."""

    def __init__(self, tmp_path):
        self.settings_dict = None
        if connection.vendor == "sqlite":
            path = tmp_path / "race.sqlite3"
            connection.ensure_connection()
            with sqlite3.connect(path) as copy:
                connection.connection.backup(copy)
            copy.close()
            self.settings_dict = {**connection.settings_dict, "NAME": str(path)}
            self.wrapper_class = type(connections["default"])

    def _connect(self) -> None:
        if self.settings_dict is not None:
            connections["default"] = self.wrapper_class(self.settings_dict, "default")

    def run(self, *functions: Callable[[], Any]) -> list[Any]:
        """Each function's result, or the exception it raised; they start together."""
        results: list[Any] = [None] * len(functions)
        start = threading.Barrier(len(functions))

        def runner(index: int, function: Callable[[], Any]) -> None:
            self._connect()
            try:
                start.wait(timeout=30)
                results[index] = function()
            except Exception as error:  # the outcome is what the test checks
                results[index] = error
            finally:
                connections.close_all()

        threads = [threading.Thread(target=runner, args=(i, f)) for i, f in enumerate(functions)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert not any(thread.is_alive() for thread in threads)
        return results

    def read(self, function: Callable[[], Any]) -> Any:
        """`function`'s answer on the database the threads wrote to."""
        [result] = self.run(function)
        if isinstance(result, Exception):
            raise result
        return result


def committed_base() -> dict[str, Any]:
    """What the threaded checks need, committed: a group, an organisation, the paper kind and
    two accounts. An earlier transactional test may have emptied the database: the rows are
    made if missing (loading the starter data would cost seconds)."""
    from members.models import Organisation, User, WorkingGroup
    from papers.models import PaperKind

    group = WorkingGroup.objects.get_or_create(slug="ict", defaults={
        "name_en": "ICT working group", "kind": WorkingGroup.Kind.values[0]})[0]
    spc = Organisation.objects.get_or_create(slug="spc", defaults={
        "name_en": "Pacific Community", "kind": Organisation.Kind.values[0]})[0]
    PaperKind.objects.get_or_create(slug="policy-brief", defaults={"name_en": "Policy brief"})
    users = [User.objects.get_or_create(email=f"racer{n}@race.talanoa.test")[0] for n in (1, 2)]
    return {"group": group, "users": users, "spc": spc}


@pytest.fixture
def slow_saves(monkeypatch):
    """Each save of a paper, meeting, minutes revision or task takes 50 ms longer: time for the
    other thread to get past its own check if nothing made it wait."""
    from meetings.models import Meeting, MinutesRevision
    from papers.models import Paper
    from tasks.models import Task

    for model in (Paper, Meeting, MinutesRevision, Task):
        original = model.save

        def slow(self, *args, _original=original, **kwargs):
            time.sleep(0.05)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(model, "save", slow)


@COMMITTED
def test_edits_racing_the_same_version_check_one_wins_nothing_lost(tmp_path, slow_saves):
    from meetings import operations as meetings_operations
    from meetings.models import Meeting, Minutes, MinutesRevision
    from papers import operations as papers_operations
    from papers.models import Paper, PaperKind, PaperTransition
    from tasks.models import Task, TaskTransition
    from tasks.operations import TaskRefused, set_task_status

    base = committed_base()
    group, (ana, ben) = base["group"], base["users"]
    paper = papers_operations.create_paper(Paper(
        group=group, level="members", kind=PaperKind.objects.get(slug="policy-brief"),
        title_en="Race", body_en="Original.", lead_organisation=base["spc"]), ana)
    start = timezone.now() - datetime.timedelta(days=1)
    held = Meeting.objects.create(group=group, level="public", title_en="Raced minutes",
                                  starts_at=start, ends_at=start + datetime.timedelta(hours=6),
                                  city="Apia", status=Meeting.Status.HELD)
    first_minutes = Meeting.objects.create(
        group=group, level="public", title_en="Raced first minutes", starts_at=start,
        ends_at=start + datetime.timedelta(hours=6), city="Apia", status=Meeting.Status.HELD)
    meetings_operations.write_minutes(Minutes(meeting=held), "Draft.", ana)
    minutes_pk = Minutes.objects.get(meeting=held).pk
    soon = timezone.now() + datetime.timedelta(days=30)
    convened = Meeting.objects.create(group=group, level="public", title_en="Raced meeting",
                                      starts_at=soon, ends_at=soon + datetime.timedelta(hours=6),
                                      city="Apia", status=Meeting.Status.CONVENED)
    task = Task.objects.create(group=group, title="Draft the roaming brief",
                               owner_organisation=base["spc"])
    race = Race(tmp_path)

    def save_paper(text: str, version: int) -> Paper:
        mine = Paper.objects.get(pk=paper.pk)  # as the edit page loaded it, at `version`
        mine.body_en = text
        return papers_operations.save_paper(mine, expected_version=version)

    def write(meeting_pk: int, text: str, user, expected: int, existing: bool):
        minutes = (Minutes.objects.get(pk=minutes_pk) if existing
                   else Minutes(meeting=Meeting.objects.get(pk=meeting_pk)))
        return meetings_operations.write_minutes(minutes, text, user,
                                                 expected_revision=expected)

    def take(user):
        return set_task_status(Task.objects.get(pk=task.pk), Task.Status.IN_PROGRESS, user,
                               "I take it")

    for version in (1, 2):  # the second round starts from the first one's winner
        results = race.run(lambda v=version: save_paper("Ana's text.", v),
                           lambda v=version: save_paper("Ben's text.", v))
        winner = _one_winner(results, EditConflict)
        assert race.read(lambda: Paper.objects.values_list("body_en", "version").get(
            pk=paper.pk)) == (winner.body_en, version + 1)

    # A lifecycle step (its page loaded before) racing an edit: the step works on the paper as
    # it is when it runs, so an edit saved first is kept, and an edit saved after it conflicts.
    stale = race.read(lambda: Paper.objects.get(pk=paper.pk))
    until = timezone.localdate() + datetime.timedelta(days=14)
    # The version the edit page was loaded at, taken now: the step refreshes `stale` in place,
    # and the edit must not read the version the step has just written.
    loaded_at = stale.version
    edit, step = race.run(lambda: save_paper("Edited during the step.", loaded_at),
                          lambda: papers_operations.open_review(stale, ana, until))
    assert isinstance(step, Paper) and step.status == Paper.Status.REVIEW, step
    body, status = race.read(lambda: Paper.objects.values_list("body_en", "status").get(
        pk=paper.pk))
    assert status == Paper.Status.REVIEW  # whichever came first, the step is not written over
    if isinstance(edit, Exception):
        assert isinstance(edit, EditConflict) and body == stale.body_en, edit
    else:
        assert body == "Edited during the step."

    # The same step twice at once (two pages loaded before either): one moves the paper.
    stale = race.read(lambda: Paper.objects.get(pk=paper.pk))
    results = race.run(lambda: papers_operations.return_to_draft(stale, ana, "Changes"),
                       lambda: papers_operations.return_to_draft(
                           Paper.objects.get(pk=paper.pk), ben, "Changes"))
    _one_winner(results, papers_operations.InvalidTransition)
    assert race.read(lambda: list(PaperTransition.objects.filter(paper_id=paper.pk).order_by("pk")
                                  .values_list("to_status", flat=True))) == [
        Paper.Status.DRAFT, Paper.Status.REVIEW, Paper.Status.DRAFT]

    # The same for a meeting: moved to another city while someone cancels it.
    stale = race.read(lambda: Meeting.objects.get(pk=convened.pk))

    def move_meeting():
        mine = Meeting.objects.get(pk=convened.pk)
        mine.city = "Nuku'alofa"
        return meetings_operations.save_meeting_changes(mine, stale.version, ana)

    edit, step = race.run(move_meeting,
                          lambda: meetings_operations.cancel_meeting(stale, ben, "Cyclone"))
    assert isinstance(step, Meeting) and step.status == Meeting.Status.CANCELLED, step
    city = race.read(lambda: Meeting.objects.get(pk=convened.pk).city)
    if isinstance(edit, Exception):
        assert isinstance(edit, EditConflict) and city == "Apia", edit
    else:
        assert city == "Nuku'alofa"

    results = race.run(lambda: write(held.pk, "Ana's record.", ana, 1, True),
                       lambda: write(held.pk, "Ben's record.", ben, 1, True))
    winner = _one_winner(results, EditConflict)
    assert race.read(lambda: list(MinutesRevision.objects.filter(minutes_id=minutes_pk)
                                  .order_by("number").values_list("number", "text"))) == [
        (1, "Draft."), (2, winner.text)]

    # The first revision of minutes nobody has written yet: one creates them, the other is
    # told someone wrote first.
    results = race.run(lambda: write(first_minutes.pk, "Ana's first.", ana, 0, False),
                       lambda: write(first_minutes.pk, "Ben's first.", ben, 0, False))
    winner = _one_winner(results, EditConflict)
    assert race.read(lambda: list(MinutesRevision.objects.filter(
        minutes__meeting_id=first_minutes.pk).values_list("number", "text"))) == [
        (1, winner.text)]

    # Two members take the same task at once: one does, the other is told it is taken.
    results = race.run(lambda: take(ana), lambda: take(ben))
    winner = _one_winner(results, TaskRefused)
    assert race.read(lambda: list(TaskTransition.objects.filter(task_id=task.pk)
                                  .values_list("to_status", "by_id"))) == [
        (Task.Status.IN_PROGRESS, winner_by(results, ana, ben))]


def _with(instance, **values):
    for name, value in values.items():
        setattr(instance, name, value)
    return instance


def _one_winner(results: list[Any], refusal: type[Exception]) -> Any:
    """Exactly one result, the other refused as it should be (no other error)."""
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], refusal), results
    [winner] = [r for r in results if not isinstance(r, Exception)]
    return winner


def winner_by(results: list[Any], *users) -> int:
    [index] = [i for i, r in enumerate(results) if not isinstance(r, Exception)]
    return users[index].pk


# ---------------------------------------------------------------------------------------------
# Two workers, one queue of email tasks


def _meeting_with_invitees(group, count: int, title: str):
    """A convened restricted meeting naming `count` people, each invited once."""
    from meetings.models import Invitee, Meeting
    from members.models import Person

    start = timezone.now() + datetime.timedelta(days=20)
    meeting = Meeting.objects.create(group=group, level="restricted", title_en=title,
                                     starts_at=start, ends_at=start + datetime.timedelta(hours=6),
                                     city="Apia", status=Meeting.Status.CONVENED, sequence=1)
    people = [Person.objects.create(name=f"{title} invitee {n}",
                                    email=f"{title.lower().replace(' ', '-')}-{n}@race.test")
              for n in range(count)]
    meeting.restricted_people.add(*people)
    Invitee.objects.bulk_create(Invitee(meeting=meeting, person=p) for p in people)
    return meeting, people


@pytest.fixture
def slow_mail(monkeypatch):
    """Each email takes 50 ms to send, as a real server does (and longer): time for a second
    worker to reach the same invitee if nothing claimed it first."""
    from django.core.mail.backends import locmem

    original = locmem.EmailBackend.send_messages

    def slow(self, messages):
        time.sleep(0.05)
        return original(self, messages)

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", slow)


def _worker(worker_id: str):
    from django_tasks_db.management.commands.db_worker import Worker

    return Worker(queue_names=["default"], interval=0, batch=True, backend_name="default",
                  startup_delay=False, max_tasks=None, worker_id=worker_id,
                  excluded_queue_names=[])


@COMMITTED
def test_two_workers_run_each_task_once_and_send_each_email_once(tmp_path, slow_mail,
                                                                monkeypatch):
    from django_tasks_db.models import DBTaskResult

    from meetings import tasks as meeting_tasks
    from papers import tasks as paper_tasks
    from papers.models import BriefDelivery, Paper, PaperKind

    base = committed_base()
    group = base["group"]
    # A meeting convened then changed at once: its notices are queued twice, and two workers
    # take the two tasks at the same moment.
    meeting, invitees = _meeting_with_invitees(group, 6, "Raced notices")
    # A brief sent twice to the same missions (the button pressed twice).
    paper = Paper.objects.create(group=group, level="public", status=Paper.Status.PUBLISHED,
                                 kind=PaperKind.objects.get(slug="policy-brief"),
                                 title_en="Raced brief", lead_organisation=base["spc"])
    for n in range(4):
        BriefDelivery.objects.create(paper=paper, email=f"mission-{n}@race.test",
                                     name=f"Mission {n}")
    monkeypatch.setattr("papers.pdf.paper_pdf", lambda paper, language: b"%PDF-1.7 brief")
    DBTaskResult.objects.all().delete()  # nothing else queued by the setup
    for __ in range(2):
        meeting_tasks.send_notices.enqueue(meeting.pk, "convened")
        paper_tasks.send_briefs.enqueue(paper.pk)
    race = Race(tmp_path)

    results = race.run(_worker("worker-1").run, _worker("worker-2").run)

    assert results == [None, None]
    runs = race.read(lambda: list(DBTaskResult.objects.values_list(
        "task_path", "status", "worker_ids", "return_value")))
    assert len(runs) == 4
    assert all(status == "SUCCESSFUL" and len(workers) == 1
               for __, status, workers, __ in runs), runs  # each task ran once
    sent = sorted(address for message in mail.outbox for address in message.to)
    expected = sorted([p.email for p in invitees] + [f"mission-{n}@race.test" for n in range(4)])
    assert sent == expected  # each email once
    assert sum(value for *__, value in runs) == len(expected)
    assert race.read(lambda: BriefDelivery.objects.filter(sent_at__isnull=True).count()) == 0


def _mail_server_fails_at_the_second_send(monkeypatch) -> None:
    from django.core.mail.backends import locmem

    original, calls = locmem.EmailBackend.send_messages, []

    def failing_second(self, messages):
        calls.append(1)
        if len(calls) == 2:
            raise ConnectionResetError("the mail server went away")
        return original(self, messages)

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", failing_second)


def test_a_notice_task_run_again_after_a_failed_send_sends_each_email_once(group, monkeypatch):
    """The mail server fails halfway: the task fails (the worker records it) and is run again;
    whoever had the notice does not get it twice, whoever did not gets it."""
    from meetings import tasks
    from meetings.models import Invitee

    meeting, invitees = _meeting_with_invitees(group, 3, "Interrupted notices")
    _mail_server_fails_at_the_second_send(monkeypatch)
    with pytest.raises(ConnectionResetError):
        tasks.send_notices.call(meeting.pk, "convened")
    assert len(mail.outbox) == 1
    assert Invitee.objects.filter(meeting=meeting, notified_sequence=1).count() == 1

    assert tasks.send_notices.call(meeting.pk, "convened") == 2
    assert tasks.send_notices.call(meeting.pk, "convened") == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in invitees)


def test_a_brief_run_again_after_a_failed_send_sends_each_email_once(group, people,
                                                                    monkeypatch):
    from papers import tasks
    from papers.models import BriefDelivery, Paper, PaperKind

    paper = Paper.objects.create(group=group, level="public", status=Paper.Status.PUBLISHED,
                                 kind=PaperKind.objects.get(slug="policy-brief"),
                                 title_en="Interrupted brief",
                                 lead_organisation=people["secretariat"].person.organisation)
    for n in range(3):
        BriefDelivery.objects.create(paper=paper, email=f"mission-{n}@brief.test",
                                     name=f"Mission {n}")
    monkeypatch.setattr("papers.pdf.paper_pdf", lambda paper, language: b"%PDF-1.7 brief")
    _mail_server_fails_at_the_second_send(monkeypatch)
    with pytest.raises(ConnectionResetError):
        tasks.send_briefs.call(paper.pk)
    assert BriefDelivery.objects.filter(paper=paper, sent_at__isnull=False).count() == 1
    assert tasks.send_briefs.call(paper.pk) == 2
    assert tasks.send_briefs.call(paper.pk) == 0
    assert sorted(m.to[0] for m in mail.outbox) == [f"mission-{n}@brief.test" for n in range(3)]
