"""Indicators' values: the catalogue's series filled in, then synthetic indicators."""

from __future__ import annotations

import random

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from bench.synthetic.sizes import BATCH, Sizes


def add_observations(rng: random.Random, sizes: Sizes) -> int:
    """Indicators' values, in one applied import batch: first the catalogue's own indicators for
    the PICTs and the comparators, in the years where they have no value yet (so the pages are
    full before any import; imported values stay as they are), then synthetic indicators
    ("SYN.IND.001", "Synthetic indicator 1", …) × every economy × `observation_years` years
    until `observations` rows. Each series is a random walk with a jump now and then."""
    import math

    from indicators.models import Economy, ImportBatch, ImportTransition, Indicator, Observation

    if not sizes.observations:
        return 0
    last = timezone.localdate().year - 1
    years = range(last - sizes.observation_years + 1, last + 1)
    economies = list(Economy.objects.values_list("pk", "kind", "comparator_order"))
    focus = [pk for pk, kind, order in economies if kind == Economy.Kind.PICT or order]
    batch = ImportBatch.objects.create(
        status=ImportBatch.Status.APPLIED, file_name="synthetic.csv",
        sha256=f"{rng.getrandbits(256):064x}", layout="synthetic",
        source="Synthetic data (benchmark)",
        vintage=timezone.localdate().isoformat(), applied_at=timezone.now())
    ImportTransition.objects.create(batch=batch, from_status=ImportBatch.Status.PREVIEWED,
                                    to_status=ImportBatch.Status.APPLIED, reason="synthetic data")

    def series(indicator_id: int, economy_ids: list[int]) -> list[Observation]:
        rows = []
        for economy_id in economy_ids:
            level = rng.uniform(1, 120)
            for year in years:
                level *= rng.uniform(2.2, 2.6) if rng.random() < 0.01 else rng.uniform(0.92, 1.12)
                rows.append(Observation(indicator_id=indicator_id, economy_id=economy_id,
                                        year=year, value=f"{level:.6f}", batch=batch))
        return rows

    written = 0
    for indicator_id in Indicator.objects.exclude(code__startswith="SYN.").values_list(
            "pk", flat=True):
        rows = series(indicator_id, focus)
        Observation.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
        written += len(rows)
    per_indicator = len(economies) * len(years)
    start = Indicator.objects.filter(code__startswith="SYN.").count()
    count = max(1, math.ceil(max(0, sizes.observations - written) / max(per_indicator, 1)))
    indicators = bulk_create_with_history([
        Indicator(code=f"SYN.IND.{n:03d}", name_en=f"Synthetic indicator {n}",
                  name_fr=f"Indicateur synthétique {n}", unit_en="per 100 people",
                  unit_fr="pour 100 personnes", source="Synthetic data", licence="CC0",
                  order=100 + n) for n in range(start + 1, start + count + 1)],
        Indicator, batch_size=BATCH)
    if indicators and indicators[0].pk is None:
        indicators = list(Indicator.objects.filter(code__startswith="SYN.").order_by("-pk")[:count])
    all_economies = [pk for pk, _kind, _order in economies]
    for indicator in indicators:
        rows = series(indicator.pk, all_economies)
        Observation.objects.bulk_create(rows, batch_size=BATCH)
        written += len(rows)
    return written
