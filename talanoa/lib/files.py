"""Uploaded files: what they really are (by content, never by name), whether we accept them,
a name that is safe to store and send, and their text for search.

Rules, and why:

- The type comes from the bytes. A name says nothing; a browser or a desktop application that
  guesses from content might run what we were told was a document.
- Anything that starts like markup (``<html``, ``<svg``, ``<?xml``, ``<!--`` …) is refused
  whatever it claims to be, and so is a PDF or text file with HTML or script tags in its first
  1024 bytes: that is where content sniffers look (the WHATWG MIME sniffing algorithm reads the
  first 1445 bytes, old Internet Explorer the first 256), so it is what turns a PDF/HTML
  polyglot into a page. Downloads are also sent as attachments with ``nosniff``; this is the
  second wall.
- A PDF starts with ``%PDF-`` at byte 0. PDF readers accept it anywhere in the first 1024 bytes,
  but whatever sits before it is room for another format's header; producers we care about
  write it first.
- Office files are zips: OOXML (.docx/.xlsx/.pptx) is recognised by the main content type its
  ``[Content_Types].xml`` declares, OpenDocument by its ``mimetype`` first member. Macros
  (``macroEnabled`` types, ``vbaProject.bin``, ODF ``Basic/`` or ``Scripts/``) are refused.
- Zips are checked from their central directory before anything is unpacked: member count,
  declared total size and ratio, no absolute or ``..`` names. Python's ``zipfile`` never
  returns more than a member's declared size, so the declared sizes bound what we can be made to
  read; every read below is bounded as well.
- XML parts are parsed with the standard library's expat, with any DTD refused outright (the
  approach of defusedxml, which we do not depend on): no DTD means no entity expansion (billion
  laughs, quadratic blowup) and no external entities. The bundled expat (>= 2.4.1) also has its
  own amplification limits; we do not rely on them alone.
"""

from __future__ import annotations

import codecs
import io
import logging
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePath, PurePosixPath
from typing import IO, Any
from xml.parsers import expat

from django import forms
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, Http404
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

# Kinds, as sniff() names them, and the extensions each may carry. Text is "txt" by content;
# a .csv is text whose name says it holds comma-separated values.
EXTENSIONS: dict[str, tuple[str, ...]] = {
    "pdf": (".pdf",),
    "docx": (".docx",),
    "xlsx": (".xlsx",),
    "pptx": (".pptx",),
    "odt": (".odt",),
    "ods": (".ods",),
    "odp": (".odp",),
    "txt": (".txt",),
    "csv": (".csv",),
    "png": (".png",),
    "jpeg": (".jpg", ".jpeg"),
}
KIND_OF_EXTENSION = {ext: kind for kind, exts in EXTENSIONS.items() for ext in exts}
KIND_NAMES = {  # with their article, which the language decides ("a PDF", "une image PNG")
    "pdf": _("a PDF"),
    "docx": _("a Word document (.docx)"),
    "xlsx": _("an Excel workbook (.xlsx)"),
    "pptx": _("a PowerPoint presentation (.pptx)"),
    "odt": _("an OpenDocument text (.odt)"),
    "ods": _("an OpenDocument spreadsheet (.ods)"),
    "odp": _("an OpenDocument presentation (.odp)"),
    "txt": _("a plain text file (.txt)"),
    "csv": _("a CSV file (.csv)"),
    "png": _("a PNG image"),
    "jpeg": _("a JPEG image"),
}
# Office formats that exist to carry macros: named so the refusal can say why.
MACRO_EXTENSIONS = {".docm", ".dotm", ".xlsm", ".xltm", ".xlsb", ".xlam", ".pptm", ".potm",
                    ".ppsm", ".ppam", ".sldm"}

# Longer names are refused: Django cuts an uploaded name to 255 characters, so a name it cut
# (or a 1,000-character one from elsewhere) never passes. Stored names are shorter still.
# What posts, meeting documents and nomination replies accept, checked by content
# (.pdf .docx .xlsx .pptx .odt .ods .csv .txt .png .jpg .jpeg).
DOCUMENT_KINDS = frozenset({"pdf", "docx", "xlsx", "pptx", "odt", "ods", "csv", "txt", "png",
                            "jpeg"})
MAX_NAME_CHARS = 200
STORED_NAME_CHARS = 150
MAX_ZIP_MEMBERS = 10_000
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
# A real Office file of a few MB never unpacks to a hundred times its size; the floor keeps
# small, very compressible files (an XLSX of empty cells) out of the ratio rule.
MAX_ZIP_RATIO = 100
RATIO_FLOOR_BYTES = 10 * 1024 * 1024
MAX_XML_PART_BYTES = 50 * 1024 * 1024  # one part, read for sniffing or for text
MAX_PDF_PAGES = 2_000
SNIFF_BYTES = 1024
CHUNK = 64 * 1024

OOXML_MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml":
        ("docx", "word/"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml":
        ("xlsx", "xl/"),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml":
        ("pptx", "ppt/"),
}
ODF_TYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
    b"application/vnd.oasis.opendocument.presentation": "odp",
}
CONTENT_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"

_MARKUP_START = re.compile(rb"<[!?/a-z]", re.IGNORECASE)
# Tags that make a sniffer call it HTML, or that run script. In binary formats only names of
# three letters or more, and "<a href"/"<img": shorter ones turn up in compressed data by chance.
_HTML_TAGS = (rb"!doctype|html|head|body|script|iframe|frame|frameset|svg|object|embed|applet"
              rb"|meta|link|style|title|form|table|font|plaintext|xmp|template|math")
_HTML_IN_BINARY = re.compile(rb"<(?:" + _HTML_TAGS + rb")[\s/>]|<a\s+href|<img[\s/]",
                             re.IGNORECASE)
_HTML_IN_TEXT = re.compile(rb"<(?:" + _HTML_TAGS + rb"|a|b|p|br|div|h[1-6]|img|pre|\?xml|!--)"
                           rb"[\s/>]",
                           re.IGNORECASE)
_MAGIC = ((b"%PDF-", "pdf"), (b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpeg"))
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_TEXT_CONTROLS = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# Invisible characters that reorder or hide what a name shows ("invoice<U+202E>fdp.exe" reads
# as "invoiceexe.pdf"): bidi embeddings, overrides, isolates and marks, zero-width characters.
_BIDI = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c"
_INVISIBLE = _BIDI + "\u200b\u200c\u200d\u2060\ufeff"


class UnsafeFile(Exception):
    """Why a file is refused: `reason` is one of "empty", "markup", "macros", "unpacked"
    (damaged, or too large when unpacked), "not_utf8" or "unknown"."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


# ---------------------------------------------------------------------------------------------
# Sniffing


@contextmanager
def binary_stream(file: Any) -> Iterator[IO[bytes]]:
    """A readable, seekable binary handle on bytes, a path or a file object (rewound, and
    rewound again afterwards so a caller can still save it)."""
    if isinstance(file, bytes | bytearray):
        yield io.BytesIO(file)
    elif isinstance(file, str | PurePath):
        with open(file, "rb") as handle:
            yield handle
    else:
        file.seek(0)
        try:
            yield file
        finally:
            file.seek(0)


def sniff(file: Any) -> str | None:
    """The kind of a file from its bytes ("pdf", "docx", "txt", … see EXTENSIONS), or None
    when it is none we accept or is unsafe (see identify() for why)."""
    try:
        return identify(file)
    except UnsafeFile:
        return None


def identify(file: Any) -> str:
    """The kind of a file from its bytes; raises UnsafeFile saying why it is refused."""
    with binary_stream(file) as handle:
        head = handle.read(SNIFF_BYTES)
        if not head:
            raise UnsafeFile("empty")
        if _looks_like_markup(head):
            raise UnsafeFile("markup")
        kind = next((kind for magic, kind in _MAGIC if head.startswith(magic)), None)
        if kind is not None:
            if _HTML_IN_BINARY.search(head):
                raise UnsafeFile("markup", f"HTML tags in the first bytes of a {kind}")
            return kind
        if head.startswith(b"PK\x03\x04"):
            handle.seek(0)
            return _inspect_zip(handle)
        handle.seek(0)
        return _inspect_text(handle)


def _looks_like_markup(head: bytes) -> bool:
    for bom in _BOMS:
        if head.startswith(bom):
            head = head[len(bom):]
            break
    # UTF-16 markup ("<\0h\0t\0m\0l\0") is markup too.
    head = head.replace(b"\x00", b"").lstrip(b" \t\n\r\x0c")
    return bool(_MARKUP_START.match(head))


def _inspect_text(handle: IO[bytes]) -> str:
    decoder = codecs.getincrementaldecoder("utf-8")()
    first = True
    while chunk := handle.read(CHUNK):
        if first:
            if _HTML_IN_TEXT.search(chunk[:SNIFF_BYTES]):
                raise UnsafeFile("markup", "HTML tags in a text file")
            first = False
        if _TEXT_CONTROLS.search(chunk):
            raise UnsafeFile("unknown", "binary data")
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError as error:
            raise UnsafeFile("not_utf8") from error
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as error:
        raise UnsafeFile("not_utf8") from error
    return "txt"


def _safe_member_name(name: str) -> bool:
    path = PurePosixPath(name.replace("\\", "/"))
    return not (path.is_absolute() or ".." in path.parts or "\x00" in name
                or re.match(r"^[A-Za-z]:", name))


def open_zip(handle: IO[bytes]) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise UnsafeFile("unpacked", f"not a readable zip: {error}") from error
    members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        raise UnsafeFile("unpacked", f"{len(members)} members")
    if not all(_safe_member_name(member.filename) for member in members):
        raise UnsafeFile("unpacked", "a member's name leaves the archive")
    total = sum(member.file_size for member in members)
    handle.seek(0, io.SEEK_END)
    packed = max(handle.tell(), 1)
    if total > MAX_UNPACKED_BYTES or (
            total > RATIO_FLOOR_BYTES and total > MAX_ZIP_RATIO * packed):
        raise UnsafeFile("unpacked", f"{total} bytes unpacked from {packed}")
    return archive


def read_member(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    try:
        with archive.open(name) as member:
            data = member.read(limit + 1)
    except (KeyError, zipfile.BadZipFile, OSError, EOFError, ValueError,
            NotImplementedError, RuntimeError) as error:  # RuntimeError: encrypted member
        raise UnsafeFile("unpacked", f"{name}: {error}") from error
    if len(data) > limit:
        raise UnsafeFile("unpacked", f"{name} is over {limit} bytes")
    return data


def _inspect_zip(handle: IO[bytes]) -> str:
    archive = open_zip(handle)
    members = archive.infolist()
    names = {member.filename for member in members}
    if members and members[0].filename == "mimetype":
        return _inspect_odf(archive, members)
    if "[Content_Types].xml" in names:
        return _inspect_ooxml(archive, names)
    raise UnsafeFile("unknown", "a zip that is not an office document")


def _inspect_ooxml(archive: zipfile.ZipFile, names: set[str]) -> str:
    if any(name.lower().rsplit("/", 1)[-1] in ("vbaproject.bin", "vbadata.xml")
           for name in names):
        raise UnsafeFile("macros")
    types: list[tuple[str, str]] = []  # (part name, content type) of each Override

    def start(tag: str, attrs: dict[str, str]) -> None:
        if tag in (f"{CONTENT_TYPES_NS} Override", f"{CONTENT_TYPES_NS} Default"):
            types.append((attrs.get("PartName", ""), attrs.get("ContentType", "")))

    try:
        parse_xml(read_member(archive, "[Content_Types].xml", 1024 * 1024), start=start)
    except XMLRefused as error:
        raise UnsafeFile("unpacked", f"[Content_Types].xml: {error}") from error
    lowered = [content_type.lower() for _, content_type in types]
    if any("macroenabled" in t or "vbaproject" in t or "vnd.ms-office.activex" in t
           for t in lowered):
        raise UnsafeFile("macros")
    mains = {(part, content_type) for part, content_type in types
             if content_type in OOXML_MAIN_TYPES and part}
    if len(mains) != 1:
        raise UnsafeFile("unknown", f"{len(mains)} main parts")
    ((part, content_type),) = mains
    kind, folder = OOXML_MAIN_TYPES[content_type]
    part = part.lstrip("/")
    if not part.startswith(folder) or part not in names:
        raise UnsafeFile("unpacked", f"main part {part} missing")
    return kind


def _inspect_odf(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> str:
    first = members[0]
    # The spec wants it first and stored, so that its bytes sit at a fixed offset for sniffers.
    if first.compress_type != zipfile.ZIP_STORED or first.file_size > 100:
        raise UnsafeFile("unknown", "mimetype member malformed")
    kind = ODF_TYPES.get(read_member(archive, "mimetype", 100).strip())
    if kind is None:
        raise UnsafeFile("unknown", "not a document type we accept")
    names = {member.filename for member in members}
    if any(name.split("/", 1)[0].lower() in ("basic", "scripts") for name in names):
        raise UnsafeFile("macros")
    if "content.xml" not in names or "META-INF/manifest.xml" not in names:
        raise UnsafeFile("unpacked", "content.xml or manifest missing")
    return kind


# ---------------------------------------------------------------------------------------------
# XML


class XMLRefused(Exception):
    pass


class StopParsing(Exception):
    """Raised from a handler once enough text is collected: it stops expat at once."""


def _refuse_dtd(*_args: object) -> None:
    raise XMLRefused("a DTD (entities are not allowed)")


def parse_xml(source: bytes | IO[bytes], *, start: Callable[[str, dict[str, str]], None] | None
               = None, end: Callable[[str], None] | None = None,
               text: Callable[[str], None] | None = None) -> None:
    """Parse with namespaces ("uri local" tags), no DTD, from bytes or a bounded stream."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    parser.ExternalEntityRefHandler = _refuse_dtd
    parser.buffer_text = True
    if start:
        parser.StartElementHandler = start
    if end:
        parser.EndElementHandler = end
    if text:
        parser.CharacterDataHandler = text
    try:
        if isinstance(source, bytes):
            parser.Parse(source, True)
        else:
            while chunk := source.read(CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except expat.ExpatError as error:
        raise XMLRefused(str(error)) from error


# ---------------------------------------------------------------------------------------------
# Names


def safe_filename(name: str) -> str:
    """A name that is safe to store and to send in Content-Disposition: the last path
    component, without control or invisible characters, at most 150 characters with its
    extension kept, never empty and never hidden (a leading dot)."""
    name = str(name).replace("\\", "/").rsplit("/", 1)[-1]
    name = unicodedata.normalize("NFC", name)
    name = "".join(char for char in name
                   if char not in _INVISIBLE and unicodedata.category(char) not in ("Cc", "Cf"))
    name = " ".join(name.split()).lstrip(". ").rstrip(". ")
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    extension = extension[:16]
    room = STORED_NAME_CHARS - len(extension) - (1 if extension else 0)
    stem = stem[:room].rstrip(". ") or "file"
    return f"{stem}.{extension}" if extension else stem


def name_problem(name: str) -> str | None:
    """Why a client's file name is refused, or None. A browser upload reaches us with its path
    and invisible characters already removed by Django's parser; this catches the other ways
    a name gets in (an API, an import)."""
    if "/" in name or "\\" in name or name in (".", ".."):
        return "path"
    if any(char in _INVISIBLE or unicodedata.category(char) == "Cc" for char in name):
        return "characters"
    if len(name) > MAX_NAME_CHARS:
        return "long"
    return None


class SafeNameStorage(FileSystemStorage):
    """Stores every file under its safe_filename(), then Django's own cleaning (which keeps
    only letters, digits, "-", "_" and ".") and its check that the path stays in MEDIA_ROOT."""

    def get_valid_name(self, name: str) -> str:
        return super().get_valid_name(safe_filename(name))


# ---------------------------------------------------------------------------------------------
# Validation


def _size_in_mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0")


def accepted_extensions(allowed: set[str] | frozenset[str]) -> str:
    return ", ".join(sorted(ext for kind in allowed for ext in EXTENSIONS[kind]))


def validate_upload(upload: Any, allowed: set[str] | frozenset[str]) -> str:
    """Check an uploaded file (a Django UploadedFile or File) against the kinds allowed and
    return its kind. Raises forms.ValidationError with a message that says what is wrong.

    On success the upload's name is replaced by its safe_filename(), so whatever stores it
    stores that name."""
    name = str(upload.name or "")
    problem = name_problem(name)
    if problem == "path":
        raise forms.ValidationError(
            _("The file name must not contain a folder path."), code="file_name")
    if problem == "characters":
        raise forms.ValidationError(
            _("The file name contains control or invisible characters (such as a "
              "right-to-left override). Rename the file and upload it again."), code="file_name")
    if problem == "long":
        raise forms.ValidationError(
            _("The file name is longer than %(limit)d characters. Rename the file and upload it "
              "again."), params={"limit": MAX_NAME_CHARS}, code="file_name")
    extension = PurePath(name).suffix.lower()
    if extension in MACRO_EXTENSIONS:
        raise forms.ValidationError(
            _("Files with macros are not accepted. Save it without macros (as .docx, .xlsx or "
              ".pptx) and upload it again."), code="macros")
    claimed = KIND_OF_EXTENSION.get(extension)
    if claimed not in allowed:
        raise forms.ValidationError(
            _("Files of this type are not accepted. Allowed: %(types)s."),
            params={"types": accepted_extensions(allowed)}, code="file_type")
    if not upload.size:
        raise forms.ValidationError(_("The file is empty."), code="empty")
    if upload.size > settings.MAX_UPLOAD_BYTES:
        raise forms.ValidationError(
            _("The file is larger than %(limit)s MB."),
            params={"limit": _size_in_mb(settings.MAX_UPLOAD_BYTES)}, code="file_size")
    try:
        kind = identify(upload)
    except UnsafeFile as refused:
        logger.info("Upload %r refused: %s", name, refused)
        raise _refusal(refused.reason, claimed) from refused
    if kind != claimed and not (kind == "txt" and claimed == "csv"):
        logger.info("Upload %r refused: its content is %s", name, kind)
        raise forms.ValidationError(
            _("This file's content is not %(type)s: it is %(found)s. Give it the right "
              "extension."), params={"type": KIND_NAMES[claimed], "found": KIND_NAMES[kind]},
            code="file_content")
    upload.name = safe_filename(name)
    return claimed


def _refusal(reason: str, claimed: str) -> forms.ValidationError:
    if reason == "empty":
        return forms.ValidationError(_("The file is empty."), code="empty")
    if reason == "macros":
        return forms.ValidationError(
            _("Files with macros are not accepted. Save it without macros and upload it again."),
            code="macros")
    if reason == "unpacked":
        return forms.ValidationError(
            _("This file is damaged or too large when unpacked."), code="file_damaged")
    if reason == "markup":
        return forms.ValidationError(
            _("This file's content is not %(type)s: it contains a web page or script, which "
              "is not accepted."), params={"type": KIND_NAMES[claimed]}, code="file_content")
    if reason == "not_utf8" and claimed in ("txt", "csv"):
        return forms.ValidationError(
            _("This text file is not in UTF-8. Save it with the UTF-8 encoding and upload it "
              "again."), code="file_content")
    return forms.ValidationError(
        _("This file's content is not %(type)s."), params={"type": KIND_NAMES[claimed]},
        code="file_content")


def media_root_is_outside(directory: Path | None = None) -> bool:
    """Whether MEDIA_ROOT is outside the directories the web server serves as they are
    (STATIC_ROOT and the static sources): uploads must only ever leave through a view."""
    media = Path(directory or settings.MEDIA_ROOT).resolve()
    served = [Path(settings.STATIC_ROOT).resolve(),
              *(Path(d).resolve() for d in settings.STATICFILES_DIRS)]
    return not any(media == root or media.is_relative_to(root) or root.is_relative_to(media)
                   for root in served)


# What a download says it is: only the kinds uploads accept (and the packs the portal builds),
# by the name's extension. Anything else (a file stored before the checks, restored from
# elsewhere, or put there by hand: page.html, logo.svg) is sent as bytes to save, never a type a
# browser renders as a page, whatever mimetypes would guess.
DOWNLOAD_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "txt": "text/plain",
    "csv": "text/csv",
    "png": "image/png",
    "jpeg": "image/jpeg",
}
BUILT_DOWNLOAD_TYPES = {".zip": "application/zip"}


def download_content_type(filename: str) -> str:
    extension = PurePosixPath(filename).suffix.lower()
    kind = KIND_OF_EXTENSION.get(extension)
    if kind in DOWNLOAD_TYPES:
        return DOWNLOAD_TYPES[kind]
    return BUILT_DOWNLOAD_TYPES.get(extension, "application/octet-stream")


def download(field_file: Any, filename: str | None = None, *, of: Any = None,
             public: bool = False, max_age: int = 3600) -> FileResponse:
    """A stored file as a download (see `attachment`). A record whose file is missing (a restore
    without the files directory) answers 404 and leaves a trace for the secretariat."""
    if not field_file:
        raise Http404
    try:
        stored = field_file.open("rb")
    except FileNotFoundError:
        logger.error("Stored file missing: %s", field_file.name)
        raise Http404 from None
    return attachment(stored, filename or PurePosixPath(field_file.name).name, of=of,
                      public=public, max_age=max_age)


def attachment(file: IO[bytes], filename: str, *, of: Any = None, public: bool = False,
               max_age: int = 3600) -> FileResponse:
    """An open file as a download, never rendered by the browser in our origin (attachment,
    nosniff, a type only for the kinds we accept); cached by anyone only when `public`. The
    caller has asked the access policy; `of` is the item the file belongs to, whose download
    the audit log records when it is above public level."""
    from talanoa import auditlog  # the audit log's models load after this module

    response = FileResponse(file, as_attachment=True, filename=filename,
                            content_type=download_content_type(filename))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = f"public, max-age={max_age}" if public else "private, no-store"
    if of is not None:
        auditlog.download(None, of, filename)
    return response
