import datetime

import pytest

from decisions.models import Decision
from members.models import Body, Organisation


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def make_sitting():
    from decisions.models import Sitting

    def make(body: str = "forum-leaders", title: str = "54th Forum Leaders Meeting",
             on: datetime.date = datetime.date(2025, 9, 9), **fields) -> Sitting:
        return Sitting.objects.create(body=Body.objects.get(slug=body), title_en=title,
                                      starts_on=on, place="Honiara", **fields)

    return make


@pytest.fixture
def make_decision(group, people, make_sitting):
    """A decision of the ICT group, registered by the secretariat."""

    def make(level: str = "public", title: str = "Leaders call for a second cable to Tuvalu",
             sitting=None, **fields) -> Decision:
        return new_decision(group, people["secretariat"], level, title,
                            sitting or make_sitting(), **fields)

    return make


def new_decision(group, by, level: str = "public",
                 title: str = "Leaders call for a second cable to Tuvalu", sitting=None,
                 **fields) -> Decision:
    """What `make_decision` makes (with a sitting of its own unless given one); also for data
    made once per module, where no function-scoped fixture can serve."""
    from decisions import operations
    from decisions.models import Sitting

    sitting = sitting or Sitting.objects.create(
        body=Body.objects.get(slug="forum-leaders"), title_en="54th Forum Leaders Meeting",
        starts_on=datetime.date(2025, 9, 9), place="Honiara")
    decision = Decision(group=group, level=level, sitting=sitting, reference="paragraph 42",
                        title_en=title, text_en="Leaders called for resilient connectivity.",
                        ict_reason="Submarine cables.", **fields)
    operations.create_decision(decision, by)
    if level == "restricted":
        decision.restricted_organisations.add(Organisation.objects.get(slug="spc"))
    return decision


@pytest.fixture
def org():
    return lambda slug: Organisation.objects.get(slug=slug)
