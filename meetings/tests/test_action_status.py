import pytest
from django.urls import reverse

from meetings import operations
from members.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def action(held_meeting, people):
    member = people["member"].person
    return operations.add_action(held_meeting(), "Send the study", member.organisation,
                                 people["chair"], owner_person=member)


def _status(action):
    return reverse("tasks:task", args=[action.pk])


def test_the_owner_updates_their_action(client_for, action):
    client = client_for("member")
    assert client.get(_status(action)).status_code == 200
    response = client.post(_status(action), {"status": "in_progress", "reason": "Drafting",
                                             "back": "mine"})
    assert response.status_code == 302
    assert response["Location"] == reverse("tasks:my_tasks")
    action.refresh_from_db()
    assert action.status == "in_progress"
    last = action.transitions.last()
    assert (last.from_status, last.to_status, last.reason, last.by.email) == (
        "open", "in_progress", "Drafting", "member@demo.talanoa.test")


def test_an_organisations_action_is_updated_by_its_representative(client_for, held_meeting,
                                                                   people):
    fiji = people["member"].person.organisation
    action = operations.add_action(held_meeting(), "For Fiji", fiji, people["chair"])
    assert client_for("member").post(_status(action), {"status": "done"}).status_code == 302
    action.refresh_from_db()
    assert action.status == "done"


def test_editors_update_any_action(client_for, action):
    assert client_for("secretariat").post(_status(action), {"status": "done"}
                                          ).status_code == 302
    action.refresh_from_db()
    assert action.status == "done"


@pytest.mark.parametrize(("standing", "code"), [("observer", 403), ("consultative", 403),
                                                 ("outsider", 403), ("anonymous", 302)])
def test_others_cannot_update_it(client_for, action, standing, code):
    assert client_for(standing).post(_status(action), {"status": "done"}).status_code == code
    action.refresh_from_db()
    assert action.status == "open"


def test_an_action_on_a_hidden_meeting_is_not_found(client_for, held_meeting, people):
    jica = Organisation.objects.get(slug="jica")
    action = operations.add_action(held_meeting("core"), "Core only", jica, people["chair"])
    assert client_for("observer").get(_status(action)).status_code == 404


def test_bad_input_changes_nothing(client_for, action):
    client = client_for("member")
    for data in ({"status": "finished"}, {"status": "open"}, {"status": "dropped"},
                 {"status": "dropped", "reason": "  "}):
        assert client.post(_status(action), data).status_code == 400, data
    action.refresh_from_db()
    assert action.status == "open" and action.transitions.count() == 1
