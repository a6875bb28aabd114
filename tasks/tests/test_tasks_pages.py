"""The task pages: the task and its status form, my tasks, my organisation's tasks, the
register and a new task."""

import pytest
from django.urls import reverse

from members.models import Organisation
from tasks.models import Task

pytestmark = pytest.mark.django_db


def test_my_tasks_are_overdue_first_then_by_date_undated_last(client_for, add_task,
                                                                demo_item):
    public = demo_item("meeting", "public")
    add_task("Later", about=public, due_in=30)
    add_task("Undated", about=public)
    add_task("Overdue", about=public, due_in=-3)
    add_task("Fiji's, no one named", owner=None, due_in=5)
    add_task("A colleague's", owner=None, org_slug="usp", due_in=1)
    response = client_for("member").get(reverse("tasks:my_tasks"))
    titles = [t.title for t in response.context["open_tasks"]]
    mine = [t for t in titles if t in ("Later", "Undated", "Overdue", "Fiji's, no one named")]
    assert mine == ["Overdue", "Fiji's, no one named", "Later", "Undated"]
    assert "A colleague's" not in titles
    dates = [t.due_on for t in response.context["open_tasks"]]
    dated = [d for d in dates if d is not None]
    assert dated == sorted(dated) and dates[len(dated):] == [None] * (len(dates) - len(dated))


def test_my_organisations_tasks_are_every_task_of_fiji(client_for, add_task, people):
    add_task("Named to the member", due_in=2)
    add_task("Fiji's own", owner=None)
    add_task("USP's", owner="chair", org_slug="usp")
    response = client_for("member").get(reverse("tasks:organisation_tasks"))
    titles = [t.title for t in response.context["open_tasks"]]
    assert "Named to the member" in titles and "Fiji's own" in titles
    assert "USP's" not in titles
    assert all(t.owner_organisation.slug == "gov-fji" for t in response.context["open_tasks"])
    outsider = client_for("outsider").get(reverse("tasks:organisation_tasks"))
    assert outsider.status_code == 200 and not outsider.context["open_tasks"]


def test_the_register_lists_what_the_viewer_may_see_overdue_first(client_for, add_task,
                                                                   demo_item):
    done = add_task("Done long ago", about=demo_item("meeting", "public"), due_in=-40)
    Task.objects.filter(pk=done.pk).update(status=Task.Status.DONE)
    add_task("Overdue core", about=demo_item("paper", "core"), due_in=-1)
    add_task("Due soon", due_in=1)
    # By default the register shows what is still to do.
    default = [t.title for t in client_for("member").get(reverse("tasks:tasks")).context["tasks"]]
    assert "Overdue core" in default and "Done long ago" not in default
    member = client_for("member").get(reverse("tasks:tasks"), {"status": ""})  # "Any"
    tasks = member.context["tasks"]
    overdue = [t.is_overdue for t in tasks]
    assert overdue == sorted(overdue, reverse=True)  # every overdue task before the others
    titles = [t.title for t in tasks]
    assert titles.index("Overdue core") < titles.index("Done long ago")
    assert "Overdue core" not in [t.title for t in client_for("observer").get(
        reverse("tasks:tasks")).context["tasks"]]
    outsider = [t.title for t in client_for("outsider").get(
        reverse("tasks:tasks"), {"status": ""}).context["tasks"]]
    assert "Done long ago" in outsider and "Due soon" not in outsider


def test_the_register_filters(client_for, add_task, demo_item, org):
    add_task("About the decision", about=demo_item("decision", "members"), due_in=-2)
    add_task("Of the group", owner="chair", org_slug="usp", due_in=3)
    client = client_for("secretariat")

    def titles(**query):
        return [t.title for t in client.get(reverse("tasks:tasks"), query).context["tasks"]]

    assert "About the decision" in titles(about="decision")
    assert "Of the group" not in titles(about="decision")
    assert "Of the group" in titles(about="none")
    assert all(t.decision_id for t in client.get(reverse("tasks:tasks"), {"about": "decision"})
               .context["tasks"])
    assert titles(owner="usp") and all(
        t.owner_organisation == org("usp") for t in client.get(
            reverse("tasks:tasks"), {"owner": "usp"}).context["tasks"])
    overdue = client.get(reverse("tasks:tasks"), {"overdue": "on"}).context["tasks"]
    assert overdue and all(t.is_overdue for t in overdue)
    assert "About the decision" in titles(status="open")
    assert "About the decision" not in titles(status="done")
    assert client.get(reverse("tasks:tasks"), {"status": "bogus", "after": "x.y"}
                      ).status_code == 200


def test_the_register_pages_forward(client_for, add_task):
    for i in range(35):
        add_task(f"Paged {i:02}", due_in=i - 20)
    client = client_for("secretariat")
    first = client.get(reverse("tasks:tasks"), {"about": "none"})
    assert len(first.context["tasks"]) == 30 and first.context["more"]
    second = client.get(reverse("tasks:tasks"), {"about": "none", "after": first.context["more"]})
    seen = [t.pk for t in first.context["tasks"]] + [t.pk for t in second.context["tasks"]]
    assert len(seen) == len(set(seen))
    assert {t.title for t in Task.objects.filter(pk__in=seen)} >= {
        f"Paged {i:02}" for i in range(35)}
    assert not second.context["more"]


def test_the_owner_changes_the_status_and_sees_the_history(client_for, add_task, demo_item):
    task = add_task("Send the study", about=demo_item("meeting", "members"))
    client = client_for("member")
    url = reverse("tasks:task", args=[task.pk])
    page = client.get(url)
    assert page.status_code == 200 and page.context["form"] is not None
    response = client.post(url, {"status": "in_progress", "reason": "Drafting",
                                 "back": "organisation"})
    assert response["Location"] == reverse("tasks:organisation_tasks")
    task.refresh_from_db()
    assert task.status == "in_progress"
    assert "Drafting" in client.get(url).text


def test_a_reader_who_is_not_the_owner_sees_the_task_without_the_form(client_for, add_task):
    task = add_task("Of the group, Fiji's")
    url = reverse("tasks:task", args=[task.pk])
    page = client_for("observer").get(url)
    assert page.status_code == 200 and page.context["form"] is None
    assert client_for("observer").post(url, {"status": "done"}).status_code == 403
    assert client_for("outsider").get(url).status_code == 404
    task.refresh_from_db()
    assert task.status == "open"


def test_an_editor_adds_a_task_about_an_item_by_its_address(client_for, demo_item, people):
    paper = demo_item("paper", "core")
    client = client_for("secretariat")
    form = client.get(reverse("tasks:task_new"), {"about": paper.get_absolute_url()})
    assert form.status_code == 200 and paper.get_absolute_url() in form.text
    response = client.post(reverse("tasks:task_new"), {
        "title": "Summarise the comments", "about": "http://example.org"
        + paper.get_absolute_url(), "owner_person": people["member"].person.pk,
        "owner_organisation": "", "due_on": "", "description": ""})
    task = Task.objects.get(title="Summarise the comments")
    assert response["Location"] == task.get_absolute_url()
    assert task.paper == paper and task.group_id == paper.group_id
    assert task.owner_organisation.slug == "gov-fji"
    assert task.transitions.get().to_status == "open"


def test_a_task_about_no_item_needs_a_group(client_for, group, org):
    client = client_for("chair")
    data = {"title": "Update the contact list", "owner_organisation": org("pita").pk,
            "owner_person": "", "about": "", "due_on": "", "description": ""}
    assert client.post(reverse("tasks:task_new"), data | {"group": ""}).status_code == 400
    assert not Task.objects.filter(title="Update the contact list").exists()
    response = client.post(reverse("tasks:task_new"), data | {"group": group.pk})
    assert response.status_code == 302
    task = Task.objects.get(title="Update the contact list")
    assert task.linked_item is None and task.group == group


@pytest.mark.parametrize("address", ["/posts/1/", "/nowhere/", "not an address"])
def test_an_address_that_is_not_a_task_item_is_refused(client_for, address):
    response = client_for("chair").post(reverse("tasks:task_new"), {
        "title": "Linked to something odd", "about": address,
        "owner_organisation": Organisation.objects.get(slug="usp").pk})
    assert response.status_code == 400
    assert not Task.objects.filter(title="Linked to something odd").exists()


def test_members_cannot_add_tasks(client_for):
    assert client_for("member").get(reverse("tasks:task_new")).status_code == 404
    assert client_for("member").post(reverse("tasks:task_new"), {"title": "x"}).status_code == 404


def test_with_many_organisations_the_owner_filter_is_typed_not_listed(client_for, add_task,
                                                                      monkeypatch):
    from tasks.forms import TaskFilterForm

    add_task("Fiji's", owner=None, due_in=3)
    add_task("USP's", owner=None, org_slug="usp", due_in=4)
    client = client_for("secretariat")
    listed = client.get(reverse("tasks:tasks"))
    assert b'<select name="owner"' in listed.content

    monkeypatch.setattr(TaskFilterForm, "OWNER_LIST_MAX", 2)
    typed = client.get(reverse("tasks:tasks"))
    assert b'<select name="owner"' not in typed.content
    assert b'<input type="text" name="owner"' in typed.content
    titles = [t.title for t in client.get(reverse("tasks:tasks"), {"owner": "usp"})
              .context["tasks"]]
    assert "USP's" in titles and "Fiji's" not in titles
    # An unknown name filters nothing and is no error.
    anything = client.get(reverse("tasks:tasks"), {"owner": "No such organisation"})
    assert anything.status_code == 200
    assert {"USP's", "Fiji's"} <= {t.title for t in anything.context["tasks"]}
