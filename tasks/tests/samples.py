"""Sample tasks for the access matrix (talanoa/tests/test_url_access.py): "task_members", a
task of the demo group about no item (so for the group's members), owned by USP."""

from members.models import Organisation, User, WorkingGroup
from tasks.models import Task
from tasks.operations import create_task


def task_sample(sample: str) -> dict:
    assert sample == "task_members", sample
    task = Task.objects.filter(title="Collect the members' ICT focal points",
                               **{f"{name}__isnull": True for name in Task.LINKS}).first()
    if task is None:
        task = create_task("Collect the members' ICT focal points",
                           Organisation.objects.get(slug="usp"),
                           User.objects.get(email="chair@demo.talanoa.test"),
                           group=WorkingGroup.objects.get(slug="ict"))
    return {"pk": task.pk}
