"""A report as a DOCX (python-docx): real headings and tables, page numbers and a contents field
(reports.export)."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser

from django.conf import settings
from django.utils.translation import override

from reports.document import BulletList, Chart, Document, Paragraph, Section, Table
from reports.export.html_pdf import _style
from reports.export.shared import _clean, _has_flag_paragraph, _level, _link, labels_for
from talanoa.lib.markup import render_markdown

# --- DOCX --------------------------------------------------------------------------------------


def render_docx(document: Document) -> bytes:
    """Word: real headings and tables, so the secretariat can edit it. Charts cannot be held
    (no SVG in DOCX): each becomes a paragraph with its title and description, and the table
    that always goes with a chart carries its figures."""
    import docx
    from docx.shared import Mm

    with override(document.language):
        labels = labels_for(document)
        word = docx.Document()
        _properties(word, document)
        page = word.sections[0]
        page.page_width, page.page_height = Mm(210), Mm(297)
        page.header.paragraphs[0].text = _clean(document.letterhead)
        _page_numbers(page.footer.paragraphs[0], labels["page"])
        _cover(word, document, labels)
        _table_of_contents(word, labels)
        for section in document.sections:
            _docx_section(word, section, labels)
        buffer = io.BytesIO()
        word.save(buffer)
        return buffer.getvalue()


def _properties(word, document: Document) -> None:
    core = word.core_properties
    core.title = _clean(document.title)[:255]
    core.subject = _clean(document.subtitle)[:255]
    core.author = _clean(document.letterhead)[:255]
    core.language = document.language
    # Word checks the spelling in the document's language.
    lang = word.styles.element.find(f"{_w('docDefaults')}/{_w('rPrDefault')}/{_w('rPr')}/"
                                    f"{_w('lang')}")
    if lang is not None:
        lang.set(_w("val"), PROOFING_LANGUAGES.get(document.language, document.language))
    # Word asks to update the fields (the table of contents, the page count) on opening. The
    # schema fixes the order of settings: updateFields goes before the first of these.
    settings_element = word.settings.element
    update = settings_element.makeelement(_w("updateFields"), {_w("val"): "true"})
    later = next((child for child in settings_element
                  if child.tag.rsplit("}", 1)[-1] in SETTINGS_AFTER_UPDATE_FIELDS), None)
    if later is None:
        settings_element.append(update)
    else:
        later.addprevious(update)


PROOFING_LANGUAGES = {"en": "en-GB", "fr": "fr-FR"}
SETTINGS_AFTER_UPDATE_FIELDS = {
    "hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids", "mathPr",
    "attachedSchema", "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats",
    "doNotAutoCompressPictures", "forceUpgrade", "captions", "readModeInkLockDown",
    "smartTagType", "schemaLibrary", "shapeDefaults", "doNotEmbedSmartTags", "decimalSymbol",
    "listSeparator"}


def _w(name: str) -> str:
    from docx.oxml.ns import qn

    return qn(f"w:{name}")


def _field(paragraph, instruction: str, placeholder: str = "") -> None:
    """A Word field (PAGE, NUMPAGES, TOC): begin, instruction, separate, shown text, end."""
    from docx.oxml import OxmlElement

    def char(kind: str):
        run = paragraph.add_run()
        element = OxmlElement("w:fldChar")
        element.set(_w("fldCharType"), kind)
        run._r.append(element)

    char("begin")
    run = paragraph.add_run()
    text = OxmlElement("w:instrText")
    text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    text.text = f" {instruction} "
    run._r.append(text)
    char("separate")
    paragraph.add_run(placeholder)
    char("end")


def _page_numbers(paragraph, pattern: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for part in re.split(r"(%\((?:page|pages)\)s)", pattern):
        if part == "%(page)s":
            _field(paragraph, "PAGE", "1")
        elif part == "%(pages)s":
            _field(paragraph, "NUMPAGES", "1")
        elif part:
            paragraph.add_run(part)


def _paragraph(word, text: str, style: str):
    """A paragraph in a named style. python-docx looks a style name up (and the default style)
    through the whole styles part on every call, which was half of a report's DOCX time: the
    ids are looked up once per document here."""
    ids = word.__dict__.setdefault("_talanoa_style_ids", {})
    if style not in ids:
        ids[style] = word.styles[style].style_id
    paragraph = word.add_paragraph(text)
    if style != "Normal":
        paragraph._p.style = ids[style]
    return paragraph


def _cover(word, document: Document, labels: dict[str, str]) -> None:
    _paragraph(word, _clean(document.title), "Title")
    if document.subtitle:
        _paragraph(word, _clean(document.subtitle), "Subtitle")
    for label, value in ((labels["status"], document.status),
                         (labels["compiled_on"], document.made_at),
                         (labels["online_at"], _link(document.address, settings.SITE_URL))):
        if value:
            paragraph = word.add_paragraph()
            paragraph.add_run(f"{label} ").bold = True
            paragraph.add_run(_clean(value))


def _table_of_contents(word, labels: dict[str, str]) -> None:
    from docx.enum.text import WD_BREAK

    _paragraph(word, labels["contents"], "TOC Heading")
    _field(word.add_paragraph(), r'TOC \o "1-3" \h \z \u', labels["update_toc"])
    word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _docx_section(word, section: Section, labels: dict[str, str]) -> None:
    _paragraph(word, _clean(section.heading), f"Heading {_level(section)}")
    if section.flagged and not _has_flag_paragraph(section):
        _marked(word.add_paragraph(), labels["flag"], labels["no_activity"], "flag")
    for block in section.blocks:
        if isinstance(block, Paragraph):
            _docx_paragraph(word, block, labels)
        elif isinstance(block, Table):
            _docx_table(word, block)
        elif isinstance(block, Chart):
            paragraph = _paragraph(word, "", "Caption")
            paragraph.add_run(f"{labels['chart']} ").bold = True
            words = " — ".join(w for w in (_clean(block.title).strip(),
                                           _clean(block.description).strip()) if w)
            paragraph.add_run(f"{words} {labels['chart_data']}")
        elif isinstance(block, BulletList):
            for item in block.items:
                _paragraph(word, _clean(item), "List Bullet")


def _marked(paragraph, label: str, text: str, style: str) -> None:
    """A flag, a part to write or a note: its label in bold, then the text (flags bold,
    parts to write and notes italic), so it is marked in words and in type."""
    paragraph.add_run(f"{label} ").bold = True
    run = paragraph.add_run(text)
    run.bold = style == "flag"
    run.italic = style != "flag"


def _docx_paragraph(word, paragraph: Paragraph, labels: dict[str, str]) -> None:
    style = _style(paragraph)
    if paragraph.markdown:
        blocks = _markdown_blocks(_clean(paragraph.text))
    else:
        blocks = [("Normal", [(p.strip(), False, False)])
                  for p in re.split(r"\n\s*\n", _clean(paragraph.text)) if p.strip()]
    for number, (docx_style, runs) in enumerate(blocks):
        target = _paragraph(word, "", docx_style)
        if style and number == 0:
            target.add_run(f"{labels[style]} ").bold = True
        for text, bold, italic in runs:
            run = target.add_run(text)
            run.bold = bold or style == "flag" or None
            run.italic = italic or style in ("todo", "note") or None


Run = tuple[str, bool, bool]


class _MarkdownToWord(HTMLParser):
    """The safe renderer's HTML as Word paragraphs: blocks (p, headings, list items, quotes,
    code, table cells) with bold and italic runs; links keep their text."""

    BLOCKS = {"p": "Normal", "li": "List Bullet", "blockquote": "Quote", "pre": "No Spacing",
              "td": "Normal", "th": "Normal", **{f"h{n}": "Normal" for n in range(1, 7)}}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, list[Run]]] = []
        self.style = "Normal"
        self.runs: list[Run] = []
        self.bold = self.italic = 0
        self.heading = False

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS:
            self._flush()
            self.style = self.BLOCKS[tag]
            self.heading = tag.startswith("h") and tag[1:].isdigit()
        elif tag in ("strong", "b"):
            self.bold += 1
        elif tag in ("em", "i"):
            self.italic += 1
        elif tag == "br":
            self.runs.append(("\n", False, False))

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self._flush()
        elif tag in ("strong", "b"):
            self.bold -= 1
        elif tag in ("em", "i"):
            self.italic -= 1

    def handle_data(self, data):
        if data.strip() or self.runs:
            self.runs.append((data, bool(self.bold) or self.heading, bool(self.italic)))

    def _flush(self) -> None:
        text = "".join(r[0] for r in self.runs).strip()
        if text:
            self.blocks.append((self.style, self.runs))
        self.runs, self.style, self.heading = [], "Normal", False

    def close(self):
        super().close()
        self._flush()


def _markdown_blocks(text: str) -> list[tuple[str, list[Run]]]:
    parser = _MarkdownToWord()
    parser.feed(str(render_markdown(text)))
    parser.close()
    return parser.blocks


def _docx_table(word, table: Table) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement

    width = len(table.header)
    if not width:
        return
    numeric = [bool(n) for n in table.numeric[:width]] + [False] * (width - len(table.numeric))
    if table.caption:
        _paragraph(word, _clean(table.caption), "Caption")
    grid = word.add_table(rows=1 + len(table.rows), cols=width)
    grid.style = "Table Grid"
    rows = grid.rows
    # The header row repeats at the top of each page the table runs onto.
    header_mark = OxmlElement("w:tblHeader")
    header_mark.set(_w("val"), "true")
    rows[0]._tr.get_or_add_trPr().append(header_mark)
    for values, row, is_header in ((table.header, rows[0], True),
                                   *((r, rows[i + 1], False) for i, r in enumerate(table.rows))):
        for column, (cell, value) in enumerate(zip(row.cells, values, strict=False)):
            paragraph = cell.paragraphs[0]
            run = paragraph.add_run(_clean(str(value)))
            run.bold = is_header or None
            if numeric[column]:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if table.note:
        word.add_paragraph(_clean(table.note)).runs[0].italic = True
