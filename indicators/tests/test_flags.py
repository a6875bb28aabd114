"""Flags on values (estimates, breaks in series): the operations and the secretariat's page."""

import pytest
from django.urls import reverse

from indicators import operations
from indicators.models import Economy, Flag, Indicator
from indicators.tests.import_helpers import MOBILE

pytestmark = pytest.mark.django_db


def test_flagging_twice_keeps_one_flag_with_the_last_note_and_history(people):
    mobile, tonga = Indicator.objects.get(code=MOBILE), Economy.objects.get(code="TON")
    user = people["secretariat"]
    first = operations.flag_observation(mobile, tonga, 2020, Flag.Kind.ESTIMATE, "ITU estimate",
                                        user)
    again = operations.flag_observation(mobile, tonga, 2020, Flag.Kind.ESTIMATE, " Revised ", user)
    assert first.pk == again.pk and again.note == "Revised"
    assert again.history.count() == 2 and again.history.first().history_user == user
    operations.unflag(again, user)
    assert not Flag.objects.filter(pk=first.pk).exists()
    assert Flag.history.filter(id=first.pk, history_type="-").get().history_user == user


def test_the_secretariat_adds_and_removes_a_flag(client_for):
    client = client_for("secretariat")
    url = reverse("indicators:flag_edit")
    page = client.get(f"{url}?indicator={MOBILE}&economy=TON&year=2021").content.decode()
    assert '<option value="TON" selected>' in page and 'value="2021"' in page
    assert "Fiji" in page and "Papua New Guinea" in page  # the starter breaks
    response = client.post(url, {"indicator": MOBILE, "economy": "TON", "year": "2021",
                                 "kind": "estimate", "note": "National estimate"})
    assert response.status_code == 302
    flag = Flag.objects.get(economy__code="TON", year=2021)
    assert flag.note == "National estimate"
    client.post(url, {"remove": str(flag.pk)})
    assert not Flag.objects.filter(pk=flag.pk).exists()


def test_a_bad_flag_comes_back_with_its_errors(client_for):
    response = client_for("secretariat").post(reverse("indicators:flag_edit"), {
        "indicator": MOBILE, "economy": "XXX", "year": "1800", "kind": "break"})
    assert response.status_code == 400
    assert not Flag.objects.filter(year=1800).exists()


@pytest.mark.parametrize(("standing", "status"), [("chair", 403), ("member", 404)])
def test_only_the_secretariat_flags(client_for, standing, status):
    client = client_for(standing)
    flag = Flag.objects.first()
    assert client.get(reverse("indicators:flag_edit")).status_code == status
    assert client.post(reverse("indicators:flag_edit"),
                       {"remove": str(flag.pk)}).status_code == status
    assert Flag.objects.filter(pk=flag.pk).exists()
