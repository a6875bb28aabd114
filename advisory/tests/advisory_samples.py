"""Samples of advisory requests for the access matrix (talanoa/tests/test_url_access.py)."""

from __future__ import annotations

from django.core.files.base import ContentFile

RESTRICTED_TITLE = "[restricted] Tonga: advice on the national cybersecurity bill"


def restricted_request():
    """The demo's closed restricted request: names Tonga's government and PITA, no demo
    account but the chair's and secretariat's standing."""
    from advisory.models import AdvisoryRequest

    return AdvisoryRequest.objects.get(title_en=RESTRICTED_TITLE)


def advisory_sample(sample: str) -> dict:
    from advisory import operations
    from members.models import Country, WorkingGroup

    advisory = restricted_request()
    if sample == "advisory_restricted":
        return {"pk": advisory.pk}
    if sample == "advisory_response_file":
        response = advisory.responses.first()
        response.file.save("advice-note.txt", ContentFile(b"[restricted] advice note"))
        return {"pk": advisory.pk, "response_pk": response.pk}
    if sample == "advisory_intake":
        group = WorkingGroup.objects.get(slug="ict")
        return {"token": operations.ministry_intake_token(
            "contact@ministry.example.org", "Contact", "Ministry of ICT",
            Country.objects.get(iso3="TON").pk, group.pk)}
    if sample == "advisory_read":
        return {"token": operations.advisory_read_token(advisory)}
    raise KeyError(sample)
