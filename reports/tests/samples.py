"""Reports for the URL access matrix: one at each dissemination level ("[level] …")."""

import datetime

from django.core.files.base import ContentFile

from members.models import WorkingGroup
from reports.models import Report, ReportFile, ReportRun


def sample_report(level: str) -> Report:
    report = Report.objects.filter(title_en__startswith=f"[{level}]").order_by("pk").first()
    if report is None:
        report = Report.objects.create(
            group=WorkingGroup.objects.get(slug="ict"), level=level, kind=Report.Kind.ANNUAL,
            title_en=f"[{level}] Annual assessment report 2026",
            title_fr=f"[{level}] Rapport d'évaluation annuel 2026",
            period_start=datetime.date(2026, 1, 1), period_end=datetime.date(2026, 12, 31))
    return report


def sample_report_file(report: Report) -> dict:
    """A finished compilation of the report with a PDF (bytes, not a real rendering)."""
    run = report.runs.filter(status=ReportRun.Status.DONE).first()
    if run is None:
        run = ReportRun.objects.create(report=report, status=ReportRun.Status.DONE)
        ReportFile.objects.create(run=run, language="en", format="pdf", size=9,
                                  file=ContentFile(b"%PDF-1.7\n", name="report.pdf"))
    return {"pk": report.pk, "run_pk": run.pk, "language": "en", "fmt": "pdf"}


def reports_sample(sample: str) -> dict:
    if sample == "report_members":
        return {"pk": sample_report("members").pk}
    if sample == "report_objective":
        return {"pk": sample_report("members").pk, "code": "G6"}
    if sample == "report_coverage":
        return {"slug": "ict", "year": 2026}
    if sample == "report_coverage_cell":
        return {"slug": "ict", "year": 2026, "code": "G1", "quarter": 1}
    raise KeyError(sample)
