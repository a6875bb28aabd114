"""URL samples for talanoa/tests/test_url_access.py."""

from __future__ import annotations


def indicators_sample(sample: str) -> dict:
    if sample == "indicators_table":
        return {"fmt": "csv"}
    if sample == "indicators_indicator":
        return {"code": "IT.CEL.SETS.P2"}
    if sample == "indicators_indicator_table":
        return {"code": "IT.CEL.SETS.P2", "fmt": "xlsx"}
    if sample == "indicators_economy":
        return {"code": "TON"}
    if sample == "indicators_economy_table":
        return {"code": "TON", "fmt": "csv"}
    if sample == "indicators_economy_svg":
        return {"code": "TON", "indicator": "IT.CEL.SETS.P2"}
    if sample == "indicators_batch":
        from indicators.models import ImportBatch

        batch, _ = ImportBatch.objects.get_or_create(
            file_name="sample.csv", sha256="0" * 64, defaults={"report": {}})
        return {"pk": batch.pk}
    raise ValueError(sample)
