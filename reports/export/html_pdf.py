"""A report as an HTML fragment (the portal's page), a standalone HTML page and a PDF (WeasyPrint),
charts as allow-listed inline SVG (reports.export)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import override

from reports.document import BulletList, Chart, Document, Paragraph, Table
from reports.export.shared import (
    PARAGRAPH_STYLES,
    REPORT_CSS,
    SVG_NS,
    _anchors,
    _clean,
    _has_flag_paragraph,
    _level,
    _link,
    labels_for,
)
from talanoa.lib.markup import render_markdown

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
