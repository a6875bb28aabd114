"""The secretariat reads and restores a decision's history; members do not."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_editors_read_a_decisions_history_and_members_do_not(client_for, make_decision):
    decision = make_decision("members")
    url = reverse("history:object", args=["decisions.decision", decision.pk])
    page = client_for("secretariat").get(url)
    assert page.status_code == 200 and "Registered" in page.text
    assert client_for("member").get(url).status_code in (403, 404)
    sitting = reverse("history:object", args=["decisions.sitting", decision.sitting.pk])
    assert client_for("chair").get(sitting).status_code == 200
