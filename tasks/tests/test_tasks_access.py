"""The task rule of the access policy: a task is seen by whoever may see the item it is about,
for each kind of link and each standing; a task about no item by the group's members; the
group's editors see every task of the group."""

import pytest
from django.utils import timezone

from talanoa.access import (
    LEVEL_AUDIENCE,
    STANDINGS,
    Level,
    build_viewer,
    can_view_task,
    visible_tasks,
)
from tasks.models import Task

pytestmark = pytest.mark.django_db


def _sees(task, user) -> tuple[bool, bool]:
    viewer = build_viewer(user)
    return (visible_tasks(Task.objects.filter(pk=task.pk), viewer).exists(),
            can_view_task(task, viewer))


@pytest.mark.parametrize("link", Task.LINKS)
@pytest.mark.parametrize("level", Level.values)
def test_a_task_is_seen_by_whoever_sees_its_item(people, add_task, demo_item, link, level):
    item = demo_item(link, level)
    assert item is not None, (link, level)
    task = add_task(f"About the {link}", about=item)
    assert getattr(task, link) == item and task.group_id == item.group_id
    for standing in STANDINGS:
        expected = standing in LEVEL_AUDIENCE[level]
        assert _sees(task, people.get(standing)) == (expected, expected), (link, level, standing)


def test_a_task_about_no_item_is_for_the_groups_members(people, add_task):
    task = add_task("Of the group")
    for standing in STANDINGS:
        expected = standing in LEVEL_AUDIENCE[Level.MEMBERS]
        assert _sees(task, people.get(standing)) == (expected, expected), standing


def test_the_owner_does_not_see_a_task_about_an_item_hidden_from_them(people, add_task,
                                                                     meeting_in):
    hidden = meeting_in(3, "restricted", "Planning (SPC only)")
    task = add_task("Mine but hidden", about=hidden)
    assert _sees(task, people["member"]) == (False, False)
    assert _sees(task, people["secretariat"]) == (True, True)


def test_editors_see_every_task_of_their_group_even_about_an_archived_item(people, add_task,
                                                                          meeting_in):
    meeting = meeting_in(3, "members")
    task = add_task("About a meeting archived later", about=meeting)
    meeting.archived_at = timezone.now()
    meeting.save(update_fields=["archived_at"])
    assert _sees(task, people["chair"]) == (True, True)
    assert _sees(task, people["member"]) == (False, False)


def test_the_rule_asks_every_link_of_the_table(people):
    """One EXISTS per link of Task.LINKS, on that model's own visibility (a new link in the
    table is a new clause, with no change to the policy)."""
    sql = str(visible_tasks(Task.objects.all(), build_viewer(people["member"])).query)
    for name in Task.LINKS:
        assert Task._meta.get_field(name).related_model._meta.db_table in sql, name
