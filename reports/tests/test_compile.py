"""A compilation end to end, as the secretariat does it: queued from the report page, run by the
background worker with its progress on the page, then six files (EN/FR × HTML/PDF/DOCX), the
document on the page, and member review of the compiled PDFs on the report's paper."""

import datetime
import io

import pytest
from django.urls import reverse

from papers.models import Paper
from reports import operations
from reports.models import Report, ReportRun

pytestmark = pytest.mark.django_db


@pytest.fixture
def ict_report(people, group):
    return operations.create_report(Report(
        group=group, kind=Report.Kind.ICT, level=Report.Level.MEMBERS,
        title_en="ICT development 2019–2023 (test)", title_fr="Les TIC 2019-2023 (test)",
        period_start=datetime.date(2019, 1, 1), period_end=datetime.date(2023, 12, 31),
        narrative_en="Mobile **grew**."), people["secretariat"])


def test_a_report_compiles_in_the_worker_with_its_progress_shown(
        client_for, ict_report, run_worker, django_capture_on_commit_callbacks):
    secretariat = client_for("secretariat")
    url = ict_report.get_absolute_url()
    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat.post(reverse("reports:compile", args=[ict_report.pk]))
        assert response.status_code == 302
        secretariat.post(reverse("reports:compile", args=[ict_report.pk]))  # a double click
    run = ict_report.runs.get()  # compiled once
    page = secretariat.get(url).text
    assert "Waiting for the background worker." in page
    assert '<meta http-equiv="refresh" content="3">' in page
    assert "<progress" in page

    run_worker()
    run.refresh_from_db()
    assert run.status == ReportRun.Status.DONE, run.error
    assert run.steps_done == run.steps_total > 6
    assert {(f.language, f.format) for f in run.files.all()} == {
        (lang, fmt) for lang in ("en", "fr") for fmt in ("html", "pdf", "docx")}
    page = secretariat.get(url).text
    assert "http-equiv" not in page
    assert "Mobile <strong>grew</strong>" in secretariat.get(url, {"part": "narrative"}).text
    assert "Table of contents" in page
    # The page shows one part at a time, each within the first-view budget (charts apart).
    import gzip
    import re

    from bench.first_view import split_charts

    parts = sorted(set(re.findall(r'href="\?part=([\w-]+)', page)))
    assert "country-tables" in parts and len(parts) >= 7
    for part in parts:
        html = secretariat.get(url, {"part": part}).content
        assert f'id="{part}"'.encode() in html
        text, charts = split_charts(html)
        assert len(gzip.compress(text)) <= 14 * 1024, part
        assert all(len(gzip.compress(chart)) <= 10 * 1024 for chart in charts)
    tables = secretariat.get(url, {"part": "country-tables"}).text
    assert 'id="country-TON"' in tables and 'id="summary"' not in tables

    download = reverse("reports:run_file", args=[ict_report.pk, run.pk, "fr", "pdf"])
    answer = client_for("member").get(download)
    assert answer.status_code == 200 and answer["X-Content-Type-Options"] == "nosniff"
    assert answer["Content-Disposition"].startswith("attachment")
    assert b"".join(answer.streaming_content).startswith(b"%PDF")
    assert client_for("anonymous").get(download).status_code == 404
    assert client_for("outsider").get(download).status_code == 404

    import docx

    word = docx.Document(io.BytesIO(run.files.get(language="en", format="docx").file.read()))
    headings = [p.text for p in word.paragraphs if p.style.name == "Heading 1"]
    assert "Country tables" in headings

    # Member review of what was compiled: the PDFs become the paper's files.
    until = (datetime.date.today() + datetime.timedelta(days=10)).isoformat()
    response = secretariat.post(reverse("reports:to_review", args=[ict_report.pk]),
                                {"until": until})
    paper = Paper.objects.get(pk=ict_report.paper_id)
    assert response.status_code == 302 and response["Location"] == paper.get_absolute_url()
    assert paper.status == Paper.Status.REVIEW
    assert sorted(f.file_type for f in paper.files.all()) == ["pdf", "pdf"]
    # From clearance on, the report's text is what the group agreed.
    Paper.objects.filter(pk=paper.pk).update(status=Paper.Status.CLEARED)
    ict_report.refresh_from_db()
    with pytest.raises(operations.StepRefused):
        operations.save_report(ict_report, ict_report.version)


def test_a_failed_compilation_is_recorded_and_stores_nothing(ict_report, monkeypatch):
    from reports import export

    def broken(document):
        raise RuntimeError("no fonts")

    monkeypatch.setattr(export, "render_docx", broken)
    run = ReportRun.objects.create(report=ict_report)
    run = operations.run_report(run.pk)
    assert run.status == ReportRun.Status.FAILED and "no fonts" in run.error
    assert not run.files.exists()
    assert operations.run_report(run.pk) is None  # a failed run is not run again
