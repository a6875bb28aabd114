"""A corpus of real and hostile files, built in memory for the upload tests.

The real ones are minimal but complete (an Office application opens them): the parts and
content types each format needs, and a known word to find in their text. The hostile ones are
what a hardening review throws at an upload form; each comes with the start of the message it
must be refused with.
"""

from __future__ import annotations

import functools
import io
import struct
import zipfile
import zlib
from dataclasses import dataclass

WORD = "zebrafish"  # in the text of every real document

CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
S_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
P_NS = "http://schemas.openxmlformats.org/presentationml/2006/main"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
MAIN = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
}


def _zip(parts: dict[str, bytes | str], *, stored: tuple[str, ...] = ()) -> bytes:
    # A fixed date makes the same parts the same bytes: a test that builds a file twice and
    # compares would otherwise fail when the clock crosses a zip's two-second tick in between.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            member = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            member.compress_type = zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED
            member.external_attr = 0o600 << 16
            archive.writestr(member, data)
    return buffer.getvalue()


def _content_types(overrides: dict[str, str], *, defaults: dict[str, str] | None = None) -> str:
    defaults = {"rels": "application/vnd.openxmlformats-package.relationships+xml",
                "xml": "application/xml"} | (defaults or {})
    return (XML + f'<Types xmlns="{CT_NS}">'
            + "".join(f'<Default Extension="{ext}" ContentType="{ct}"/>'
                      for ext, ct in defaults.items())
            + "".join(f'<Override PartName="/{part}" ContentType="{ct}"/>'
                      for part, ct in overrides.items())
            + "</Types>")


def _rels(*targets: tuple[str, str]) -> str:
    return (XML + f'<Relationships xmlns="{REL_NS}">'
            + "".join(f'<Relationship Id="rId{n}" Type="{OFFICE_REL}/{kind}" Target="{target}"/>'
                      for n, (kind, target) in enumerate(targets, 1))
            + "</Relationships>")


def docx_parts(text: str = f"The {WORD} report", *, main_type: str = MAIN["docx"]
               ) -> dict[str, bytes | str]:
    paragraphs = "".join(f"<w:p><w:r><w:t xml:space=\"preserve\">{line}</w:t></w:r></w:p>"
                         for line in text.split("\n"))
    return {
        "[Content_Types].xml": _content_types({"word/document.xml": main_type}),
        "_rels/.rels": _rels(("officeDocument", "word/document.xml")),
        "word/document.xml": (XML + f'<w:document xmlns:w="{W_NS}"><w:body>{paragraphs}'
                              "<w:p><w:r><w:t>Second</w:t><w:tab/><w:t>paragraph</w:t></w:r>"
                              "<w:r><w:delText>deleted</w:delText></w:r></w:p>"
                              "</w:body></w:document>"),
    }


def docx(text: str = f"The {WORD} report") -> bytes:
    return _zip(docx_parts(text))


def xlsx() -> bytes:
    sheet_ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    return _zip({
        "[Content_Types].xml": _content_types({
            "xl/workbook.xml": MAIN["xlsx"],
            "xl/worksheets/sheet1.xml": f"{sheet_ct}.worksheet+xml",
            "xl/sharedStrings.xml": f"{sheet_ct}.sharedStrings+xml"}),
        "_rels/.rels": _rels(("officeDocument", "xl/workbook.xml")),
        "xl/workbook.xml": (XML + f'<workbook xmlns="{S_NS}" xmlns:r="{OFFICE_REL}"><sheets>'
                            '<sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": _rels(("worksheet", "worksheets/sheet1.xml"),
                                            ("sharedStrings", "sharedStrings.xml")),
        "xl/sharedStrings.xml": (XML + f'<sst xmlns="{S_NS}" count="2" uniqueCount="2">'
                                 f"<si><t>Species</t></si><si><t>{WORD}</t></si></sst>"),
        "xl/worksheets/sheet1.xml": (
            XML + f'<worksheet xmlns="{S_NS}"><sheetData>'
            '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="inlineStr"><is><t>Count</t>'
            '</is></c></row><row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2"><v>42</v></c></row>'
            "</sheetData></worksheet>"),
    })


def pptx() -> bytes:
    slide_ct = "application/vnd.openxmlformats-officedocument.presentationml.slide+xml"

    def slide(words: str) -> str:
        return (XML + f'<p:sld xmlns:p="{P_NS}" xmlns:a="{A_NS}"><p:cSld><p:spTree><p:sp>'
                f"<p:txBody><a:p><a:r><a:t>{words}</a:t></a:r></a:p></p:txBody>"
                "</p:sp></p:spTree></p:cSld></p:sld>")

    return _zip({
        "[Content_Types].xml": _content_types({
            "ppt/presentation.xml": MAIN["pptx"], "ppt/slides/slide1.xml": slide_ct,
            "ppt/slides/slide2.xml": slide_ct}),
        "_rels/.rels": _rels(("officeDocument", "ppt/presentation.xml")),
        "ppt/presentation.xml": (XML + f'<p:presentation xmlns:p="{P_NS}" '
                                 f'xmlns:r="{OFFICE_REL}"><p:sldIdLst>'
                                 '<p:sldId id="256" r:id="rId1"/><p:sldId id="257" r:id="rId2"/>'
                                 "</p:sldIdLst></p:presentation>"),
        "ppt/_rels/presentation.xml.rels": _rels(("slide", "slides/slide1.xml"),
                                                 ("slide", "slides/slide2.xml")),
        "ppt/slides/slide1.xml": slide("Opening slide"),
        "ppt/slides/slide2.xml": slide(f"The {WORD} census"),
    })


ODF_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
          'xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0"')
ODF_BODIES = {
    "text": f"<office:text><text:h>Title</text:h><text:p>The<text:s/>{WORD} minutes</text:p>"
            "</office:text>",
    "spreadsheet": "<office:spreadsheet><table:table table:name=\"Data\"><table:table-row>"
                   f"<table:table-cell><text:p>{WORD}</text:p></table:table-cell>"
                   "<table:table-cell><text:p>42</text:p></table:table-cell>"
                   "</table:table-row></table:table></office:spreadsheet>",
    "presentation": "<office:presentation><draw:page draw:name=\"1\"><draw:frame>"
                    f"<draw:text-box><text:p>{WORD} slide</text:p></draw:text-box>"
                    "</draw:frame></draw:page></office:presentation>",
}


def odf_parts(kind: str = "text", *, extra: dict[str, bytes | str] | None = None
              ) -> dict[str, bytes | str]:
    mimetype = f"application/vnd.oasis.opendocument.{kind}"
    manifest = ('<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest xmlns:manifest='
                '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{mimetype}"/>'
                '<manifest:file-entry manifest:full-path="content.xml" '
                'manifest:media-type="text/xml"/></manifest:manifest>')
    content = (f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {ODF_NS} '
               f'office:version="1.2"><office:body>{ODF_BODIES[kind]}</office:body>'
               "</office:document-content>")
    return {"mimetype": mimetype, "META-INF/manifest.xml": manifest, "content.xml": content,
            **(extra or {})}


def odf(kind: str = "text", **options) -> bytes:
    return _zip(odf_parts(kind, **options), stored=("mimetype",))


@functools.cache
def pdf(text: str = f"The {WORD} paper") -> bytes:
    from weasyprint import HTML

    return HTML(string=f"<h1>Background</h1><p>{text}</p>").write_pdf()


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b""))


def jpeg() -> bytes:
    # The start of a baseline JFIF file: what sniffers (and we) look at.
    return (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
            + b"\xff\xdb\x00\x43\x00" + bytes(range(64)) + b"\xff\xd9")


# ---------------------------------------------------------------------------------------------
# Zip bombs, never built in memory at their unpacked size


@functools.cache
def _zeros_deflated(size: int) -> tuple[bytes, int]:
    """Raw deflate of `size` zero bytes (a multiple of 16 MiB) and their CRC-32, from one
    compressed 16 MiB segment: after a full flush the compressor starts afresh, so the segment
    repeats byte for byte and the concatenation is one valid stream."""
    block = 16 * 1024 * 1024
    assert size % block == 0
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    zeros = bytes(block)
    segment = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(size // block):
        crc = zlib.crc32(zeros, crc)
    return segment * (size // block) + compressor.flush(), crc


def _raw_zip(entries: list[tuple[str, bytes, int, int, int]]) -> bytes:
    """A zip from (name, data as stored, method, CRC-32, unpacked size) entries, written by
    hand so a member can be deflated ahead of time (zipfile would recompress it)."""
    out, central = io.BytesIO(), io.BytesIO()
    for name, data, method, crc, size in entries:
        offset, encoded = out.tell(), name.encode()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0x21, crc,
                              len(data), size, len(encoded), 0) + encoded + data)
        central.write(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, method, 0, 0x21,
                                  crc, len(data), size, len(encoded), 0, 0, 0, 0, 0, offset)
                      + encoded)
    directory = central.getvalue()
    start = out.tell()
    out.write(directory + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries),
                                      len(directory), start, 0))
    return out.getvalue()


def _entry(name: str, data: bytes | str) -> tuple[str, bytes, int, int, int]:
    data = data.encode() if isinstance(data, str) else data
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return (name, compressor.compress(data) + compressor.flush(), zipfile.ZIP_DEFLATED,
            zlib.crc32(data), len(data))


def docx_bomb(unpacked: int = 1024 * 1024 * 1024) -> bytes:
    """A real DOCX with one more member: `unpacked` bytes of zeros (1 GiB by default) that
    take about a thousandth of that in the file."""
    data, crc = _zeros_deflated(unpacked)
    return _raw_zip([*(_entry(name, part) for name, part in docx_parts().items()),
                     ("word/media/image1.bin", data, zipfile.ZIP_DEFLATED, crc, unpacked)])


def docx_many_members(count: int = 10_001) -> bytes:
    return _raw_zip([*(_entry(name, part) for name, part in docx_parts().items()),
                     *(_entry(f"word/media/{n}.xml", b"") for n in range(count))])


# ---------------------------------------------------------------------------------------------
# The corpus


@dataclass(frozen=True)
class Sample:
    name: str  # the file name the client sends
    content: bytes
    message: str  # what the refusal says (its start), or the kind when accepted
    why: str  # the test id

    def __repr__(self) -> str:
        return self.why


HTML_PAGE = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG_SCRIPT = (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
              b"<script>alert(document.domain)</script></svg>")
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(200) + b"PE\x00\x00"
BILLION_LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
                  + b"".join(b'<!ENTITY lol%d "%s">' % (n, (b"&lol%d;" % (n - 1)) * 10
                                                         if n > 1 else b"&lol;" * 10)
                             for n in range(1, 10))
                  + b']>\n<Types xmlns="' + CT_NS.encode() + b'">&lol9;</Types>')

NOT_A = "This file's content is not"
WEB_PAGE = "it contains a web page or script"
DAMAGED = "This file is damaged or too large when unpacked."
MACROS = "Files with macros are not accepted."
NOT_ACCEPTED = "Files of this type are not accepted."


def valid_samples() -> list[Sample]:
    return [
        Sample("paper.pdf", pdf(), "pdf", "pdf"),
        Sample("report.docx", docx(), "docx", "docx"),
        Sample("data.xlsx", xlsx(), "xlsx", "xlsx"),
        Sample("slides.pptx", pptx(), "pptx", "pptx"),
        Sample("minutes.odt", odf("text"), "odt", "odt"),
        Sample("data.ods", odf("spreadsheet"), "ods", "ods"),
        Sample("notes.txt", "Kia orana, bula, talofa: zebrafish ✓\n".encode(), "txt", "txt"),
        Sample("list.csv", b"\xef\xbb\xbfcountry,count\nFiji,3\nTonga,2\n", "csv", "csv"),
        Sample("logo.png", png(), "png", "png"),
        Sample("photo.jpg", jpeg(), "jpeg", "jpeg"),
        Sample("Photo.JPEG", jpeg(), "jpeg", "jpeg-upper-case"),
    ]


def hostile_samples() -> list[Sample]:
    """At least one file for each attack a hardening review names, with its refusal."""
    truncated = docx()
    zip_with_dotdot = _raw_zip([*(_entry(n, p) for n, p in docx_parts().items()),
                                _entry("../../../etc/cron.d/evil", b"* * * * * root sh")])
    macro_main = _zip(docx_parts(
        main_type="application/vnd.ms-word.document.macroEnabled.main+xml"))
    plain_zip = _zip({"readme.txt": "not a document", "data/list.csv": "a,b"})
    misplaced_mimetype = _zip({**dict(reversed(odf_parts("text").items()))})
    return [
        Sample("report.pdf", docx(), f"{NOT_A} a PDF: it is a Word document", "docx-named-pdf"),
        Sample("report.docx", pdf(), f"{NOT_A} a Word document (.docx): it is a PDF",
               "pdf-named-docx"),
        Sample("data.xlsx", odf("spreadsheet"), f"{NOT_A} an Excel workbook", "ods-named-xlsx"),
        Sample("paper.pdf", b"%PDF-1.4\n<html><body><script>alert(1)</script></body></html>\n"
               + pdf()[9:], f"{NOT_A} a PDF: {WEB_PAGE}", "pdf-html-polyglot"),
        Sample("paper.pdf", HTML_PAGE + b"\n%PDF-1.4\n" + pdf()[9:], f"{NOT_A} a PDF: {WEB_PAGE}",
               "html-pdf-polyglot"),
        Sample("paper.pdf", HTML_PAGE, f"{NOT_A} a PDF: {WEB_PAGE}", "html-named-pdf"),
        Sample("notes.txt", b"\xef\xbb\xbf \r\n  <HTML><script>alert(1)</script>",
               f"{NOT_A} a plain text file (.txt): {WEB_PAGE}", "html-with-bom-named-txt"),
        Sample("list.csv", b"name,comment\nAna,<script>alert(1)</script>\n",
               f"{NOT_A} a CSV file (.csv): {WEB_PAGE}", "csv-with-script"),
        Sample("logo.svg", SVG_SCRIPT, NOT_ACCEPTED, "svg-with-script"),
        Sample("logo.png", SVG_SCRIPT, f"{NOT_A} a PNG image: {WEB_PAGE}", "svg-named-png"),
        Sample("logo.png", png()[:16] + b"<script>alert(1)</script>" + png()[16:],
               f"{NOT_A} a PNG image: {WEB_PAGE}", "png-with-script"),
        Sample("page.html", HTML_PAGE, NOT_ACCEPTED, "html"),
        Sample("report.docx", docx_bomb(), DAMAGED, "zip-bomb-1gib-in-docx"),
        Sample("report.docx", docx_bomb(160 * 1024 * 1024), DAMAGED, "zip-ratio-bomb-in-docx"),
        Sample("report.docx", docx_many_members(), DAMAGED, "zip-with-10001-members"),
        Sample("report.docx", zip_with_dotdot, DAMAGED, "zip-member-escaping-with-dotdot"),
        Sample("report.docx", truncated[: len(truncated) // 2], DAMAGED, "truncated-docx"),
        Sample("report.docx", _zip({k: v for k, v in docx_parts().items()
                                    if k != "word/document.xml"}), DAMAGED,
               "docx-without-its-main-part"),
        Sample("report.docx", _zip({**docx_parts(), "[Content_Types].xml": BILLION_LAUGHS}),
               DAMAGED, "billion-laughs-in-content-types"),
        Sample("report.docm", docx(), MACROS, "docm-extension"),
        Sample("report.docx", _zip({**docx_parts(), "word/vbaProject.bin": b"\xd0\xcf\x11\xe0"}),
               MACROS, "docx-with-vbaproject"),
        Sample("report.docx", macro_main, MACROS, "docx-with-macro-enabled-main-part"),
        Sample("minutes.odt", odf(extra={"Basic/Standard/Module1.xml": "<script/>"}), MACROS,
               "odt-with-basic-macros"),
        Sample("minutes.odt", misplaced_mimetype, f"{NOT_A} an OpenDocument text",
               "odt-mimetype-not-first"),
        Sample("report.docx", plain_zip, f"{NOT_A} a Word document", "plain-zip-named-docx"),
        Sample("paper.pdf", EXE, f"{NOT_A} a PDF.", "exe-named-pdf"),
        Sample("setup.exe", EXE, NOT_ACCEPTED, "exe"),
        Sample("report.docx", jpeg(), f"{NOT_A} a Word document (.docx): it is a JPEG image",
               "jpeg-named-docx"),
        Sample("notes.txt", b"plain text\x00with a NUL", f"{NOT_A} a plain text file",
               "txt-with-nul"),
        Sample("list.csv", "country,capital\nWallis-et-Futuna,Matā'utu\nCôte\n".encode("cp1252",
               errors="replace"), "This text file is not in UTF-8.", "csv-not-utf8"),
        Sample("report", docx(), NOT_ACCEPTED, "no-extension"),
        Sample("paper.pdf", b"", "The file is empty.", "empty"),
        Sample("../../etc/paper.pdf", pdf(), "The file name must not contain a folder path.",
               "dotdot-name"),
        Sample("pa\x00per.pdf", pdf(), "The file name contains control or invisible characters",
               "nul-in-name"),
        Sample("invoice\u202efdp.exe", pdf(), "The file name contains control or invisible",
               "rtl-override-name"),
        Sample("a" * 996 + ".pdf", pdf(), "The file name is longer than 200 characters.",
               "1000-char-name"),
    ]
