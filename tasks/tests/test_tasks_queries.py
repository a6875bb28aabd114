"""My tasks, my organisation's tasks and the register cost the same number of queries with ten
times more tasks (of every kind of link, overdue or not, visible or not)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import Organisation
from talanoa.tests.queries import count_queries
from tasks.models import Task, TaskTransition

pytestmark = pytest.mark.django_db


def _tasks(n: int, people, demo_item, group) -> None:
    owners = [(Organisation.objects.get(slug="gov-fji"), people["member"].person),
              (Organisation.objects.get(slug="gov-fji"), None),
              (Organisation.objects.get(slug="usp"), people["chair"].person)]
    abouts = [None] + [(link, demo_item(link, level)) for link in Task.LINKS
                       for level in ("public", "members", "core", "restricted")]
    today = timezone.localdate()
    tasks = Task.objects.bulk_create([Task(
        group=group, title=f"Bulk task {i}", owner_organisation=owners[i % 3][0],
        owner_person=owners[i % 3][1],
        due_on=None if i % 7 == 0 else today + datetime.timedelta(days=i % 40 - 20),
        status=Task.Status.DONE if i % 5 == 0 else Task.Status.OPEN,
        **({abouts[i % len(abouts)][0]: abouts[i % len(abouts)][1]}
           if abouts[i % len(abouts)] else {})) for i in range(n)])
    TaskTransition.objects.bulk_create([TaskTransition(task=t, to_status="open")
                                        for t in tasks])


@pytest.mark.parametrize("url", ["tasks:my_tasks", "tasks:organisation_tasks", "tasks:tasks",
                                 "portal:member_home"])
@pytest.mark.parametrize("standing", ["member", "secretariat", "observer"])
def test_task_lists_cost_the_same_with_ten_times_more_tasks(client_for, people, demo_item,
                                                            group, url, standing):
    _tasks(30, people, demo_item, group)
    client = client_for(standing)
    before = count_queries(client, reverse(url))
    _tasks(300, people, demo_item, group)
    assert count_queries(client, reverse(url)) == before
    if standing == "member" and url != "portal:member_home":
        assert "Bulk task" in client.get(reverse(url)).text
