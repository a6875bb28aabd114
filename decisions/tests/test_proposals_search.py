"""The one search finds submitted proposals, each by its level's audience only; drafts by
no one; a held proposal's revised answers are found once saved."""

import pytest

from decisions import operations
from decisions.tests.proposal_helpers import make_proposal, open_cycle
from portal.search import search
from talanoa.access import ANONYMOUS, LEVEL_AUDIENCE, STANDINGS, build_viewer

pytestmark = pytest.mark.django_db


def _viewer(people, standing):
    return ANONYMOUS if standing == "anonymous" else build_viewer(people[standing])


def _found(word, people, standing) -> list[str]:
    return [str(hit.title.text) for hit in search(word, _viewer(people, standing)).hits]


@pytest.mark.parametrize("level", ["public", "members", "core", "restricted"])
def test_a_submitted_proposal_is_found_by_its_audience_only(people, level):
    cycle = open_cycle()
    proposal = make_proposal(cycle, title=f"Atoll {level} desalination sensors", level=level,
                             answers={cycle.criteria.first().pk: f"Answer with {level}zebra"})
    operations.submit_proposal(proposal, people["secretariat"])
    for standing in STANDINGS:
        expected = [proposal.title_en] if standing in LEVEL_AUDIENCE[level] else []
        assert _found("desalination", people, standing) == expected, standing
        assert _found(f"{level}zebra", people, standing) == expected, standing  # the answer
    assert _found("ships are far", people, "secretariat") == [proposal.title_en]  # the problem


def test_a_draft_is_found_by_no_one(people):
    proposal = make_proposal(open_cycle(), title="Draft on lagoon telemetry", level="public")
    for standing in ("anonymous", "member", "secretariat"):
        assert _found("lagoon telemetry", people, standing) == []
    operations.submit_proposal(proposal, people["secretariat"])
    assert _found("lagoon telemetry", people, "anonymous") == [proposal.title_en]


def test_revised_answers_are_found(people, django_capture_on_commit_callbacks):
    cycle = open_cycle()
    criterion = cycle.criteria.first()
    proposal = make_proposal(cycle, title="Reef cable sensing", level="public",
                             answers={criterion.pk: "First answer"})
    operations.submit_proposal(proposal, people["secretariat"])
    operations.record_executives_decision(proposal, "hold", "Revise the subsidiarity case.",
                                          people["secretariat"])
    assert _found("quokka", people, "anonymous") == []
    with django_capture_on_commit_callbacks(execute=True):
        operations.save_proposal(proposal, proposal.version, {criterion.pk: "Now a quokka"})
    assert _found("quokka", people, "anonymous") == ["Reef cable sensing"]
