"""Open Graph and Twitter card text: a record's words for a link preview (feeds helper)."""

from django import template
from django.utils.text import Truncator

from talanoa.lib.bilingual import Localized
from talanoa.lib.markup import markdown_text

register = template.Library()
SUMMARY_CHARS = 200  # previews show two or three lines; more only weighs on every page


@register.filter
def summary(value) -> str:
    """Plain text of a Markdown (or bilingual) field, on one line and cut short. Returned as an
    ordinary string, so the template escapes it into the attribute."""
    text = value.text if isinstance(value, Localized) else str(value or "")
    return Truncator(" ".join(markdown_text(text).split())).chars(SUMMARY_CHARS)
