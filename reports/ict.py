"""The regular report of ICT development (S11): indicators of the period, the Pacific against
Asia-Pacific and the world, a table per country, growth figures, charts and a narrative.

Contract (reports.tasks calls these; reports.export renders the Document):
- `step_count(report) -> int`: how many times compile_ict will call `progress`.
- `compile_ict(report, progress) -> dict`: JSON-serialisable, frozen into ReportRun.data.
- `document(report, data, language) -> reports.document.Document`.
"""

from __future__ import annotations

from collections.abc import Callable

from reports.document import Document
from reports.models import Report

Progress = Callable[[str], None]


def step_count(report: Report) -> int:
    raise NotImplementedError


def compile_ict(report: Report, progress: Progress) -> dict:
    raise NotImplementedError


def document(report: Report, data: dict, language: str) -> Document:
    raise NotImplementedError
