"""User-written Markdown to safe HTML: markdown-it with raw HTML off, then nh3 as a backstop.

What a render costs, and its bounds (issue 25, H1). markdown-it-py is linear in its input but
pure Python, and its cost per character depends on the markup by a factor of several hundred
(measured on this project's 2-core machines): prose and the docs' own Markdown cost about
0.5 µs a character (176,000 characters in 0.08 s), while a text made only of markup costs 3 to
35 µs a character, however deep `maxNesting` allows (`[` repeated: 25 µs at 20 levels, 12 at
4; `[a](` repeated: 12 µs at any depth; even `[a](b)` repeated, well-formed links, 7 µs).
1.2 MB of `[` took 30 s. So no bound on size alone keeps the worst text of a useful size under
a second, and three bounds hold together:

- size: each Markdown field of a model has a `MarkdownLimit`, checked when a form is validated,
  before any transaction opens: `DOCUMENT_MAX_CHARS` for a document's text (a paper's body,
  minutes, a report's narrative), `TEXT_MAX_CHARS` for the rest (summaries, descriptions,
  news, answers);
- nesting: `MAX_NESTING` levels of blocks and of link labels;
- work: a render stops once it has spent `RENDER_BUDGET` seconds of processor time. A save
  whose text would take longer is refused (`MarkdownLimit` again); a text stored before these
  limits that takes longer is shown as plain paragraphs, escaped, instead of waiting on it.

Rendering happens once per text, not per reader: the HTML is kept by the text's SHA-256 (and
`RENDERER_VERSION`) in this process (`_kept`), and long texts also in the shared cache when the
portal has one (Redis), so every process and every reader after the first gets it from there.
The save renders (validation), so the editor's process has it before its first reader.
"""

from __future__ import annotations

import hashlib
import html
import logging
import threading
import time
from collections import OrderedDict

import nh3
from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.formats import number_format
from django.utils.html import escape, linebreaks
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from markdown_it import MarkdownIt

logger = logging.getLogger(__name__)

# Part of every kept rendering's key: change it when what a text renders to changes (the
# options or rules below, nh3's allow-lists), so no process serves the old HTML.
RENDERER_VERSION = "2"

# A 40-page paper is about 100,000 characters of Markdown; anything longer is a document to
# upload as a file (papers, reports and meetings take files), which search reads too.
DOCUMENT_MAX_CHARS = 200_000
# A summary, description, news item, position or answer: some 20 pages at most.
TEXT_MAX_CHARS = 50_000

# markdown-it's own default, stated here because it is a bound we rely on: block nesting
# (quotes, lists) and the depth to which a link label is searched for nested labels. It also
# bounds what a reader sees: content nested deeper is dropped, and a list nine levels deep (legal
# numbering goes to five or six) needs 20. Lowering it halves the cost of `[[[…` at most, which
# the work budget bounds anyway.
MAX_NESTING = 20

# Processor seconds one render may spend. Real texts are well below: this project's docs,
# 200,000 characters of headings, lists, tables, code and links, take 0.08 s on a quiet machine
# and 0.27 s on one running three test suites. Thread time, not wall time, so that a busy machine
# is less likely to refuse a text a quiet one accepts.
RENDER_BUDGET = 0.5
_CHECK_EVERY = 64  # reading the thread's clock costs some 3 µs: once per 64 parsing steps

# Texts at least this long are also kept in the shared cache (shorter ones render faster than a
# round trip to it).
SHARED_FROM = 10_000
SHARED_SECONDS = 30 * 24 * 3600
# What this process keeps, in characters of HTML (oldest use dropped first).
KEPT_CHARS = 8_000_000


class TooComplex(Exception):
    """The render spent its budget (`RENDER_BUDGET`) and was stopped."""


def _spend(env: dict) -> None:
    env["steps"] += 1
    if env["steps"] % _CHECK_EVERY == 0 and time.thread_time() > env["deadline"]:
        raise TooComplex


def _inline_budget(state, silent: bool) -> bool:
    """First of the inline rules, so it runs at every step of inline parsing, link labels'
    look-ahead included; it never matches."""
    _spend(state.env)
    return False


def _block_budget(state, start_line: int, end_line: int, silent: bool) -> bool:
    _spend(state.env)
    return False


_md = MarkdownIt("commonmark", {"html": False, "linkify": False,
                                "maxNesting": MAX_NESTING}).enable("table")
_md.inline.ruler.before("text", "budget", _inline_budget)
_md.block.ruler.before("table", "budget", _block_budget)


def _render(text: str) -> str:
    """The safe HTML of `text`, or TooComplex once it has spent `RENDER_BUDGET`."""
    env = {"deadline": time.thread_time() + RENDER_BUDGET, "steps": 0}
    rendered = _md.render(text, env)
    return nh3.clean(rendered, link_rel="noopener noreferrer nofollow")


class _Kept:
    """Rendered texts of this process by key, least recently used dropped first, up to
    `limit` characters of HTML in all."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.items: OrderedDict[str, tuple[str, bool]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> tuple[str, bool] | None:
        with self.lock:
            found = self.items.get(key)
            if found is not None:
                self.items.move_to_end(key)
            return found

    def put(self, key: str, value: tuple[str, bool]) -> None:
        with self.lock:
            if key in self.items:
                return
            self.items[key] = value
            self.size += len(value[0])
            while self.size > self.limit and len(self.items) > 1:
                _key, (dropped, _whole) = self.items.popitem(last=False)
                self.size -= len(dropped)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()
            self.size = 0


_kept = _Kept(KEPT_CHARS)


def _shared_cache():
    """The cache every process shares, or None when the configured one is this process's own
    (kept there, long renderings would only push out what allauth keeps in it)."""
    shared = caches["default"]
    return None if isinstance(shared, LocMemCache | DummyCache) else shared


def _key(text: str) -> str:
    return f"markdown:{RENDERER_VERSION}:{hashlib.sha256(text.encode()).hexdigest()}"


def rendering(text: str) -> tuple[str, bool]:
    """The safe HTML of `text` and whether it is the Markdown rendering (False: the budget ran
    out and the HTML is the text escaped, in paragraphs). Kept by content, so a text is rendered
    once per process, and once in all for long texts when the cache is shared."""
    if not text:
        return "", True
    key = _key(text)
    found = _kept.get(key)
    if found is not None:
        return found
    shared = _shared_cache() if len(text) >= SHARED_FROM else None
    if shared is not None:
        stored = shared.get(key)
        if stored is not None:
            _kept.put(key, (stored, True))
            return stored, True
    try:
        result = (_render(text), True)
    except TooComplex:
        logger.warning("Markdown shown as plain text: %s characters took more than %s s",
                       len(text), RENDER_BUDGET)
        result = (linebreaks(escape(text)), False)
    _kept.put(key, result)
    if shared is not None and result[1]:
        shared.set(key, result[0], SHARED_SECONDS)
    return result


def render_markdown(text: str) -> SafeString:
    return mark_safe(rendering(text or "")[0])


def markdown_text(text: str) -> str:
    """The words of user-written Markdown without its syntax (for the search index and its
    excerpts): the kept rendering, every tag dropped and entities decoded."""
    if not text:
        return ""
    return html.unescape(nh3.clean(rendering(text)[0], tags=set())).strip()


TOO_LONG = _("This text has %(length)s characters; at most %(limit)s are allowed here. "
             "Shorten it, or put the document in a file and attach it.")
TOO_COMPLEX = _("This text has too much Markdown to be laid out in time (brackets, links or "
                "emphasis repeated or nested in great number). Simplify its markup, or put the "
                "document in a file and attach it.")


@deconstructible
class MarkdownLimit:
    """A Markdown field's validator: at most `max_chars` characters, and a rendering within the
    work budget. Runs when a form is validated, before the save's transaction, and leaves the
    rendering kept for the readers."""

    def __init__(self, max_chars: int) -> None:
        self.max_chars = max_chars

    def __call__(self, value: str | None) -> None:
        text = value or ""
        if len(text) > self.max_chars:
            raise ValidationError(TOO_LONG, code="markdown_too_long", params={
                "length": number_format(len(text), force_grouping=True),
                "limit": number_format(self.max_chars, force_grouping=True)})
        if not rendering(text)[1]:
            raise ValidationError(TOO_COMPLEX, code="markdown_too_complex")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MarkdownLimit) and other.max_chars == self.max_chars

    def __hash__(self) -> int:
        return hash(self.max_chars)


class MarkdownField(models.TextField):
    """A model's field of user-written Markdown: at most `max_chars` characters
    (`DOCUMENT_MAX_CHARS` for a document's text, else `TEXT_MAX_CHARS`) laid out within the work
    budget, checked by `MarkdownLimit` when a model form is validated (`full_clean`).

    Its migrations see a plain TextField: the limit is no part of the schema (the database checks
    nothing of it), so it can change without a migration in every app that has such a field."""

    def __init__(self, *args, max_chars: int = TEXT_MAX_CHARS, **kwargs) -> None:
        self.max_chars = max_chars
        super().__init__(*args, **kwargs)
        self._validators = [*self._validators, MarkdownLimit(max_chars)]

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        others = [v for v in self._validators if not isinstance(v, MarkdownLimit)]
        if others:
            kwargs["validators"] = others
        else:
            kwargs.pop("validators", None)
        return name, "django.db.models.TextField", args, kwargs


def text_limit() -> list[MarkdownLimit]:
    """`validators=` of a form's own Markdown field (one not made from a model's
    `MarkdownField`), of the size of a summary or an answer."""
    return [MarkdownLimit(TEXT_MAX_CHARS)]


def document_limit() -> list[MarkdownLimit]:
    """`validators=` of a form's own Markdown field that holds a document (minutes)."""
    return [MarkdownLimit(DOCUMENT_MAX_CHARS)]
