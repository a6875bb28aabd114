"""What is findable: the registry of searchable models, which each app fills for its own models
(in its ``AppConfig.ready()``) and the search index (`portal.search`) reads. It lives in the
core so that an app says what of it is findable without importing the index above it; the
index follows the registered models' saves and deletes through `talanoa.events`. How to
register, and what `document` and `visible` must do: `portal.search`'s documentation.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save

from talanoa import access, events
from talanoa.lib.models import Protected


@dataclass(frozen=True)
class SearchDocument:
    title: str
    text: str = ""
    date: datetime.datetime | datetime.date | None = None
    title_fr: str = ""


Document = Callable[[models.Model], SearchDocument | None]
Visible = Callable[[access.Viewer], QuerySet]


@dataclass(frozen=True)
class Searchable:
    model: type[models.Model]
    document: Document
    visible: Visible
    kind_label: str

    @property
    def key(self) -> str:
        """The kind in addresses (`?kind=paper`)."""
        return self.model._meta.model_name

    @property
    def content_type(self) -> ContentType:
        return ContentType.objects.get_for_model(self.model)


_registry: dict[type[models.Model], Searchable] = {}


def _live(model: type[models.Model]) -> QuerySet:
    manager = model._default_manager
    return manager.filter(archived_at__isnull=True) if hasattr(model, "archived_at") else (
        manager.all())


def public(model: type[models.Model]) -> Visible:
    """`visible` for a public record that is not a `Protected` item (organisations, groups):
    everyone finds its live rows."""
    return lambda viewer: _live(model)


def register(model: type[models.Model], *, document: Document, visible: Visible | None = None,
             kind_label: str | None = None) -> Searchable:
    """Make `model` findable (call from its app's ``AppConfig.ready()``); see the module's doc."""
    if visible is None:
        if not issubclass(model, Protected):
            # No silent default: a model outside the policy says who finds it, e.g. public().
            raise TypeError(f"{model.__name__} is not a Protected item: pass visible=")
        visible = lambda viewer: access.visible(_live(model), viewer)  # noqa: E731
    entry = Searchable(model=model, document=document, visible=visible,
                       kind_label=kind_label or model._meta.verbose_name_plural)
    clash = [s for m, s in _registry.items() if s.key == entry.key and m is not model]
    if clash:
        raise ValueError(f"Two searchable models named {entry.key}")
    _registry[model] = entry
    uid = f"talanoa.searchable:{model._meta.label_lower}"
    post_save.connect(_saved, sender=model, dispatch_uid=uid, weak=False)
    post_delete.connect(_deleted, sender=model, dispatch_uid=uid, weak=False)
    return entry


def registered() -> list[Searchable]:
    return list(_registry.values())


def lookup(model: type[models.Model]) -> Searchable | None:
    return _registry.get(model)


def changed(instances: list[models.Model]) -> None:
    """What search finds of these rows (of registered models) changed: the index catches up."""
    if instances:
        events.search_text_changed.send(sender=type(instances[0]), instances=instances)


def _saved(sender, instance, raw=False, **kwargs) -> None:
    if not raw:  # fixtures: loaddata, then rebuild_search_index
        changed([instance])


def _deleted(sender, instance, **kwargs) -> None:
    events.search_entry_removed.send(sender=sender, instance=instance)
