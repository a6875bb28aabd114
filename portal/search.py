"""The one search (`/search/?q=`): full text over everything apps register, ranked, with
highlighted excerpts, filtered by the access policy before anything is ranked or counted.

Registering a model (in its app's ``AppConfig.ready()``, with the registry in the core, so the
app never imports this module)::

    from django.utils.translation import gettext_lazy as _
    from talanoa import searchable as search

    def paper_document(paper) -> search.SearchDocument | None:
        return search.SearchDocument(title=paper.title_en, title_fr=paper.title_fr,
                                     text="\\n".join([paper.abstract_en, paper.abstract_fr,
                                                     paper.extracted_text]),
                                     date=paper.published_at)

    search.register(Paper, document=paper_document, kind_label=_("Papers"))

- ``document(obj)`` says what is findable of one object: a `SearchDocument` with ``title``
  (English, or the only one), ``title_fr`` (optional; shown to French readers), ``text`` (any
  language, any length: bodies, descriptions, text extracted from files; cut at `MAX_TEXT`) and
  ``date`` (shown on the result, breaks ties in rank). ``None`` means "not findable now" (a
  meeting request) and removes the object from the index. The result links to
  ``obj.get_absolute_url()``. It must not depend on who reads it: the index is shared by all.
- ``visible(viewer)`` returns the queryset of objects of the model this viewer may find (for
  speed, its SQL is built once per process for each set of the viewer's access fields, so it
  must depend on those fields only and must not read the database while it is built). The
  default, for a ``talanoa.lib.models.Protected`` model, is
  ``talanoa.access.visible(model.objects.filter(archived_at__isnull=True), viewer)``. Any other
  model must say: ``visible=search.public(Model)`` for a public record (its live rows, for
  everyone), or a function of its own. Search shows live items only, to editors too.
- ``kind_label`` names the kind on result lines and facets ("Papers").

The index (`portal.models.SearchEntry`) follows saves and deletes of registered models through
`talanoa.events`, once the transaction that made them has committed (`AFTER_COMMIT`), so the
work of an entry (its document's Markdown, files' text) never holds the database's write lock.
An app that changes what an object's document says without saving that object (a new file on a
paper, a decision's options), or inserts rows in bulk (which sends no signals), calls
``talanoa.searchable.changed(objs)``; ``manage.py rebuild_search_index`` rebuilds everything.
After ``migrate``, a registered model with rows but no index entries is indexed, so a newly
registered model's existing rows become findable without a manual step.

Searching: ``search(query, viewer, kind=None, page=1)`` → `Results`. The query is reduced to
words and "quoted phrases" (all must match; no operators, so no input is a syntax error).
Access first: the SQL keeps only entries for which the model's ``visible(viewer)`` has the
object (one EXISTS per registered model), and only then ranks (FTS5 bm25 / PostgreSQL
ts_rank, titles weighing more than text), counts per kind and pages. One SQL query (two when a
kind is chosen): the page's hits with their excerpts and the per-kind counts. Full text is FTS5
on SQLite and tsvector on PostgreSQL (`portal.search_sql`).

Cost is bounded: at most `CANDIDATES` allowed matches are ranked and counted, the most recent
(entries are numbered in the order they are first written, and `rebuild` writes them oldest
first). A word found in most of 50,000 entries ("Pacific") then costs some 7 ms, not 90; the
page says "more than 500 results" and that the best of the most recent are shown. A query few
of whose matches the reader may see still checks every match (by primary key: 30 ms for
40,000).
"""

from __future__ import annotations

import datetime
import logging
import re
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from types import SimpleNamespace

from django.db import connection, models, transaction
from django.db.models import Exists, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.urls import NoReverseMatch
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from portal import search_sql
from talanoa import access, events
from talanoa.lib.bilingual import Localized, localized
from talanoa.searchable import Searchable, SearchDocument, lookup, public, register, registered  # noqa: F401 (the registry, as portal.search always said)

logger = logging.getLogger(__name__)

PER_PAGE = 20
MAX_PAGES = 10  # offset paging: deeper pages read every row before them; refine the words instead
# A search ranks at most this many matches, the most recent ones the reader may find: ranking
# and counting every match of a common word ("Pacific") would cost time in proportion to the
# archive, and no reader pages past the first 200 results anyway.
CANDIDATES = 500
MAX_TERMS = 12
MAX_TEXT = 200_000  # characters of text indexed per object (PostgreSQL's tsvector caps at 1 MB)
EXCERPT_TOKENS = 24

# The excerpt is user content: the database marks matches with characters from Unicode's
# private use area, which are removed from indexed text, and Python escapes the excerpt before
# turning them into <mark>.
MARK_START, MARK_END, ELLIPSIS = "\ue000", "\ue001", "…"
_MARKERS = str.maketrans({MARK_START: " ", MARK_END: " "})


# ---------------------------------------------------------------------------------------------
# Keeping the index

def _clean(text: str, limit: int) -> str:
    return (text or "").translate(_MARKERS)[:limit]


def _as_datetime(value) -> datetime.datetime | None:
    if value is None or isinstance(value, datetime.datetime):
        return value
    return datetime.datetime.combine(value, datetime.time(), datetime.UTC)


def _entry(searchable: Searchable, obj: models.Model):
    from portal.models import SearchEntry

    document = searchable.document(obj)
    if document is None:
        return None
    try:
        url = obj.get_absolute_url()
    except NoReverseMatch:
        # A row no page can show (a slug the address patterns refuse) cannot be a result; the
        # save that got us here must not fail because of it.
        logger.warning("Not indexed for search (no address): %s %s", type(obj).__name__, obj.pk)
        return None
    return SearchEntry(content_type=searchable.content_type, object_id=obj.pk,
                       title_en=_clean(document.title, 2000),
                       title_fr=_clean(document.title_fr, 2000),
                       text=_clean(document.text, MAX_TEXT), url=url,
                       date=_as_datetime(document.date))


_UPDATED = ["title_en", "title_fr", "text", "url", "date", "updated"]


def index_object(obj: models.Model) -> None:
    """Bring `obj`'s index entry up to date (one query)."""
    from portal.models import SearchEntry

    searchable = lookup(type(obj))
    if searchable is None:
        raise LookupError(f"{type(obj).__name__} is not registered for search")
    entry = _entry(searchable, obj)
    if entry is None:
        remove_object(obj)
        return
    # One upsert: on SQLite, ON CONFLICT DO UPDATE fires the UPDATE trigger like an UPDATE.
    SearchEntry.objects.bulk_create([entry], update_conflicts=True,
                                    unique_fields=["content_type", "object_id"],
                                    update_fields=_UPDATED)


def remove_object(obj: models.Model) -> None:
    _remove(type(obj), obj.pk)


def _remove(model: type[models.Model], pk) -> None:
    from portal.models import SearchEntry

    searchable = lookup(model)
    if searchable is not None:
        SearchEntry.objects.filter(content_type=searchable.content_type, object_id=pk).delete()


# The index follows a save after its transaction commits, not inside it: an entry's document
# renders Markdown and gathers the text of files, and on SQLite a write transaction holds the
# whole database's write lock for as long as it runs, so a long text stopped every other
# writer (issue 25, H1). Removals wait too, so that a save and a delete in one transaction end
# in that order. Outside a transaction, the callback runs at once. The suite's tests run inside a
# transaction that is never committed, where callbacks after commit never run: its conftest sets
# this to False (and a test of the deferral sets it back).
AFTER_COMMIT = True


def _after_commit(callback) -> None:
    if AFTER_COMMIT:
        # robust: the save is done; an index that failed to follow is logged (Django's own
        # message), not made the editor's error. `rebuild_search_index` repairs it.
        transaction.on_commit(callback, robust=True)
    else:
        callback()


def _text_changed(sender, instances, **kwargs) -> None:
    instances = list(instances)
    if len(instances) == 1:
        _after_commit(lambda: index_object(instances[0]))
    else:
        _after_commit(lambda: index_many(instances))


def _entry_removed(sender, instance, **kwargs) -> None:
    model, pk = type(instance), instance.pk  # a deleted instance's pk is None once deleted
    _after_commit(lambda: _remove(model, pk))


def follow_events() -> None:
    """Keep the index in step with what the apps announce (talanoa.events; PortalConfig.ready)."""
    events.search_text_changed.connect(_text_changed, dispatch_uid="portal.search.changed")
    events.search_entry_removed.connect(_entry_removed, dispatch_uid="portal.search.removed")


def index_many(objs: Iterable[models.Model], batch_size: int = 1000) -> int:
    """Index many objects at once (after ``bulk_create``, which sends no signals); returns how
    many entries were written. Objects whose document is None lose their entry."""
    from portal.models import SearchEntry

    written = 0
    batch: list[models.Model] = []

    def flush() -> int:
        entries, gone = [], Q(pk__in=[])
        for obj in batch:
            searchable = lookup(type(obj))
            entry = _entry(searchable, obj)
            if entry is None:
                gone |= Q(content_type=searchable.content_type, object_id=obj.pk)
            else:
                entries.append(entry)
        SearchEntry.objects.filter(gone).delete()
        SearchEntry.objects.bulk_create(entries, update_conflicts=True,
                                        unique_fields=["content_type", "object_id"],
                                        update_fields=_UPDATED)
        batch.clear()
        return len(entries)

    for obj in objs:
        if lookup(type(obj)) is None:
            raise LookupError(f"{type(obj).__name__} is not registered for search")
        batch.append(obj)
        if len(batch) >= batch_size:
            written += flush()
    if batch:
        written += flush()
    return written


def rebuild(models_: Iterable[type[models.Model]] | None = None) -> int:
    """Index every row of the registered models (or of those given) afresh, oldest first.

    Entry ids follow the order entries are first written, and a search with very many matches
    ranks the most recent of them (`CANDIDATES`): so the rebuild writes entries in the order of
    their documents' dates, across models, as they would have been written day by day. It reads
    each document twice (dates first, then the entries, a thousand at a time) to keep memory
    small whatever the size of the texts."""
    from portal.models import SearchEntry

    chosen = [s for s in registered() if models_ is None or s.model in models_]
    if models_ is None:  # entries of models no longer registered
        SearchEntry.objects.exclude(
            content_type__in=[s.content_type for s in registered()]).delete()
    SearchEntry.objects.filter(content_type__in=[s.content_type for s in chosen]).delete()
    undated = datetime.datetime.min.replace(tzinfo=datetime.UTC)
    order: list[tuple[datetime.datetime, int, int]] = []
    for position, searchable in enumerate(chosen):
        for obj in searchable.model._default_manager.order_by("pk").iterator(chunk_size=1000):
            document = searchable.document(obj)
            if document is not None:
                order.append((_as_datetime(document.date) or undated, position, obj.pk))
    order.sort()
    written = 0
    for start in range(0, len(order), 1000):
        chunk = order[start:start + 1000]
        found: dict[int, dict] = {}
        for position in {position for _, position, _ in chunk}:
            pks = [pk for _, p, pk in chunk if p == position]
            found[position] = chosen[position].model._default_manager.in_bulk(pks)
        written += index_many(found[position][pk] for _, position, pk in chunk
                              if pk in found[position])
    return written


def index_unindexed_models(apps=None, **kwargs) -> None:
    """After migrate: index the registered models that have rows but no entries at all (a model
    registered since the last deployment, or a database migrated before the index existed)."""
    from portal.models import SearchEntry

    if apps is not None and not _in_state(apps, SearchEntry):  # migrated back before it
        return
    for searchable in registered():
        if apps is not None and not _in_state(apps, searchable.model):
            continue
        if (searchable.model._default_manager.exists()
                and not SearchEntry.objects.filter(content_type=searchable.content_type)
                .exists()):
            rebuild([searchable.model])


def _in_state(apps, model: type[models.Model]) -> bool:
    try:
        apps.get_model(model._meta.app_label, model._meta.model_name)
    except LookupError:
        return False
    return True


# ---------------------------------------------------------------------------------------------
# Searching

_TERM = re.compile(r'"([^"]*)"?|([^\W_]+)')
_WORD = re.compile(r"[^\W_]+")


def parse(query: str) -> list[list[str]]:
    """Words and "quoted phrases" of the query, each a list of words (letters and digits only:
    nothing the user types reaches the database's query syntax)."""
    terms: list[list[str]] = []
    for phrase, word in _TERM.findall(query or ""):
        words = _WORD.findall(phrase) if phrase else [word]
        if words and words not in terms:
            terms.append(words)
    return terms[:MAX_TERMS]


@dataclass(frozen=True)
class Hit:
    kind: str
    kind_label: str
    title: Localized
    url: str
    excerpt: SafeString
    date: datetime.datetime | None


@dataclass(frozen=True)
class Facet:
    key: str
    label: str
    count: int
    more: bool = False  # there are more matches than counted (see `CANDIDATES`)


@dataclass(frozen=True)
class Results:
    hits: list[Hit]
    total: int  # everything the reader may find, all kinds
    facets: list[Facet]  # per kind, only kinds with matches
    kind: str | None  # the kind shown, if one was chosen
    page: int
    pages: int  # at most MAX_PAGES
    count: int  # matches of the kind shown (or total)
    per_page: int = PER_PAGE
    # More matches than `CANDIDATES`: total and count are those ranked, the most recent ones.
    more: bool = False

    @property
    def has_previous(self) -> bool:
        return self.page > 1 and self.pages > 0

    @property
    def previous_page(self) -> int:
        return min(self.page - 1, self.pages)

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def shown(self) -> int:
        """How many of the matches paging reaches."""
        return min(self.count, self.pages * self.per_page)

    @property
    def truncated(self) -> bool:
        return self.count > self.shown


EMPTY = Results(hits=[], total=0, facets=[], kind=None, page=1, pages=0, count=0)


def _highlight(excerpt: str) -> SafeString:
    html = escape(excerpt or "").replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    return mark_safe(html)  # escaped just above: only our markers become tags


# Building the access SQL through the ORM costs as much as running it, and its inputs are few:
# the viewer's access fields and the registered kinds. Built once per process for each.
_ACCESS_SQL_CACHE_SIZE = 512
_access_sql_cache: OrderedDict[tuple, tuple[str, tuple]] = OrderedDict()


def _access_sql(viewer: access.Viewer, kinds: list[Searchable]) -> tuple[str, tuple]:
    key = (connection.alias, connection.settings_dict["NAME"],
           tuple((s.key, s.content_type.pk) for s in kinds),
           viewer.user_id is not None, viewer.is_superuser, viewer.person_id, viewer.org_ids,
           viewer.member_groups, viewer.core_groups, viewer.editor_groups, viewer.grants)
    if key in _access_sql_cache:
        _access_sql_cache.move_to_end(key)
    else:
        _access_sql_cache[key] = _build_access_sql(viewer, kinds)
        if len(_access_sql_cache) > _ACCESS_SQL_CACHE_SIZE:
            _access_sql_cache.popitem(last=False)
    return _access_sql_cache[key]


def _build_access_sql(viewer: access.Viewer, kinds: list[Searchable]) -> tuple[str, tuple]:
    """The entries the viewer may find, as SQL (``SELECT id, content_type_id, date[, vector]
    FROM portal_searchentry WHERE …``): for each kind, its content type and an EXISTS in the
    model's own visibility filter. Used as a derived table, which both databases merge into the
    outer query, so only full-text matches are checked, each by primary key."""
    from portal.models import SearchEntry

    allowed = Q(pk__in=[])
    for searchable in kinds:
        visible = searchable.visible(viewer).filter(pk=OuterRef("object_id"))
        allowed |= Q(content_type_id=searchable.content_type.pk) & Exists(visible)
    queryset = SearchEntry.objects.filter(allowed)
    columns = ["id", "content_type_id", "date"]
    if connection.vendor == "postgresql":
        # The generated column the ORM does not know: matched and ranked on the same row.
        queryset = queryset.annotate(vector=RawSQL('"portal_searchentry"."vector"', ()))
        columns.append("vector")
    sql, params = queryset.values(*columns).query.sql_with_params()
    return sql, tuple(params)


def search(query: str, viewer: access.Viewer, *, kind: str | None = None, page: int = 1,
           per_page: int = PER_PAGE) -> Results:
    """What `viewer` may find for `query`: one page of ranked hits, total and per-kind counts,
    in one SQL query, or two when a kind is chosen (its own page and count, then the counts of
    every kind). A page past the last is empty."""
    terms = parse(query)
    kinds = registered()
    if not terms or not kinds:
        return EMPTY
    by_ct = {s.content_type.pk: s for s in kinds}
    chosen = {s.key: s for s in kinds}.get(kind or "")
    page = max(1, min(page, MAX_PAGES))
    backend = _SQLite() if connection.vendor == "sqlite" else _PostgreSQL()
    allowed = _access_sql(viewer, kinds)
    offset = (page - 1) * per_page
    if chosen:
        rows, kind_counts, kind_more = backend.run(terms, *allowed, chosen.content_type.pk,
                                                   per_page, offset)
        _, counts, more = backend.run(terms, *allowed, None, 0, 0)
    else:
        rows, counts, more = backend.run(terms, *allowed, None, per_page, offset)
    facet_more = dict.fromkeys(counts, more)
    if chosen:
        # Its own ranking reaches further back than the all-kinds one: its count is the better.
        counts[chosen.content_type.pk] = kind_counts.get(chosen.content_type.pk, 0)
        facet_more[chosen.content_type.pk] = kind_more
    facets = [Facet(by_ct[ct].key, str(by_ct[ct].kind_label), n, facet_more[ct])
              for ct, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
              if ct in by_ct and n]
    total = sum(f.count for f in facets)
    count = counts.get(chosen.content_type.pk, 0) if chosen else total
    hits = [Hit(kind=by_ct[ct].key, kind_label=str(by_ct[ct].kind_label),
                title=_title(title_en, title_fr), url=url, excerpt=_highlight(excerpt),
                date=date)
            for ct, title_en, title_fr, url, date, excerpt in rows]
    return Results(hits=hits, total=total, facets=facets, kind=chosen.key if chosen else None,
                   page=page, pages=min(MAX_PAGES, -(-count // per_page)), count=count,
                   per_page=per_page, more=more or bool(chosen and kind_more))


def _title(title_en: str, title_fr: str) -> Localized:
    """The title in the reader's language, as `talanoa.lib.bilingual.localized` picks it."""
    return localized(SimpleNamespace(title_en=title_en, title_fr=title_fr), "title")


# Both backends answer in one statement. The allowed matches, newest first (entry ids follow
# the order entries were first written), are gathered once with their rank, at most
# CANDIDATES + 1 of them (the extra one tells that there are more); then the page's rows get
# their excerpt (re-reading and re-tokenizing the text, so for those rows only) and each kind
# its count, as rows of one UNION ALL told apart by their first column (2: whether there are
# more). Cost is bounded by CANDIDATES whatever the archive's size: a common word costs as much
# as a rare one, unless few of its matches may be seen (each match is checked by primary key).

class _SQLite:
    """FTS5: MATCH on the FTS table joined to the allowed entries, read in descending rowid
    order and stopped at the limit; bm25 with titles ×10, computed for those rows only."""

    fts = search_sql.FTS_TABLE

    @staticmethod
    def match(terms: list[list[str]]) -> str:
        # Each term a quoted FTS5 string (words only, so no quote inside); juxtaposed = AND.
        return " ".join('"' + " ".join(words) + '"' for words in terms)

    def run(self, terms, allowed_sql, allowed_params, content_type_id, limit, offset):
        fts = self.fts
        only = "AND e.content_type_id = %s" if content_type_id else ""
        # The excerpt is made while the matches are read, for each of them (at most
        # CANDIDATES + 1): made afterwards for the page's rows only, each row's MATCH … AND
        # rowid = ? loaded the word's whole list of entries again (36 ms for 20 rows of a word
        # in 43,000 entries), a cost that grew with the archive.
        sql = (
            f"WITH matches AS MATERIALIZED (SELECT e.id AS id, e.content_type_id AS ct, "
            f"bm25({fts}, 10.0, 10.0, 1.0) AS rank, e.date AS date, "
            f"snippet({fts}, {search_sql.TEXT_COLUMN}, %s, %s, %s, {EXCERPT_TOKENS}) AS excerpt "
            f"FROM {fts} JOIN ({allowed_sql}) e ON e.id = {fts}.rowid WHERE {fts} MATCH %s "
            f"{only} ORDER BY {fts}.rowid DESC LIMIT %s), "
            "hits AS MATERIALIZED (SELECT * FROM matches ORDER BY id DESC LIMIT %s), "
            "page AS (SELECT id, rank, date, excerpt FROM hits "
            "ORDER BY rank, date DESC, id LIMIT %s OFFSET %s) "
            "SELECT 0, s.content_type_id, NULL, s.title_en, s.title_fr, s.url, s.date, "
            "page.excerpt, page.rank, page.id "
            "FROM page JOIN portal_searchentry s ON s.id = page.id "
            "UNION ALL SELECT 1, ct, COUNT(*), NULL, NULL, NULL, NULL, NULL, NULL, NULL "
            "FROM hits GROUP BY ct "
            "UNION ALL SELECT 2, NULL, COUNT(*), NULL, NULL, NULL, NULL, NULL, NULL, NULL "
            "FROM matches")
        match = self.match(terms)
        params = (MARK_START, MARK_END, ELLIPSIS, *allowed_params, match,
                  *([content_type_id] if content_type_id else []),
                  CANDIDATES + 1, CANDIDATES, limit, offset)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        page = [(row[1], row[3], row[4], row[5], _aware(row[6]), row[7])
                for row in sorted((r for r in rows if r[0] == 0),
                                  key=lambda r: (r[8], -_timestamp(_aware(r[6])), r[9]))]
        return (page, {row[1]: row[2] for row in rows if row[0] == 1},
                any(row[0] == 2 and row[2] > CANDIDATES for row in rows))


def _aware(value) -> datetime.datetime | None:
    """A raw SQLite cursor's datetime as the ORM gives it (aware, in UTC)."""
    return connection.ops.convert_datetimefield_value(value, None, connection)


def _timestamp(value: datetime.datetime | None) -> float:
    return value.timestamp() if value is not None else float("-inf")


class _PostgreSQL:
    """tsvector @@ tsquery on the generated column (GIN); ts_rank with titles (A) worth ten times
    text (B); ts_headline for the page's rows only."""

    config = search_sql.PG_CONFIG

    def tsquery(self, terms: list[list[str]]) -> tuple[str, tuple]:
        parts = [f"phraseto_tsquery('{self.config}', %s)"] * len(terms)
        return " && ".join(parts), tuple(" ".join(words) for words in terms)

    def run(self, terms, allowed_sql, allowed_params, content_type_id, limit, offset):
        tsquery, tsparams = self.tsquery(terms)
        only = "AND e.content_type_id = %s" if content_type_id else ""
        options = (f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords={EXCERPT_TOKENS}, "
                   f"MinWords={EXCERPT_TOKENS // 2}, MaxFragments=2, "
                   f'FragmentDelimiter=" {ELLIPSIS} "')
        sql = (
            f"WITH q AS (SELECT ({tsquery}) AS query), "
            "matches AS MATERIALIZED (SELECT e.id AS id, e.content_type_id AS ct, "
            # ts_rank, not ts_rank_cd: it adds a word's repeats as a converging series (w/1,
            # w/4, w/9…), so a text match (B, 0.1) stays below one title match (A, 1) however
            # often it repeats, as with bm25's weights; and it costs half as much.
            "ts_rank('{0, 0, 0.1, 1}', e.vector, q.query) AS rank, e.date AS date "
            # The match is written out again rather than read from q, so PostgreSQL estimates
            # from the column's statistics how many entries match (through q it assumes a few
            # hundred whatever the words): for a common word it then reads the newest entries
            # by id and stops at the limit instead of checking every match. The access check is
            # a LATERAL subquery (OFFSET 0 keeps it one), run for each entry read: merged into
            # the scan, its EXISTS became hashed sets of everything the reader may see, built
            # at every search and growing with the archive.
            f"FROM portal_searchentry e CROSS JOIN LATERAL (SELECT 1 FROM ({allowed_sql}) a "
            "WHERE a.id = e.id OFFSET 0) allowed, q "
            f"WHERE e.vector @@ ({tsquery}) {only} "
            "ORDER BY e.id DESC LIMIT %s), "
            "hits AS MATERIALIZED (SELECT * FROM matches ORDER BY id DESC LIMIT %s), "
            "page AS (SELECT id, rank, date FROM hits "
            "ORDER BY rank DESC, date DESC NULLS LAST, id LIMIT %s OFFSET %s) "
            "(SELECT 0, s.content_type_id, NULL::bigint, s.title_en, s.title_fr, s.url, s.date, "
            f"ts_headline('{self.config}', s.text, q.query, %s), page.rank, page.id "
            "FROM page JOIN portal_searchentry s ON s.id = page.id, q "
            "ORDER BY page.rank DESC, page.date DESC NULLS LAST, page.id) "
            "UNION ALL SELECT 1, ct, COUNT(*), NULL, NULL, NULL, NULL, NULL, NULL, NULL "
            "FROM hits GROUP BY ct "
            "UNION ALL SELECT 2, NULL, COUNT(*), NULL, NULL, NULL, NULL, NULL, NULL, NULL "
            "FROM matches")
        params = (*tsparams, *allowed_params, *tsparams,
                  *([content_type_id] if content_type_id else []),
                  CANDIDATES + 1, CANDIDATES, limit, offset, options)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        # UNION ALL keeps each branch's order in practice but promises nothing: sort here too.
        page = sorted((r for r in rows if r[0] == 0),
                      key=lambda r: (-r[8], -_timestamp(r[6]), r[9]))
        return ([(r[1], r[3], r[4], r[5], r[6], r[7]) for r in page],
                {row[1]: row[2] for row in rows if row[0] == 1},
                any(row[0] == 2 and row[2] > CANDIDATES for row in rows))
