"""Meeting documents: editors upload and archive, whoever sees the meeting downloads."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meetings.models import MeetingDocument

pytestmark = pytest.mark.django_db


def upload(client, meeting, name="paper.pdf", content=b"%PDF-1.4 background paper",
           title="Background paper"):
    return client.post(reverse("meetings:document_upload", args=[meeting.pk]),
                       {"title": title, "file": SimpleUploadedFile(name, content)})


def stored_files(media):
    return [path for path in media.rglob("*") if path.is_file()] if media.exists() else []


def test_it_stores_the_file_and_its_size(client_for, demo_meeting, people):
    meeting = demo_meeting("members")
    response = upload(client_for("chair"), meeting)
    assert response.status_code == 302
    assert response["Location"].endswith(f"/meetings/{meeting.pk}/#documents")
    document = MeetingDocument.objects.get(meeting=meeting)
    assert document.size == len(b"%PDF-1.4 background paper")
    assert document.uploaded_by == people["chair"]
    assert document.file.read() == b"%PDF-1.4 background paper"


def test_it_lists_documents_with_their_size(client_for, demo_meeting):
    meeting = demo_meeting("members")
    upload(client_for("secretariat"), meeting, content=b"%PDF-1.4\n" + b"x" * 2039)
    response = client_for("observer").get(meeting.get_absolute_url())
    assert response.status_code == 200
    assert b"Background paper" in response.content
    assert b'<data value="2048">2.0\xc2\xa0KB</data>' in response.content
    assert reverse("meetings:document",
                   args=[meeting.pk, MeetingDocument.objects.get().pk]).encode() in (
        response.content)


def test_it_serves_a_download_as_an_attachment(client_for, demo_meeting):
    meeting = demo_meeting("members")
    upload(client_for("chair"), meeting)
    document = MeetingDocument.objects.get()
    response = client_for("consultative").get(
        reverse("meetings:document", args=[meeting.pk, document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 background paper"
    assert response["Content-Disposition"].startswith('attachment; filename="paper')
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("standing", ["anonymous", "outsider"])
def test_it_hides_a_members_level_document_from_outsiders(client_for, demo_meeting, standing):
    meeting = demo_meeting("members")
    upload(client_for("chair"), meeting)
    document = MeetingDocument.objects.get()
    url = reverse("meetings:document", args=[meeting.pk, document.pk])
    assert client_for(standing).get(url).status_code == 404


def test_a_document_of_another_meeting_is_not_found_through_this_one(client_for, demo_meeting):
    upload(client_for("chair"), demo_meeting("core"))
    document = MeetingDocument.objects.get()
    url = reverse("meetings:document", args=[demo_meeting("public").pk, document.pk])
    assert client_for("chair").get(url).status_code == 404


@pytest.mark.parametrize("standing", ["member", "outsider"])
def test_it_refuses_uploads_from_non_editors(client_for, demo_meeting, media, standing):
    response = upload(client_for(standing), demo_meeting("public"))
    assert response.status_code == 403
    assert not MeetingDocument.objects.exists()
    assert stored_files(media) == []


@pytest.mark.parametrize(("name", "content", "message"), [
    ("tool.exe", b"MZ...", b"Files of this type are not accepted"),
    ("empty.pdf", b"", b"The submitted file is empty"),
    ("paper.pdf", b"<html><script>alert(1)</script></html>", b"web page or script"),
])
def test_it_refuses_a_bad_file_and_stores_nothing(client_for, demo_meeting, media, name,
                                                  content, message):
    response = upload(client_for("chair"), demo_meeting("public"), name=name, content=content)
    assert response.status_code == 400
    assert message in response.content
    assert not MeetingDocument.objects.exists()
    assert stored_files(media) == []


def test_it_refuses_a_file_over_25_mb(client_for, demo_meeting, media, settings):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    big = SimpleUploadedFile("big.pdf", b"0" * (25 * 1024 * 1024 + 1))
    response = client_for("chair").post(
        reverse("meetings:document_upload", args=[demo_meeting("public").pk]),
        {"title": "Too big", "file": big})
    assert response.status_code == 400
    assert b"The file is larger than 25 MB." in response.content
    assert not MeetingDocument.objects.exists()
    assert stored_files(media) == []


def test_archiving_hides_it_and_restoring_brings_it_back(client_for, demo_meeting):
    meeting = demo_meeting("public")
    chair = client_for("chair")
    upload(chair, meeting)
    document = MeetingDocument.objects.get()
    url = reverse("meetings:document", args=[meeting.pk, document.pk])
    archive = reverse("meetings:document_archive", args=[meeting.pk, document.pk])

    assert chair.post(archive).status_code == 302
    document.refresh_from_db()
    assert document.is_archived and document.file.read()  # kept, never deleted
    assert client_for("anonymous").get(url).status_code == 404
    assert b"Background paper" not in client_for("member").get(meeting.get_absolute_url()).content
    page = chair.get(meeting.get_absolute_url()).content
    assert b"<del>Background paper</del>" in page and b"Restore" in page
    assert chair.get(url).status_code == 200  # its editors can still read it

    chair.post(archive)
    document.refresh_from_db()
    assert not document.is_archived
    assert client_for("anonymous").get(url).status_code == 200


def test_only_editors_archive(client_for, demo_meeting):
    meeting = demo_meeting("public")
    upload(client_for("chair"), meeting)
    document = MeetingDocument.objects.get()
    archive = reverse("meetings:document_archive", args=[meeting.pk, document.pk])
    assert client_for("chair").get(archive).status_code == 405
    assert client_for("member").post(archive).status_code == 403
    document.refresh_from_db()
    assert not document.is_archived
