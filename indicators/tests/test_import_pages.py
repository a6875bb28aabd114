"""The secretariat's import pages: upload → preview → apply → roll back; nobody else."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators import operations
from indicators.models import ImportBatch, Observation
from indicators.tests.import_helpers import MOBILE, long_csv, wide_csv

pytestmark = pytest.mark.django_db
Status = ImportBatch.Status


def _tonga() -> Decimal:
    return Observation.objects.get(indicator__code=MOBILE, economy__code="TON", year=2022).value


def _upload(client, data: bytes, name: str, **fields):
    return client.post(reverse("indicators:imports"),
                       {"file": SimpleUploadedFile(name, data), **fields})


def test_the_secretariat_uploads_previews_applies_and_rolls_back(client_for):
    client = client_for("secretariat")
    assert client.get(reverse("indicators:imports")).status_code == 200
    response = _upload(client, long_csv(["Tonga,TON,2022,62.5", "Atlantis,ATL,2022,1"]),
                       "ton.csv", indicator=MOBILE, source="ITU", vintage="2026-08")
    batch = ImportBatch.objects.latest("pk")
    assert response.status_code == 302
    assert response["Location"] == reverse("indicators:import_batch", args=[batch.pk])
    assert (batch.status, batch.source, batch.vintage) == (Status.PREVIEWED, "ITU", "2026-08")
    page = client.get(response["Location"]).content.decode()
    assert "61.7257858761257" in page and "62.5" in page and "ATL" in page
    assert 'value="apply"' in page and 'value="rollback"' not in page
    assert _tonga() == Decimal("61.7257858761257")

    step = reverse("indicators:import_step", args=[batch.pk])
    client.post(step, {"step": "apply"})
    assert _tonga() == Decimal("62.5")
    page = client.get(reverse("indicators:import_batch", args=[batch.pk])).content.decode()
    assert 'value="rollback"' in page and "Applied: 0 new and 1 changed values." in page
    client.post(step, {"step": "rollback"})
    batch.refresh_from_db()
    assert batch.status == Status.ROLLED_BACK
    assert _tonga() == Decimal("61.7257858761257")
    listing = client.get(reverse("indicators:imports")).content.decode()
    assert "ton.csv" in listing and "Rolled back" in listing


def test_applying_twice_applies_once_with_a_message(client_for):
    client = client_for("secretariat")
    batch = operations.preview_import(long_csv(["Tonga,TON,2022,62.5"]), "IT.CEL.SETS.P2.csv")
    step = reverse("indicators:import_step", args=[batch.pk])
    client.post(step, {"step": "apply"})
    response = client.post(step, {"step": "apply"}, follow=True)
    assert "nothing was done" in response.content.decode()
    assert batch.changes.count() == 1


def test_unknown_economies_can_be_added_when_applying(client_for):
    client = client_for("secretariat")
    batch = operations.preview_import(long_csv(["Atlantis,ATL,2022,5"]), "IT.CEL.SETS.P2.csv")
    page = client.get(reverse("indicators:import_batch", args=[batch.pk])).content.decode()
    assert 'name="add_unknown_economies"' in page
    client.post(reverse("indicators:import_step", args=[batch.pk]),
                {"step": "apply", "economies_offered": "1", "add_unknown_economies": "on"})
    assert Observation.objects.get(economy__code="ATL").value == 5


def test_a_discarded_preview_changes_nothing(client_for):
    client = client_for("secretariat")
    batch = operations.preview_import(long_csv(["Tonga,TON,2022,1"]), "IT.CEL.SETS.P2.csv")
    client.post(reverse("indicators:import_step", args=[batch.pk]), {"step": "discard"})
    batch.refresh_from_db()
    assert batch.status == Status.DISCARDED and _tonga() != 1


@pytest.mark.parametrize(("data", "name", "message"), [
    (b"<html><body>Not found</body></html>", "IT.CEL.SETS.P2.csv", "content is not a CSV"),
    (b"Country Name,Country Code,Year,Value\nTonga,TON,2022,1\n", "data.csv", "Which indicator"),
    (b"Country Name,Amount\nTonga,1\n", "IT.CEL.SETS.P2.csv", "does not have the columns"),
    (b"%PDF-1.4 a pdf", "IT.CEL.SETS.P2.pdf", "not accepted"),
])
def test_a_bad_upload_comes_back_with_its_reason_and_stores_nothing(client_for, data, name,
                                                                  message):
    batches = ImportBatch.objects.count()
    response = _upload(client_for("secretariat"), data, name)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert ImportBatch.objects.count() == batches


@pytest.mark.parametrize(("standing", "status"), [("chair", 403), ("member", 404),
                                                  ("outsider", 404)])
def test_only_the_secretariat_imports(client_for, standing, status):
    client = client_for(standing)
    batch = ImportBatch.objects.first()
    assert client.get(reverse("indicators:imports")).status_code == status
    assert _upload(client, wide_csv(), "wide.csv").status_code == status
    assert client.get(reverse("indicators:import_batch", args=[batch.pk])).status_code == status
    assert client.post(reverse("indicators:import_step", args=[batch.pk]),
                       {"step": "rollback"}).status_code == status
    batch.refresh_from_db()
    assert batch.status == Status.APPLIED


def test_the_list_costs_the_same_with_five_or_sixty_batches(client_for, people):
    client = client_for("secretariat")
    url = reverse("indicators:imports")

    def add(count: int) -> None:
        for n in range(count):
            operations.preview_import(long_csv([f"Tonga,TON,2022,{n}"]),
                                      "IT.CEL.SETS.P2.csv", user=people["secretariat"])

    add(3)  # with the two starter batches: five
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    add(55)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert len(many) == len(few)
    assert page.content.decode().count("/indicators/imports/") >= 50
    assert 'rel="next"' in page.content.decode()
