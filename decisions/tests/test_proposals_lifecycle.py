"""The proposals pipeline through its operations: the window, scoring, the steps to the
Leaders' decision, what is refused and who is told."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from decisions import operations
from decisions.models import Criterion, Cycle, Decision, Proposal, Score
from decisions.tests.proposal_helpers import make_proposal, open_cycle
from members.models import Body, Organisation

pytestmark = pytest.mark.django_db
UTC = datetime.UTC


def org(slug: str) -> Organisation:
    return Organisation.objects.get(slug=slug)


def test_a_new_cycle_gets_the_regionalism_tests_bilingual(group):
    cycle = open_cycle(group)
    titles = [(c.title_en, bool(c.title_fr), bool(c.question_fr), c.weight)
              for c in cycle.criteria.all()]
    assert [t[0] for t in titles] == ["Market test", "Sovereignty test", "Subsidiarity test",
                                      "Regional public good",
                                      "Contribution to the group's ICT objectives"]
    assert all(t[1] and t[2] and t[3] == 1 for t in titles)


def test_the_window_opens_at_utc_plus_14_and_closes_at_utc_minus_12(group):
    cycle = Cycle(group=group, name_en="2027", opens_on=datetime.date(2027, 4, 27),
                  closes_on=datetime.date(2027, 6, 30))
    # 27 April begins in Kiribati (UTC+14) at 10:00 UTC on 26 April.
    assert cycle.opens_at == datetime.datetime(2027, 4, 26, 10, tzinfo=UTC)
    assert not cycle.is_open(datetime.datetime(2027, 4, 26, 9, 59, 59, tzinfo=UTC))
    assert cycle.is_open(datetime.datetime(2027, 4, 26, 10, tzinfo=UTC))
    # 30 June ends at UTC-12 (Baker Island, "anywhere on earth") at 12:00 UTC on 1 July: in
    # Niue (UTC-11) it is still 30 June 23:59 one second before.
    assert cycle.closes_at == datetime.datetime(2027, 7, 1, 12, tzinfo=UTC)
    assert cycle.is_open(datetime.datetime(2027, 7, 1, 11, 59, 59, tzinfo=UTC))
    assert not cycle.is_open(datetime.datetime(2027, 7, 1, 12, tzinfo=UTC))


def test_submitting_outside_the_window_is_refused_unless_the_secretariat_says_why(group, people):
    cycle = open_cycle(group, opens_on=datetime.date(2027, 4, 27),
                       closes_on=datetime.date(2027, 6, 30))
    proposal = make_proposal(cycle)
    before = datetime.datetime(2027, 4, 26, 9, 59, tzinfo=UTC)
    after = datetime.datetime(2027, 7, 1, 12, 0, tzinfo=UTC)
    for instant in (before, after):
        with pytest.raises(operations.ProposalRefused):
            operations.submit_proposal(proposal, people["member"], proposal.version, now=instant)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.DRAFT and proposal.transitions.count() == 1
    operations.submit_proposal(proposal, people["secretariat"], proposal.version,
                               late_reason="Agreed with the chair: the lead was at sea.",
                               now=after)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED
    step = proposal.transitions.last()
    assert step.reason == "Agreed with the chair: the lead was at sea."
    assert proposal.history.first().history_change_reason == (
        "Submitted after the window closed, by the secretariat")


def test_submitting_inside_the_window_at_its_last_second(group, people):
    cycle = open_cycle(group, opens_on=datetime.date(2027, 4, 27),
                       closes_on=datetime.date(2027, 6, 30))
    proposal = make_proposal(cycle)
    operations.submit_proposal(proposal, people["member"], proposal.version,
                               now=datetime.datetime(2027, 7, 1, 11, 59, 59, tzinfo=UTC))
    assert Proposal.objects.get(pk=proposal.pk).status == Proposal.Status.SUBMITTED


def _submitted(group, people, capture=None, **kwargs):
    proposal = make_proposal(open_cycle(group), **kwargs)
    if capture:
        with capture(execute=True):
            operations.submit_proposal(proposal, people["secretariat"], proposal.version)
    else:
        operations.submit_proposal(proposal, people["secretariat"], proposal.version)
    proposal.refresh_from_db()
    return proposal


def test_bad_scores_change_nothing(group, people):
    proposal = _submitted(group, people)
    market = proposal.cycle.criteria.first()
    fiji = people["member"].person
    for value in (0, 6, -1):
        with pytest.raises(operations.ProposalRefused):
            operations.record_score(proposal, market, org("gov-fji"), value, "", fiji)
    with pytest.raises(operations.ProposalRefused):  # JICA is an observer, not a member
        operations.record_score(proposal, market, org("jica"), 3, "", None)
    other = open_cycle(group, name="Another cycle").criteria.first()
    with pytest.raises(operations.ProposalRefused):  # a criterion of another cycle
        operations.record_score(proposal, other, org("gov-fji"), 3, "", fiji)
    with pytest.raises(operations.ProposalRefused):  # all or nothing
        operations.record_scores(proposal, org("gov-fji"), {market.pk: (4, ""), other.pk: (3, "")})
    assert not Score.objects.filter(proposal=proposal).exists()


def test_a_changed_score_keeps_its_history(group, people):
    proposal = _submitted(group, people)
    market = proposal.cycle.criteria.first()
    fiji = people["member"].person
    operations.record_score(proposal, market, org("gov-fji"), 2, "Weak case.", fiji)
    operations.record_score(proposal, market, org("gov-fji"), 4, "Convinced by the costs.", fiji)
    score = Score.objects.get(proposal=proposal)
    assert (score.value, score.comment) == (4, "Convinced by the costs.")
    assert [h.value for h in score.history.order_by("history_date")] == [2, 4]


def test_no_scoring_of_a_draft_or_after_executives_decide(group, people):
    proposal = make_proposal(open_cycle(group))
    market = proposal.cycle.criteria.first()
    with pytest.raises(operations.ProposalRefused):
        operations.record_score(proposal, market, org("gov-fji"), 3, "", None)
    operations.submit_proposal(proposal, people["member"], proposal.version)
    operations.record_executives_decision(proposal, "reject", "Not regional.",
                                          people["secretariat"], proposal.version)
    with pytest.raises(operations.ProposalRefused):
        operations.record_score(proposal, market, org("gov-fji"), 3, "", None)


def test_a_step_from_a_stale_page_is_refused(group, people):
    proposal = _submitted(group, people)
    stale = proposal.version
    operations.record_executives_decision(proposal, "hold", "Await the costing.",
                                          people["chair"], stale)
    with pytest.raises(operations.StaleProposal):
        operations.record_executives_decision(proposal, "forward", "Looks fine.",
                                              people["secretariat"], stale)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.HELD
    assert proposal.executives_reasons == "Await the costing."


def test_a_held_proposal_goes_back_for_scoring_or_is_decided_again(group, people):
    proposal = _submitted(group, people)
    operations.record_executives_decision(proposal, "hold", "Await the costing.",
                                          people["chair"], proposal.version)
    with pytest.raises(operations.ProposalRefused):
        operations.reopen_scoring(proposal, people["chair"], "  ", proposal.version)
    operations.reopen_scoring(proposal, people["chair"], "Costing added.", proposal.version)
    assert proposal.status == Proposal.Status.SUBMITTED
    operations.record_executives_decision(proposal, "hold", "Again.", people["chair"],
                                          proposal.version)
    operations.record_executives_decision(proposal, "forward", "Costed now.", people["chair"],
                                          proposal.version)
    assert [t.to_status for t in proposal.transitions.all()] == [
        "draft", "submitted", "held", "submitted", "held", "forwarded"]


def test_executives_need_reasons_and_a_known_decision(group, people):
    proposal = _submitted(group, people)
    for decision, reasons in (("forward", " "), ("approve", "Why not")):
        with pytest.raises(operations.ProposalRefused):
            operations.record_executives_decision(proposal, decision, reasons,
                                                  people["chair"], proposal.version)
    assert Proposal.objects.get(pk=proposal.pk).status == Proposal.Status.SUBMITTED


def test_a_deferred_proposal_goes_back_to_the_sscr(group, people):
    proposal = _submitted(group, people)
    secretariat = people["secretariat"]
    operations.record_executives_decision(proposal, "forward", "Strong.", secretariat,
                                          proposal.version)
    operations.submit_to_sscr(proposal, datetime.date(2027, 7, 10), "SSCR/2027/4", secretariat,
                              proposal.version)
    operations.record_sscr_outcome(proposal, "deferred", "More data.", secretariat,
                                   proposal.version)
    with pytest.raises(operations.ProposalRefused):  # Leaders decide on recommended ones only
        operations.record_leaders_decision(proposal, _leaders_sitting(), "para 3", "", "",
                                           secretariat, proposal.version)
    operations.submit_to_sscr(proposal, datetime.date(2028, 7, 10), "SSCR/2028/1", secretariat,
                              proposal.version)
    assert proposal.status == Proposal.Status.AT_SSCR and proposal.sscr_outcome == ""


def _leaders_sitting():
    from decisions.models import Sitting

    return Sitting.objects.create(body=Body.objects.get(slug="forum-leaders"),
                                  title_en="56th Pacific Islands Forum Leaders Meeting",
                                  starts_on=datetime.date(2027, 9, 8), place="Honiara")


def test_submission_asks_member_organisations_to_score(
        group, people, django_capture_on_commit_callbacks, run_worker):
    _submitted(group, people, django_capture_on_commit_callbacks, level="members")
    run_worker()
    told = {address for message in mail.outbox for address in message.to}
    assert {"member@demo.talanoa.test", "secretariat@demo.talanoa.test",
            "chair@demo.talanoa.test"} <= told
    assert "observer@demo.talanoa.test" not in told and "outsider@demo.talanoa.test" not in told
    fiji = next(m for m in mail.outbox if "member@demo.talanoa.test" in m.to)
    assert "scores are requested" in fiji.subject and "/proposals/" in fiji.body


def test_all_scores_in_tells_the_chair_and_secretariat_once(
        group, people, django_capture_on_commit_callbacks, run_worker):
    proposal = _submitted(group, people, level="restricted")  # one member organisation: SPC
    assert [o.slug for o in operations.scoring_organisations(proposal)] == ["spc"]
    criteria = list(proposal.cycle.criteria.all())
    with django_capture_on_commit_callbacks(execute=True):
        operations.record_scores(proposal, org("spc"), {c.pk: (4, "") for c in criteria[:2]})
    run_worker()
    assert not mail.outbox  # not all criteria yet
    with django_capture_on_commit_callbacks(execute=True):
        operations.record_scores(proposal, org("spc"), {c.pk: (4, "") for c in criteria})
        operations.record_scores(proposal, org("spc"), {criteria[0].pk: (5, "")})
    run_worker()
    assert sorted(m.to[0] for m in mail.outbox) == ["chair@demo.talanoa.test",
                                                    "secretariat@demo.talanoa.test"]
    assert all("All scores are in" in m.subject for m in mail.outbox)


def test_a_restricted_proposal_tells_only_whom_it_names(
        group, people, django_capture_on_commit_callbacks, run_worker):
    _submitted(group, people, django_capture_on_commit_callbacks, level="restricted")
    run_worker()
    told = {address for message in mail.outbox for address in message.to}
    assert "member@demo.talanoa.test" not in told
    assert {"secretariat@demo.talanoa.test", "chair@demo.talanoa.test"} <= told


def test_executives_decision_tells_the_lead_organisation(
        group, people, django_capture_on_commit_callbacks, run_worker):
    proposal = _submitted(group, people, lead="gov-fji")
    with django_capture_on_commit_callbacks(execute=True):
        operations.record_executives_decision(proposal, "hold", "Await the costing.",
                                              people["chair"], proposal.version)
    run_worker()
    fiji = [m for m in mail.outbox if "member@demo.talanoa.test" in m.to]
    assert len(fiji) == 1 and "Await the costing." in fiji[0].body
    assert "Held by CROP Executives" in fiji[0].subject


def test_scores_and_positions_show_waiting_for(group, people):
    proposal = _submitted(group, people)
    outstanding = operations.unscored_organisations(proposal)
    assert org("gov-fji") in outstanding
    criteria = {c.pk: (3, "") for c in proposal.cycle.criteria.all()}
    operations.record_scores(proposal, org("gov-fji"), criteria, people["member"].person)
    assert org("gov-fji") not in operations.unscored_organisations(proposal)


def test_criterion_weights_are_between_1_and_10(group):
    from django.core.exceptions import ValidationError

    criterion = Criterion(cycle=open_cycle(group), title_en="Cost", weight=11)
    with pytest.raises(ValidationError):
        criterion.full_clean()


def test_the_leaders_decision_enters_the_register(group, people):
    proposal = _submitted(group, people, level="core")
    secretariat = people["secretariat"]
    proposal.tags.set([])
    operations.record_executives_decision(proposal, "forward", "Strong.", secretariat,
                                          proposal.version)
    operations.submit_to_sscr(proposal, timezone.localdate(), "SSCR/2027/4", secretariat,
                              proposal.version)
    operations.record_sscr_outcome(proposal, "recommended", "", secretariat, proposal.version)
    decision = operations.record_leaders_decision(
        proposal, _leaders_sitting(), "paragraph 12", "Leaders endorsed the vessel.", "",
        secretariat, proposal.version)
    assert Decision.objects.get(proposal=proposal) == decision
    assert (decision.level, decision.group_id, decision.title_en) == (
        "core", proposal.group_id, proposal.title_en)
    assert decision.transitions.count() == 1
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.DECIDED
    assert proposal.leaders_decision == decision
