"""Demo data of the work programme (called by `manage.py demo_data`): every view has something
to show, at every dissemination level where the view has levels. Idempotent."""

from __future__ import annotations


def load(group, people: dict) -> None:
    """`people`: the demo accounts' Person rows by email (see members demo_data)."""
    plan(group, people)
    tasks(group, people)
    advisory(group, people)
    engagement(group, people)
    directory(group, people)


# --- Work plan --------------------------------------------------------------------------------
def plan(group, people: dict) -> None:
    pass


# --- Tasks ------------------------------------------------------------------------------------
def tasks(group, people: dict) -> None:
    pass


# --- Advisory requests ------------------------------------------------------------------------
def advisory(group, people: dict) -> None:
    pass


# --- Engagement -------------------------------------------------------------------------------
def engagement(group, people: dict) -> None:
    pass


# --- Directory and "take part" ----------------------------------------------------------------
def directory(group, people: dict) -> None:
    pass
