"""What the item endpoints (meetings, papers, decisions, proposals) share: one item the caller
may see, and the small schemas several of them answer with.

The rule is `talanoa.access.visible()`, as on the pages: the API asks it with the token owner's
viewer (`api.service.viewer`), never with the session's.
"""

from __future__ import annotations

import datetime
import re
from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import Http404
from ninja import Schema
from pydantic import BeforeValidator

from talanoa.access import Viewer, visible


def visible_or_404(queryset: QuerySet, viewer: Viewer, pk: int):
    """The item if the viewer may see it, else 404 (its existence does not leak): what
    `talanoa.access.get_item_for_user` does for a page, for a viewer the API computed."""
    item = visible(queryset, viewer).filter(pk=pk).first()
    if item is None:
        raise Http404
    return item


def _iso_day(value: Any) -> Any:
    """Only "YYYY-MM-DD", as the document says (pydantic alone would read "0" as 1970-01-01)."""
    if isinstance(value, datetime.date) or (
            isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value)):
        return value
    raise ValueError("a day as YYYY-MM-DD")


Day = Annotated[datetime.date, BeforeValidator(_iso_day)]


class TagOut(Schema):
    kind: str
    code: str
    name_en: str
    name_fr: str


def absolute(context, path: str) -> str:
    return context["request"].build_absolute_uri(path)


class LinkedOut(Schema):
    """Fills a schema's `url` with the absolute address of the object's page."""

    @staticmethod
    def resolve_url(obj, context) -> str:
        return absolute(context, obj.get_absolute_url())


class GroupItemOut(LinkedOut):
    """Also fills `group` with the slug of the item's group."""

    @staticmethod
    def resolve_group(item) -> str:
        return item.group.slug


class TaggedItemOut(GroupItemOut):
    """Also fills `tags` with the item's tags."""

    @staticmethod
    def resolve_tags(item) -> list:
        return list(item.tags.all())

