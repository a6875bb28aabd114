"""Uploads checked by content (talanoa.lib.files), against a corpus of real and hostile files
built in hostile_files.py: each hostile file is refused with its own message, directly and
through real form posts, and nothing is stored."""

import html
import io
import logging
import pyexpat
import uuid

import pytest
from django import forms
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meetings.models import Meeting, MeetingDocument
from portal.models import Post
from talanoa.lib import file_text, files
from talanoa.lib.files import DOCUMENT_KINDS
from talanoa.tests import hostile_files as corpus

VALID = corpus.valid_samples()
HOSTILE = corpus.hostile_samples()
# Names a browser cannot send as they are: Django's multipart parser keeps the last path
# component and drops invisible characters, and an UploadedFile cuts its name to 255.
NAME_ATTACKS = {"dotdot-name", "nul-in-name", "rtl-override-name", "1000-char-name"}


def as_file(sample: corpus.Sample) -> File:
    """The sample as a File whose name arrives untouched, as from an API or an import."""
    return File(io.BytesIO(sample.content), name=sample.name)


def refusal(upload, allowed=DOCUMENT_KINDS) -> str:
    with pytest.raises(forms.ValidationError) as refused:
        files.validate_upload(upload, allowed)
    return " ".join(refused.value.messages)


@pytest.mark.parametrize("sample", VALID, ids=repr)
def test_real_files_are_accepted_as_their_kind(sample):
    upload = as_file(sample)
    assert files.validate_upload(upload, DOCUMENT_KINDS) == sample.message
    assert upload.read() == sample.content  # rewound, ready to be stored


@pytest.mark.parametrize("sample", HOSTILE, ids=repr)
def test_each_hostile_file_is_refused_with_its_message(sample):
    assert sample.message in refusal(as_file(sample))


def test_the_corpus_has_at_least_twenty_hostile_files():
    assert len(HOSTILE) >= 20 and len({s.why for s in HOSTILE}) == len(HOSTILE)


@pytest.mark.parametrize(("content", "kind"), [
    (b"%PDF-2.0\n", "pdf"),
    (b" %PDF-1.4\n", "txt"),  # not a PDF: its header must come first
    (b"\xef\xbb\xbf%PDF-1.4\n", "txt"),
    (b"%PDF-1.4\n%<!-- -->\n<iframe src=x>", None),
    (b"\n\n<svg onload=alert(1)>", None),
    (b"<?xml version='1.0'?><svg/>", None),
    (b"\xff\xfe<\x00h\x00t\x00m\x00l\x00>\x00", None),  # UTF-16 markup
    (b"PK\x03\x04garbage", None),
    (b"MZ\x90\x00", None),
    (b"", None),
    ("Tālofa, Mālō e lelei\n".encode(), "txt"),
    (b"a < b and c > d\n", "txt"),  # a less-than sign is not markup
])
def test_sniff_by_content(content, kind):
    assert files.sniff(content) == kind


def test_sniff_reads_paths_and_rewinds_file_objects(tmp_path):
    path = tmp_path / "x.bin"
    path.write_bytes(corpus.docx())
    assert files.sniff(path) == files.sniff(str(path)) == "docx"
    handle = io.BytesIO(corpus.odf("presentation"))
    handle.seek(10)
    assert files.sniff(handle) == "odp" and handle.tell() == 0


def test_the_size_limit_is_a_setting_and_the_message_says_it(settings):
    settings.MAX_UPLOAD_BYTES = 1024 * 1024
    upload = File(io.BytesIO(b"x" * (1024 * 1024 + 1)), name="big.txt")
    assert refusal(upload) == "The file is larger than 1 MB."
    upload = File(io.BytesIO(b"x" * (1024 * 1024)), name="just.txt")
    assert files.validate_upload(upload, DOCUMENT_KINDS) == "txt"


def test_the_default_limit_is_25_mb(settings):
    assert settings.MAX_UPLOAD_BYTES == 25 * 1024 * 1024


def test_the_refusal_lists_the_accepted_types():
    message = refusal(File(io.BytesIO(corpus.xlsx()), name="data.xlsx"), {"pdf", "docx"})
    assert message == "Files of this type are not accepted. Allowed: .docx, .pdf."


def test_a_csv_is_text_and_a_txt_is_not_a_csv():
    assert files.validate_upload(File(io.BytesIO(b"a,b\n"), name="x.csv"), {"csv"}) == "csv"
    assert "not accepted" in refusal(File(io.BytesIO(b"a,b\n"), name="x.txt"), {"csv"})


def test_the_bombs_are_refused_without_unpacking_them(monkeypatch):
    # The central directory tells: reading a member at all would be the mistake.
    def no_reading(*args, **kwargs):
        raise AssertionError("a member was opened")

    bomb = next(s for s in HOSTILE if s.why == "zip-bomb-1gib-in-docx")
    assert len(bomb.content) < 2 * 1024 * 1024
    monkeypatch.setattr("zipfile.ZipFile.open", no_reading)
    assert files.sniff(bomb.content) is None
    assert file_text.extract_text(bomb.content, "docx") == ""


def test_the_bomb_really_unpacks_to_a_gibibyte():
    import zipfile

    bomb = next(s for s in HOSTILE if s.why == "zip-bomb-1gib-in-docx")
    with zipfile.ZipFile(io.BytesIO(bomb.content)) as archive:
        member = archive.getinfo("word/media/image1.bin")
        assert member.file_size == 1024**3
        with archive.open(member) as data:
            assert data.read(1024 * 1024) == bytes(1024 * 1024)


# ---------------------------------------------------------------------------------------------
# Names


@pytest.mark.parametrize(("name", "safe"), [
    ("report.pdf", "report.pdf"),
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("C:\\Users\\ana\\Minutes 2026.docx", "Minutes 2026.docx"),
    ("pa\x00per.pdf", "paper.pdf"),
    ("invoice\u202efdp.exe", "invoicefdp.exe"),
    ("\u2066x\u2069\u200e\u200f.txt", "x.txt"),
    (".htaccess", "htaccess"),
    ("...", "file"),
    ("", "file"),
    ("  spaced \t name .pdf", "spaced name.pdf"),
    ("Tālofa ʻUtoikamanu.docx", "Tālofa ʻUtoikamanu.docx"),
])
def test_safe_filename(name, safe):
    assert files.safe_filename(name) == safe


def test_a_long_name_is_cut_to_150_keeping_its_extension():
    safe = files.safe_filename("a" * 996 + ".docx")
    assert len(safe) == 150 and safe.endswith("a.docx")


def test_stored_names_are_safe_and_stay_in_media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    assert isinstance(default_storage._wrapped if hasattr(default_storage, "_wrapped")
                      else default_storage, files.SafeNameStorage)
    name = default_storage.save(
        default_storage.generate_filename("meetings/2026/\u202e.hidden paper.pdf"),
        io.BytesIO(b"x"))
    assert name.startswith("meetings/2026/") and "\u202e" not in name
    assert name.rsplit("/", 1)[-1] == "hidden_paper.pdf"
    assert (tmp_path / name).resolve().is_relative_to(tmp_path.resolve())


def test_media_root_is_outside_what_the_web_server_serves(settings):
    assert files.media_root_is_outside()
    assert not files.media_root_is_outside(settings.STATIC_ROOT / "files")


# ---------------------------------------------------------------------------------------------
# Through the forms: refused, and nothing stored


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media):
    return [path for path in media.rglob("*") if path.is_file()] if media.exists() else []


@pytest.fixture
def meeting(group):
    return Meeting.objects.filter(group=group, archived_at__isnull=True).first()


def upload_to_meeting(client, meeting, upload):
    return client.post(reverse("meetings:document_upload", args=[meeting.pk]),
                       {"title": "Paper", "file": upload})


@pytest.mark.parametrize("sample", [s for s in HOSTILE if s.why not in NAME_ATTACKS], ids=repr)
def test_a_hostile_meeting_document_is_refused_and_nothing_stored(client_for, meeting, media,
                                                                   sample):
    response = upload_to_meeting(client_for("secretariat"), meeting,
                                 SimpleUploadedFile(sample.name, sample.content))
    assert response.status_code == 400
    # An empty upload is stopped by Django's own FileField before ours.
    message = "The submitted file is empty." if sample.why == "empty" else sample.message
    assert html.escape(message) in response.content.decode()
    assert not MeetingDocument.objects.exists()
    assert stored_files(media) == []


@pytest.mark.parametrize("why", ["pdf-html-polyglot", "zip-bomb-1gib-in-docx",
                                 "docx-with-vbaproject", "jpeg-named-docx"])
def test_a_hostile_post_attachment_is_refused_and_nothing_stored(client_for, group, media, why):
    sample = next(s for s in HOSTILE if s.why == why)
    data = {"group": group.pk, "kind": "news", "level": "public", "title_en": "With a file",
            "published_at": "2026-11-28 10:00",
            "attachment": SimpleUploadedFile(sample.name, sample.content)}
    response = client_for("chair").post(reverse("portal:post_new"), data)
    assert response.status_code == 400
    assert html.escape(sample.message) in response.content.decode()
    assert not Post.objects.filter(title_en="With a file").exists()
    assert stored_files(media) == []


def test_an_oversized_document_is_refused_and_nothing_stored(client_for, meeting, media,
                                                             settings):
    settings.MAX_UPLOAD_BYTES = 1024 * 1024
    response = upload_to_meeting(client_for("secretariat"), meeting,
                                 SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + bytes(1024**2)))
    assert response.status_code == 400
    assert "The file is larger than 1 MB." in response.content.decode()
    assert not MeetingDocument.objects.exists() and stored_files(media) == []


def test_a_1000_character_name_is_refused_through_the_form(client_for, meeting, media):
    response = upload_to_meeting(client_for("secretariat"), meeting,
                                 SimpleUploadedFile("a" * 996 + ".pdf", corpus.pdf()))
    assert response.status_code == 400
    assert not MeetingDocument.objects.exists() and stored_files(media) == []


def raw_upload(client, meeting, filename: str, content: bytes):
    """A multipart post with the file name exactly as given (the test client would keep only
    its last path component)."""
    boundary = uuid.uuid4().hex
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nPaper\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n').encode()
    body += content + f"\r\n--{boundary}--\r\n".encode()
    return client.post(reverse("meetings:document_upload", args=[meeting.pk]), body,
                       content_type=f"multipart/form-data; boundary={boundary}")


@pytest.mark.parametrize(("filename", "stored"), [
    ("../../../../tmp/evil.pdf", "evil.pdf"),
    ("..\\..\\windows\\evil.pdf", "evil.pdf"),
    ("invoice\u202efdp.pdf", "invoicefdp.pdf"),
    ("pa\x00per.pdf", "paper.pdf"),
    (".hidden.pdf", "hidden.pdf"),
])
def test_a_browser_upload_with_a_hostile_name_is_stored_under_its_safe_name(
        client_for, meeting, media, filename, stored):
    # Django's parser has already cut the path and the invisible characters; what is left is
    # stored under the safe name, inside MEDIA_ROOT.
    response = raw_upload(client_for("secretariat"), meeting, filename, corpus.pdf())
    assert response.status_code == 302
    document = MeetingDocument.objects.get()
    assert document.file.name.rsplit("/", 1)[-1] == stored
    [path] = stored_files(media)
    assert path.resolve().is_relative_to(media.resolve()) and path.name == stored


def test_downloads_are_attachments_with_nosniff(client_for, meeting, media):
    upload_to_meeting(client_for("secretariat"), meeting,
                      SimpleUploadedFile('Board "paper"; v2.docx', corpus.docx()))
    document = MeetingDocument.objects.get()
    response = client_for("secretariat").get(
        reverse("meetings:document", args=[meeting.pk, document.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="Board_paper_v2.docx"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == corpus.docx()


def test_a_non_ascii_name_is_sent_encoded(client_for, meeting, media):
    upload_to_meeting(client_for("secretariat"), meeting,
                      SimpleUploadedFile("Tālofa notes.txt", b"Talofa lava\n"))
    document = MeetingDocument.objects.get()
    response = client_for("secretariat").get(
        reverse("meetings:document", args=[meeting.pk, document.pk]))
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''T%C4%81lofa_notes.txt")
    assert response["X-Content-Type-Options"] == "nosniff"


# ---------------------------------------------------------------------------------------------
# Text


@pytest.mark.parametrize("sample", [s for s in VALID if s.message not in ("png", "jpeg")],
                         ids=repr)
def test_the_text_of_each_document_kind(sample):
    if sample.message == "csv":
        assert file_text.extract_text(sample.content, "csv") == "country,count\nFiji,3\nTonga,2"
    else:
        assert corpus.WORD in file_text.extract_text(io.BytesIO(sample.content), sample.message)


def test_the_text_follows_the_document():
    assert file_text.extract_text(corpus.docx(), "docx") == (
        "The zebrafish report\nSecond paragraph")  # a tab is a space; deleted text is gone
    assert file_text.extract_text(corpus.xlsx(), "xlsx") == "Species\nzebrafish\nCount"
    assert file_text.extract_text(corpus.pptx(), "pptx") == "Opening slide\nThe zebrafish census"
    assert file_text.extract_text(corpus.odf("text"), "odt") == "Title\nThe zebrafish minutes"
    assert file_text.extract_text(corpus.odf("presentation"), "odp") == "zebrafish slide"


def test_text_from_a_path(tmp_path):
    path = tmp_path / "paper.pdf"
    path.write_bytes(corpus.pdf())
    assert "zebrafish" in file_text.extract_text(path, "pdf")


def test_images_have_no_text():
    assert file_text.extract_text(corpus.png(), "png") == ""


def test_the_text_is_limited():
    text = file_text.extract_text(corpus.docx("word " * 10_000), "docx", limit_chars=100)
    assert len(text) == 100 and text.startswith("word word")
    assert len(file_text.extract_text(corpus.pdf(), "pdf", limit_chars=5)) == 5


@pytest.mark.parametrize("content", [
    corpus.pdf()[:600],
    b"%PDF-1.7\n" + bytes(range(256)) * 4,
    b"%PDF-1.4\n%%EOF\n",
], ids=["truncated", "garbage", "header-only"])
def test_a_damaged_pdf_gives_no_text_and_no_error(content, caplog):
    with caplog.at_level(logging.INFO, logger="talanoa.lib.files"):
        assert file_text.extract_text(content, "pdf") == ""


def test_an_encrypted_pdf_gives_no_text_and_no_error():
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(corpus.pdf())))
    writer.encrypt(user_password="secret", algorithm="RC4-128")
    locked = io.BytesIO()
    writer.write(locked)
    assert files.sniff(locked.getvalue()) == "pdf"
    assert "zebrafish" not in file_text.extract_text(locked.getvalue(), "pdf")


def test_a_document_with_entities_gives_no_text():
    parts = corpus.docx_parts()
    parts["word/document.xml"] = corpus.BILLION_LAUGHS.replace(b"Types", b"w:document")
    assert file_text.extract_text(corpus._zip(parts), "docx") == ""


def test_damaged_office_files_give_no_text():
    assert file_text.extract_text(corpus.docx()[:300], "docx") == ""
    assert file_text.extract_text(b"not a zip", "odt") == ""


def test_the_xml_parser_refuses_dtds_and_expat_limits_amplification():
    # What the module relies on, besides refusing DTDs itself: expat >= 2.4.1.
    assert pyexpat.version_info >= (2, 4, 1)
    with pytest.raises(files.XMLRefused):
        files.parse_xml(corpus.BILLION_LAUGHS)
