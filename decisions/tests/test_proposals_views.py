"""The proposals pages as people use them: the window, drafting, scoring, steps, access."""

import datetime
import gzip

import pytest
from django.urls import reverse
from django.utils import timezone

from decisions import operations
from decisions.models import Cycle, Proposal, Score
from decisions.tests.proposal_helpers import make_proposal, open_cycle
from members.models import Organisation

pytestmark = pytest.mark.django_db
UTC = datetime.UTC


def _org(slug):
    return Organisation.objects.get(slug=slug)


def _step(client, proposal, **data):
    data.setdefault("expected_version", proposal.version)
    return client.post(reverse("decisions:proposal_step", args=[proposal.pk]), data)


def _messages(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


def test_the_list_shows_an_open_window_prominently_in_the_readers_zone(client_for, group):
    cycle = open_cycle(group, closes_on=datetime.date(2099, 6, 30))
    client = client_for("anonymous")
    client.cookies["tz"] = "Pacific/Apia"
    page = client.get(reverse("decisions:cycle", args=[cycle.pk])).content.decode()
    assert "Open now:" in page
    assert "submissions close at the end of 30 June 2099 anywhere in the Pacific" in page
    # The end of 30 June at UTC-12 is 1 July 12:00 UTC: 2 July 01:00 in Apia (UTC+13).
    assert "2 July 2099, 01:00 in your time zone, Pacific/Apia" in page
    listing = client.get(reverse("decisions:cycles")).content.decode()
    assert "Open now:" in listing and cycle.name_en in listing


def test_a_closed_window_says_so(client_for, group):
    cycle = open_cycle(group, opens_on=datetime.date(2020, 1, 1),
                       closes_on=datetime.date(2020, 2, 1))
    page = client_for("anonymous").get(cycle.get_absolute_url()).content.decode()
    assert "Open now:" not in page and "Closed." in page


def test_a_member_drafts_a_proposal_for_their_own_organisation_only(client_for, group):
    cycle = open_cycle(group)
    criterion = cycle.criteria.first()
    url = reverse("decisions:proposal_new", args=[cycle.pk])
    data = {"level": "members", "title_en": "Pacific IXP network", "title_fr": "",
            "lead_organisation": _org("spc").pk, f"answer_{criterion.pk}": "Markets fail."}
    client = client_for("member")
    assert client.post(url, data).status_code == 400  # Fiji's representative, not SPC's
    assert not Proposal.objects.filter(title_en="Pacific IXP network").exists()
    data["lead_organisation"] = _org("gov-fji").pk
    assert client.post(url, data).status_code == 302
    proposal = Proposal.objects.get(title_en="Pacific IXP network")
    assert proposal.answers.get().text == "Markets fail."
    assert proposal.group_id == group.pk and proposal.status == Proposal.Status.DRAFT
    assert client_for("outsider").get(url).status_code == 404


def test_an_author_cannot_submit_after_the_window_but_the_secretariat_can_with_a_reason(
        client_for, group):
    cycle = open_cycle(group, opens_on=datetime.date(2020, 1, 1),
                       closes_on=datetime.date(2020, 2, 1))
    proposal = make_proposal(cycle, lead="gov-fji")
    page = client_for("member").get(proposal.get_absolute_url()).content.decode()
    assert "Submissions are closed: the window has ended." in page
    response = _step(client_for("member"), proposal, action="submit",
                     late_reason="My own reason")  # an author's reason does not count
    assert "Submissions are closed: the window has ended." in _messages(response)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.DRAFT
    _step(client_for("secretariat"), proposal, action="submit", late_reason="Cyclone Gita.")
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED
    assert proposal.transitions.last().reason == "Cyclone Gita."


def _submitted(group, **kwargs):
    proposal = make_proposal(open_cycle(group), **kwargs)
    operations.submit_proposal(proposal, None, proposal.version)
    proposal.refresh_from_db()
    return proposal


@pytest.mark.parametrize("value", ["0", "6", "x"])
def test_a_score_out_of_range_changes_nothing(client_for, group, value):
    proposal = _submitted(group)
    criterion = proposal.cycle.criteria.first()
    response = client_for("member").post(
        reverse("decisions:proposal_score", args=[proposal.pk]),
        {"organisation": _org("gov-fji").pk, f"value_{criterion.pk}": value})
    assert response.status_code == 302
    assert not Score.objects.filter(proposal=proposal).exists()


def test_nobody_scores_for_an_organisation_they_do_not_represent(client_for, group):
    proposal = _submitted(group)
    criterion = proposal.cycle.criteria.first()
    url = reverse("decisions:proposal_score", args=[proposal.pk])
    # Fiji's representative, for Tonga: not a choice of the form.
    client_for("member").post(url, {"organisation": _org("gov-ton").pk,
                                    f"value_{criterion.pk}": "5"})
    # JICA (an observer) and PICISOC (consultative) do not score at all.
    assert client_for("observer").post(url, {"organisation": _org("jica").pk,
                                             f"value_{criterion.pk}": "5"}).status_code == 403
    assert client_for("consultative").post(url, {"organisation": _org("picisoc").pk,
                                                 f"value_{criterion.pk}": "5"}).status_code == 403
    assert not Score.objects.filter(proposal=proposal).exists()


def test_scores_are_recorded_and_changed_with_history(client_for, group):
    proposal = _submitted(group)
    first, second = proposal.cycle.criteria.all()[:2]
    url = reverse("decisions:proposal_score", args=[proposal.pk])
    client = client_for("member")
    client.post(url, {"organisation": _org("gov-fji").pk, f"value_{first.pk}": "2",
                      f"comment_{first.pk}": "Unclear", f"value_{second.pk}": "4"})
    client.post(url, {"organisation": _org("gov-fji").pk, f"value_{first.pk}": "5",
                      f"comment_{first.pk}": "Clear now", f"value_{second.pk}": "4"})
    score = Score.objects.get(proposal=proposal, criterion=first)
    assert (score.value, score.comment) == (5, "Clear now")
    assert [h.value for h in score.history.order_by("history_date")] == [2, 5]
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "Clear now" in page and 'value="5"' in page


def test_a_step_from_a_stale_page_is_refused(client_for, group):
    proposal = _submitted(group)
    stale = proposal.version
    chair, secretariat = client_for("chair"), client_for("secretariat")
    _step(chair, proposal, action="executives", decision="hold", reasons="Costing first.",
          expected_version=stale)
    response = _step(secretariat, proposal, action="executives", decision="reject",
                     reasons="Not regional.", expected_version=stale)
    assert any("changed this proposal in the meantime" in m for m in _messages(response))
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.HELD
    assert proposal.executives_reasons == "Costing first."


def test_steps_are_the_editors_and_need_reasons(client_for, group):
    proposal = _submitted(group, lead="gov-fji")
    # The author submits, but CROP Executives' decision is recorded by the chair or secretariat.
    assert _step(client_for("member"), proposal, action="executives", decision="forward",
                 reasons="We like it.").status_code == 403
    _step(client_for("secretariat"), proposal, action="executives", decision="forward",
          reasons="")
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED


def test_a_held_proposal_is_revised_then_goes_back_for_scoring(client_for, group):
    proposal = _submitted(group, lead="gov-fji")
    edit = reverse("decisions:proposal_edit", args=[proposal.pk])
    member = client_for("member")
    assert member.get(edit).status_code == 403  # submitted: the text is locked
    _step(client_for("chair"), proposal, action="executives", decision="hold",
          reasons="Wait for costing.")
    proposal.refresh_from_db()
    assert member.get(edit).status_code == 200
    response = member.post(edit, {
        "level": proposal.level, "title_en": proposal.title_en, "title_fr": "",
        "lead_organisation": proposal.lead_organisation_id, "problem": proposal.problem,
        "initiative": "Now with a costing: USD 40 million.", "expected_version": proposal.version})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.initiative == "Now with a costing: USD 40 million."
    _step(client_for("chair"), proposal, action="reopen", reason="Costing attached.")
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED


def test_positions_through_the_shared_component(client_for, group):
    proposal = _submitted(group)
    url = reverse("decisions:proposal_position", args=[proposal.pk])
    client = client_for("member")
    assert client.post(url, {"organisation": _org("gov-fji").pk,
                             "stance": "concern"}).status_code == 302
    assert not proposal.positions.exists()  # a concern needs its explanation
    client.post(url, {"organisation": _org("gov-fji").pk, "stance": "concern",
                      "note": "Costs for small states."})
    assert proposal.positions.get().stance == "concern"
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert "Concerns to resolve" in page and "Not answered yet:" in page


@pytest.mark.parametrize(("level", "member_sees"), [("public", True), ("members", True),
                                                    ("core", True), ("restricted", False)])
def test_the_ranking_lists_only_what_the_reader_may_see(client_for, group, level, member_sees):
    proposal = _submitted(group, level=level, title=f"[{level}] Ranked proposal")
    page = client_for("member").get(reverse("decisions:ranking", args=[proposal.cycle_id]))
    assert (proposal.title_en in page.content.decode()) == member_sees
    secretariat = client_for("secretariat").get(
        reverse("decisions:ranking", args=[proposal.cycle_id])).content.decode()
    assert proposal.title_en in secretariat
    observer = client_for("observer").get(
        reverse("decisions:ranking", args=[proposal.cycle_id])).content.decode()
    assert (proposal.title_en in observer) == (level in ("public", "members"))


def test_the_cycle_page_lists_only_what_the_reader_may_see(client_for, group):
    cycle = open_cycle(group)
    for level in ("public", "members", "core", "restricted"):
        make_proposal(cycle, title=f"[{level}] Listed proposal", level=level)
    page = client_for("anonymous").get(cycle.get_absolute_url()).content.decode()
    assert "[public] Listed" in page and "[members] Listed" not in page
    page = client_for("observer").get(cycle.get_absolute_url()).content.decode()
    assert "[members] Listed" in page and "[core] Listed" not in page


def test_scores_are_for_the_groups_members_not_the_public(client_for, group):
    proposal = _submitted(group, level="public")
    operations.record_score(proposal, proposal.cycle.criteria.first(), _org("gov-fji"), 4,
                            "Fiji's private view", None)
    assert "Fiji&#x27;s private view" not in client_for("anonymous").get(
        proposal.get_absolute_url()).content.decode()
    assert "Fiji&#x27;s private view" in client_for("observer").get(
        proposal.get_absolute_url()).content.decode()


def test_editors_reorder_and_reweigh_criteria_but_cannot_drop_a_scored_one(client_for, group):
    proposal = _submitted(group)
    cycle = proposal.cycle
    market = cycle.criteria.first()
    operations.record_score(proposal, market, _org("gov-fji"), 4, "", None)
    criteria = list(cycle.criteria.all())
    data = {"group": group.pk, "name_en": cycle.name_en, "opens_on": cycle.opens_on,
            "closes_on": cycle.closes_on, "expected_version": cycle.version,
            "criteria-TOTAL_FORMS": str(len(criteria)),
            "criteria-INITIAL_FORMS": str(len(criteria)),
            "criteria-MIN_NUM_FORMS": "0", "criteria-MAX_NUM_FORMS": "20"}
    for i, c in enumerate(criteria):
        data.update({f"criteria-{i}-id": c.pk, f"criteria-{i}-order": 100 - i,
                     f"criteria-{i}-title_en": c.title_en, f"criteria-{i}-weight": 10})
    url = reverse("decisions:cycle_edit", args=[cycle.pk])
    client = client_for("secretariat")
    assert client.post(url, {**data, "criteria-0-DELETE": "on"}).status_code == 400
    assert cycle.criteria.count() == 5
    assert client.post(url, data).status_code == 302
    assert [c.pk for c in cycle.criteria.all()] == [c.pk for c in reversed(criteria)]
    assert {c.weight for c in cycle.criteria.all()} == {10}
    assert client_for("member").get(url).status_code == 403


def test_pages_stay_small(client_for, group):
    proposal = _submitted(group)
    for slug in ("gov-fji", "gov-ton", "usp", "spc", "pifs"):
        for c in proposal.cycle.criteria.all():
            operations.record_score(proposal, c, _org(slug), 3, "A comment of some length " * 3,
                                    None)
    client = client_for("secretariat")
    for url in (reverse("decisions:cycles"), proposal.cycle.get_absolute_url(),
                reverse("decisions:ranking", args=[proposal.cycle_id]),
                proposal.get_absolute_url()):
        html = client.get(url).content
        assert len(gzip.compress(html, 6)) <= 14 * 1024, (url, len(html))


def test_a_cycle_must_close_after_it_opens(client_for, group):
    response = client_for("secretariat").post(reverse("decisions:cycle_new"), {
        "group": group.pk, "name_en": "Backwards", "opens_on": "2027-06-30",
        "closes_on": "2027-04-27"})
    assert response.status_code == 400
    assert not Cycle.objects.filter(name_en="Backwards").exists()


def test_an_archived_cycle_is_the_editors_only(client_for, group):
    cycle = open_cycle(group)
    Cycle.objects.filter(pk=cycle.pk).update(archived_at=timezone.now())
    assert client_for("member").get(cycle.get_absolute_url()).status_code == 404
    assert client_for("secretariat").get(cycle.get_absolute_url()).status_code == 200
