"""User-written Markdown to safe HTML: markdown-it with raw HTML off, then nh3 as a backstop."""

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def render_markdown(text: str) -> SafeString:
    html = _md.render(text or "")
    return mark_safe(nh3.clean(html, link_rel="noopener noreferrer nofollow"))
