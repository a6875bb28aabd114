from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from talanoa import access
from talanoa.lib.bilingual import Localized
from talanoa.lib.markup import render_markdown

register = template.Library()
# Named in the reader's language: "(in French)", "(en anglais)".
_LANGUAGE_NAMES = {"en": gettext_lazy("English"), "fr": gettext_lazy("French")}


@register.filter
def bi(value):
    """A bilingual text, marked with its language when it is not the reader's."""
    if not isinstance(value, Localized):
        return value
    if not value.fallback:
        return value.text
    return format_html('<span lang="{}">{}</span> <small class="fallback">({})</small>',
                       value.lang, value.text,
                       _("in %(language)s") % {"language": _LANGUAGE_NAMES[value.lang]})


@register.filter
def language_name(code):
    """A language's name in the reader's language ("French", "anglais"), for use in a sentence."""
    return _LANGUAGE_NAMES.get(code, code)


@register.filter
def markdown(value):
    if isinstance(value, Localized):
        html = render_markdown(value.text)
        if value.fallback:
            return format_html('<div lang="{}">{}</div><p class="fallback">({})</p>', value.lang,
                               html, _("Not yet translated; shown in %(language)s") % {
                                   "language": _LANGUAGE_NAMES[value.lang]})
        return html
    return render_markdown(value)


@register.simple_tag
def level_badge(item):
    return format_html('<span class="level level-{}">{}</span>', item.level,
                       item.get_level_display())


@register.simple_tag
def audience(item):
    return access.audience(item)


# --- exports: "Download: CSV · XLSX" on every list page (talanoa.lib.exports) ---
@register.simple_tag(takes_context=True)
def export_links(context):
    """The page's own address and filters with `format=csv` / `format=xlsx` (no script)."""
    from talanoa.lib.exports import EXPORT_LIMIT, export_query

    request = context["request"]
    return format_html(
        '<p class="export">{} <a href="{}?{}" rel="nofollow">CSV</a> · '
        '<a href="{}?{}" rel="nofollow">XLSX</a> <small>({})</small></p>',
        _("Download:"), request.path, export_query(request, "csv"), request.path,
        export_query(request, "xlsx"),
        _("every row these filters select, up to %(limit)s") % {
            "limit": f"{EXPORT_LIMIT:,}"})
# --- end exports ---
