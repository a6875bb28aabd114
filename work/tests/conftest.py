import datetime

import pytest
from django.utils import timezone


@pytest.fixture
def make_item(group):
    """A work plan item of the ICT group (an initiative unless a parent is given)."""
    from members.models import Organisation
    from work.models import PlanItem

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
    from work.models import PlanItem

    return PlanItem.objects.get(kind="initiative",
                                title_en="Regional ICT Initiative (Forum Leaders, 2015)")
