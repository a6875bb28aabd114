"""What a security review found and what now holds: nobody is told of, shown or lets themselves
into more than the access policy gives them (each test was first a probe that showed a leak)."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from decisions import operations
from decisions.models import Proposal, Sitting
from decisions.tests.proposal_helpers import make_proposal, open_cycle
from members.models import Body, Membership, Organisation

pytestmark = pytest.mark.django_db


def _decided(group, people, level="public"):
    proposal = make_proposal(open_cycle(group), level=level, title="Secret vessel plan")
    secretariat = people["secretariat"]
    operations.submit_proposal(proposal, secretariat, proposal.version)
    proposal.refresh_from_db()
    operations.record_executives_decision(proposal, "forward", "Strong.", secretariat,
                                          proposal.version)
    operations.submit_to_sscr(proposal, timezone.localdate(), "SSCR/1", secretariat,
                              proposal.version)
    operations.record_sscr_outcome(proposal, "recommended", "", secretariat, proposal.version)
    sitting = Sitting.objects.create(body=Body.objects.get(slug="forum-leaders"),
                                     title_en="56th Leaders", starts_on=datetime.date(2027, 9, 8))
    decision = operations.record_leaders_decision(proposal, sitting, "para-SECRETREF-12",
                                                  "Leaders endorsed.", "", secretariat,
                                                  proposal.version)
    return proposal, decision


@pytest.mark.parametrize("narrowing", ["core", "archived"])
def test_a_proposal_names_its_leaders_decision_only_to_who_may_see_it(group, people, client_for,
                                                                      narrowing):
    proposal, decision = _decided(group, people)
    anonymous = client_for("anonymous")
    assert "para-SECRETREF-12" in anonymous.get(proposal.get_absolute_url()).content.decode()
    if narrowing == "core":
        decision.level = "core"
        decision.save()
    else:
        operations.archive_decision(decision)
    assert anonymous.get(decision.get_absolute_url()).status_code == 404
    body = anonymous.get(proposal.get_absolute_url()).content.decode()
    assert "para-SECRETREF-12" not in body and decision.get_absolute_url() not in body


def test_a_representative_whose_standing_ended_is_not_told(
        group, people, client_for, django_capture_on_commit_callbacks, run_worker):
    jica = Organisation.objects.get(slug="jica")  # the observer's organisation
    Membership.objects.filter(group=group, organisation=jica).update(
        end=timezone.localdate() - datetime.timedelta(days=1))
    proposal = make_proposal(open_cycle(group), level="members", title="Members-only vessel")
    proposal.partners.add(jica)
    secretariat = people["secretariat"]
    operations.submit_proposal(proposal, secretariat, proposal.version)
    proposal.refresh_from_db()
    assert client_for("observer").get(proposal.get_absolute_url()).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        operations.record_executives_decision(proposal, "hold", "Confidential reasons XYZ",
                                              secretariat, proposal.version)
    run_worker()
    assert mail.outbox, "the lead organisation is still told"
    assert not [m for m in mail.outbox if "observer@demo.talanoa.test" in m.to]


def test_an_author_cannot_send_a_held_proposal_back_to_scoring(group, people, client_for):
    proposal = make_proposal(open_cycle(group), level="members", lead="gov-fji",
                             by=people["member"])
    operations.submit_proposal(proposal, people["secretariat"], proposal.version)
    proposal.refresh_from_db()
    operations.record_executives_decision(proposal, "hold", "Await costing.", people["chair"],
                                          proposal.version)
    proposal.refresh_from_db()
    steps = proposal.transitions.count()
    client = client_for("member")  # Fiji's representative: an author, not an editor
    client.post(reverse("decisions:proposal_step", args=[proposal.pk]),
                {"action": "submit", "expected_version": proposal.version})
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.HELD
    assert proposal.transitions.count() == steps


def test_an_action_owner_outside_the_group_does_not_see_who_changed_it(people, client_for,
                                                                       make_decision):
    decision = make_decision(level="public")
    action = operations.add_follow_up(decision, "Do it", Organisation.objects.get(slug="spc"),
                                      people["secretariat"], owner_person=people["outsider"].person)
    page = client_for("outsider").get(reverse("tasks:task", args=[action.pk]))
    assert page.status_code == 200
    assert "secretariat@demo.talanoa.test" not in page.content.decode()
    editor_page = client_for("secretariat").get(reverse("tasks:task",
                                                        args=[action.pk]))
    assert "secretariat@demo.talanoa.test" in editor_page.content.decode()
