"""User-written Markdown to safe HTML: markdown-it with raw HTML off, then nh3 as a backstop."""

import html

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def render_markdown(text: str) -> SafeString:
    html = _md.render(text or "")
    return mark_safe(nh3.clean(html, link_rel="noopener noreferrer nofollow"))


def markdown_text(text: str) -> str:
    """The words of user-written Markdown without its syntax (for the search index and its
    excerpts): rendered, then every tag dropped and entities decoded."""
    if not text:
        return ""
    return html.unescape(nh3.clean(_md.render(text), tags=set())).strip()
