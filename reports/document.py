"""The neutral shape of a report, between what compiles it and what renders it.

`reports.annual.document()` and `reports.ict.document()` turn a run's frozen data into a
`Document` in one language (every string already translated); `reports.export` renders any
`Document` as HTML, PDF (WeasyPrint) or DOCX (python-docx). Nothing here touches the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Paragraph:
    """Plain text (a blank line separates paragraphs; no markup is interpreted), or, when
    `markdown`, the group's Markdown (rendered by talanoa.lib.markup in HTML and PDF; as plain
    paragraphs in DOCX)."""

    text: str
    markdown: bool = False
    # "note": a remark in smaller type; "flag": a warning that stands out (e.g. "No recorded
    # activity"); "todo": a part a person must still write ("The secretariat has not written
    # this part yet.").
    style: str = ""


@dataclass
class Table:
    caption: str
    header: list[str]
    rows: list[list[str]]
    # Columns whose cells are figures (right-aligned); same length as header, or empty.
    numeric: list[bool] = field(default_factory=list)
    # A cell with a link in HTML/PDF: {(row, column): url}. DOCX shows the text only.
    links: dict[tuple[int, int], str] = field(default_factory=dict)
    note: str = ""


@dataclass
class Chart:
    """A server-side SVG (indicators.charts), with its title and description in words; the
    data is always also in a Table next to it."""

    title: str
    svg: str
    description: str = ""


@dataclass
class BulletList:
    items: list[str]


Block = Paragraph | Table | Chart | BulletList


@dataclass
class Section:
    heading: str
    level: int = 1  # 1: one per ToR objective / indicator / chapter; 2, 3: within it
    anchor: str = ""  # an id for the table of contents and links ("objective-G1")
    blocks: list[Block] = field(default_factory=list)
    # A section with no recorded activity (flagged in the text and the table of contents).
    flagged: bool = False


@dataclass
class Document:
    language: str
    title: str
    subtitle: str  # the group and the period
    letterhead: str  # the group's name, as it heads every page
    status: str  # where the report stands ("Draft", "Cleared by the group", …)
    made_at: str  # when it was compiled, in words, in the document's language
    address: str  # the report's page on the portal
    sections: list[Section] = field(default_factory=list)
    # "Table of contents", "Page", "of", … in the document's language
    labels: dict[str, str] = field(default_factory=dict)
