"""Sittings: public records of the bodies' meetings, with an outcome document (a checked
upload served through a view, or a link)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from decisions.models import Sitting
from members.models import Body

pytestmark = pytest.mark.django_db


def _pdf(text: str) -> bytes:
    import weasyprint

    return weasyprint.HTML(string=f"<p>{text}</p>").write_pdf()


def _data(**changes):
    data = {"body": Body.objects.get(slug="forum-leaders").pk,
            "title_en": "55th Pacific Islands Forum Leaders Meeting", "title_fr": "",
            "starts_on": "2026-09-08", "ends_on": "2026-09-12", "place": "Honiara",
            "outcome_url": ""}
    data.update(changes)
    return data


def test_the_secretariat_adds_a_sitting_with_its_communique(client_for, media):
    response = client_for("secretariat").post(reverse("decisions:sitting_new"), _data(
        outcome_file=SimpleUploadedFile("communiqué final.pdf", _pdf("Leaders' communiqué"))))
    sitting = Sitting.objects.get(title_en__startswith="55th")
    assert response.status_code == 302 and response["Location"] == sitting.get_absolute_url()
    assert sitting.outcome_file and (media / sitting.outcome_file.name).exists()
    anonymous = client_for("anonymous")
    page = anonymous.get(sitting.get_absolute_url()).text
    assert reverse("decisions:sitting_file", args=[sitting.pk]) in page and "Honiara" in page
    download = anonymous.get(reverse("decisions:sitting_file", args=[sitting.pk]))
    assert download.status_code == 200
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize(("name", "content"), [
    ("communique.pdf", b"<html><script>alert(1)</script></html>"),  # not a PDF
    ("communique.html", b"<html></html>"),
    ("communique.pdf", b""),
    ("communique.docm", b"PK\x03\x04"),
])
def test_a_refused_upload_changes_nothing(client_for, name, content):
    response = client_for("secretariat").post(reverse("decisions:sitting_new"), _data(
        outcome_file=SimpleUploadedFile(name, content)))
    assert response.status_code == 400
    assert not Sitting.objects.filter(title_en__startswith="55th").exists()


def test_the_last_day_cannot_come_first(client_for):
    response = client_for("secretariat").post(reverse("decisions:sitting_new"),
                                              _data(ends_on="2026-09-01"))
    assert response.status_code == 400 and not Sitting.objects.filter(
        title_en__startswith="55th").exists()


def test_a_link_instead_of_a_file(client_for):
    client_for("chair").post(reverse("decisions:sitting_new"),
                             _data(outcome_url="https://forumsec.org/communique"))
    sitting = Sitting.objects.get(title_en__startswith="55th")
    assert "https://forumsec.org/communique" in client_for("anonymous").get(
        sitting.get_absolute_url()).text
    assert client_for("anonymous").get(
        reverse("decisions:sitting_file", args=[sitting.pk])).status_code == 404


@pytest.mark.parametrize("standing", ["member", "observer", "outsider"])
def test_only_editors_add_sittings(client_for, standing):
    response = client_for(standing).post(reverse("decisions:sitting_new"), _data())
    assert response.status_code == 404
    assert not Sitting.objects.filter(title_en__startswith="55th").exists()


def test_concurrent_edits_of_a_sitting_conflict(client_for, make_sitting):
    sitting = make_sitting()
    url = reverse("decisions:sitting_edit", args=[sitting.pk])
    first = client_for("chair").post(url, _data(place="Suva", expected_version=1))
    second = client_for("secretariat").post(url, _data(place="Apia", expected_version=1))
    assert first.status_code == 302 and second.status_code == 409
    sitting.refresh_from_db()
    assert sitting.place == "Suva" and sitting.version == 2


def test_archive_and_restore_a_sitting(client_for, make_sitting):
    sitting = make_sitting()
    url = reverse("decisions:sitting_step", args=[sitting.pk])
    client_for("secretariat").post(url, {"action": "archive"})
    sitting.refresh_from_db()
    assert sitting.archived_at is not None
    assert client_for("anonymous").get(sitting.get_absolute_url()).status_code == 404
    assert sitting.title_en not in client_for("anonymous").get("/decisions/sittings/").text
    client_for("secretariat").post(url, {"action": "restore"})
    sitting.refresh_from_db()
    assert sitting.archived_at is None
    assert client_for("member").post(url, {"action": "archive"}).status_code == 404
