"""The annual assessment report (G6): compiled from the record, objective by objective.

Contract (reports.tasks calls these; reports.export renders the Document):
- `step_count(report) -> int`: how many times compile_annual will call `progress`.
- `compile_annual(report, progress) -> dict`: JSON-serialisable, frozen into ReportRun.data.
- `document(report, data, language) -> reports.document.Document`.
"""

from __future__ import annotations

from collections.abc import Callable

from reports.document import Document
from reports.models import Report

Progress = Callable[[str], None]


def step_count(report: Report) -> int:
    raise NotImplementedError


def compile_annual(report: Report, progress: Progress) -> dict:
    raise NotImplementedError


def document(report: Report, data: dict, language: str) -> Document:
    raise NotImplementedError
