"""Figures of advisory requests (exact, on known data) and the cost of the list and figures
pages as requests multiply."""

import datetime

import pytest
from django.urls import reverse

from advisory.models import AdvisoryRequest, AdvisoryResponse, AdvisoryTransition
from advisory.operations import QuarterFigures, quarterly_figures
from advisory.tests.advisory_helpers import org, rahul
from members.models import Country
from talanoa.tests.queries import count_queries

UTC = datetime.UTC


def at(month: int, day: int, hour: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, tzinfo=UTC)


def test_figures_per_quarter_are_exact():
    rows = [
        # Q1: answered after 2 and 4 days, closed after 10 and 20; one still open, unanswered
        (at(1, 5), at(1, 7), at(1, 15)),
        (at(2, 1), at(2, 5), at(2, 21)),
        (at(3, 31, 23), None, None),
        # Q2: one answered after 1.5 days, never closed
        (at(4, 1), at(4, 2, 12), None),
    ]
    assert quarterly_figures(rows, tz=UTC) == [
        QuarterFigures(2026, 2, received=1, answered=1, closed=0, still_open=1,
                       response_median=1.5, response_mean=1.5, close_median=None,
                       close_mean=None),
        QuarterFigures(2026, 1, received=3, answered=2, closed=2, still_open=1,
                       response_median=3.0, response_mean=3.0, close_median=15.0,
                       close_mean=15.0),
    ]


def test_the_median_of_an_odd_count_and_the_quarter_in_the_sites_zone():
    rows = [(at(7, 1), at(7, 2), None), (at(7, 1), at(7, 4), None), (at(7, 1), at(7, 11), None)]
    (q3,) = quarterly_figures(rows, tz=UTC)
    assert (q3.response_median, q3.response_mean) == (3.0, 4.7)
    # 31 March 20:00 UTC is already 1 April in Fiji (UTC+12): the second quarter there.
    (fiji,) = quarterly_figures([(at(3, 31, 20), None, None)],
                                tz=datetime.timezone(datetime.timedelta(hours=12)))
    assert (fiji.year, fiji.quarter, fiji.label) == (2026, 2, "2026 Q2")
    assert quarterly_figures([]) == []


def _many(group, n: int) -> None:
    """n more requests, answered and closed, each with a response, three steps and named
    parties: what a list row or a figure could be tempted to fetch one by one."""
    now = datetime.datetime.now(UTC)
    country = Country.objects.get(iso3="TON")
    made = AdvisoryRequest.objects.bulk_create([
        AdvisoryRequest(group=group, title_en=f"[restricted] Bulk {i}", country=country,
                        requester_name="X", requester_email=f"x{i}@example.org",
                        organisation=org("gov-ton"), status="answered",
                        assigned_organisation=org("pita"), assigned_person=rahul(),
                        received_at=now - datetime.timedelta(days=3 * i + 1),
                        first_response_at=now - datetime.timedelta(days=3 * i),
                        urgency=("urgent", "soon", "routine")[i % 3])
        for i in range(n)])
    AdvisoryResponse.objects.bulk_create([AdvisoryResponse(advisory=a, text="Advice")
                                          for a in made])
    AdvisoryTransition.objects.bulk_create([AdvisoryTransition(advisory=a, to_status=s)
                                            for a in made for s in ("received", "answered")])
    through = AdvisoryRequest.restricted_organisations.through
    through.objects.bulk_create([through(advisoryrequest_id=a.pk, organisation_id=o.pk)
                                 for a in made for o in (org("gov-ton"), org("pita"))])


@pytest.mark.django_db
@pytest.mark.parametrize("standing", ["secretariat", "member"])
def test_the_list_and_the_figures_cost_the_same_with_ten_times_the_requests(
        client_for, group, standing):
    client = client_for(standing)
    urls = [reverse("advisory:advisory_list"), reverse("advisory:advisory_list") + "?status=all",
            reverse("advisory:advisory_list") + f"?urgency=urgent&country="
                                            f"{Country.objects.get(iso3='TON').pk}",
            reverse("advisory:advisory_figures")]
    _many(group, 8)
    before = [count_queries(client, url) for url in urls]
    _many(group, 80)
    assert [count_queries(client, url) for url in urls] == before
    if standing == "secretariat":
        assert b"[restricted] Bulk 79" in client.get(urls[1]).content
    figures = client.get(urls[3]).content
    assert b"[restricted] Bulk" not in figures


@pytest.mark.django_db
def test_the_figures_page_shows_the_demo_quarters(client_for):
    content = client_for("member").get(reverse("advisory:advisory_figures")).content.decode()
    assert 'id="figures"' in content and "Open now:" in content
    assert "[restricted]" not in content and "[members]" not in content


@pytest.mark.django_db
@pytest.mark.parametrize("standing", ["secretariat", "chair"])
def test_the_request_page_costs_the_same_with_many_responses_and_steps(client_for, group,
                                                                      people, standing):
    from advisory import operations
    from advisory.tests.advisory_helpers import ministry_request
    from papers.models import Paper

    advisory = ministry_request(group)
    advisory = operations.triage(advisory, people["secretariat"], advisory.version)
    advisory = operations.assign(advisory, people["secretariat"], advisory.version,
                                 org("pita"), rahul())
    url = advisory.get_absolute_url()
    client = client_for(standing)

    def thicken(n: int) -> None:
        for i in range(n):
            current = AdvisoryRequest.objects.get(pk=advisory.pk)
            operations.respond(current, people["secretariat"], current.version, f"Part {i}")
        advisory.papers.add(*Paper.objects.order_by("pk")[:n])

    thicken(1)
    before = count_queries(client, url)
    thicken(10)
    assert count_queries(client, url) == before
