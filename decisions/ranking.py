"""The arithmetic of a cycle's ranking, with no database: proposals ranked by their weighted
mean score, with the spread of each criterion's scores and where organisations disagree.

Definitions (the ranking page says them in words):

- a criterion's *mean* is the mean of the scores (1–5) the organisations gave it; *min*, *max*
  and the *standard deviation* (population: the organisations that scored are all there is,
  not a sample) describe their spread;
- a proposal's *score* is the mean of its criteria's means weighted by the criteria's weights,
  over the criteria scored by at least one organisation (an unscored criterion is not a zero:
  the page shows how many organisations scored of those expected instead);
- organisations *disagree* on a criterion when its max − min is at least `DISAGREEMENT_SPREAD`
  (a 1 beside a 4: one finds it weak where another finds it strong).

Ties are broken deterministically, in this order: the higher score first; then the proposal
more organisations scored (more evidence); then the earlier proposal (lower id, the one drafted
first). Proposals nobody scored come last, in id order. Scores are compared as exact fractions,
so two proposals with the same scores tie exactly rather than by a rounding accident.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction

DISAGREEMENT_SPREAD = 3


@dataclass(frozen=True)
class CriterionStats:
    """The scores one proposal received on one criterion."""

    criterion_id: int
    weight: int
    values: tuple[int, ...]

    @property
    def count(self) -> int:
        return len(self.values)

    @property
    def exact_mean(self) -> Fraction | None:
        return Fraction(sum(self.values), len(self.values)) if self.values else None

    @property
    def mean(self) -> float | None:
        mean = self.exact_mean
        return float(mean) if mean is not None else None

    @property
    def minimum(self) -> int | None:
        return min(self.values) if self.values else None

    @property
    def maximum(self) -> int | None:
        return max(self.values) if self.values else None

    @property
    def spread(self) -> int | None:
        return self.maximum - self.minimum if self.values else None

    @property
    def stdev(self) -> float | None:
        mean = self.exact_mean
        if mean is None:
            return None
        return math.sqrt(float(sum((v - mean) ** 2 for v in self.values) / len(self.values)))

    @property
    def disagree(self) -> bool:
        return self.values != () and self.spread >= DISAGREEMENT_SPREAD


@dataclass(frozen=True)
class Ranked:
    """One proposal's place in the ranking."""

    proposal_id: int
    criteria: tuple[CriterionStats, ...]
    organisations_scored: int
    organisations_expected: int
    rank: int = 0
    tied: bool = False  # same score as the proposal above it (the tie-break decided)

    @property
    def exact_score(self) -> Fraction | None:
        scored = [c for c in self.criteria if c.values]
        weights = sum(c.weight for c in scored)
        if not weights:
            return None
        return sum((c.weight * c.exact_mean for c in scored), Fraction(0)) / weights

    @property
    def score(self) -> float | None:
        score = self.exact_score
        return float(score) if score is not None else None

    @property
    def disagree(self) -> bool:
        return any(c.disagree for c in self.criteria)

    @property
    def complete(self) -> bool:
        return self.organisations_scored >= self.organisations_expected


@dataclass
class _Gathered:
    values: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    organisations: set[int] = field(default_factory=set)


def _key(item: Ranked) -> tuple:
    score = item.exact_score
    return (score is None, -(score or 0), -item.organisations_scored, item.proposal_id)


def rank(proposal_ids: Iterable[int], criteria: Iterable[tuple[int, int]],
         scores: Iterable[tuple[int, int, int, int]],
         expected: dict[int, int] | int = 0) -> list[Ranked]:
    """Rank the proposals.

    `criteria`: (criterion id, weight) in display order; `scores`: (proposal id, criterion id,
    organisation id, value); `expected`: how many organisations are expected to score each
    proposal (one number for all, or by proposal id). Scores of unknown proposals or criteria
    are ignored."""
    criteria = list(criteria)
    known_criteria = {cid for cid, _weight in criteria}
    gathered: dict[int, _Gathered] = {pid: _Gathered() for pid in proposal_ids}
    for proposal_id, criterion_id, organisation_id, value in scores:
        entry = gathered.get(proposal_id)
        if entry is None or criterion_id not in known_criteria:
            continue
        entry.values[criterion_id].append(value)
        entry.organisations.add(organisation_id)
    items = [
        Ranked(proposal_id=pid,
               criteria=tuple(CriterionStats(cid, weight, tuple(sorted(entry.values.get(cid, ()))))
                              for cid, weight in criteria),
               organisations_scored=len(entry.organisations),
               organisations_expected=(expected.get(pid, 0) if isinstance(expected, dict)
                                       else expected))
        for pid, entry in gathered.items()]
    items.sort(key=_key)
    result: list[Ranked] = []
    for position, item in enumerate(items, start=1):
        previous = result[-1] if result else None
        tied = (previous is not None and item.exact_score is not None
                and item.exact_score == previous.exact_score)
        result.append(Ranked(item.proposal_id, item.criteria, item.organisations_scored,
                             item.organisations_expected, rank=position, tied=tied))
    return result
