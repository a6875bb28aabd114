"""Acceptance (issue 5): a full proposal cycle through the pages. Three proposals, four member
organisations score them, the ranking matches the scores (the expected order is computed here,
independently of decisions.ranking), the first is forwarded to the SSCR, its outcome recorded
and the Leaders' decision registered in the register, linked to the proposal."""

import datetime
from statistics import mean

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from decisions.models import Decision, Proposal, Score, Sitting
from members.models import Organisation, Person, User

pytestmark = pytest.mark.django_db

TITLES = ["Regional cable repair vessel", "Pacific data exchange", "Shared cyber response team"]
# organisation -> proposal title -> one score per criterion (the five default criteria)
SCORES = {
    "gov-fji": {TITLES[0]: [5, 4, 4, 5, 5], TITLES[1]: [3, 3, 2, 3, 4], TITLES[2]: [4, 4, 4, 4, 3]},
    "gov-ton": {TITLES[0]: [4, 4, 5, 5, 4], TITLES[1]: [2, 3, 3, 2, 3], TITLES[2]: [1, 4, 4, 5, 4]},
    "usp": {TITLES[0]: [5, 5, 4, 4, 5], TITLES[1]: [4, 2, 3, 3, 3], TITLES[2]: [5, 3, 4, 4, 4]},
    "spc": {TITLES[0]: [4, 5, 5, 4, 4], TITLES[1]: [3, 3, 3, 4, 2], TITLES[2]: [4, 4, 3, 4, 5]},
}
WEIGHTS = [3, 1, 1, 2, 2]  # set by the secretariat on the cycle's page


def _expected_order() -> list[str]:
    """Weighted mean of the per-criterion means over the organisations."""
    totals = {}
    for title in TITLES:
        means = [mean(SCORES[org][title][i] for org in SCORES) for i in range(5)]
        totals[title] = sum(w * m for w, m in zip(WEIGHTS, means, strict=True)) / sum(WEIGHTS)
    return sorted(TITLES, key=lambda t: -totals[t])


def _tonga_account() -> User:
    person = Person.objects.get(email="tevita.fifita@example.org")
    user = User.objects.create_user("tevita.fifita@example.org")
    person.user = user
    person.save()
    return user


def _form_post(client, url, data):
    response = client.post(url, data)
    assert response.status_code == 302, (url, response.status_code,
                                         response.content.decode()[:2000])
    return response


def test_a_full_proposal_cycle(client_for, group, django_capture_on_commit_callbacks,
                               run_worker):
    from django.test import Client

    secretariat, member, chair = (client_for(s) for s in ("secretariat", "member", "chair"))
    tonga = Client()
    tonga.force_login(_tonga_account())
    today = timezone.localdate()

    # The secretariat opens a cycle; the default criteria are seeded; it sets their weights.
    _form_post(secretariat, reverse("decisions:cycle_new"), {
        "group": group.pk, "name_en": "2027 regional priorities", "name_fr": "",
        "opens_on": (today - datetime.timedelta(days=3)).isoformat(),
        "closes_on": (today + datetime.timedelta(days=30)).isoformat(),
        "scoring_until": (today + datetime.timedelta(days=60)).isoformat(),
        "notes_en": "Use the FPR template.", "notes_fr": ""})
    cycle = group.cycles.get(name_en="2027 regional priorities")
    criteria = list(cycle.criteria.all())
    assert len(criteria) == 5
    data = {"group": group.pk, "name_en": cycle.name_en, "name_fr": "",
            "opens_on": cycle.opens_on.isoformat(), "closes_on": cycle.closes_on.isoformat(),
            "scoring_until": cycle.scoring_until.isoformat(), "notes_en": cycle.notes_en,
            "notes_fr": "", "expected_version": cycle.version,
            "criteria-TOTAL_FORMS": "6", "criteria-INITIAL_FORMS": "5",
            "criteria-MIN_NUM_FORMS": "0", "criteria-MAX_NUM_FORMS": "20"}
    for i, (criterion, weight) in enumerate(zip(criteria, WEIGHTS, strict=True)):
        data.update({f"criteria-{i}-id": criterion.pk, f"criteria-{i}-cycle": cycle.pk,
                     f"criteria-{i}-order": criterion.order,
                     f"criteria-{i}-title_en": criterion.title_en,
                     f"criteria-{i}-title_fr": criterion.title_fr,
                     f"criteria-{i}-question_en": criterion.question_en,
                     f"criteria-{i}-question_fr": criterion.question_fr,
                     f"criteria-{i}-weight": weight})
    data.update({"criteria-5-order": "0", "criteria-5-weight": "1"})  # as the page shows them
    _form_post(secretariat, reverse("decisions:cycle_edit", args=[cycle.pk]), data)
    assert [c.weight for c in cycle.criteria.all()] == WEIGHTS
    page = client_for("anonymous").get(reverse("decisions:cycles")).content.decode()
    assert "Open now:" in page and "anywhere in the Pacific" in page

    # Three proposals, drafted by Fiji (a member) and the secretariat, then submitted.
    proposals = []
    for title, client, lead in zip(TITLES, (member, secretariat, member), ("gov-fji", "spc",
                                                                           "gov-fji"),
                                   strict=True):
        draft = {"level": "members", "title_en": title, "title_fr": "",
                 "lead_organisation": Organisation.objects.get(slug=lead).pk,
                 "problem": "Why it matters.", "initiative": "What it does.",
                 "public_good": "Everyone gains."}
        draft.update({f"answer_{c.pk}": f"{title} meets {c.title_en}." for c in criteria})
        _form_post(client, reverse("decisions:proposal_new", args=[cycle.pk]), draft)
        proposal = Proposal.objects.get(title_en=title)
        assert proposal.answers.count() == 5
        with django_capture_on_commit_callbacks(execute=True):
            _form_post(client, reverse("decisions:proposal_step", args=[proposal.pk]),
                       {"action": "submit", "expected_version": proposal.version})
        proposal.refresh_from_db()
        assert proposal.status == Proposal.Status.SUBMITTED
        proposals.append(proposal)
    run_worker()
    asked = {address for message in mail.outbox for address in message.to}
    assert {"member@demo.talanoa.test", "tevita.fifita@example.org",
            "chair@demo.talanoa.test", "secretariat@demo.talanoa.test"} <= asked
    mail.outbox.clear()

    # Four member organisations score every criterion of every proposal, each through the
    # account of its representative.
    scorers = {"gov-fji": member, "gov-ton": tonga, "usp": chair, "spc": secretariat}
    for slug, client in scorers.items():
        org = Organisation.objects.get(slug=slug)
        for proposal in proposals:
            post = {"organisation": org.pk}
            for criterion, value in zip(criteria, SCORES[slug][proposal.title_en], strict=True):
                post[f"value_{criterion.pk}"] = value
                post[f"comment_{criterion.pk}"] = f"{slug} on {criterion.title_en}"
            _form_post(client, reverse("decisions:proposal_score", args=[proposal.pk]), post)
    assert Score.objects.filter(proposal__in=proposals).count() == 3 * 4 * 5

    # The ranking matches the scores.
    response = member.get(reverse("decisions:ranking", args=[cycle.pk]))
    ranked_titles = [p.title_en for _r, p, _cells in response.context["rows"]]
    assert ranked_titles == _expected_order()
    page = response.content.decode()
    positions = [page.index(title) for title in _expected_order()]
    assert positions == sorted(positions)
    assert "4 of " in page
    # Tonga scored the cyber team's market test 1 where USP gave 5: they disagree.
    cyber = next(r for r, p, _c in response.context["rows"] if p.title_en == TITLES[2])
    assert cyber.disagree and cyber.criteria[0].spread == 4

    # CROP Executives forward the best one, hold another; the secretariat records it.
    best = Proposal.objects.get(title_en=_expected_order()[0])
    with django_capture_on_commit_callbacks(execute=True):
        _form_post(secretariat, reverse("decisions:proposal_step", args=[best.pk]),
                   {"action": "executives", "decision": "forward",
                    "reasons": "Highest score; every member supports it.",
                    "expected_version": best.version})
    run_worker()
    best.refresh_from_db()
    assert best.status == Proposal.Status.FORWARDED
    lead_told = {a for m in mail.outbox for a in m.to}
    lead_reps = {"gov-fji": "member@demo.talanoa.test", "spc": "secretariat@demo.talanoa.test"}
    assert lead_reps[best.lead_organisation.slug] in lead_told

    # Submitted to the SSCR, which recommends it.
    _form_post(secretariat, reverse("decisions:proposal_step", args=[best.pk]), {
        "action": "sscr", "on": today.isoformat(), "reference": "SSCR/2027/07",
        "expected_version": best.version})
    best.refresh_from_db()
    _form_post(secretariat, reverse("decisions:proposal_step", args=[best.pk]), {
        "action": "sscr_outcome", "outcome": "recommended", "note": "One of five priorities.",
        "expected_version": best.version})
    best.refresh_from_db()
    assert (best.status, best.sscr_outcome) == (Proposal.Status.SSCR_DECIDED, "recommended")

    # The Leaders decide, at a new sitting of the Forum Leaders: it enters the register.
    _form_post(secretariat, reverse("decisions:proposal_step", args=[best.pk]), {
        "action": "leaders", "sitting": "", "new_title": "56th Pacific Islands Forum Leaders "
        "Meeting", "new_starts_on": (today + datetime.timedelta(days=1)).isoformat(),
        "new_place": "Honiara", "reference": "Communiqué paragraph 21",
        "text_en": "Leaders endorsed a regional cable repair vessel.", "text_fr": "",
        "expected_version": best.version})
    best.refresh_from_db()
    assert best.status == Proposal.Status.DECIDED
    decision = Decision.objects.get(proposal=best)
    assert decision.sitting == Sitting.objects.get(title_en__startswith="56th")
    assert decision.sitting.body.slug == "forum-leaders"
    assert decision.reference == "Communiqué paragraph 21"
    assert decision.text_en == "Leaders endorsed a regional cable repair vessel."
    assert [t.to_status for t in best.transitions.all()] == [
        "draft", "submitted", "forwarded", "at_sscr", "sscr_decided", "decided"]
    page = member.get(best.get_absolute_url()).content.decode()
    assert "Communiqué paragraph 21" in page and "Leaders&#x27; decision registered" in page
