"""A paper as a PDF (WeasyPrint): what "Send brief" attaches, and the paper page's PDF link."""

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation

from papers.models import Paper

PDF_CSS = "pack.css"


def paper_pdf(paper: Paper, language: str) -> bytes:
    import weasyprint

    with translation.override(language):
        html = render_to_string("papers/paper_pdf.html", {
            "paper": paper,
            "language": language,
            "options": list(paper.options.all()),
            "made_at": formats.date_format(timezone.localtime(), "j F Y"),
            "address": settings.SITE_URL + paper.get_absolute_url(),
        })
    with open(finders.find(PDF_CSS), encoding="utf-8") as f:
        css = weasyprint.CSS(string=f.read())
    # Nothing is fetched while rendering: links in the text stay links.
    fetcher = weasyprint.URLFetcher(allowed_protocols=())
    return weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=[css])
