"""The digest and the overdue alert: built for each person by the access policy, in their
language, once per period; the alert once per task per due date."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from members.models import Person
from papers.models import Position
from portal.digest import digest_for, send_digest, send_due_digests
from talanoa.access import build_viewer, can_view, can_view_task
from tasks.alerts import send_overdue_alerts
from tasks.models import Task

pytestmark = pytest.mark.django_db


def _only(person: Person) -> None:
    """Turn every other digest off, so a round's emails are this person's."""
    Person.objects.exclude(pk=person.pk).update(digest=Person.Digest.OFF)


def _mail_to(email: str) -> list:
    return [m for m in mail.outbox if m.to == [email]]


def test_the_digest_of_fijis_representative_is_what_she_may_see(
        people, add_task, demo_item, meeting_in, paper_in_review, org):
    member = people["member"].person
    viewer = build_viewer(people["member"])
    mine = add_task("Send the study", about=demo_item("meeting", "public"), due_in=-2)
    fijis = add_task("Fiji's, no one named", owner=None, about=demo_item("paper", "core"),
                     due_in=4)
    hidden_meeting = meeting_in(2, "restricted", "Planning call (SPC only)")
    hidden_task = add_task("About the SPC call", about=hidden_meeting, due_in=-1)
    coming = meeting_in(5, "members", "Cable taskforce call")
    caucus = meeting_in(3, "core", "Members caucus")
    later = meeting_in(20, "members", "Next month")
    awaiting = paper_in_review("Cyber framework paper")
    answered = paper_in_review("Paper Fiji answered")
    Position.objects.create(paper=answered, review_round=1, organisation=org("gov-fji"),
                            stance="support")
    secret = paper_in_review("SPC-only paper", level="restricted")

    digest = digest_for(viewer)
    tasks = [t.pk for t in digest.tasks]
    assert mine.pk in tasks and fijis.pk in tasks and hidden_task.pk not in tasks
    assert tasks.index(mine.pk) < tasks.index(fijis.pk)  # overdue first
    assert [m.pk for m in digest.meetings if m.pk in (coming.pk, caucus.pk)] == [
        caucus.pk, coming.pk]
    assert hidden_meeting not in digest.meetings and later not in digest.meetings
    assert awaiting in digest.papers
    assert answered not in digest.papers and secret not in digest.papers
    # never more than the policy gives her
    assert all(can_view_task(t, viewer) for t in digest.tasks)
    assert all(can_view(m, viewer) for m in digest.meetings + digest.papers)

    _only(member)
    assert send_due_digests() == 1
    [email] = _mail_to(member.email)
    for text in ("Send the study", "Fiji's, no one named", "Cable taskforce call",
                 "Members caucus", "Cyber framework paper", f"/tasks/{mine.pk}/",
                 f"/meetings/{coming.pk}/", f"/papers/{awaiting.pk}/"):
        assert text in email.body, text
    for text in ("SPC", "About the SPC call", "Planning call", "Next month",
                 "Paper Fiji answered", "[restricted]"):
        assert text not in email.body, text
    assert email.body.index("Send the study") < email.body.index("Fiji's, no one named")


def test_the_digest_is_in_the_persons_language(people, meeting_in):
    member = people["member"].person
    member.language = "fr"
    member.save()
    meeting_in(4, "members", "Cable call")
    _only(member)
    send_due_digests()
    [email] = _mail_to(member.email)
    assert "Cable call (fr)" in email.body


def test_an_observer_is_not_told_of_core_items(people, meeting_in, add_task, demo_item):
    meeting_in(3, "core", "Members caucus")
    add_task("About the core paper", about=demo_item("paper", "core"), owner="observer",
             org_slug="jica")
    observer = people["observer"].person
    _only(observer)
    send_due_digests()
    body = "".join(m.body for m in _mail_to(observer.email))
    assert "Members caucus" not in body and "About the core paper" not in body
    assert "[core]" not in body


def test_off_means_no_email(people, meeting_in):
    meeting_in(4, "members", "Cable call")
    Person.objects.update(digest=Person.Digest.OFF)
    assert send_due_digests() == 0
    assert not mail.outbox


def test_an_empty_digest_is_not_sent(people):
    outsider = people["outsider"].person
    _only(outsider)
    from meetings.models import Meeting

    Meeting.objects.filter(level="public").update(status=Meeting.Status.CANCELLED)
    assert not send_digest(outsider)
    outsider.refresh_from_db()
    assert outsider.digest_sent_at is None and not mail.outbox


@pytest.mark.parametrize(("choice", "days_after", "sent_again"), [
    ("daily", 0, False), ("daily", 1, True),
    ("weekly", 0, False), ("weekly", 1, False), ("weekly", 6, False), ("weekly", 7, True)])
def test_daily_and_weekly(people, meeting_in, choice, days_after, sent_again):
    member = people["member"].person
    meeting_in(13, "members", "Cable call")
    _only(member)
    Person.objects.filter(pk=member.pk).update(digest=choice)
    now = timezone.now()
    assert send_due_digests(now) == 1
    assert send_due_digests(now) == 0  # the same round twice: nothing more
    later = now + datetime.timedelta(days=days_after)
    assert send_due_digests(later) == int(sent_again)
    assert len(_mail_to(member.email)) == 1 + int(sent_again)


def test_the_overdue_alert_goes_to_owner_and_secretariat_once(people, add_task, demo_item):
    task = add_task("Late report", about=demo_item("meeting", "public"), due_in=-1)
    send_overdue_alerts()
    about = [m for m in mail.outbox if "Late report" in m.subject]
    assert sorted(m.to[0] for m in about) == sorted([people["member"].email,
                                                    people["secretariat"].email])
    send_overdue_alerts()
    assert len([m for m in mail.outbox if "Late report" in m.subject]) == 2
    # a new due date that passes alerts again
    Task.objects.filter(pk=task.pk).update(due_on=task.due_on - datetime.timedelta(days=3))
    send_overdue_alerts()
    assert len([m for m in mail.outbox if "Late report" in m.subject]) == 4


def test_without_a_named_owner_the_organisations_representatives_are_alerted(people,
                                                                              add_task):
    add_task("Fiji's late task", owner=None, due_in=-2)
    send_overdue_alerts()
    to = {m.to[0] for m in mail.outbox if "Fiji's late task" in m.subject}
    assert people["member"].email in to and people["secretariat"].email in to
    assert people["chair"].email not in to


def test_the_alert_goes_only_to_who_may_see_the_task(people, add_task, meeting_in):
    hidden = meeting_in(-3, "restricted", "SPC planning")
    add_task("Secret late task", about=hidden, due_in=-1)
    send_overdue_alerts()
    to = [m.to[0] for m in mail.outbox if "Secret late task" in m.subject]
    assert to == [people["secretariat"].email]


def test_long_overdue_tasks_are_left_to_the_digest(people, add_task):
    add_task("Last year's task", due_in=-200)
    send_overdue_alerts()
    assert not [m for m in mail.outbox if "Last year's task" in m.subject]


def test_done_tasks_are_not_alerted(people, add_task):
    task = add_task("Finished late", due_in=-2)
    Task.objects.filter(pk=task.pk).update(status=Task.Status.DONE)
    send_overdue_alerts()
    assert not [m for m in mail.outbox if "Finished late" in m.subject]
