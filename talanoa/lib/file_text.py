"""Text from uploaded files, for search: PDF pages, Office and OpenDocument parts, plain text;
bounded in characters, parts and pages, and empty (never an error) for what cannot be read."""

from __future__ import annotations

import logging
import re
from typing import IO, Any

from talanoa.lib.files import (
    MAX_PDF_PAGES,
    MAX_UNPACKED_BYTES,
    MAX_XML_PART_BYTES,
    StopParsing,
    UnsafeFile,
    XMLRefused,
    binary_stream,
    open_zip,
    parse_xml,
)

logger = logging.getLogger(__name__)

# ---------------------------------------------------------------------------------------------
# Text


def extract_text(path_or_fileobj: Any, kind: str, limit_chars: int = 1_000_000) -> str:
    """The text of a file of a known kind, for search: whitespace normalised (one space within
    a line, no empty lines), at most `limit_chars`. Never raises on a damaged, encrypted or
    hostile file: it logs and returns what it could read, often ""."""
    collector = _Text(limit_chars)
    try:
        with binary_stream(path_or_fileobj) as handle:
            if kind == "pdf":
                _pdf_text(handle, collector)
            elif kind in ("docx", "xlsx", "pptx", "odt", "ods", "odp"):
                _zip_text(handle, kind, collector)
            elif kind in ("txt", "csv"):
                data = handle.read(limit_chars * 4)
                collector.add(data.decode("utf-8", errors="replace").removeprefix("\ufeff"))
    except StopParsing:
        pass
    except Exception as error:  # a hostile file must cost us a log line, never a failed request
        logger.warning("No text could be read from a %s file: %r", kind, error)
    return collector.result()


class _Text:
    def __init__(self, limit: int):
        self.limit = limit
        self.parts: list[str] = []
        self.size = 0

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.size += len(text)
        if self.size > self.limit * 2:  # whitespace is squeezed out later, so keep a margin
            raise StopParsing

    def result(self) -> str:
        lines = (" ".join(line.split()) for line in "".join(self.parts).splitlines())
        return "\n".join(line for line in lines if line)[:self.limit]


def _pdf_text(handle: IO[bytes], out: _Text) -> None:
    from pypdf import PdfReader  # imported here: only uploads of PDFs need it

    # pypdf bounds its own decompression and parsing (pypdf.Configuration, 75 MB a stream).
    reader = PdfReader(handle, strict=False)
    if reader.is_encrypted:
        # An empty user password only restricts printing or copying: the text is readable.
        try:
            if not reader.decrypt(""):
                logger.info("An encrypted PDF: no text read")
                return
        except Exception:
            logger.info("An encrypted PDF that could not be opened: no text read",
                        exc_info=True)
            return
    for number, page in enumerate(reader.pages):
        if number >= MAX_PDF_PAGES:
            break
        try:
            out.add(page.extract_text() + "\n")
        except StopParsing:
            raise
        except Exception:
            logger.info("Page %d of a PDF has no readable text", number + 1, exc_info=True)


# The XML elements whose end is a line break, and those that stand for a space or a tab.
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
S = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_TEXT_ELEMENTS = {f"{W} t", f"{A} t", f"{S} t"}
_BREAKS = {f"{W} p", f"{W} br", f"{W} cr", f"{A} p", f"{A} br", f"{S} si", f"{S} is",
           f"{TEXT_NS} p", f"{TEXT_NS} h", f"{TEXT_NS} line-break"}
_SPACES = {f"{W} tab", f"{TEXT_NS} tab", f"{TEXT_NS} s"}


def _ooxml_parts(names: list[str], kind: str) -> list[str]:
    def numbered(prefix: str) -> list[str]:
        found = [n for n in names if re.fullmatch(re.escape(prefix) + r"\d+\.xml", n)]
        return sorted(found, key=lambda n: int(re.sub(r"\D", "", n.rsplit("/", 1)[-1])))

    if kind == "docx":
        return [n for n in ("word/document.xml", "word/footnotes.xml", "word/endnotes.xml")
                if n in names]
    if kind == "xlsx":
        return ["xl/sharedStrings.xml", *numbered("xl/worksheets/sheet")] if (
            "xl/sharedStrings.xml" in names) else numbered("xl/worksheets/sheet")
    return numbered("ppt/slides/slide")


def _zip_text(handle: IO[bytes], kind: str, out: _Text) -> None:
    try:
        archive = open_zip(handle)
    except UnsafeFile:
        logger.info("A %s file that is not a safe zip: no text read", kind)
        return
    names = archive.namelist()
    parts = ["content.xml"] if kind in ("odt", "ods", "odp") else _ooxml_parts(names, kind)
    budget = MAX_UNPACKED_BYTES
    for name in parts:
        if name not in names:
            continue
        with archive.open(name) as member:
            bounded = _Bounded(member, min(MAX_XML_PART_BYTES, budget))
            _part_text(bounded, kind, out)
            budget -= bounded.read_so_far
        if budget <= 0:
            break


class _Bounded:
    """A reader that stops (with an error) past `limit` bytes."""

    def __init__(self, raw: IO[bytes], limit: int):
        self.raw, self.limit, self.read_so_far = raw, limit, 0

    def read(self, size: int) -> bytes:
        data = self.raw.read(min(size, self.limit - self.read_so_far + 1))
        self.read_so_far += len(data)
        if self.read_so_far > self.limit:
            raise XMLRefused(f"a part over {self.limit} bytes")
        return data


def _part_text(source: _Bounded, kind: str, out: _Text) -> None:
    depth = {"inside": 0}  # how deep in text-bearing elements (ODF: anywhere in office:body)
    odf = kind in ("odt", "ods", "odp")
    inside = {f"{OFFICE_NS} body"} if odf else _TEXT_ELEMENTS

    def start(tag: str, _attrs: dict[str, str]) -> None:
        if tag in inside:
            depth["inside"] += 1
        elif tag in _SPACES:
            out.add(" ")

    def end(tag: str) -> None:
        if tag in inside:
            depth["inside"] -= 1
        if tag in _BREAKS:
            out.add("\n")

    def text(data: str) -> None:
        if depth["inside"] > 0:
            out.add(data)

    try:
        parse_xml(source, start=start, end=end, text=text)
    except XMLRefused:
        logger.info("An XML part of a %s file could not be read", kind, exc_info=True)
