import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_member_resets_a_forgotten_password(client, mailoutbox, people):
    response = client.post(reverse("account_reset_password"),
                           {"email": "member@demo.talanoa.test"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mailoutbox[0].body)
    form_page = client.get(link.group(1), follow=True)
    assert form_page.status_code == 200
    url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link.group(1)
    done = client.post(url, {"password1": "lagoon-sunrise-2027", "password2":
                             "lagoon-sunrise-2027"})
    assert done.status_code == 302
    people["member"].refresh_from_db()
    assert people["member"].check_password("lagoon-sunrise-2027")


def test_unknown_addresses_learn_nothing(client, mailoutbox):
    response = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert response.status_code == 302  # the same answer as for a known address
    assert mailoutbox == []  # and no mail to an address that has no account
