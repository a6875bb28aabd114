"""The meeting pack for low bandwidth (issue 3, point 7): one zip per meeting (the agenda as a PDF,
the attached documents and the minutes) and one combined PDF (agenda, minutes, list of documents).

The meeting page states each download's size before it is downloaded. A PDF's size is only known
once it is rendered, so the pack is built once per state of its contents and kept on disk under
MEDIA_ROOT/packs/<meeting>/<language>-<key>/, where the key is a digest of everything the pack is
made of (the meeting's version and last change, its agenda, its live documents, the minutes'
current revision). A page view computes the key (the agenda and documents it lists anyway, plus
one query for the minutes) and reads two file sizes; only the first view after a change renders
the PDFs. The files are never served from MEDIA_ROOT: the download views ask the access policy.
"""

import hashlib
import json
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePath

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation

from meetings.models import AgendaItem, Meeting, MeetingDocument, Minutes, MinutesRevision
from talanoa.lib.bilingual import reader_language
from talanoa.lib.markup import render_markdown

PACK_CSS = "pack.css"
# Raise when the templates or the layout of the pack change, so cached packs are rebuilt.
PACK_FORMAT = 2
# One pack serves everyone who may see the meeting, so it carries only what all of them may read
# (meetings.record): adopted minutes. A draft is the editors' and circulated minutes are the
# members' (of a public meeting, too); they read those on the minutes page.
SHARED_MINUTES = (Minutes.Status.ADOPTED,)


@dataclass
class PackParts:
    """What a meeting's pack is made of, as the meeting page already has most of it."""

    meeting: Meeting
    agenda: list[AgendaItem]
    documents: list[MeetingDocument]
    minutes: Minutes | None
    revision: MinutesRevision | None
    language: str

    @property
    def key(self) -> str:
        m = self.meeting
        state = {
            "format": PACK_FORMAT,
            "meeting": [m.pk, m.version, m.updated_at.isoformat(), m.status, m.sequence],
            "agenda": [[a.pk, a.order, a.title_en, a.title_fr, a.presenter_id,
                        a.minutes_allocated] for a in self.agenda],
            "documents": [[d.pk, d.file.name, d.size, d.title] for d in self.documents],
            "minutes": [self.revision.pk, self.minutes.status] if self.revision else None,
        }
        digest = hashlib.sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()
        return digest[:24]


@dataclass
class Pack:
    """A built pack on disk: its two files and their sizes in bytes."""

    zip_path: Path
    pdf_path: Path
    zip_size: int
    pdf_size: int
    document_count: int
    has_minutes: bool


def pack_parts(meeting: Meeting, agenda: list[AgendaItem] | None = None,
               documents: list[MeetingDocument] | None = None,
               language: str | None = None) -> PackParts:
    if agenda is None:
        agenda = list(meeting.agenda.select_related("presenter"))
    if documents is None:
        documents = list(live_documents(meeting))
    minutes = Minutes.objects.filter(meeting=meeting, status__in=SHARED_MINUTES).first()
    revision = minutes.current if minutes is not None else None
    return PackParts(meeting, agenda, documents, minutes, revision,
                     language or reader_language())


def live_documents(meeting: Meeting):
    return meeting.documents.filter(archived_at__isnull=True).order_by("created_at", "pk")


def pack_directory(meeting: Meeting) -> Path:
    return Path(settings.MEDIA_ROOT) / "packs" / str(meeting.pk)


def zip_filename(meeting: Meeting) -> str:
    return f"meeting-{meeting.pk}-pack.zip"


def pdf_filename(meeting: Meeting) -> str:
    return f"meeting-{meeting.pk}.pdf"


def get_pack(parts: PackParts) -> Pack:
    """The pack for these parts: from disk if it was built already, else built now."""
    meeting = parts.meeting
    directory = pack_directory(meeting) / f"{parts.language}-{parts.key}"
    zip_path, pdf_path = directory / zip_filename(meeting), directory / pdf_filename(meeting)
    if not (zip_path.exists() and pdf_path.exists()):
        _build(parts, directory)
    return Pack(zip_path, pdf_path, zip_path.stat().st_size, pdf_path.stat().st_size,
                len(parts.documents), parts.revision is not None)


def _build(parts: PackParts, directory: Path) -> None:
    meeting = parts.meeting
    directory.parent.mkdir(parents=True, exist_ok=True)
    # Built beside its final place and renamed into it, so a reader never sees half a pack and
    # two builds at once (two first views) do not mix their files.
    work = Path(tempfile.mkdtemp(prefix=".build-", dir=directory.parent))
    try:
        with translation.override(parts.language):
            agenda_pdf = render_pdf(parts, agenda=True)
            minutes_pdf = render_pdf(parts, minutes=True) if parts.revision else None
            combined_pdf = render_pdf(parts, agenda=True, minutes=True, documents=True)
        (work / pdf_filename(meeting)).write_bytes(combined_pdf)
        with zipfile.ZipFile(work / zip_filename(meeting), "w",
                             compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("agenda.pdf", agenda_pdf)
            if parts.revision is not None:
                archive.writestr("minutes.pdf", minutes_pdf)
                archive.writestr("minutes.md", parts.revision.text)
            for name, document in zip(document_names(parts.documents), parts.documents,
                                      strict=True):
                with document.file.open("rb") as source, archive.open(name, "w") as target:
                    shutil.copyfileobj(source, target, 1024 * 1024)
        try:
            work.rename(directory)
        except OSError:
            if not directory.exists():
                raise
            shutil.rmtree(work)  # another request built the same pack first
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    _remove_older(directory)


def _remove_older(current: Path) -> None:
    """Earlier packs of the same meeting and language are stale: remove them (best effort)."""
    language = current.name.split("-", 1)[0]
    for other in current.parent.iterdir():
        if other != current and other.name.startswith(f"{language}-"):
            shutil.rmtree(other, ignore_errors=True)


def document_names(documents: list[MeetingDocument]) -> list[str]:
    """Names inside the zip: numbered in the meeting's order, never a path from outside."""
    width = max(2, len(str(len(documents))))
    names = []
    for number, document in enumerate(documents, start=1):
        stored = PurePath(document.file.name).name or "document"
        names.append(f"documents/{number:0{width}d}-{stored}")
    return names


def render_pdf(parts: PackParts, *, agenda: bool = False, minutes: bool = False,
               documents: bool = False) -> bytes:
    """The agenda, the minutes, or both with the list of documents, as one PDF (WeasyPrint)."""
    import weasyprint


    meeting = parts.meeting
    html = render_to_string("meetings/pack/pack_pdf.html", {
        "meeting": meeting,
        "language": parts.language,
        "start": _when(meeting.local_start),
        "end": _when(meeting.local_end),
        "show_agenda": agenda,
        "show_minutes": minutes and parts.revision is not None,
        "show_documents": documents,
        "agenda": parts.agenda,
        "documents": list(zip(parts.documents, document_names(parts.documents), strict=True)),
        "minutes": parts.minutes,
        "revision": parts.revision,
        "minutes_html": render_markdown(parts.revision.text) if parts.revision else "",
        "made_at": _when(timezone.localtime()),
        "address": settings.SITE_URL + meeting.get_absolute_url(),
    })
    with open(finders.find(PACK_CSS), encoding="utf-8") as f:
        css = weasyprint.CSS(string=f.read())
    # Nothing outside the pack is fetched while rendering (links in the minutes included).
    fetcher = weasyprint.URLFetcher(allowed_protocols=())
    return weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=[css])


def _when(moment) -> str:
    return formats.date_format(moment, "l j F Y, H:i")
