"""Fixtures of the work programme's tests (plan, tasks, advisory, engagement, directory):
work plan items and tasks of the demo group (a plugin of the root conftest.py)."""

import datetime

import pytest
from django.utils import timezone

from members.models import Organisation
from tasks.models import Task
from tasks.operations import create_task


@pytest.fixture
def make_item(group):
    """A work plan item of the ICT group (an initiative unless a parent is given)."""
    from members.models import Organisation
    from plan.models import PlanItem

    def make(title: str = "Test initiative", kind: str = "initiative", parent=None,
             lead: str = "spc", level: str = "public", due: int | None = None,
             done: datetime.date | None = None, **fields) -> PlanItem:
        today = timezone.localdate()
        return PlanItem.objects.create(
            group=group, kind=kind, parent=parent, title_en=title, level=level,
            lead_organisation=Organisation.objects.get(slug=lead),
            due_on=today + datetime.timedelta(days=due) if due is not None else None,
            done_on=done, **fields)

    return make


@pytest.fixture
def initiative():
    """The Regional ICT Initiative 2015 (starter data)."""
    from plan.models import PlanItem

    return PlanItem.objects.get(kind="initiative",
                                title_en="Regional ICT Initiative (Forum Leaders, 2015)")


TODAY = timezone.localdate()


@pytest.fixture
def org(db):
    return lambda slug: Organisation.objects.get(slug=slug)


@pytest.fixture
def demo_item(db):
    """The demo item of a kind (any of Task.LINKS) at a level. A kind whose demo data has no
    item at that level (advisory requests are never public in the demo) gets a copy of one of
    its items at that level, naming no one."""

    def get(kind: str, level: str):
        model = Task._meta.get_field(kind).related_model
        items = model.objects.filter(archived_at__isnull=True).order_by("pk")
        item = items.filter(title_en__startswith=f"[{level}]").first()
        if item is None and items.exists():
            item = items.first()
            item.pk = item.id = None
            item._state.adding = True
            item.level = level
            item.title_en = f"[{level}] {kind} for a task"
            item.save()
        return item

    return get


@pytest.fixture
def add_task(people, group, org):
    """A task through the operation: about an item or none, owned by an organisation (and a
    person), due in some days (negative: overdue) or undated."""

    def make(title: str, *, about=None, owner: str | None = "member", org_slug: str = "gov-fji",
             due_in: int | None = None) -> Task:
        return create_task(
            title, org(org_slug), people["chair"], about=about, group=group,
            owner_person=people[owner].person if owner else None,
            due_on=TODAY + datetime.timedelta(days=due_in) if due_in is not None else None)

    return make


@pytest.fixture
def meeting_in(group):
    """A convened meeting of the demo group starting in some days, at a level; a restricted one
    names SPC only."""
    from meetings.models import Meeting

    def make(days: float, level: str = "members", title: str = "Call") -> Meeting:
        start = timezone.now() + datetime.timedelta(days=days)
        meeting = Meeting.objects.create(
            group=group, level=level, title_en=title, title_fr=f"{title} (fr)",
            starts_at=start, ends_at=start + datetime.timedelta(hours=2),
            status=Meeting.Status.CONVENED, city="Suva")
        if level == "restricted":
            meeting.restricted_organisations.add(Organisation.objects.get(slug="spc"))
        return meeting

    return make


@pytest.fixture
def paper_in_review(group):
    """A paper of the demo group in member review (positions until next week)."""
    from papers.models import Paper, PaperKind

    def make(title: str, level: str = "members") -> Paper:
        paper = Paper.objects.create(
            group=group, level=level, kind=PaperKind.objects.first(), title_en=title,
            lead_organisation=Organisation.objects.get(slug="spc"),
            status=Paper.Status.REVIEW, review_round=1,
            review_until=TODAY + datetime.timedelta(days=7))
        if level == "restricted":
            paper.restricted_organisations.add(Organisation.objects.get(slug="spc"))
        return paper

    return make
