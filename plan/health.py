"""The work plan's health, computed from the milestones' dates, never typed in (S2, S6).

Pure functions over items already loaded: a whole tree is computed from one query of its items.

- A milestone is done if it has a done date; late if its due date has passed and it is not
  done; at risk if it is due within `AT_RISK_DAYS` and not done; else on track.
- An outcome, activity or initiative takes its health from every milestone below it: any late
  makes it late; else any at risk makes it at risk; else all done (at least one) makes it done;
  else it is on track. An item with no milestone below it uses its own dates the same way.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _

# A milestone not done and due within this many days is at risk.
AT_RISK_DAYS = 30


class Health(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    LATE = "late", _("Late")
    DONE = "done", _("Done")


def dates_health(due_on: datetime.date | None, done_on: datetime.date | None,
                 today: datetime.date) -> Health:
    """One milestone's health (or an item's own, when it has no milestone below it)."""
    if done_on is not None:
        return Health.DONE
    if due_on is not None and due_on < today:
        return Health.LATE
    if due_on is not None and due_on <= today + datetime.timedelta(days=AT_RISK_DAYS):
        return Health.AT_RISK
    return Health.ON_TRACK


def combined(healths: Iterable[Health]) -> Health:
    """The health of an item from its milestones' healths (which must not be empty)."""
    healths = list(healths)
    if Health.LATE in healths:
        return Health.LATE
    if Health.AT_RISK in healths:
        return Health.AT_RISK
    if healths and all(h == Health.DONE for h in healths):
        return Health.DONE
    return Health.ON_TRACK


@dataclass
class Node:
    """An item in its tree, with its computed health and the milestones that explain it."""

    item: object
    children: list[Node] = field(default_factory=list)
    health: Health = Health.ON_TRACK
    milestones: list = field(default_factory=list)  # every milestone below it (or itself)
    depth: int = 0

    @property
    def late(self) -> list:
        return [m for m in self.milestones if m.health == Health.LATE]

    @property
    def at_risk(self) -> list:
        return [m for m in self.milestones if m.health == Health.AT_RISK]

    def walk(self):
        """This node and every node below it, depth first, in order."""
        yield self
        for child in self.children:
            yield from child.walk()


def build_forest(items: Iterable, today: datetime.date) -> dict[int, Node]:
    """Nodes of `items` (PlanItem-like: pk, parent_id, kind, due_on, done_on) by pk, each with
    its health. An item whose parent is not among `items` is a root of its own."""
    nodes = {item.pk: Node(item) for item in items}
    roots = []
    for node in nodes.values():
        parent = nodes.get(node.item.parent_id)
        if parent is None:
            roots.append(node)
        else:
            parent.children.append(node)
    for root in roots:
        _compute(root, today, 0)
    return nodes


def _compute(node: Node, today: datetime.date, depth: int) -> None:
    node.depth = depth
    item = node.item
    node.health = dates_health(item.due_on, item.done_on, today)
    for child in node.children:
        _compute(child, today, depth + 1)
    below = [m for child in node.children for m in child.milestones]
    if item.kind == "milestone":
        node.milestones = [node]  # a milestone has nothing below it: its own dates
    elif below:
        node.milestones = below
        node.health = combined(m.health for m in below)
    # else: an item with no milestone below it keeps the health of its own dates


def roots_of(nodes: dict[int, Node]) -> list[Node]:
    return [n for n in nodes.values() if n.item.parent_id not in nodes]
