"""How much `grow` adds: the benchmark's ten years of a busy group, and the tests' growth."""

from __future__ import annotations

from dataclasses import asdict, dataclass

# Bump when what `grow` creates changes: the benchmark rebuilds its database then.
DATA_VERSION = 10


@dataclass(frozen=True)
class Sizes:
    posts: int
    organisations: int
    people: int
    representatives: int
    meetings: int = 0
    papers: int = 0
    decisions: int = 0
    tasks: int = 0
    initiatives: int = 0  # each with 3 outcomes, 9 activities and 18 milestones
    years: int = 10
    observations: int = 0  # indicators' values: synthetic indicators × every economy × years
    observation_years: int = 60
    groups: int = 0  # working groups in all: synthetic sub-groups are added up to this number

    def scaled(self, factor: float) -> Sizes:
        return Sizes(posts=round(self.posts * factor),
                     organisations=round(self.organisations * factor),
                     people=round(self.people * factor),
                     representatives=round(self.representatives * factor),
                     meetings=round(self.meetings * factor),
                     papers=round(self.papers * factor),
                     decisions=round(self.decisions * factor),
                     tasks=round(self.tasks * factor),
                     initiatives=round(self.initiatives * factor), years=self.years,
                     observations=round(self.observations * factor),
                     observation_years=self.observation_years,
                     groups=self.groups)  # the structure stays: only the activity scales

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


# Ten years of a busy working group and its neighbours.
BENCH = Sizes(posts=20_000, organisations=1_500, people=5_000, representatives=5_000,
              meetings=3_000, papers=20_000, decisions=5_000, tasks=50_000,
              initiatives=200, observations=1_000_000, groups=20)
# Enough for a test to see an N+1 (every list gets longer than a page), small enough to be fast.
TEST_GROWTH = Sizes(posts=240, organisations=40, people=60, representatives=150, meetings=120,
                    papers=120, decisions=60, tasks=600,
                    initiatives=4, observations=600, observation_years=5)

# Rows per bulk_create query.
BATCH = 2000
