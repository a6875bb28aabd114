"""The work plan's pages: the index and its filters, an item's tree, creating, editing with
conflicts, marking done, archiving; and what a reader may not see."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import Objective, Organisation
from papers.models import Tag
from plan.health import Health
from plan.models import PlanItem
from tasks.models import Task

pytestmark = pytest.mark.django_db
DEMO = "[public] Pacific digital resilience programme (demo)"


def _titles(rows) -> set[str]:
    return {n.item.title_en for n in rows}


def test_the_index_lists_initiatives_with_their_computed_status(client_for, initiative):
    response = client_for("anonymous").get(reverse("plan:plan"))
    rows = response.context["rows"]
    assert _titles(rows) >= {initiative.title_en, DEMO}
    assert all(n.item.kind == "initiative" for n in rows)
    # the demo's landing station audit is 10 days late
    assert next(n for n in rows if n.item.title_en == DEMO).health == Health.LATE
    assert "Late" in response.text and initiative.title_en in response.text


def test_the_index_filters_by_objective_and_status(client_for, initiative):
    client = client_for("anonymous")
    s8 = client.get(reverse("plan:plan") + "?objective=S8").context["rows"]
    assert _titles(s8) == {"Trusted and secure cyberspace"}
    late = client.get(reverse("plan:plan") + "?status=late").context["rows"]
    assert _titles(late) == {DEMO}
    done = client.get(reverse("plan:plan") + "?objective=S4&status=done").context["rows"]
    assert "Regional inventory of submarine cables and landing stations" in _titles(done)
    assert all(n.health == Health.DONE for n in done)
    # an unknown value is ignored, not an error
    assert client.get(reverse("plan:plan") + "?status=nonsense&objective=Z9").status_code == 200


def test_the_index_filters_by_area_and_country(client_for):
    client = client_for("anonymous")
    rows = client.get(reverse("plan:plan") + "?area=cybersecurity&country=FJI").context["rows"]
    assert _titles(rows) == {
        "[public] Secure and resilient networks in Fiji (demo)",
        "[public] Cable landing station security review (demo)",
        "[public] Incident response training for Fiji (demo)",
        "[public] Landing station audit report (demo)",
        "[public] First national incident response exercise (demo)"}


def test_an_item_page_shows_its_tree_statuses_and_why(client_for, initiative):
    demo = PlanItem.objects.get(title_en=DEMO)
    response = client_for("anonymous").get(demo.get_absolute_url())
    node = response.context["node"]
    assert node.health == Health.LATE
    assert [m.item.title_en for m in node.late] == ["[public] Landing station audit report (demo)"]
    assert [m.item.title_en for m in node.at_risk] == [
        "[public] First national incident response exercise (demo)"]
    text = response.text
    assert "Late:" in text and "[public] Landing station audit report (demo)" in text
    assert "[members]" not in text and "[restricted]" not in text
    assert "Send the audit checklist" not in text  # the task is on the milestone's page
    milestone = PlanItem.objects.get(title_en="[public] Landing station audit report (demo)")
    page = client_for("anonymous").get(milestone.get_absolute_url()).text
    assert "[public] Send the audit checklist to the landing station operators (demo)" in page
    assert DEMO in page  # the way up
    assert "Ana Raikadroka" not in page  # names are for members
    assert "Ana Raikadroka" in client_for("member").get(milestone.get_absolute_url()).text


def test_the_seeded_initiative_shows_leads_partners_areas_and_objectives(client_for,
                                                                          initiative):
    text = client_for("anonymous").get(initiative.get_absolute_url()).text
    for expected in ("Pacific Islands Forum Secretariat", "SPC", "USP", "Connectivity",
                     'href="/groups/ict/#S2"', "Port Moresby", "Trusted and secure cyberspace",
                     "Regulatory resource centre established"):
        assert expected in text, expected


def test_members_see_more_of_the_tree(client_for):
    demo = PlanItem.objects.get(title_en=DEMO)
    below = client_for("member").get(demo.get_absolute_url()).context["below"]
    titles = {n.item.title_en for n in below}
    assert "[members] Joint tender published (demo)" in titles
    assert "[core] Protocol agreed by member organisations (demo)" in titles
    assert not any(t.startswith("[restricted]") for t in titles)
    below = client_for("chair").get(demo.get_absolute_url()).context["below"]
    assert any(n.item.title_en.startswith("[restricted]") for n in below)


@pytest.mark.parametrize(("standing", "code"), [("anonymous", 404), ("outsider", 404),
                                                ("member", 404), ("chair", 200)])
def test_a_restricted_item_is_a_404_to_who_may_not_see_it(client_for, standing, code):
    item = PlanItem.objects.get(title_en__startswith="[restricted] Emergency")
    assert client_for(standing).get(item.get_absolute_url()).status_code == code


def _form_data(item=None, **changes) -> dict:
    spc = Organisation.objects.get(slug="spc")
    data = {"group": item.group_id if item else 1, "kind": item.kind if item else "initiative",
            "parent": item.parent_id or "" if item else "", "level": item.level if item
            else "public", "title_en": item.title_en if item else "New initiative",
            "title_fr": "", "description_en": "", "description_fr": "",
            "lead_organisation": item.lead_organisation_id if item else spc.pk,
            "owner_person": "", "starts_on": "", "due_on": "", "order": 0,
            "expected_version": item.version if item else ""}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_an_editor_adds_a_part_from_its_parent(client_for, initiative, group, people):
    client = client_for("secretariat")
    outcome = PlanItem.objects.get(title_en="Digital skills and capacity")
    form = client.get(reverse("plan:plan_item_new") + f"?parent={outcome.pk}").context["form"]
    assert form.initial["kind"] == "activity" and form.initial["parent"] == outcome.pk
    due = timezone.localdate() + datetime.timedelta(days=10)
    skills = Tag.objects.get(kind="area", code="skills")
    data = _form_data(None, group=group.pk, kind="milestone", parent=outcome.pk,
                      title_en="Trainers trained", due_on=due.isoformat(),
                      areas=[skills.pk],
                      objectives=[Objective.objects.get(group=group, code="S5").pk])
    response = client.post(reverse("plan:plan_item_new"), data)
    assert response.status_code == 302, response.context["form"].errors
    item = PlanItem.objects.get(title_en="Trainers trained")
    assert item.initiative_id == initiative.pk and item.created_by == people["secretariat"]
    assert list(item.areas.all()) == [skills]
    node = client.get(outcome.get_absolute_url()).context["node"]
    assert node.health == Health.AT_RISK  # due in 10 days


@pytest.mark.parametrize(("changes", "field"), [
    ({"kind": "outcome", "parent": ""}, "parent"),          # only initiatives stand alone
    ({"kind": "initiative"}, "parent"),                      # an initiative has no parent
    ({"kind": "outcome"}, "parent"),                         # an outcome under a milestone
    ({"level": "public", "parent_level": "members"}, "level"),  # not wider than its parent
    ({"title_en": ""}, "__all__"),
    ({"due_on": "2020-01-01", "starts_on": "2021-01-01"}, "due_on"),
])
def test_the_form_refuses_a_broken_tree(client_for, group, changes, field):
    milestone = PlanItem.objects.get(title_en="[members] Joint tender published (demo)")
    changes = dict(changes)
    parent_level = changes.pop("parent_level", None)
    parent = milestone if "kind" in changes else milestone.parent
    if parent_level:
        assert parent.level == parent_level
    data = _form_data(None, group=group.pk, kind=changes.pop("kind", "milestone"),
                      parent=parent.pk, title_en="Broken")
    data.update(changes)
    response = client_for("secretariat").post(reverse("plan:plan_item_new"), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not PlanItem.objects.filter(title_en__in=["Broken", ""], parent=parent).exists()


def test_the_second_of_two_concurrent_edits_gets_a_conflict_page(client_for):
    item = PlanItem.objects.get(title_en="[members] Shared purchase of international "
                                         "bandwidth (demo)")
    url = reverse("plan:plan_item_edit", args=[item.pk])
    first, second = client_for("chair"), client_for("secretariat")
    assert first.get(url).status_code == 200
    mine = _form_data(item, description_en="The chair's text.")
    theirs = _form_data(item, description_en="The secretariat's text.")
    assert first.post(url, mine).status_code == 302
    response = second.post(url, theirs)
    assert response.status_code == 409
    assert "The chair&#x27;s text." in response.text
    item.refresh_from_db()
    assert item.description_en == "The chair's text." and item.version == 2
    again = _form_data(item, description_en="Merged.")
    assert second.post(url, again).status_code == 302
    item.refresh_from_db()
    assert item.description_en == "Merged." and item.version == 3


@pytest.mark.parametrize(("standing", "code"), [("member", 403), ("observer", 403),
                                                ("outsider", 404), ("anonymous", 302)])
def test_others_cannot_edit_or_step(client_for, standing, code):
    item = PlanItem.objects.get(title_en="[members] Joint tender published (demo)")
    client = client_for(standing)
    assert client.get(reverse("plan:plan_item_edit", args=[item.pk])).status_code == code
    response = client.post(reverse("plan:plan_item_step", args=[item.pk]),
                           {"action": "done", "expected_version": item.version})
    assert response.status_code == code
    item.refresh_from_db()
    assert item.done_on is None


def test_marking_the_late_milestone_done_puts_the_tree_back_on_track(client_for):
    milestone = PlanItem.objects.get(title_en="[public] Landing station audit report (demo)")
    demo = PlanItem.objects.get(title_en=DEMO)
    client = client_for("secretariat")
    url = reverse("plan:plan_item_step", args=[milestone.pk])
    assert client.post(url, {"action": "done", "expected_version": milestone.version}
                       ).status_code == 302
    milestone.refresh_from_db()
    assert milestone.done_on == timezone.localdate() and milestone.version == 2
    assert client.get(demo.get_absolute_url()).context["node"].health == Health.AT_RISK
    # a stale form changes nothing
    client.post(url, {"action": "reopen", "expected_version": 1})
    milestone.refresh_from_db()
    assert milestone.done_on is not None
    client.post(url, {"action": "reopen", "expected_version": milestone.version})
    milestone.refresh_from_db()
    assert milestone.done_on is None
    assert client.get(demo.get_absolute_url()).context["node"].health == Health.LATE
    assert milestone.history.first().history_change_reason == "Reopened"


def test_archiving_takes_the_parts_along_and_restoring_brings_them_back(client_for):
    outcome = PlanItem.objects.get(title_en="[public] Secure and resilient networks in Fiji "
                                            "(demo)")
    client = client_for("chair")
    url = reverse("plan:plan_item_step", args=[outcome.pk])
    client.post(url, {"action": "archive", "expected_version": outcome.version})
    parts = PlanItem.objects.filter(initiative=outcome.initiative,
                                    title_en__contains="Fiji (demo)")
    assert parts.exists() and all(p.archived_at for p in parts)
    milestone = PlanItem.objects.get(title_en="[public] Landing station audit report (demo)")
    assert milestone.archived_at is not None
    assert client_for("anonymous").get(milestone.get_absolute_url()).status_code == 404
    anonymous = client_for("anonymous").get(reverse("plan:matrix")).context["matrix"]
    assert not anonymous.overlaps  # the Fiji overlap was in what was archived
    outcome.refresh_from_db()
    client.post(url, {"action": "restore", "expected_version": outcome.version})
    milestone.refresh_from_db()
    assert milestone.archived_at is None


def test_a_task_can_be_about_a_plan_item_and_only_one_item(group):
    from django.db import IntegrityError, transaction

    from meetings.models import Meeting

    item = PlanItem.objects.get(title_en=DEMO)
    task = Task.objects.create(plan_item=item, title="About the plan",
                               owner_organisation=Organisation.objects.get(slug="spc"))
    assert task.group_id == item.group_id and task.linked_item == item
    assert task in item.tasks.all()
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.create(plan_item=item, meeting=Meeting.objects.first(), title="Two",
                            owner_organisation=Organisation.objects.get(slug="spc"))


def test_the_starter_data_is_idempotent(group, initiative):
    from plan.seed import seed_regional_ict_initiative

    before = PlanItem.objects.count()
    initiative.title_fr = "Changed by the secretariat"
    initiative.save()
    seed_regional_ict_initiative(group)
    assert PlanItem.objects.count() == before
    initiative.refresh_from_db()
    assert initiative.title_fr == "Changed by the secretariat"
    assert PlanItem.objects.filter(initiative=initiative).count() >= 20


def test_the_secretariat_reads_an_items_history(client_for):
    item = PlanItem.objects.get(title_en=DEMO)
    url = reverse("history:object", args=["plan.planitem", item.pk])
    assert url in client_for("secretariat").get(item.get_absolute_url()).text
    assert client_for("secretariat").get(url).status_code == 200
    assert client_for("member").get(url).status_code in (403, 404)


def test_the_organisation_filter_names_the_organisation(client_for):
    response = client_for("anonymous").get(reverse("plan:plan") + "?organisation=australia")
    assert "Government of Australia" in response.text
    assert _titles(response.context["rows"]) == {
        # leads
        "[public] Incident response training for Fiji (demo)",
        "[public] First national incident response exercise (demo)",
        # partner
        "Trusted and secure cyberspace",
        "National computer emergency response teams and regional cooperation",
        "A response team or focal point in every member country"}


def test_an_item_with_parts_cannot_become_a_milestone(client_for):
    item = PlanItem.objects.get(title_en="[public] Cable landing station security review (demo)")
    url = reverse("plan:plan_item_edit", args=[item.pk])
    response = client_for("secretariat").post(url, _form_data(item, kind="milestone"))
    assert response.status_code == 400 and "Its parts must stay" in response.text
    item.refresh_from_db()
    assert item.kind == "activity" and item.version == 1


def test_moving_an_item_to_another_initiative_moves_its_parts(client_for, initiative):
    item = PlanItem.objects.get(title_en="[public] Cable landing station security review (demo)")
    outcome = PlanItem.objects.get(title_en="Trusted and secure cyberspace")
    url = reverse("plan:plan_item_edit", args=[item.pk])
    response = client_for("secretariat").post(url, _form_data(item, parent=outcome.pk))
    assert response.status_code == 302
    milestone = PlanItem.objects.get(title_en="[public] Landing station audit report (demo)")
    assert milestone.initiative_id == initiative.pk
    node = client_for("anonymous").get(initiative.get_absolute_url()).context["node"]
    assert node.health == Health.LATE  # the late milestone came along
