import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings import operations
from members.models import Organisation
from tasks.lists import MY_TASKS_ON_HOME as MY_ACTIONS_ON_HOME
from tasks.models import Task

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _add(meeting, title, people, *, person=True, org=None, due_in=None):
    member = people["member"].person
    return operations.add_action(
        meeting, title, org or member.organisation, people["chair"],
        owner_person=member if person else None,
        due_on=TODAY + datetime.timedelta(days=due_in) if due_in is not None else None)


def test_my_actions_lists_mine_overdue_first(client_for, held_meeting, people):
    meeting = held_meeting()
    _add(meeting, "Later", people, due_in=30)
    _add(meeting, "Undated", people)
    _add(meeting, "Overdue", people, due_in=-3)
    _add(meeting, "Fiji's own", people, person=False, due_in=5)
    done = _add(meeting, "Finished", people, due_in=-10)
    operations.set_action_status(done, Task.Status.DONE, people["member"])
    _add(meeting, "Someone else's", people, person=False,
         org=Organisation.objects.get(slug="usp"), due_in=1)
    response = client_for("member").get(reverse("tasks:my_tasks"))
    ours = {"Overdue", "Fiji's own", "Later", "Undated", "Finished", "Someone else's"}
    assert [a.title for a in response.context["open_tasks"] if a.title in ours] == [
        "Overdue", "Fiji's own", "Later", "Undated"]
    assert [a.title for a in response.context["closed_tasks"] if a.title in ours] == [
        "Finished"]
    assert b"overdue since" in response.content


def test_the_member_home_shows_my_open_actions(client_for, held_meeting, people):
    meeting = held_meeting()
    _add(meeting, "Send the cable study", people, due_in=-1)
    home = client_for("member").get(reverse("portal:member_home"))
    assert b"Send the cable study" in home.content
    assert reverse("tasks:my_tasks").encode() in home.content
    assert b"Send the cable study" not in client_for("observer").get(
        reverse("portal:member_home")).content


def test_the_home_shows_a_limited_number(client_for, held_meeting, people):
    meeting = held_meeting()
    for i in range(MY_ACTIONS_ON_HOME + 5):
        _add(meeting, f"Action {i}", people, due_in=i - 10)
    home = client_for("member").get(reverse("portal:member_home"))
    assert len(home.context["my_actions"]) == MY_ACTIONS_ON_HOME
    assert home.context["more_actions"]
    assert home.context["my_actions"][0].title == "Action 0"


def test_actions_on_meetings_i_cannot_see_stay_hidden(client_for, held_meeting, people):
    jica = Organisation.objects.get(slug="jica")
    operations.add_action(held_meeting("core", "Members' caucus"), "Caucus follow-up", jica,
                          people["chair"], owner_person=people["observer"].person)
    for url in (reverse("tasks:my_tasks"), reverse("portal:member_home")):
        content = client_for("observer").get(url).content
        assert b"Caucus follow-up" not in content and b"caucus" not in content


def test_anonymous_is_sent_to_log_in(client_for):
    response = client_for("anonymous").get(reverse("tasks:my_tasks"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_old_addresses_lead_to_the_task_pages(client_for, held_meeting, people):
    action = _add(held_meeting(), "Send the cable study", people)
    client = client_for("member")
    response = client.get(f"/actions/{action.pk}/status/?back=home")
    assert response.status_code == 301
    assert response["Location"] == reverse("tasks:task", args=[action.pk]) + "?back=home"
    assert client.get("/actions/mine/")["Location"] == reverse("tasks:my_tasks")
