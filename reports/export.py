"""A report's Document as HTML, PDF (WeasyPrint) and DOCX (python-docx), in its language.

- `render_fragment()`: the body for the report page in the portal (a table of contents, then
  each section under an h2/h3/h4 with its `anchor` as id); no `style` attribute anywhere (the
  portal's CSP), styled by the `/* reports: document */` part of `static/talanoa.css`.
- `render_html()`: a standalone page (the download), `static/report.css` embedded.
- `render_pdf()`: the same page through WeasyPrint with `report.css`: A4, the letterhead at the
  top of every page, "Page 3 of 12" at the bottom, a cover, a table of contents with page
  numbers, charts as inline SVG, table headers repeated on every page a table spans.
- `render_docx()`: real headings (Title, Heading 1–3) and real tables ("Table Grid", header row
  repeated), the letterhead in the page header, PAGE/NUMPAGES in the footer, a TOC field that
  Word fills when the document is opened. A DOCX cannot hold an SVG: a chart becomes a
  paragraph with its title and description, and its figures are in the table that always goes
  with a chart (`reports.document.Chart`).

Labels ("Table of contents", "Status", …) are this module's own translated strings, in the
document's language; `Document.labels` may replace any of them, keyed by the English text
(`LABELS`), plus "Page" and "of" for the page numbers.

Everything from the Document is text and is escaped (Markdown paragraphs go through the
project's safe renderer); a chart's SVG comes from `indicators.charts` and is still passed
through an allow-list (`_clean_svg`) so nothing from a frozen run can add script or style.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy, override

from reports.document import BulletList, Chart, Document, Paragraph, Section, Table
from talanoa.lib.markup import render_markdown

REPORT_CSS = "report.css"
SVG_NS = "http://www.w3.org/2000/svg"

# The labels, keyed by their English text (the keys `Document.labels` may use).
LABELS = {
    "contents": gettext_lazy("Table of contents"),
    "status": gettext_lazy("Status"),
    "compiled_on": gettext_lazy("Compiled on"),
    "online_at": gettext_lazy("Online at"),
    "no_activity": gettext_lazy("No recorded activity"),
    "flag": gettext_lazy("Attention:"),
    "todo": gettext_lazy("To be written:"),
    "note": gettext_lazy("Note:"),
    "chart": gettext_lazy("Chart:"),
    "chart_data": gettext_lazy("The figures of this chart are in the table with it."),
    "update_toc": gettext_lazy(
        "To show the table of contents, right-click here and choose “Update field”."),
}
PAGE_PATTERN = gettext_lazy("Page %(page)s of %(pages)s")
# A paragraph style and the label that says it in words (never by colour alone).
PARAGRAPH_STYLES = ("flag", "todo", "note")


# --- Shared preparation ----------------------------------------------------------------------


def labels_for(document: Document) -> dict[str, str]:
    """The labels in the document's language; call inside `override(document.language)`."""
    labels = {key: document.labels.get(str(_english(text))) or str(text)
              for key, text in LABELS.items()}
    if document.labels.get("Page") and document.labels.get("of"):
        labels["page"] = f"{document.labels['Page']} %(page)s {document.labels['of']} %(pages)s"
    else:
        labels["page"] = str(PAGE_PATTERN)
    return labels


def _english(text) -> str:
    with override("en"):
        return str(text)


def _anchors(sections: list[Section]) -> list[str]:
    """Each section's id: its own anchor made a valid, unique id, or one from its position."""
    seen: set[str] = set()
    anchors = []
    for number, section in enumerate(sections, start=1):
        anchor = re.sub(r"[^A-Za-z0-9_-]", "-", section.anchor.strip()) or f"section-{number}"
        if not anchor[0].isalpha():
            anchor = "s-" + anchor
        while anchor in seen:
            anchor += f"-{number}"
        seen.add(anchor)
        anchors.append(anchor)
    return anchors


def _level(section: Section) -> int:
    return min(max(section.level, 1), 3)


def _has_flag_paragraph(section: Section) -> bool:
    return any(isinstance(b, Paragraph) and b.style == "flag" for b in section.blocks)


def _link(href: str, base: str) -> str:
    """A link kept only if it is http(s) or a path on the portal (made absolute for a file
    read away from it)."""
    href = href.strip()
    if re.match(r"https?://", href, re.IGNORECASE):
        return href
    if re.match(r"/(?![/\\])", href):
        return base + href
    return ""


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    """Control characters dropped: XML (DOCX, SVG) cannot hold them."""
    return _CONTROL.sub("", text or "")


# --- HTML (the fragment, the standalone page, the PDF) ---------------------------------------


@dataclass
class _Cell:
    text: str
    href: str = ""
    numeric: bool = False


@dataclass
class _HtmlSection:
    heading: str
    anchor: str
    level: int
    tag: str
    flagged: bool
    mark_flag: bool  # no flag paragraph of its own: the renderer says it
    blocks: list[dict] = field(default_factory=list)


def _html_sections(document: Document, labels: dict[str, str], base: str
                   ) -> list[_HtmlSection]:
    prepared = []
    figure = 0
    for section, anchor in zip(document.sections, _anchors(document.sections), strict=True):
        level = _level(section)
        item = _HtmlSection(_clean(section.heading), anchor, level, f"h{level + 1}",
                            section.flagged,
                            section.flagged and not _has_flag_paragraph(section))
        for block in section.blocks:
            if isinstance(block, Paragraph):
                item.blocks.append({"kind": "paragraph", "style": _style(block),
                                    "html": _paragraph_html(block, labels, level, base)})
            elif isinstance(block, Table):
                item.blocks.append({"kind": "table", **_table_context(block, base)})
            elif isinstance(block, Chart):
                figure += 1
                item.blocks.append({"kind": "chart", "title": _clean(block.title),
                                    "description": _clean(block.description),
                                    "svg": _clean_svg(block.svg, f"fig{figure}-", base)})
            elif isinstance(block, BulletList):
                item.blocks.append({"kind": "list", "items": [_clean(i) for i in block.items]})
        prepared.append(item)
    return prepared


def _style(paragraph: Paragraph) -> str:
    return paragraph.style if paragraph.style in PARAGRAPH_STYLES else ""


def _paragraph_html(paragraph: Paragraph, labels: dict[str, str], level: int,
                    base: str) -> SafeString:
    if paragraph.markdown:
        html = _demote_headings(str(render_markdown(_clean(paragraph.text))), level + 1)
        # Links to the portal's pages still lead there from a downloaded file. (The renderer
        # writes every attribute as href="…", so a pattern is enough.)
        html = re.sub(r'href="/(?![/\\])', f'href="{base}/', html) if base else html
    else:
        parts = [p.strip() for p in re.split(r"\n\s*\n", _clean(paragraph.text)) if p.strip()]
        html = format_html_join("", "<p>{}</p>", ((p,) for p in parts))
    style = _style(paragraph)
    if not style:
        return mark_safe(html)
    # The style in words, at the start of its first paragraph.
    label = format_html('<strong class="label">{}</strong> ', labels[style])
    if html.startswith("<p>"):
        return mark_safe(f"<p>{label}{html[3:]}")
    return mark_safe(f"<p>{label}</p>{html}")


def _demote_headings(html: str, by: int) -> str:
    """Markdown's own headings sit below the section's heading (h1 in a level-1 section's
    text becomes h3). The renderer writes bare `<hN>` tags, so a pattern is enough."""
    return re.sub(r"<(/?)h([1-6])>", lambda m: f"<{m[1]}h{min(int(m[2]) + by, 6)}>", html)


def _table_context(table: Table, base: str) -> dict:
    width = len(table.header)
    numeric = [bool(n) for n in table.numeric[:width]] + [False] * (width - len(table.numeric))
    rows = []
    for r, row in enumerate(table.rows):
        cells = []
        for c, text in enumerate(row):
            href = _link(table.links.get((r, c), ""), base)
            cells.append(_Cell(_clean(str(text)), href, c < width and numeric[c]))
        rows.append(cells)
    header = [_Cell(_clean(h), numeric=n) for h, n in zip(table.header, numeric, strict=True)]
    return {"caption": _clean(table.caption), "header": header, "rows": rows,
            "note": _clean(table.note)}


# Elements and attributes a chart may use: enough for indicators.charts, nothing active.
SVG_ELEMENTS = {"svg", "g", "title", "desc", "defs", "pattern", "path", "line", "polyline",
                "polygon", "rect", "circle", "ellipse", "text", "tspan", "a"}
SVG_DROPPED_ATTRIBUTES = re.compile(r"^(on.*|style|class|xml:base)$", re.IGNORECASE)


def _clean_svg(svg: str, prefix: str, base: str) -> SafeString:
    """The chart's SVG through an allow-list, its ids prefixed (unique in the document:
    several charts may all be called "chart"), links absolute. Anything not well-formed XML,
    or with a DTD (entities), is dropped: the chart's words and table still say it."""
    svg = _clean(svg).strip()
    if not svg.startswith("<svg") or "<!" in svg:
        return mark_safe("")
    try:
        root = ET.fromstring(svg)
    except ET.ParseError:
        return mark_safe("")
    if root.tag != f"{{{SVG_NS}}}svg":
        return mark_safe("")
    _prune(root, base)
    ids = {el.get("id") for el in root.iter() if el.get("id")}
    for element in root.iter():
        for name, value in list(element.attrib.items()):
            element.set(name, _renamed(name, value, ids, prefix))
    ET.register_namespace("", SVG_NS)
    return mark_safe(ET.tostring(root, encoding="unicode"))


def _prune(element: ET.Element, base: str) -> None:
    for child in list(element):
        if not child.tag.startswith(f"{{{SVG_NS}}}") or \
                child.tag.split("}", 1)[1] not in SVG_ELEMENTS:
            element.remove(child)
            continue
        _prune(child, base)
    for name in list(element.attrib):
        local = name.rsplit("}", 1)[-1]
        if SVG_DROPPED_ATTRIBUTES.match(local) or ("}" in name and local != "href"):
            del element.attrib[name]
        elif local == "href":
            href = _link(element.attrib.pop(name), base)
            if href:
                element.set("href", href)


def _renamed(name: str, value: str, ids: set[str], prefix: str) -> str:
    if name == "id":
        return prefix + value
    if name in ("aria-labelledby", "aria-describedby"):
        return " ".join(prefix + t if t in ids else t for t in value.split())
    return re.sub(r"url\(#([^)]+)\)",
                  lambda m: f"url(#{prefix}{m[1]})" if m[1] in ids else "none", value)


def _context(document: Document, base: str) -> dict:
    labels = labels_for(document)
    address = _link(document.address, settings.SITE_URL)
    return {"document": document, "labels": labels, "address": address,
            "sections": _html_sections(document, labels, base)}


def render_fragment(document: Document) -> str:
    """The document's body, for the report page inside the portal's layout."""
    with override(document.language):
        return render_to_string("reports/_document.html", _context(document, ""))


def render_part(document: Document, part: str | None) -> tuple[str, str]:
    """One part of the document (a level-1 section and the sections under it) for the report
    page, with a table of contents of the parts, and the part's anchor. A whole report (22
    country tables, 21 objectives) would not fit a page's first-view budget; a part does.
    Links to a section of another part go to that part."""
    with override(document.language):
        context = _context(document, "")
        sections: list[_HtmlSection] = context["sections"]
        part_of, current = {}, None
        for section in sections:
            if section.level == 1 or current is None:
                current = section.anchor
            part_of[section.anchor] = current
        chosen = part if part in part_of.values() else (sections[0].anchor if sections else "")

        def href(anchor: str) -> str:
            return f"?part={part_of[anchor]}#{anchor}"

        for section in sections:
            for block in section.blocks:
                for row in block.get("rows", []) if block["kind"] == "table" else []:
                    for cell in row:
                        target = cell.href[1:] if cell.href.startswith("#") else ""
                        if target in part_of and part_of[target] != chosen:
                            cell.href = href(target)
        context["toc"] = [{"anchor": s.anchor, "href": href(s.anchor), "heading": s.heading,
                           "level": s.level, "flagged": s.flagged,
                           "current": s.anchor == chosen}
                          for s in sections if s.anchor == part_of[s.anchor]]
        context["sections"] = [s for s in sections if part_of[s.anchor] == chosen]
        return render_to_string("reports/_document.html", context), chosen


def _page_css(labels: dict[str, str]) -> str:
    """"Page 3 of 12" at the foot of each page, in the document's language: the words become
    CSS strings (every character but letters, digits and spaces escaped, so no label can close
    the string or the style element). The letterhead needs none: `string-set` takes it from
    the page itself."""
    words = re.split(r"(%\((?:page|pages)\)s)", labels["page"])
    content = " ".join(
        {"%(page)s": "counter(page)", "%(pages)s": "counter(pages)"}.get(w) or _css_string(w)
        for w in words if w)
    return f"@page{{@bottom-right{{content:{content}}}}}"


def _css_string(text: str) -> str:
    return '"' + "".join(c if c.isalnum() or c == " " else f"\\{ord(c):x} " for c in text) + '"'


def _stylesheet() -> str:
    with open(finders.find(REPORT_CSS), encoding="utf-8") as f:
        return f.read()


def _page(document: Document, embed_css: bool) -> tuple[str, dict[str, str]]:
    """The standalone page and its labels (the PDF needs them for its page numbers)."""
    with override(document.language):
        context = _context(document, settings.SITE_URL)
        context["css"] = mark_safe(_stylesheet() + _page_css(context["labels"])) \
            if embed_css else ""
        context["fragment"] = mark_safe(render_to_string("reports/_document.html", context))
        return render_to_string("reports/document.html", context), context["labels"]


def render_html(document: Document) -> str:
    """A whole, standalone HTML page (the download)."""
    return _page(document, embed_css=True)[0]


_warm = False


def warm_up() -> None:
    """Lay out one tiny page, once per process: WeasyPrint's first document pays for loading
    fonts and parsing the stylesheet (about two seconds). The worker does it before it forks
    its renderers, so neither pays it again."""
    global _warm
    if not _warm:
        render_pdf(Document(language="en", title="-", subtitle="", letterhead="", status="",
                            made_at="", address=""))
        _warm = True


def render_pdf(document: Document) -> bytes:
    import weasyprint

    html, labels = _page(document, embed_css=False)
    css = [weasyprint.CSS(string=_stylesheet()), weasyprint.CSS(string=_page_css(labels))]
    # Nothing is fetched while rendering (charts are inline SVG); links stay links.
    fetcher = weasyprint.URLFetcher(allowed_protocols=())
    return weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=css)


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
