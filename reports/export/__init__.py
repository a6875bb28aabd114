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
through an allow-list (`_clean_svg`) so nothing from a frozen run can add script or style."""

from reports.export.docx_file import (  # noqa: F401
    PROOFING_LANGUAGES,
    SETTINGS_AFTER_UPDATE_FIELDS,
    Run,
    render_docx,
)
from reports.export.html_pdf import (  # noqa: F401
    SVG_DROPPED_ATTRIBUTES,
    SVG_ELEMENTS,
    render_fragment,
    render_html,
    render_part,
    render_pdf,
    warm_up,
)
from reports.export.shared import (  # noqa: F401
    LABELS,
    PAGE_PATTERN,
    PARAGRAPH_STYLES,
    REPORT_CSS,
    SVG_NS,
    labels_for,
)
