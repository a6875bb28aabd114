"""The report pages: creating a report (with its paper), editing with conflicts, the
self-assessment of an objective, the checklist, archiving and the list's access."""

import datetime

import pytest
from django.urls import reverse

from members.models import Objective
from papers.models import Paper
from reports.models import ChecklistItem, ChecklistTick, ObjectiveAssessment, RatingLevel, Report

pytestmark = pytest.mark.django_db


def _new(client, **changes):
    data = {"kind": "annual", "group": _group_pk(), "title_en": "", "title_fr": "",
            "period_start": "2026-01-01", "period_end": "2026-12-31", "level": "members",
            "summary_en": "The year in review.", "summary_fr": ""}
    data.update(changes)
    return client.post(reverse("reports:new"), data)


def _group_pk():
    from members.models import WorkingGroup

    return WorkingGroup.objects.get(slug="ict").pk


def test_the_secretariat_creates_a_report_which_starts_as_a_draft_paper(client_for):
    response = _new(client_for("secretariat"))
    report = Report.objects.latest("pk")
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    assert report.title_en == "Annual assessment report 2026"
    assert report.title_fr == "Rapport d’évaluation annuel 2026"
    paper = report.paper
    assert paper.status == Paper.Status.DRAFT and paper.kind.slug == "report"
    assert paper.level == "members" and paper.group_id == report.group_id
    assert paper.transitions.get().to_status == "draft"
    # The group has a rating scale and an assessment flow to work with.
    assert RatingLevel.objects.filter(group=report.group).count() == 4
    assert ChecklistItem.objects.filter(step__group=report.group, automatic="").exists()
    page = client_for("secretariat").get(report.get_absolute_url()).text
    assert "Not compiled yet." in page and paper.get_absolute_url() in page


def test_bad_input_changes_nothing_and_says_why(client_for):
    before = Report.objects.count(), Paper.objects.count()
    response = _new(client_for("secretariat"), period_start="2026-12-31",
                    period_end="2026-01-01")
    assert response.status_code == 400
    assert "The end of the period comes before its start." in response.text
    assert (Report.objects.count(), Paper.objects.count()) == before


def test_only_editors_create_reports(client_for):
    assert _new(client_for("member")).status_code in (403, 404)
    assert client_for("anonymous").get(reverse("reports:new")).status_code == 302


def test_the_list_shows_each_reader_what_they_may_see(client_for, group):
    members = Report.objects.create(group=group, kind="annual", level="members",
                                    title_en="Members-level report", period_start="2026-01-01",
                                    period_end="2026-12-31")
    public = Report.objects.create(group=group, kind="ict", level="public",
                                   title_en="Public ICT report", period_start="2020-01-01",
                                   period_end="2023-12-31")
    anonymous = client_for("anonymous").get(reverse("reports:index")).text
    member = client_for("member").get(reverse("reports:index")).text
    assert public.title_en in anonymous and members.title_en not in anonymous
    assert public.title_en in member and members.title_en in member
    assert client_for("anonymous").get(members.get_absolute_url()).status_code == 404


def _report(client_for):
    _new(client_for("secretariat"), title_en="Test assessment report")
    return Report.objects.latest("pk")


def test_an_edit_based_on_a_stale_page_is_a_visible_conflict(client_for):
    report = _report(client_for)
    url = reverse("reports:edit", args=[report.pk])
    form = {"title_en": report.title_en, "title_fr": report.title_fr,
            "period_start": "2026-01-01", "period_end": "2026-12-31", "level": "members",
            "summary_en": "Theirs", "summary_fr": "", "expected_version": report.version}
    assert client_for("chair").post(url, form).status_code == 302
    mine = client_for("secretariat").post(url, {**form, "summary_en": "Mine"})
    assert mine.status_code == 409 and "Theirs" in mine.text and "Mine" in mine.text
    report.refresh_from_db()
    assert report.summary_en == "Theirs" and report.version == 2
    # The paper follows the report's title and level.
    client_for("chair").post(url, {**form, "title_en": "Renamed", "level": "core",
                                   "expected_version": 2})
    report.paper.refresh_from_db()
    assert report.paper.title_en == "Renamed" and report.paper.level == "core"


def test_an_objective_is_assessed_and_two_first_saves_conflict(client_for):
    report = _report(client_for)
    url = reverse("reports:assess", args=[report.pk, "S4"])
    page = client_for("secretariat").get(url)
    assert page.status_code == 200 and "Compile the report" in page.text
    rating = RatingLevel.objects.get(group=report.group, slug="largely")
    form = {"rating": rating.pk, "outcomes_en": "Indicators published.", "outcomes_fr": "",
            "lessons_en": "", "lessons_fr": "", "recommendations_en": "",
            "recommendations_fr": "", "expected_version": ""}
    assert client_for("secretariat").post(url, form).status_code == 302
    second = client_for("chair").post(url, {**form, "outcomes_en": "Other text"})
    assert second.status_code == 409
    assessment = ObjectiveAssessment.objects.get(report=report, objective__code="S4")
    assert assessment.outcomes_en == "Indicators published." and assessment.rating == rating
    assert client_for("secretariat").get(
        reverse("reports:assess", args=[report.pk, "R1"])).status_code == 404
    assert client_for("member").get(url).status_code in (403, 404)


def test_a_checklist_point_is_ticked_by_hand_but_not_an_automatic_one(client_for):
    report = _report(client_for)
    manual = ChecklistItem.objects.filter(step__group=report.group, automatic="").first()
    automatic = ChecklistItem.objects.exclude(automatic="").filter(
        step__group=report.group).first()
    url = reverse("reports:checklist", args=[report.pk])
    client_for("secretariat").post(url, {"item": manual.pk, "done": "on", "note": "At the "
                                         "March meeting"})
    tick = ChecklistTick.objects.get(report=report, item=manual)
    assert tick.done and tick.note == "At the March meeting"
    client_for("secretariat").post(url, {"item": automatic.pk, "done": "on"})
    assert not ChecklistTick.objects.filter(report=report, item=automatic).exists()


def test_a_cleared_report_can_no_longer_change(client_for):
    report = _report(client_for)
    Paper.objects.filter(pk=report.paper_id).update(status=Paper.Status.CLEARED)
    response = client_for("secretariat").get(reverse("reports:edit", args=[report.pk]))
    assert response.status_code == 302
    objective = Objective.objects.get(group=report.group, code="G1")
    response = client_for("secretariat").post(
        reverse("reports:assess", args=[report.pk, objective.code]),
        {"outcomes_en": "Late change", "expected_version": ""})
    assert response.status_code == 302
    assert not ObjectiveAssessment.objects.filter(report=report).exists()


def test_a_report_is_archived_and_restored_not_deleted(client_for):
    report = _report(client_for)
    url = reverse("reports:archive", args=[report.pk])
    client_for("secretariat").post(url)
    report.refresh_from_db()
    assert report.is_archived
    assert report.title_en == "Test assessment report"
    assert report.title_en not in client_for("member").get(reverse("reports:index")).text
    client_for("secretariat").post(url, {"action": "restore"})
    report.refresh_from_db()
    assert not report.is_archived


def test_review_needs_a_compiled_report(client_for):
    report = _report(client_for)
    until = (datetime.date.today() + datetime.timedelta(days=14)).isoformat()
    client_for("secretariat").post(reverse("reports:to_review", args=[report.pk]),
                                   {"until": until})
    report.paper.refresh_from_db()
    assert report.paper.status == Paper.Status.DRAFT
