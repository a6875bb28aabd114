"""The checklist points Talanoa answers itself, from a report's compiled data.

A `ChecklistItem` whose `automatic` is one of these keys is checked here, never ticked by a
person. Each check is a function of (report, data), where data is what
`reports.annual.compile_annual` froze: the answer is the record as it stood at compilation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Where the report's paper has been through member review (cleared or later).
REVIEWED = ("cleared", "submitted", "decided", "published")
SUBMITTED = ("submitted", "decided", "published")


@dataclass(frozen=True)
class Check:
    label: Promise
    test: Callable[[object, dict], bool]

    def __call__(self, report, data: dict) -> bool:
        return bool(self.test(report, data))


def _objectives(data: dict) -> list[dict]:
    return data.get("objectives", [])


def _assessed(data: dict, field: str) -> bool:
    objectives = _objectives(data)
    return bool(objectives) and all(
        (o.get("assessment") or {}).get(f"{field}_en") or (o.get("assessment") or {}).get(
            f"{field}_fr") for o in objectives)


def _paper(data: dict) -> dict:
    return data.get("paper") or {}


AUTOMATIC: dict[str, Check] = {
    "plan_linked": Check(
        _("Every objective has work plan items for the period"),
        lambda report, data: bool(_objectives(data)) and all(
            o["planned"]["count"] > 0 for o in _objectives(data))),
    "tasks_recorded": Check(
        _("Tasks were recorded in the period"),
        lambda report, data: data["totals"]["tasks_recorded"] > 0),
    "no_overdue": Check(
        _("No task was overdue at the end of the period"),
        lambda report, data: data["totals"]["tasks_overdue"] == 0),
    "all_rated": Check(
        _("Every objective is rated"),
        lambda report, data: bool(_objectives(data)) and all(
            (o.get("assessment") or {}).get("rating") for o in _objectives(data))),
    "narratives_written": Check(
        _("Every objective has its outputs and outcomes written"),
        lambda report, data: _assessed(data, "outcomes")),
    "recommendations_written": Check(
        _("Every objective has its recommendations written"),
        lambda report, data: _assessed(data, "recommendations")),
    "report_reviewed": Check(
        _("The report has been through member review"),
        lambda report, data: _paper(data).get("status") in REVIEWED),
    "submitted": Check(
        _("The report has been submitted to CROP Executives"),
        lambda report, data: _paper(data).get("status") in SUBMITTED
        and bool(_paper(data).get("submitted_on"))),
}


def evaluate(key: str, report, data: dict) -> bool | None:
    """The check's answer, or None for a key Talanoa does not know (a person answers it)."""
    check = AUTOMATIC.get(key)
    return None if check is None else check(report, data)
