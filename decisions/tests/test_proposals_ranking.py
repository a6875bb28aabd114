"""The ranking's arithmetic (decisions.ranking), without a database."""

import math

import pytest

from decisions.ranking import DISAGREEMENT_SPREAD, CriterionStats, rank

CRITERIA = [(1, 3), (2, 1)]  # criterion 1 weighs three times criterion 2


def test_weighted_mean_of_the_criteria_means():
    # Proposal 10: criterion 1 scored 4 and 2 (mean 3), criterion 2 scored 5 and 5 (mean 5).
    scores = [(10, 1, 100, 4), (10, 1, 101, 2), (10, 2, 100, 5), (10, 2, 101, 5)]
    [ranked] = rank([10], CRITERIA, scores, expected=4)
    assert ranked.score == pytest.approx((3 * 3 + 1 * 5) / 4)
    assert (ranked.organisations_scored, ranked.organisations_expected) == (2, 4)
    assert not ranked.complete


def test_spread_of_one_criterion():
    stats = CriterionStats(1, 1, (1, 3, 5))
    assert (stats.mean, stats.minimum, stats.maximum, stats.spread) == (3, 1, 5, 4)
    assert stats.stdev == pytest.approx(math.sqrt(8 / 3))  # population deviation
    assert stats.disagree
    assert not CriterionStats(1, 1, (2, 4)).disagree  # a spread of 2 is not disagreement
    assert CriterionStats(1, 1, (2, 2 + DISAGREEMENT_SPREAD)).disagree
    empty = CriterionStats(1, 1, ())
    assert (empty.mean, empty.stdev, empty.spread, empty.disagree) == (None, None, None, False)


def test_an_unscored_criterion_is_left_out_not_counted_as_zero():
    [ranked] = rank([10], CRITERIA, [(10, 2, 100, 4)], expected=1)
    assert ranked.score == 4


def test_order_and_ties_are_deterministic():
    scores = [
        (30, 1, 100, 4), (30, 2, 100, 4),                     # 4.0, one organisation
        (20, 1, 100, 4), (20, 2, 100, 4),                     # 4.0, two organisations
        (20, 1, 101, 4), (20, 2, 101, 4),
        (10, 1, 100, 4), (10, 2, 100, 4),                     # 4.0, one organisation, older
        (40, 1, 100, 5), (40, 2, 100, 1),                     # (15 + 1) / 4 = 4.0 too
        (50, 1, 100, 5),                                      # 5.0
    ]
    ranked = rank([10, 20, 30, 40, 50, 60], CRITERIA, scores, expected=2)
    # Higher score first; then more organisations; then the lower id; unscored last.
    assert [r.proposal_id for r in ranked] == [50, 20, 10, 30, 40, 60]
    assert [r.rank for r in ranked] == [1, 2, 3, 4, 5, 6]
    assert [r.tied for r in ranked] == [False, False, True, True, True, False]
    assert ranked[-1].score is None
    # The order does not depend on the order the scores arrive in.
    assert [r.proposal_id for r in rank([60, 50, 40, 30, 20, 10], CRITERIA,
                                        list(reversed(scores)), 2)] == [50, 20, 10, 30, 40, 60]


def test_exact_fractions_decide_ties_not_rounding():
    # 1/3-style means: (5 + 4 + 4) / 3 against (4 + 5 + 4) / 3 tie exactly.
    scores = [(1, 1, o, v) for o, v in ((7, 5), (8, 4), (9, 4))]
    scores += [(2, 1, o, v) for o, v in ((7, 4), (8, 5), (9, 4))]
    first, second = rank([2, 1], [(1, 1)], scores)
    assert (first.proposal_id, second.proposal_id, second.tied) == (1, 2, True)


def test_disagreement_on_any_criterion_marks_the_proposal():
    [ranked] = rank([1], CRITERIA, [(1, 1, 7, 1), (1, 1, 8, 4), (1, 2, 7, 3), (1, 2, 8, 3)])
    assert ranked.disagree and ranked.criteria[0].disagree and not ranked.criteria[1].disagree


def test_scores_of_unknown_criteria_or_proposals_are_ignored():
    [ranked] = rank([1], CRITERIA, [(1, 99, 7, 1), (2, 1, 7, 1), (1, 1, 7, 5)],
                    expected={1: 3})
    assert ranked.score == 5 and ranked.organisations_expected == 3
