"""The bundled WDI files as observations, for tests, without the importer: one applied batch per
file (vintage 2026-07-01) and its rows.

When the observations are already there (the importer loads the same files with the starter
data), this adds nothing: a file's batch is created only when its indicator has no observation,
and rows are created with `ignore_conflicts`.
"""

from __future__ import annotations

import csv
import hashlib
import re

from indicators.catalogue import WDI_FILES, WDI_SOURCE
from indicators.models import Economy, ImportBatch, ImportTransition, Indicator, Observation

VINTAGE = "2026-07-01"


def load_wdi() -> int:
    """Observations of the bundled files that are missing; returns how many were added."""
    economies = dict(Economy.objects.values_list("code", "pk"))
    indicators = dict(Indicator.objects.values_list("code", "pk"))
    added = 0
    for path in WDI_FILES:
        code = re.fullmatch(r"wdi_(.+)_data\.csv", path.name).group(1)
        indicator_id = indicators.get(code)
        if indicator_id is None or Observation.objects.filter(indicator_id=indicator_id).exists():
            continue
        content = path.read_bytes()
        batch = ImportBatch.objects.create(
            status=ImportBatch.Status.APPLIED, file_name=path.name,
            sha256=hashlib.sha256(content).hexdigest(), layout="long CSV", source=WDI_SOURCE,
            vintage=VINTAGE)
        ImportTransition.objects.create(batch=batch, from_status=ImportBatch.Status.PREVIEWED,
                                        to_status=ImportBatch.Status.APPLIED,
                                        reason="test data")
        rows = [Observation(indicator_id=indicator_id, economy_id=economies[row["Country Code"]],
                            year=int(row["Year"]), value=row["Value"], batch=batch)
                for row in csv.DictReader(content.decode("utf-8-sig").splitlines())
                if row["Country Code"] in economies and row["Value"].strip()]
        Observation.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
        added += len(rows)
    return added
