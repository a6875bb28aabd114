import pytest

from members.models import Organisation, Person


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def make_paper(group, people):
    """A paper of the ICT group, drafted by SPC (the secretariat's organisation)."""
    return lambda *args, **kwargs: new_paper(group, people["secretariat"], *args, **kwargs)


def new_paper(group, by, level: str = "public", title: str = "Broadband prices in the Pacific",
              lead: str = "spc", **fields):
    """What `make_paper` makes; also for data made once per module, where no function-scoped
    fixture can serve."""
    from papers import operations
    from papers.models import Paper, PaperKind

    paper = Paper(group=group, level=level, kind=PaperKind.objects.get(slug="policy-brief"),
                  title_en=title, summary_en="Why prices stay high.",
                  body_en="## Background\n\nSatellite links cost a lot.",
                  lead_organisation=Organisation.objects.get(slug=lead), **fields)
    operations.create_paper(paper, by)
    if level == "restricted":
        paper.restricted_organisations.add(paper.lead_organisation)
    return paper


@pytest.fixture
def org():
    return lambda slug: Organisation.objects.get(slug=slug)


@pytest.fixture
def person():
    return lambda email: Person.objects.get(email=email)
