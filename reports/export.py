"""A report's Document as HTML, PDF (WeasyPrint) and DOCX (python-docx), in its language."""

from __future__ import annotations

from reports.document import Document


def render_html(document: Document) -> str:
    """A whole, standalone HTML page (the download)."""
    raise NotImplementedError


def render_fragment(document: Document) -> str:
    """The document's body, for the report page inside the portal's layout."""
    raise NotImplementedError


def render_pdf(document: Document) -> bytes:
    raise NotImplementedError


def render_docx(document: Document) -> bytes:
    raise NotImplementedError
