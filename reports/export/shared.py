"""What the HTML, PDF and DOCX renderings of a report share: labels in the document's language,
anchors, heading levels, links and text cleaning (reports.export)."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy, override

from reports.document import Document, Paragraph, Section

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
