"""Implementation: status changes with reasons and history, the review date, follow-up actions
on their owners' page, positions and consensus, archive and restore."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from decisions import operations
from decisions.models import Decision, DecisionPosition
from tasks.models import Task

pytestmark = pytest.mark.django_db


def _step(client, decision, **data):
    data.setdefault("expected_version", decision.version)
    return client.post(reverse("decisions:decision_step", args=[decision.pk]), data)


def test_a_status_change_records_its_reason_and_history(client_for, make_decision, people):
    decision = make_decision("members")
    review = timezone.localdate() + datetime.timedelta(days=60)
    response = _step(client_for("secretariat"), decision, action="status", status="in_progress",
                     reason="Agencies agreed a joint work plan.", review_on=review.isoformat())
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.status == "in_progress" and decision.review_on == review
    assert decision.version == 2
    last = decision.transitions.last()
    assert (last.from_status, last.to_status, last.reason, last.by) == (
        "not_started", "in_progress", "Agencies agreed a joint work plan.", people["secretariat"])
    assert decision.history.first().history_change_reason == "Implementation status changed"
    page = client_for("member").get(decision.get_absolute_url()).text
    assert "Agencies agreed a joint work plan." in page and "In progress" in page


@pytest.mark.parametrize("data", [
    {"status": "in_progress", "reason": ""},          # no reason
    {"status": "not_started", "reason": "Again"},     # the status it already has
    {"status": "forgotten", "reason": "Why"},         # no such status
])
def test_a_refused_status_change_changes_nothing(client_for, make_decision, data):
    decision = make_decision("members")
    _step(client_for("secretariat"), decision, action="status", **data)
    decision.refresh_from_db()
    assert decision.status == "not_started" and decision.version == 1
    assert decision.transitions.count() == 1


def test_a_step_from_a_stale_page_is_refused(client_for, make_decision, people):
    decision = make_decision("members")
    stale = decision.version
    operations.change_status(decision, "in_progress", people["chair"], "Started")
    response = _step(client_for("secretariat"), decision, action="status", status="done",
                     reason="Finished", expected_version=stale)
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.status == "in_progress"


@pytest.mark.parametrize(("standing", "codes"), [("member", {403}), ("observer", {403}),
                                                 ("outsider", {404}), ("anonymous", {302})])
def test_only_editors_change_the_status(client_for, make_decision, standing, codes):
    decision = make_decision("members")
    response = _step(client_for(standing), decision, action="status", status="done",
                     reason="Claimed")
    assert response.status_code in codes
    decision.refresh_from_db()
    assert decision.status == "not_started"


def test_archive_and_restore(client_for, make_decision):
    decision = make_decision("public")
    client = client_for("chair")
    _step(client, decision, action="archive")
    decision.refresh_from_db()
    assert decision.archived_at is not None
    assert client_for("anonymous").get(decision.get_absolute_url()).status_code == 404
    _step(client, decision, action="restore")
    decision.refresh_from_db()
    assert decision.archived_at is None and Decision.objects.filter(pk=decision.pk).exists()
    assert client_for("anonymous").get(decision.get_absolute_url()).status_code == 200


def test_a_follow_up_action_reaches_its_owners_page(client_for, make_decision, people):
    decision = make_decision("members", title="Leaders ask for a cyber framework")
    member = people["member"].person
    due = timezone.localdate() + datetime.timedelta(days=30)
    response = client_for("secretariat").post(
        reverse("decisions:action_new", args=[decision.pk]),
        {"title": "Draft Fiji's input to the framework", "owner_organisation": "",
         "owner_person": member.pk, "due_on": due.isoformat(), "description": ""})
    assert response.status_code == 302
    action = Task.objects.get(title="Draft Fiji's input to the framework")
    assert action.decision == decision and action.meeting is None
    assert action.owner_organisation == member.organisation and action.due_on == due
    assert action.transitions.get().to_status == "open"
    home = client_for("member").get("/me/").text
    assert "Draft Fiji&#x27;s input to the framework" in home
    assert decision.get_absolute_url() in home
    assert "Draft Fiji" in client_for("member").get(reverse("tasks:my_tasks")).text
    assert "Draft Fiji" in client_for("member").get(decision.get_absolute_url()).text


def test_the_owner_moves_a_follow_up_action_through_the_decision(client_for, make_decision,
                                                                 people):
    decision = make_decision("members")
    action = operations.add_follow_up(decision, "Brief the minister",
                                      people["member"].person.organisation, people["chair"],
                                      owner_person=people["member"].person)
    url = reverse("tasks:task", args=[action.pk])
    member = client_for("member")
    page = member.get(url)
    assert page.status_code == 200 and decision.get_absolute_url() in page.text
    response = member.post(url, {"status": "done", "reason": "Briefed.", "back": "home"})
    assert response.status_code == 302 and response["Location"] == reverse("portal:member_home")
    action.refresh_from_db()
    assert action.status == "done"
    # editors come back to the decision
    response = client_for("secretariat").post(url, {"status": "open", "reason": "Not yet"})
    assert response["Location"] == f"{decision.get_absolute_url()}#actions"


@pytest.mark.parametrize(("standing", "code"), [("observer", 403), ("outsider", 404)])
def test_others_cannot_move_a_follow_up_action(client_for, make_decision, people, standing,
                                               code):
    decision = make_decision("members")
    action = operations.add_follow_up(decision, "Brief the minister",
                                      people["member"].person.organisation, people["chair"])
    url = reverse("tasks:task", args=[action.pk])
    assert client_for(standing).post(url, {"status": "done"}).status_code == code
    action.refresh_from_db()
    assert action.status == "open"


def test_an_action_of_a_hidden_decision_is_not_found_nor_on_the_home(client_for, make_decision,
                                                                    people):
    decision = make_decision("restricted")  # names SPC only, not Fiji
    action = operations.add_follow_up(decision, "Secret follow-up",
                                      people["member"].person.organisation, people["chair"])
    member = client_for("member")
    assert member.get(reverse("tasks:task", args=[action.pk])).status_code == 404
    assert "Secret follow-up" not in member.get("/me/").text


def test_bad_action_input_changes_nothing(client_for, make_decision):
    decision = make_decision("members")
    response = client_for("secretariat").post(
        reverse("decisions:action_new", args=[decision.pk]),
        {"title": "", "owner_organisation": "", "owner_person": "", "due_on": "soon"})
    assert response.status_code == 400 and not decision.actions.exists()


def test_members_cannot_add_actions(client_for, make_decision):
    decision = make_decision("members")
    url = reverse("decisions:action_new", args=[decision.pk])
    assert client_for("member").post(url, {"title": "Mine"}).status_code == 403
    assert not decision.actions.exists()


def test_member_organisations_record_positions_and_the_consensus_shows(client_for,
                                                                       make_decision, people):
    decision = make_decision("members")
    url = reverse("decisions:position", args=[decision.pk])
    fiji = people["member"].person.organisation
    member = client_for("member")
    page = member.get(decision.get_absolute_url()).text
    assert "Record your organisation's position" in page and "Not answered yet:" in page
    assert member.post(url, {"organisation": fiji.pk, "stance": "concern",
                             "note": ""}).status_code == 302
    assert not DecisionPosition.objects.exists()  # a concern needs its explanation
    member.post(url, {"organisation": fiji.pk, "stance": "concern", "note": "Costs"})
    member.post(url, {"organisation": fiji.pk, "stance": "support", "note": ""})
    position = DecisionPosition.objects.get(decision=decision)
    assert position.stance == "support" and position.history.count() == 2
    assert "stance-support" in client_for("chair").get(decision.get_absolute_url()).text


def test_observers_take_no_position(client_for, make_decision, people):
    decision = make_decision("members")
    response = client_for("observer").post(
        reverse("decisions:position", args=[decision.pk]),
        {"organisation": people["observer"].person.organisation_id, "stance": "support"})
    assert response.status_code == 403 and not DecisionPosition.objects.exists()


def test_overdue_reviews_show_on_the_secretariats_home_only(client_for, make_decision,
                                                           people):
    past = timezone.localdate() - datetime.timedelta(days=1)
    make_decision("core", title="Review me", review_on=past)
    make_decision("core", title="Not yet due",
                  review_on=timezone.localdate() + datetime.timedelta(days=1))
    done = make_decision("core", title="Already done", review_on=past)
    operations.change_status(done, "done", people["chair"], "Implemented", review_on=past)
    home = client_for("secretariat").get("/me/").text
    assert "Decision reviews overdue" in home and "Review me" in home
    assert "Not yet due" not in home and "Already done" not in home
    assert "Review me" not in client_for("member").get("/me/").text
