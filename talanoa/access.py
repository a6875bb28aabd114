"""The one access policy (R7: Data Protocol and Information Dissemination Guideline).

Every view, list, search, feed, export, API answer and download asks this module. Items carry a
working group and a dissemination level (``talanoa.lib.models.Protected``):

- ``public``: everyone, signed in or not;
- ``members``: people currently representing a member, observer or consultative organisation of
  the item's group or of a group above it (a taskforce's parent);
- ``core``: the same, but through a *member* organisation only;
- ``restricted``: only the organisations and people named on the item.

The chair, vice-chair and secretariat of a group (or of a group above it) see and edit
everything in it. A person invited to one item by email sees that item alone. Anything a viewer
may not see is answered with 404, so its existence does not leak.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import EmptyResultSet, FullResultSet, PermissionDenied
from django.db import connection
from django.db.models import BooleanField, Exists, Model, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.sql import Query
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from talanoa.lib.models import Protected

Level = Protected.Level
SESSION_GRANTS_KEY = "talanoa_item_grants"

# The policy's own table: which standing sees which level. The access tests compute their
# expectations from this table, never from the views.
STANDINGS = ("anonymous", "outsider", "consultative", "observer", "member", "chair",
             "secretariat")
LEVEL_AUDIENCE: dict[str, frozenset[str]] = {
    Level.PUBLIC: frozenset(STANDINGS),
    Level.MEMBERS: frozenset({"consultative", "observer", "member", "chair", "secretariat"}),
    Level.CORE: frozenset({"member", "chair", "secretariat"}),
    # plus whoever the item names
    Level.RESTRICTED: frozenset({"chair", "secretariat"}),
}
EDITOR_STANDINGS = frozenset({"chair", "secretariat"})


@dataclass(frozen=True)
class Viewer:
    """What one request may see, computed once per request (a constant number of queries)."""

    user_id: int | None = None
    person_id: int | None = None
    is_superuser: bool = False
    org_ids: frozenset[int] = frozenset()
    member_groups: frozenset[int] = frozenset()
    core_groups: frozenset[int] = frozenset()
    editor_groups: frozenset[int] = frozenset()
    chair_groups: frozenset[int] = frozenset()
    # group id -> the viewer's own standing there ("member", "observer", "chair", …)
    standings: dict[int, str] = field(default_factory=dict)
    grants: frozenset[tuple[int, int]] = frozenset()  # (content type id, object id)
    time_zone: str | None = None  # the person's own zone, for showing times

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    @property
    def is_editor(self) -> bool:
        return self.is_superuser or bool(self.editor_groups)

    def standing(self, group_id: int) -> str:
        if self.user_id is None:
            return "anonymous"
        return self.standings.get(group_id, "outsider")

    def sees_members_level(self, group_id: int) -> bool:
        return self.is_superuser or group_id in self.member_groups or group_id in self.editor_groups

    def edits(self, group_id: int) -> bool:
        return self.is_superuser or group_id in self.editor_groups


ANONYMOUS = Viewer()
# How a signed-in person's viewer is built (their groups, standings, organisations) is the
# business of the app that holds memberships and representatives: it registers it here
# (members.viewers), so the policy itself imports no app.
ViewerSource = Callable[[Any, frozenset[tuple[int, int]]], Viewer]
_viewer_source: ViewerSource | None = None


def register_viewer_source(source: ViewerSource) -> None:
    global _viewer_source
    _viewer_source = source


def build_viewer(user, grants: Iterable[tuple[int, int]] = ()) -> Viewer:
    grants = frozenset(tuple(g) for g in grants)
    if user is None or not user.is_authenticated:
        return Viewer(grants=grants) if grants else ANONYMOUS
    if _viewer_source is None:
        raise RuntimeError("No viewer source is registered (members.apps registers it).")
    return _viewer_source(user, grants)


def viewer_for(request: HttpRequest) -> Viewer:
    """The request's viewer, computed on first use and kept on the request."""
    viewer = getattr(request, "_talanoa_viewer", None)
    if viewer is None:
        grants = request.session.get(SESSION_GRANTS_KEY, []) if hasattr(request, "session") else []
        viewer = _kept_viewer(getattr(request, "user", None), grants)
        request._talanoa_viewer = viewer
    return viewer


def _kept_viewer(user, grants) -> Viewer:
    """`build_viewer`, kept in the shared cache for the current content generation.

    Building a viewer costs a few milliseconds of query building for every signed-in request.
    It is kept under the same counter as the anonymous page cache (talanoa.pagecache), which every
    saved or deleted row, state-changing request and finished task renews, so a changed standing
    (a representative confirmed or ended, a membership, a group) takes effect at the next
    request; and only where that counter is shared by every process (PAGE_CACHE, Redis).
    """
    import hashlib

    from django.conf import settings
    from django.core.cache import cache
    from django.utils import timezone

    from talanoa import pagecache

    if not pagecache.enabled() or user is None or not user.is_authenticated:
        return build_viewer(user, grants)
    # The date is part of it: who is current changes with the year (Representative.current).
    parts = f"{pagecache.generation()}:{timezone.localdate()}:{sorted(tuple(g) for g in grants)}"
    key = f"talanoa:viewer:{user.pk}:{hashlib.sha256(parts.encode()).hexdigest()}"
    viewer = cache.get(key)
    if viewer is None:
        viewer = build_viewer(user, grants)
        cache.set(key, viewer, settings.PAGE_CACHE_SECONDS)
    return viewer


# Filters compiled to SQL once per process for each kind of viewer. Building one through the ORM
# and compiling it (above all the task filter: an EXISTS per kind of linked item, 12 KB of SQL)
# cost 15 to 30 ms a request, more than running it. A filter depends only on the viewer's
# standings (the key below), never on the data, so nothing can make a kept one stale. Viewers
# holding item invitations (grants, which name content type ids) and superusers are not kept.
_KEPT_FILTERS: dict[tuple, tuple[str, tuple] | Q] = {}
_KEPT_FILTERS_MAX = 1024  # the task filter alone is about 13 KB of SQL


def _filter_key(viewer: Viewer) -> tuple:
    return (viewer.user_id, viewer.person_id, viewer.is_superuser, viewer.org_ids,
            viewer.member_groups, viewer.core_groups, viewer.editor_groups)


class KeptFilter(RawSQL):
    """A filter on `table`'s rows compiled once (`_compile_filter`), as a WHERE condition.

    Its SQL names the filtered table's rows by the table's own name; in a query that gives the
    table another alias (as a subquery: U0), that name becomes the alias. The subqueries inside
    it name their tables by the tables' own names (see `_compile_filter`), so nothing in it can
    be mistaken for the alias. A RawSQL, so the ORM puts it in the WHERE clause as it is."""

    def __init__(self, sql: str, params: tuple, table: str) -> None:
        super().__init__(sql, params, output_field=BooleanField())
        self.table = table
        self.alias: str | None = None  # set by the query it filters

    def resolve_expression(self, query=None, *args, **kwargs):
        clone = super().resolve_expression(query, *args, **kwargs)
        # Resolved once by the query it filters; a subquery's conditions are resolved again
        # against the enclosing query (for outer references), which must not change it.
        if clone.alias is None and query is not None:
            if query.model is None or query.model._meta.db_table != self.table:
                raise ValueError(f"A filter on {self.table} applied to another table")
            clone.alias = query.get_initial_alias()
        return clone

    def relabeled_clone(self, change_map):
        clone = self.copy()
        clone.alias = change_map.get(self.alias, self.alias)
        return clone

    def as_sql(self, compiler, connection):
        sql = self.sql
        if self.alias is None:
            raise ValueError("A kept filter used outside a query's filter")
        if self.alias != self.table:
            own = connection.ops.quote_name(self.table) + "."
            sql = sql.replace(own, compiler.quote_name(self.alias) + ".")
        return f"({sql})", self.params


# The ORM names a subquery's tables U0, V0… only when the subquery would otherwise clash with
# the query around it (the same alias prefix); such names could be taken by the query a kept
# filter is used in, so a filter whose SQL has one is not kept.
_GENERATED_ALIAS = re.compile(r"\b[A-Z][0-9]+\.")


def _compile_filter(model: type[Model], q: Q) -> tuple[str, tuple] | None:
    """The WHERE condition `q` makes on `model`'s table, or None when it cannot be kept (it
    needs a join, or its subqueries got generated aliases)."""
    query = Query(model)
    # A prefix of its own: the subqueries (built with the usual "T") are then not renamed and
    # keep their tables' names.
    query.alias_prefix = "K"
    query.add_q(q)
    if sum(1 for count in query.alias_refcount.values() if count) > 1:  # a join
        return None
    compiler = query.get_compiler(connection=connection)
    try:
        sql, params = query.where.as_sql(compiler, connection)
    except EmptyResultSet:
        return "1 = 0", ()
    except FullResultSet:
        return "1 = 1", ()
    # A subquery over the filtered table itself would name it as the table does: not kept.
    own_table = connection.ops.quote_name(model._meta.db_table)
    if _GENERATED_ALIAS.search(sql) or f"FROM {own_table}" in sql:
        return None
    return sql, tuple(params)


def _kept_filter(kind: object, model: type[Model], viewer: Viewer, build) -> Q:
    if viewer.grants or viewer.is_superuser:
        return build()
    key = (kind, _filter_key(viewer), connection.vendor)
    kept = _KEPT_FILTERS.get(key)
    if kept is None:
        # Compiling resolves the filter's expressions in place: the fallback is built anew.
        kept = _compile_filter(model, build()) or build()
        if len(_KEPT_FILTERS) >= _KEPT_FILTERS_MAX:
            _KEPT_FILTERS.clear()
        _KEPT_FILTERS[key] = kept
    if isinstance(kept, Q):
        return kept
    return Q(KeptFilter(*kept, table=model._meta.db_table))


def visible_q(model: type[Protected], viewer: Viewer) -> Q:
    """A filter selecting the items of `model` the viewer may see."""
    return _kept_filter(model, model, viewer, lambda: _build_visible_q(model, viewer))


def _build_visible_q(model: type[Protected], viewer: Viewer) -> Q:
    if viewer.is_superuser:
        return Q()
    q = Q(level=Level.PUBLIC, archived_at__isnull=True)
    if viewer.is_authenticated:
        named = Q()
        if viewer.person_id:
            people = model.restricted_people.through
            named |= Exists(people.objects.filter(
                **{f"{model._meta.model_name}_id": OuterRef("pk"), "person_id": viewer.person_id}))
        if viewer.org_ids:
            orgs = model.restricted_organisations.through
            named |= Exists(orgs.objects.filter(
                **{f"{model._meta.model_name}_id": OuterRef("pk"),
                   "organisation_id__in": viewer.org_ids}))
        current = Q(archived_at__isnull=True)
        q |= current & Q(level=Level.MEMBERS, group_id__in=viewer.member_groups)
        q |= current & Q(level=Level.CORE, group_id__in=viewer.core_groups)
        if named:
            q |= current & Q(level=Level.RESTRICTED) & named
        # Editors also see what was archived in their groups, so they can restore it.
        q |= Q(group_id__in=viewer.editor_groups)
    if viewer.grants:
        ct = ContentType.objects.get_for_model(model)
        ids = [obj_id for ct_id, obj_id in viewer.grants if ct_id == ct.pk]
        if ids:
            q |= Q(pk__in=ids, archived_at__isnull=True)
    return q


def visible(queryset: QuerySet, viewer: Viewer) -> QuerySet:
    return queryset.filter(visible_q(queryset.model, viewer))


def can_view(item: Protected, viewer: Viewer) -> bool:
    if viewer.is_superuser or item.group_id in viewer.editor_groups:
        return True
    if item.archived_at is not None:
        return False
    if item.level == Level.PUBLIC:
        return True
    if viewer.grants:
        ct = ContentType.objects.get_for_model(type(item))
        if (ct.pk, item.pk) in viewer.grants:
            return True
    if not viewer.is_authenticated:
        return False
    if item.level == Level.MEMBERS:
        return item.group_id in viewer.member_groups
    if item.level == Level.CORE:
        return item.group_id in viewer.core_groups
    if item.level == Level.RESTRICTED:
        people = {p.pk for p in item.restricted_people.all()}
        orgs = {o.pk for o in item.restricted_organisations.all()}
        return viewer.person_id in people or bool(orgs & viewer.org_ids)
    return False


def can_edit(item: Protected, viewer: Viewer) -> bool:
    return viewer.edits(item.group_id)


def get_item_for_user(request: HttpRequest, queryset: QuerySet | type[Model], pk,
                      write: bool = False):
    """The item if the request may see it (and edit it, with ``write``); else 404 or 403."""
    if isinstance(queryset, type):
        queryset = queryset._default_manager.all()
    viewer = viewer_for(request)
    item = visible(queryset, viewer).filter(pk=pk).first()
    if item is None:
        raise Http404
    if write and not can_edit(item, viewer):
        raise PermissionDenied
    return item


def require_group_editor(request: HttpRequest, group) -> Viewer:
    """Chair, vice-chair or secretariat of the group, or raise 403 (404 to strangers)."""
    viewer = viewer_for(request)
    if viewer.edits(group.pk):
        return viewer
    if viewer.sees_members_level(group.pk):
        raise PermissionDenied
    raise Http404


def require_editor(request: HttpRequest) -> Viewer:
    """The chair or secretariat of some group (for shared records: organisations, people)."""
    viewer = viewer_for(request)
    if not viewer.is_editor:
        raise Http404
    return viewer


def can_edit_indicators(viewer: Viewer) -> bool:
    """Indicators are public statistics shared by every group; importing and flagging them is
    the work of a secretariat (S4)."""
    return viewer.is_superuser or "secretariat" in viewer.standings.values()


def require_indicator_editor(request: HttpRequest) -> Viewer:
    """A secretariat member (see `can_edit_indicators`), or 403 to other editors, 404 to others."""
    viewer = viewer_for(request)
    if can_edit_indicators(viewer):
        return viewer
    if viewer.is_editor:
        raise PermissionDenied
    raise Http404


def require_member(request: HttpRequest, group) -> Viewer:
    """Anyone who sees the group's members-level items, or 404."""
    viewer = viewer_for(request)
    if not viewer.sees_members_level(group.pk):
        raise Http404
    return viewer


def audience(item: Protected) -> str:
    """Who can see this item, in words, for the item's page."""
    group = item.group
    if item.level == Level.PUBLIC:
        return _("Everyone: this item is public.")
    if item.level == Level.MEMBERS:
        return _("Representatives of the member, observer and consultative organisations of "
                 "%(group)s, and its chair and secretariat.") % {"group": group}
    if item.level == Level.CORE:
        return _("Representatives of the member organisations of %(group)s only (not observers "
                 "or consultative participants), and its chair and secretariat.") % {"group": group}
    named = [o.short for o in item.restricted_organisations.all()]
    named += [p.name for p in item.restricted_people.all()]
    return _("Restricted to: %(names)s; and the chair and secretariat of %(group)s.") % {
        "names": ", ".join(named) or _("nobody named"), "group": group}


def grant_item(request: HttpRequest, item: Model) -> None:
    """Let this browser session read one item (an emailed item invitation)."""
    ct = ContentType.objects.get_for_model(type(item))
    grants = [tuple(g) for g in request.session.get(SESSION_GRANTS_KEY, [])]
    if (ct.pk, item.pk) not in grants:
        grants.append((ct.pk, item.pk))
    request.session[SESSION_GRANTS_KEY] = grants
    request.__dict__.pop("_talanoa_viewer", None)


def can_author(item: Protected, viewer: Viewer) -> bool:
    """May change the item's text: the group's editors, or a representative of the item's lead
    organisation (a paper's authors) who sees the group's members-level items."""
    if viewer.edits(item.group_id):
        return True
    lead = getattr(item, "lead_organisation_id", None)
    return (lead is not None and lead in viewer.org_ids
            and viewer.sees_members_level(item.group_id) and can_view(item, viewer))


# --- Tasks (tasks.Task) --------------------------------------------------------------------------
# A task is visible to whoever may see the item it is about; a task about no item is for the
# group's members (who see its members-level items); the group's editors see all its tasks.
# The items a task may be about are `tasks.Task.LINKS`: each name is a foreign key to a Protected
# model, and the rule below asks `visible()` of that model, one correlated EXISTS per link. A new
# link (a plan item, an advisory request) is one foreign key on Task and one name in LINKS: this
# rule, the register's "about" filter and the task page follow from the table.


_task_model: type[Model] | None = None


def register_task_model(model: type[Model]) -> None:
    """The app that holds tasks registers their model (with its LINKS) here, so the policy
    imports no app."""
    global _task_model
    _task_model = model


def _tasks() -> type[Model]:
    if _task_model is None:
        raise RuntimeError("No task model is registered (the tasks app registers it).")
    return _task_model


def task_links() -> list[tuple[str, type[Protected]]]:
    """(field name, model) of every kind of item a task may be about."""
    task = _tasks()
    return [(name, task._meta.get_field(name).related_model) for name in task.LINKS]


def visible_tasks_q(viewer: Viewer) -> Q:
    """A filter selecting the tasks the viewer may see."""
    return _kept_filter("tasks", _tasks(), viewer, lambda: _build_visible_tasks_q(viewer))


def _build_visible_tasks_q(viewer: Viewer) -> Q:
    if viewer.is_superuser:
        return Q()
    about_nothing = Q()
    q = Q()
    for name, model in task_links():
        about_nothing &= Q(**{f"{name}__isnull": True})
        # Correlated EXISTS, not IN: a few tasks found by their own index are each checked by
        # the item's primary key, instead of gathering every item the viewer may see.
        q |= Q(Exists(visible(model._default_manager.filter(pk=OuterRef(f"{name}_id")),
                              viewer)))
    if viewer.member_groups:
        q |= about_nothing & Q(group_id__in=viewer.member_groups)
    if viewer.editor_groups:
        q |= Q(group_id__in=viewer.editor_groups)
    return q


def visible_tasks(queryset: QuerySet, viewer: Viewer) -> QuerySet:
    """The tasks of `queryset` the viewer may see (one SQL filter)."""
    return queryset.filter(visible_tasks_q(viewer))


def can_view_task(task, viewer: Viewer) -> bool:
    """The same rule for one task (a query per link only if the task has one)."""
    if viewer.is_superuser or task.group_id in viewer.editor_groups:
        return True
    item = task.linked_item
    if item is None:
        return task.group_id in viewer.member_groups
    return can_view(item, viewer)


def owns_task(task, viewer: Viewer) -> bool:
    """The task's owner: its person, or a current representative of its organisation."""
    return ((viewer.person_id is not None and task.owner_person_id == viewer.person_id)
            or task.owner_organisation_id in viewer.org_ids)


def can_change_task(task, viewer: Viewer) -> bool:
    """May move the task's status (the viewer already sees it): its owner or the group's
    editors."""
    return viewer.edits(task.group_id) or owns_task(task, viewer)
