"""Synthetic data, in bulk: the benchmark's large dataset and the tests' "the data grew" step.

`grow(Sizes(...))` adds working groups (sub-groups, up to `Sizes.groups` in all), organisations
(with memberships, some ended), people (some with accounts), representatives across the years,
and posts at every dissemination level over the years (some archived, the restricted ones naming
organisations and people) to whatever is already in the database. It expects the starter data
(`load_starter_data`) and works with or without the demo data; when the demo member's
organisation (Fiji's government) exists, some restricted posts name it, so the demo member's
pages grow too. It can be called repeatedly: names continue from what is already there. Rows are
written with `bulk_create` (and their history rows with simple_history's bulk helper), so 20,000
posts take seconds; bulk inserts send no signals, so what is findable is indexed for search with
`portal.search.index_many`.

bench/synthetic/growth.py writes the people and posts and calls, in order, the generators of the
other kinds (records.py: meetings, papers, decisions; work_plan.py: the plan and the tasks;
observations.py: indicators' values). Later issues add their own models the same way.
"""

from bench.synthetic.growth import grow
from bench.synthetic.sizes import BENCH, DATA_VERSION, TEST_GROWTH, Sizes

__all__ = ["BENCH", "DATA_VERSION", "TEST_GROWTH", "Sizes", "grow"]
