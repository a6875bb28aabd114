"""The lifecycle through its operations: who is told, what is refused, what is kept."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from papers import operations
from papers.models import Paper, Position

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _review(paper, people, capture):
    with capture(execute=True):
        operations.open_review(paper, people["secretariat"],
                               TODAY() + datetime.timedelta(days=14))


def test_opening_review_asks_every_member_organisation_for_its_position(
        make_paper, people, django_capture_on_commit_callbacks, run_worker):
    paper = make_paper("members")
    _review(paper, people, django_capture_on_commit_callbacks)
    run_worker()
    paper.refresh_from_db()
    assert paper.status == Paper.Status.REVIEW and paper.review_round == 1
    recipients = {address for message in mail.outbox for address in message.to}
    # Fiji's representative (member org) is asked; JICA's (observer) is not asked for a position.
    assert "member@demo.talanoa.test" in recipients
    assert "observer@demo.talanoa.test" not in recipients
    assert "outsider@demo.talanoa.test" not in recipients
    fiji = next(m for m in mail.outbox if "member@demo.talanoa.test" in m.to)
    assert "position" in fiji.subject and paper.get_absolute_url() in fiji.body


def test_a_restricted_paper_asks_only_the_named_organisations(
        make_paper, people, org, django_capture_on_commit_callbacks, run_worker):
    paper = make_paper("restricted")
    _review(paper, people, django_capture_on_commit_callbacks)
    run_worker()
    recipients = {address for message in mail.outbox for address in message.to}
    assert "member@demo.talanoa.test" not in recipients
    assert [o.slug for o in operations.member_organisations(paper)] == ["spc"]


def test_a_concern_needs_the_chairs_record_of_its_resolution(
        make_paper, people, org, person, django_capture_on_commit_callbacks):
    paper = make_paper("members")
    _review(paper, people, django_capture_on_commit_callbacks)
    operations.record_position(paper, org("gov-ton"), Position.Stance.SUPPORT, "",
                               person("tevita.fifita@example.org"))
    with pytest.raises(operations.StepRefused):
        operations.record_position(paper, org("gov-fji"), Position.Stance.CONCERN, "  ", None)
    operations.record_position(paper, org("gov-fji"), Position.Stance.CONCERN,
                               "Option 2 costs too much for small states.",
                               people["member"].person)
    with pytest.raises(operations.StepRefused):
        operations.clear_paper(paper, people["chair"], "")
    paper.refresh_from_db()
    assert paper.status == Paper.Status.REVIEW
    operations.clear_paper(paper, people["chair"], "Fiji agreed once option 2 was phased.")
    paper.refresh_from_db()
    assert paper.status == Paper.Status.CLEARED
    assert paper.consensus_record == "Fiji agreed once option 2 was phased."
    step = paper.transitions.last()
    assert (step.from_status, step.to_status, step.by) == ("review", "cleared", people["chair"])


def test_without_concerns_clearing_needs_no_record(make_paper, people, org,
                                                   django_capture_on_commit_callbacks):
    paper = make_paper("members")
    _review(paper, people, django_capture_on_commit_callbacks)
    operations.record_position(paper, org("gov-fji"), Position.Stance.NO_OBJECTION, "", None)
    operations.clear_paper(paper, people["chair"])
    assert Paper.objects.get(pk=paper.pk).status == Paper.Status.CLEARED


def test_a_changed_position_replaces_the_earlier_one_and_history_keeps_it(
        make_paper, people, org, django_capture_on_commit_callbacks):
    paper = make_paper("members")
    _review(paper, people, django_capture_on_commit_callbacks)
    operations.record_position(paper, org("gov-fji"), Position.Stance.OBJECT, "Too early.", None)
    operations.record_position(paper, org("gov-fji"), Position.Stance.SUPPORT, "", None)
    position = paper.positions.get()
    assert position.stance == Position.Stance.SUPPORT
    assert [h.stance for h in position.history.order_by("history_date")] == ["object", "support"]


def test_positions_close_with_the_review_period(make_paper, people, org,
                                                django_capture_on_commit_callbacks):
    paper = make_paper("members")
    _review(paper, people, django_capture_on_commit_callbacks)
    Paper.objects.filter(pk=paper.pk).update(review_until=TODAY() - datetime.timedelta(days=1))
    paper.refresh_from_db()
    with pytest.raises(operations.StepRefused):
        operations.record_position(paper, org("gov-fji"), Position.Stance.SUPPORT, "", None)
    with pytest.raises(operations.StepRefused):
        operations.add_comment(paper, people["member"].person, None, "Late")


def test_all_positions_in_tells_the_chair_and_secretariat(
        make_paper, people, org, django_capture_on_commit_callbacks, run_worker):
    paper = make_paper("restricted")  # one member organisation expected: SPC
    _review(paper, people, django_capture_on_commit_callbacks)
    run_worker()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        operations.record_position(paper, org("spc"), Position.Stance.SUPPORT, "", None)
    run_worker()
    told = {address for message in mail.outbox for address in message.to}
    assert {"chair@demo.talanoa.test", "secretariat@demo.talanoa.test"} <= told
    assert all("All positions are in" in m.subject for m in mail.outbox)


def test_the_full_path_to_publication(make_paper, people, org, django_capture_on_commit_callbacks):
    from members.models import Body

    paper = make_paper("public")
    _review(paper, people, django_capture_on_commit_callbacks)
    operations.record_position(paper, org("gov-fji"), Position.Stance.SUPPORT, "", None)
    operations.clear_paper(paper, people["chair"])
    with pytest.raises(operations.StepRefused):  # submitted, no outcome yet
        operations.submit_paper(paper, Body.objects.get(slug="crop-executives"), TODAY(),
                                people["secretariat"])
        operations.publish_paper(paper, people["secretariat"])
    paper.refresh_from_db()
    operations.record_outcome(paper, Paper.Outcome.ENDORSED, "", TODAY(), people["secretariat"])
    operations.publish_paper(paper, people["secretariat"])
    paper.refresh_from_db()
    assert paper.status == Paper.Status.PUBLISHED and paper.published_at is not None
    assert [t.to_status for t in paper.transitions.all()] == [
        "draft", "review", "cleared", "submitted", "decided", "published"]


def test_returned_with_comments_goes_back_to_draft_and_a_new_round(
        make_paper, people, org, django_capture_on_commit_callbacks):
    from members.models import Body

    paper = make_paper("members")
    _review(paper, people, django_capture_on_commit_callbacks)
    operations.clear_paper(paper, people["chair"])
    operations.submit_paper(paper, Body.objects.get(slug="sscr"), TODAY(), people["secretariat"])
    operations.record_outcome(paper, Paper.Outcome.RETURNED, "Add costings.", TODAY(),
                              people["secretariat"])
    paper.refresh_from_db()
    assert paper.status == Paper.Status.DRAFT and paper.outcome == "returned"
    _review(paper, people, django_capture_on_commit_callbacks)
    paper.refresh_from_db()
    assert paper.review_round == 2
    assert operations.outstanding_organisations(paper)  # nobody has answered round 2 yet


def test_only_a_public_paper_is_published(make_paper, people, django_capture_on_commit_callbacks):
    paper = make_paper("members")
    _review(paper, people, django_capture_on_commit_callbacks)
    operations.clear_paper(paper, people["chair"])
    with pytest.raises(operations.StepRefused):
        operations.publish_paper(paper, people["secretariat"])
    assert Paper.objects.get(pk=paper.pk).status == Paper.Status.CLEARED


def test_the_text_is_locked_once_cleared(make_paper, people, django_capture_on_commit_callbacks):
    paper = make_paper("members")
    _review(paper, people, django_capture_on_commit_callbacks)
    operations.clear_paper(paper, people["chair"])
    paper.refresh_from_db()
    paper.body_en = "Changed after clearance"
    with pytest.raises(operations.StepRefused):
        operations.save_paper(paper, paper.version)
    assert Paper.objects.get(pk=paper.pk).body_en != "Changed after clearance"


def test_the_chair_is_told_when_the_review_period_ends(
        make_paper, people, django_capture_on_commit_callbacks, run_worker):
    from django_tasks_db.models import DBTaskResult

    paper = make_paper("members")
    _review(paper, people, django_capture_on_commit_callbacks)
    run_worker()
    mail.outbox.clear()
    queued = DBTaskResult.objects.filter(task_path="papers.tasks.notify",
                                         args_kwargs__args__1="review_closed").get()
    assert timezone.localtime(queued.run_after).date() == (
        paper.review_until + datetime.timedelta(days=1))
    # When it runs after the period: the chair and secretariat are told.
    Paper.objects.filter(pk=paper.pk).update(review_until=TODAY() - datetime.timedelta(days=1))
    DBTaskResult.objects.filter(pk=queued.pk).update(run_after=timezone.now())
    run_worker()
    assert {m.to[0] for m in mail.outbox} == {"chair@demo.talanoa.test",
                                              "secretariat@demo.talanoa.test"}
    assert "Member review has closed" in mail.outbox[0].subject


def test_no_review_closed_notice_once_cleared(make_paper, people,
                                              django_capture_on_commit_callbacks, run_worker):
    from papers.tasks import notify

    paper = make_paper("members")
    _review(paper, people, django_capture_on_commit_callbacks)
    operations.clear_paper(paper, people["chair"])
    mail.outbox.clear()
    assert notify.call(paper.pk, "review_closed", 1) == 0 and not mail.outbox
