"""Every upload entrance of the portal, attacked with the whole hostile corpus (issue 11, item 2).

Each entrance is the real view, posted to as a person allowed to upload there: post
attachments, meeting documents, paper files, the reply to a nomination letter, a sitting's
outcome document, an advisory request's response, the indicator import page and the API's
import endpoint. Every hostile file must be refused with a message naming the reason (not a
500), and nothing may be stored: no new row, no new file under MEDIA_ROOT. The figures go to
the hardening summary (talanoa/tests/hardening.py).

Then every download of a stored file answers as an attachment, with nosniff and a
Content-Type a browser never renders as a page (even for a file stored before the checks, or
by hand, under a dangerous name).
"""

from __future__ import annotations

import html
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from talanoa.lib import files
from talanoa.tests import hostile_files as corpus
from talanoa.tests.hardening import tally

pytestmark = pytest.mark.django_db

# Names a browser cannot send as they are (Django's multipart parser keeps the last path
# component and drops invisible characters): test_files.py checks them against
# validate_upload directly, and that such names are stored cleaned.
CLEANED_BY_THE_PARSER = {"dotdot-name", "nul-in-name", "rtl-override-name"}


def _with_member(archive: bytes, name: str, data: bytes) -> bytes:
    buffer = io.BytesIO(archive)
    with zipfile.ZipFile(buffer, "a") as zipped:
        zipped.writestr(name, data)
    return buffer.getvalue()


def spreadsheet_attacks() -> list[corpus.Sample]:
    """What an indicator import must refuse as well: an import reads CSV and XLSX."""
    return [
        corpus.Sample("wdi_data.csv", corpus.HTML_PAGE,
                      f"{corpus.NOT_A} a CSV file (.csv): {corpus.WEB_PAGE}", "html-named-csv"),
        corpus.Sample("wdi_data.xlsx", corpus.docx_bomb(), corpus.DAMAGED, "zip-bomb-named-xlsx"),
        corpus.Sample("wdi_data.xlsm", corpus.xlsx(), corpus.MACROS, "xlsm-extension"),
        corpus.Sample("wdi_data.xlsx", _with_member(corpus.xlsx(), "xl/vbaProject.bin",
                                                    b"\xd0\xcf\x11\xe0"),
                      corpus.MACROS, "xlsx-with-vbaproject"),
        corpus.Sample("wdi_data.csv", b"Country Name,Country Code\n\x00\x01\x02",
                      f"{corpus.NOT_A} a CSV file", "binary-named-csv"),
    ]


@pytest.fixture(scope="module")
def samples() -> list[corpus.Sample]:
    return [s for s in corpus.hostile_samples() if s.why not in CLEANED_BY_THE_PARSER
            ] + spreadsheet_attacks()


# Django's FileField refuses a name longer than its model field (100 by default) before our
# check can, with its own words: "Ensure this filename has at most 100 characters (it has 255)."
DJANGO_NAME_LIMIT = "Ensure this filename has at most"


def names_the_reason(said: str, sample: corpus.Sample, expected: str) -> bool:
    return expected in said or (sample.why == "1000-char-name" and DJANGO_NAME_LIMIT in said)


def expected_message(sample: corpus.Sample, allowed: frozenset[str] | set[str]) -> str:
    """The refusal this entrance must give: the sample's own, unless the entrance does not take
    files of its extension at all (then "not accepted", with the list)."""
    if sample.why == "empty":
        return "The submitted file is empty."  # Django's FileField, before ours
    if sample.why == "1000-char-name":
        return sample.message  # or, for a model field shorter than ours, Django's own
    extension = PurePath(sample.name).suffix.lower()
    if extension in files.MACRO_EXTENSIONS:
        return corpus.MACROS
    if files.KIND_OF_EXTENSION.get(extension) not in allowed:
        return corpus.NOT_ACCEPTED
    return sample.message


@dataclass
class Entrance:
    allowed: frozenset[str] | set[str]
    post: Callable[[corpus.Sample], Any]  # the response to one upload
    stored: Callable[[], Any]  # what a stored upload would change (rows)
    json: bool = False


def _media_files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def _upload(sample: corpus.Sample) -> SimpleUploadedFile:
    return SimpleUploadedFile(sample.name, sample.content)


# One builder per entrance: the data it needs, the person allowed, the form as a browser sends
# it (everything valid but the file).


def post_attachment(client_for, people, group) -> Entrance:
    from portal.models import Post
    from talanoa.lib.files import DOCUMENT_KINDS

    client = client_for("chair")

    def post(sample):
        return client.post(reverse("portal:post_new"), {
            "group": group.pk, "kind": "news", "level": "public", "title_en": "With a file",
            "published_at": "2026-11-28 10:00", "attachment": _upload(sample)})

    return Entrance(DOCUMENT_KINDS, post, lambda: Post.objects.count())


def meeting_document(client_for, people, group) -> Entrance:
    from meetings.models import Meeting, MeetingDocument
    from talanoa.lib.files import DOCUMENT_KINDS

    meeting = Meeting.objects.filter(group=group, archived_at__isnull=True).first()
    client = client_for("secretariat")

    def post(sample):
        return client.post(reverse("meetings:document_upload", args=[meeting.pk]),
                           {"title": "Paper", "file": _upload(sample)})

    return Entrance(DOCUMENT_KINDS, post, lambda: MeetingDocument.objects.count())


def paper_file(client_for, people, group) -> Entrance:
    from members.models import Organisation
    from papers import operations
    from papers.forms import PAPER_FILE_TYPES
    from papers.models import Paper, PaperFile, PaperKind

    paper = Paper(group=group, level="members", kind=PaperKind.objects.get(slug="policy-brief"),
                  title_en="Upload target", lead_organisation=Organisation.objects.get(slug="spc"))
    operations.create_paper(paper, people["secretariat"])
    client = client_for("secretariat")

    def post(sample):
        return client.post(reverse("papers:file_upload", args=[paper.pk]),
                           {"title": "Annex", "file": _upload(sample)})

    return Entrance(PAPER_FILE_TYPES, post, lambda: PaperFile.objects.count())


def nomination_reply(client_for, people, group) -> Entrance:
    from members.models import NominationLetter, Person, Representative
    from members.tests.nominations import reply_data
    from members.tests.samples import nomination_sample
    from talanoa.lib.files import DOCUMENT_KINDS

    letter = nomination_sample("letter")
    nominee = Person.objects.filter(organisation=letter.organisation,
                                    archived_at__isnull=True).first()
    client = client_for("secretariat")

    def post(sample):
        return client.post(reverse("members:letter_reply", args=[letter.pk]), reply_data(
            {"person": nominee.pk}, note="Letter of 3 March.", document=_upload(sample)))

    return Entrance(DOCUMENT_KINDS, post, lambda: (
        Representative.objects.count(),
        NominationLetter.objects.filter(status="answered").count()))


def sitting_outcome(client_for, people, group) -> Entrance:
    from decisions.forms import OUTCOME_FILE_TYPES
    from decisions.models import Sitting
    from members.models import Body

    body = Body.objects.get(slug="forum-leaders")
    client = client_for("secretariat")

    def post(sample):
        return client.post(reverse("decisions:sitting_new"), {
            "body": body.pk, "title_en": "55th Leaders Meeting", "title_fr": "",
            "starts_on": "2026-09-08", "ends_on": "2026-09-12", "place": "Honiara",
            "outcome_url": "", "outcome_file": _upload(sample)})

    return Entrance(OUTCOME_FILE_TYPES, post, lambda: Sitting.objects.count())


def advisory_response(client_for, people, group) -> Entrance:
    from advisory import operations
    from advisory.forms import ADVISORY_FILE_TYPES
    from advisory.models import AdvisoryResponse
    from advisory.tests.advisory_helpers import ministry_request

    advisory = operations.triage(ministry_request(group), people["secretariat"], 1)
    client = client_for("secretariat")

    def post(sample):
        return client.post(reverse("advisory:advisory_step", args=[advisory.pk]), {
            "action": "respond", "expected_version": advisory.version,
            "respond-text": "Our advice.", "respond-file": _upload(sample)})

    return Entrance(ADVISORY_FILE_TYPES, post, lambda: (
        AdvisoryResponse.objects.count(),
        type(advisory).objects.get(pk=advisory.pk).version))


def indicator_import(client_for, people, group) -> Entrance:
    from indicators.forms import IMPORT_FILE_TYPES
    from indicators.models import ImportBatch

    client = client_for("secretariat")

    def post(sample):
        return client.post(reverse("indicators:imports"), {"file": _upload(sample)})

    return Entrance(IMPORT_FILE_TYPES, post, lambda: ImportBatch.objects.count())


def api_import(client_for, people, group) -> Entrance:
    from django.test import Client

    from api.operations import create_token
    from indicators.forms import IMPORT_FILE_TYPES
    from indicators.models import ImportBatch

    __, secret = create_token(people["secretariat"], "Imports")
    client = Client()

    def post(sample):
        return client.post(reverse("api:create_import"), {"file": _upload(sample)},
                           HTTP_AUTHORIZATION=f"Bearer {secret}")

    return Entrance(IMPORT_FILE_TYPES, post, lambda: ImportBatch.objects.count(), json=True)


ENTRANCES = {
    "post-attachment": post_attachment,
    "meeting-document": meeting_document,
    "paper-file": paper_file,
    "nomination-reply-document": nomination_reply,
    "sitting-outcome-file": sitting_outcome,
    "advisory-response-file": advisory_response,
    "indicator-import-page": indicator_import,
    "api-indicator-import": api_import,
}


def test_every_upload_field_has_an_entrance_here():
    """A new FileField (a model's or a form's) must be added to ENTRANCES."""
    from django import forms as django_forms
    from django.apps import apps
    from django.db.models import FileField

    model_fields = sorted(f"{m._meta.label}.{f.name}" for m in apps.get_models()
                          for f in m._meta.get_fields() if isinstance(f, FileField))
    assert model_fields == [
        "advisory.AdvisoryResponse.file",  # advisory-response-file
        "decisions.Sitting.outcome_file",  # sitting-outcome-file
        "indicators.ImportBatch.file",  # indicator-import-page, api-indicator-import
        "meetings.MeetingDocument.file",  # meeting-document
        "members.Representative.nomination_document",  # nomination-reply-document
        "members.NominationLetter.reply_document",  # nomination-reply-document
        "papers.PaperFile.file",  # paper-file
        "portal.Post.attachment",  # post-attachment
        "reports.ReportFile.file",  # written by the worker (compiled reports), never uploaded
    ] or model_fields
    import advisory.forms
    import decisions.forms
    import indicators.forms
    import meetings.forms
    import members.forms
    import papers.forms
    import portal.forms

    form_fields = sorted(
        f"{form.__module__}.{form.__name__}.{name}"
        for module in (advisory.forms, decisions.forms, indicators.forms, meetings.forms,
                       members.forms, papers.forms, portal.forms)
        for form in vars(module).values()
        if isinstance(form, type) and issubclass(form, django_forms.BaseForm)
        and form.__module__ == module.__name__
        for name, field in form.base_fields.items() if isinstance(field, django_forms.FileField))
    assert form_fields == [
        "advisory.forms.RespondForm.file",
        "decisions.forms.SittingForm.outcome_file",
        "indicators.forms.ImportForm.file",
        "meetings.forms.MeetingDocumentForm.file",
        "members.forms.ReplyForm.document",
        "members.forms.RepresentativeForm.nomination_document",  # no view: checked below
        "papers.forms.PaperFileForm.file",
        "portal.forms.PostForm.attachment",
    ]


def test_the_representative_form_refuses_the_corpus_too(people, samples):
    """No view uses RepresentativeForm yet; whichever does gets its checked file field."""
    from members.forms import RepresentativeForm
    from members.models import Representative
    from talanoa.lib.files import DOCUMENT_KINDS

    representative = Representative.objects.select_related("organisation").first()
    data = {"organisation": representative.organisation_id,
            "person": representative.person_id, "year": representative.year,
            "role": representative.role, "status": representative.status}
    failures = []
    for sample in samples:
        tally("uploads tried")
        form = RepresentativeForm(data, {"nomination_document": _upload(sample)},
                                  instance=Representative())
        refused = not form.is_valid() and "nomination_document" in form.errors
        tally("uploads refused" if refused else "uploads accepted")
        said = " ".join(form.errors.get("nomination_document", []))
        if not refused or not names_the_reason(said, sample,
                                               expected_message(sample, DOCUMENT_KINDS)):
            failures.append((sample.why, said))
    assert failures == []


@pytest.mark.parametrize("entrance", ENTRANCES)
def test_every_hostile_file_is_refused_at_every_entrance(client_for, people, group, settings,
                                                         tmp_path, samples, entrance):
    settings.MEDIA_ROOT = tmp_path / "media"
    door = ENTRANCES[entrance](client_for, people, group)
    rows, on_disk = door.stored(), _media_files(settings.MEDIA_ROOT)
    failures = []
    for sample in samples:
        tally("uploads tried")
        response = door.post(sample)
        expected = expected_message(sample, door.allowed)
        if door.json:
            said = " ".join(e["message"] for e in json.loads(response.content).get("errors", []))
        else:
            said = html.unescape(response.content.decode())
        named = names_the_reason(said, sample, expected)
        refused = response.status_code == 400
        nothing_stored = door.stored() == rows and _media_files(settings.MEDIA_ROOT) == on_disk
        tally("uploads refused" if refused and nothing_stored else "uploads accepted")
        if not (refused and named and nothing_stored):
            failures.append((sample.why, response.status_code, named, nothing_stored))
    assert failures == [], entrance


# ---------------------------------------------------------------------------------------------
# Downloads of stored files

RENDERED = {"text/html", "application/xhtml+xml", "image/svg+xml", "text/xml",
            "application/xml", "text/javascript", "application/javascript"}


def _stored(field_file, name: str, content: bytes) -> None:
    field_file.save(name, ContentFile(content))


def _downloads(people, group) -> list[tuple[str, str, str]]:
    """(standing, url, what) for every view that sends a stored file, each holding a file
    stored under a name a browser would render (page.html): stored before the checks existed,
    restored from elsewhere, or put there by hand."""
    from advisory.models import AdvisoryResponse
    from advisory.tests.advisory_samples import advisory_sample
    from api.operations import create_token
    from decisions.models import Sitting
    from meetings.models import Meeting, MeetingDocument
    from members.tests.samples import nomination_sample
    from papers.models import Paper, PaperFile
    from portal.models import Post
    from reports.models import ReportFile
    from reports.tests.samples import sample_report, sample_report_file

    page = corpus.HTML_PAGE
    out = []
    post = Post.objects.get(title_en__startswith="[members]")
    _stored(post.attachment, "page.html", page)
    out.append(("member", reverse("portal:post_file", args=[post.pk]), "post"))

    meeting = Meeting.objects.get(title_en__startswith="[members]")
    document = MeetingDocument.objects.create(meeting=meeting, title="Page", size=len(page),
                                              file=ContentFile(page, name="page.html"))
    out.append(("member", reverse("meetings:document", args=[meeting.pk, document.pk]),
                "meeting document"))

    paper = Paper.objects.get(title_en__startswith="[members]")
    record = PaperFile.objects.filter(paper=paper).first()
    record.original_name = "page.html"
    record.save(update_fields=["original_name"])
    _stored(record.file, "page.html", page)
    out.append(("member", reverse("papers:file", args=[paper.pk, record.pk]), "paper file"))
    __, secret = create_token(people["member"], "Downloads")
    out.append((f"api:{secret}", reverse("api:get_paper_file", kwargs={
        "paper_id": paper.pk, "file_id": record.pk}), "paper file (API)"))

    sitting = Sitting.objects.get(title_en__endswith="(demo)")
    _stored(sitting.outcome_file, "page.svg", corpus.SVG_SCRIPT)
    out.append(("anonymous", reverse("decisions:sitting_file", args=[sitting.pk]),
                "sitting outcome"))

    letter = nomination_sample("letter_document")
    _stored(letter.reply_document, "page.html", page)
    out.append(("secretariat", reverse("members:letter_document", args=[letter.pk]),
                "letter reply document"))
    representative = nomination_sample("nomination_document")
    _stored(representative.nomination_document, "page.html", page)
    out.append(("member", reverse("members:nomination_document", args=[representative.pk]),
                "nomination document"))

    kwargs = advisory_sample("advisory_response_file")
    answer = AdvisoryResponse.objects.get(pk=kwargs["response_pk"])
    _stored(answer.file, "page.html", page)  # its download name is the stored name's
    out.append(("secretariat", reverse("advisory:advisory_response_file", kwargs=kwargs),
                "advisory response"))

    report = sample_report("members")
    kwargs = sample_report_file(report)
    report_file = ReportFile.objects.get(run_id=kwargs["run_pk"], language="en", format="pdf")
    _stored(report_file.file, "page.html", page)
    out.append(("member", reverse("reports:run_file", kwargs=kwargs), "report file"))
    return out


def test_every_download_of_a_stored_file_is_an_attachment_never_rendered(client_for, people,
                                                                        group, settings,
                                                                        tmp_path):
    from django.test import Client

    settings.MEDIA_ROOT = tmp_path / "media"
    downloads = _downloads(people, group)
    assert len(downloads) == 9
    problems = []
    for standing, url, what in downloads:
        if standing.startswith("api:"):
            response = Client().get(url, HTTP_AUTHORIZATION=f"Bearer {standing[4:]}")
        else:
            response = client_for(standing).get(url)
        content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
        disposition = response.get("Content-Disposition", "")
        if (response.status_code != 200 or not disposition.startswith("attachment")
                or response.get("X-Content-Type-Options") != "nosniff"
                or content_type in RENDERED or content_type.startswith("text/html")):
            problems.append((what, response.status_code, disposition, content_type))
        # Not response.close(): it sends request_finished, which closes the test's connection.
        if getattr(response, "file_to_stream", None) is not None:
            response.file_to_stream.close()
    assert problems == []


@pytest.mark.parametrize(("name", "content_type"), [
    ("paper.pdf", "application/pdf"),
    ("notes.txt", "text/plain"),
    ("list.csv", "text/csv"),
    ("logo.png", "image/png"),
    ("photo.JPG", "image/jpeg"),
    ("report.docx",
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("page.html", "application/octet-stream"),
    ("page.htm", "application/octet-stream"),
    ("logo.svg", "application/octet-stream"),
    ("page.xhtml", "application/octet-stream"),
    ("feed.xml", "application/octet-stream"),
    ("script.js", "application/octet-stream"),
    ("no-extension", "application/octet-stream"),
])
def test_the_download_type_comes_from_the_accepted_kinds_only(name, content_type):
    assert files.download_content_type(name) == content_type
