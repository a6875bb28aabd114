"""The meeting pack (issue 3, point 7): one zip and one combined PDF per meeting, their sizes
stated on the meeting's page, and the same access as the meeting itself."""

import io
import zipfile

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meetings import operations, pack
from meetings.models import AgendaItem, Minutes, MinutesRevision
from meetings.tests.pdf import pdf_titles
from talanoa.access import LEVEL_AUDIENCE, STANDINGS

pytestmark = pytest.mark.django_db


def add_document(meeting, name, content, by=None):
    return operations.add_document(meeting, name.rsplit(".", 1)[0].title(),
                                   SimpleUploadedFile(name, content), by)


def add_minutes(meeting, status=Minutes.Status.ADOPTED, text="# Record\n\nThe group agreed."):
    minutes = Minutes.objects.create(meeting=meeting, status=status)
    MinutesRevision.objects.create(minutes=minutes, number=1, text=text)
    return minutes


def download(client, name, meeting) -> bytes:
    response = client.get(reverse(name, args=[meeting.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


@pytest.fixture
def prepared(demo_meeting):
    meeting = demo_meeting("public")
    AgendaItem.objects.create(meeting=meeting, order=1, title_en="Opening prayer",
                              title_fr="Prière d'ouverture")
    AgendaItem.objects.create(meeting=meeting, order=2, title_en="Submarine cable resilience",
                              minutes_allocated=45)
    add_document(meeting, "cable-study.pdf", b"%PDF-1.4 cable study")
    add_document(meeting, "budget.xlsx", b"PK budget")
    old = add_document(meeting, "superseded.txt", b"old draft")
    operations.archive_document(old)
    return meeting


def test_the_zip_holds_the_agenda_minutes_and_live_documents(client_for, prepared):
    add_minutes(prepared)
    archive = zipfile.ZipFile(io.BytesIO(download(client_for("anonymous"), "meetings:pack_zip",
                                                  prepared)))
    assert archive.namelist() == ["agenda.pdf", "minutes.pdf", "minutes.md",
                                  "documents/01-cable-study.pdf", "documents/02-budget.xlsx"]
    agenda = archive.read("agenda.pdf")
    assert agenda.startswith(b"%PDF")
    titles = pdf_titles(agenda)
    assert prepared.title_en in titles
    assert "Opening prayer" in titles and "Submarine cable resilience" in titles
    assert "Minutes" not in titles  # the agenda alone
    assert archive.read("minutes.pdf").startswith(b"%PDF")
    assert archive.read("minutes.md") == b"# Record\n\nThe group agreed."
    assert archive.read("documents/01-cable-study.pdf") == b"%PDF-1.4 cable study"
    assert archive.read("documents/02-budget.xlsx") == b"PK budget"


@pytest.mark.parametrize("status", [Minutes.Status.DRAFT, Minutes.Status.CIRCULATED])
def test_minutes_not_yet_adopted_stay_out_of_the_pack(client_for, prepared, status):
    # Circulated minutes are the members' (meetings.record); the pack of a public meeting is
    # everyone's.
    add_minutes(prepared, status=status)
    names = zipfile.ZipFile(io.BytesIO(download(client_for("chair"), "meetings:pack_zip",
                                                prepared))).namelist()
    assert "minutes.md" not in names and "minutes.pdf" not in names
    assert "Minutes" not in pdf_titles(download(client_for("chair"), "meetings:pack_pdf",
                                                prepared))


def test_the_combined_pdf_has_agenda_minutes_and_the_list_of_documents(client_for, prepared):
    add_minutes(prepared, status=Minutes.Status.ADOPTED)
    pdf = download(client_for("member"), "meetings:pack_pdf", prepared)
    assert pdf.startswith(b"%PDF")
    titles = pdf_titles(pdf)
    for title in (prepared.title_en, "Agenda", "Opening prayer", "Minutes",
                  "Attached documents"):
        assert title in titles


def test_the_page_states_the_sizes_of_what_is_downloaded(client_for, demo_meeting):
    meeting = demo_meeting("members")
    add_document(meeting, "report.pdf", b"%PDF-1.4 " + b"r" * 5000)
    client = client_for("observer")
    page = BeautifulSoup(client.get(meeting.get_absolute_url()).content, "html.parser")
    links = page.select("#documents a[download]")
    assert [a["href"] for a in links] == [reverse("meetings:pack_zip", args=[meeting.pk]),
                                          reverse("meetings:pack_pdf", args=[meeting.pk])]
    stated = [int(a.find_next("data")["value"]) for a in links]
    assert stated[0] == len(download(client, "meetings:pack_zip", meeting))
    assert stated[1] == len(download(client, "meetings:pack_pdf", meeting))
    assert "1 document" in page.select_one("#pack + ul").get_text()


def test_the_pack_is_built_once_and_again_after_a_change(client_for, demo_meeting, monkeypatch,
                                                         media):
    renders = []
    real = pack.render_pdf
    monkeypatch.setattr(pack, "render_pdf", lambda *a, **k: renders.append(1) or real(*a, **k))
    meeting = demo_meeting("public")
    client = client_for("member")
    client.get(meeting.get_absolute_url())
    built = len(renders)
    assert built == 2  # the agenda and the combined PDF (no minutes yet)
    client.get(meeting.get_absolute_url())
    download(client, "meetings:pack_zip", meeting)
    assert len(renders) == built  # read from disk
    AgendaItem.objects.create(meeting=meeting, order=1, title_en="A new item")
    client.get(meeting.get_absolute_url())
    assert len(renders) == 2 * built
    # The earlier pack is gone: one pack per meeting and language on disk.
    assert len(list((media / "packs" / str(meeting.pk)).iterdir())) == 1


def test_a_french_reader_gets_a_french_pack(client_for, demo_meeting):
    meeting = demo_meeting("public")
    client = client_for("member")
    client.cookies["django_language"] = "fr"
    titles = pdf_titles(download(client, "meetings:pack_pdf", meeting))
    assert meeting.title_fr in titles and meeting.title_en not in titles


def test_caching_follows_the_level(client_for, demo_meeting):
    client = client_for("chair")
    public = client.get(reverse("meetings:pack_zip", args=[demo_meeting("public").pk]))
    members = client.get(reverse("meetings:pack_zip", args=[demo_meeting("members").pk]))
    assert public["Cache-Control"].startswith("public")
    assert members["Cache-Control"] == "private, no-store"
    for response in (public, members):
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize("standing", STANDINGS)
@pytest.mark.parametrize("level", ["members", "core", "restricted"])
def test_the_pack_is_seen_exactly_by_those_who_see_the_meeting(client_for, demo_meeting, level,
                                                               standing):
    meeting = demo_meeting(level)
    client = client_for(standing)
    expected = 200 if standing in LEVEL_AUDIENCE[level] else 404
    assert client.get(meeting.get_absolute_url()).status_code == expected
    for name in ("meetings:pack_zip", "meetings:pack_pdf"):
        response = client.get(reverse(name, args=[meeting.pk]))
        assert response.status_code == expected, (name, level, standing)
        if expected == 404:
            assert meeting.title_en.encode() not in response.content


def test_the_page_still_works_when_the_pack_cannot_be_made(client_for, demo_meeting, media,
                                                           caplog):
    meeting = demo_meeting("public")
    document = add_document(meeting, "lost.pdf", b"%PDF-1.4 lost")
    (media / document.file.name).unlink()  # gone from the disk
    response = client_for("member").get(meeting.get_absolute_url())
    assert response.status_code == 200
    assert b"The meeting pack cannot be made right now." in response.content
    assert "could not be built" in caplog.text
    assert list(media.rglob("*.zip")) == []  # no half-built pack left behind
