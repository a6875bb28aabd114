import re
import statistics
import time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

pytestmark = pytest.mark.django_db

KNOWN, UNKNOWN = "member@demo.talanoa.test", "nobody@example.org"


def test_a_member_resets_a_forgotten_password(client, mailoutbox, people, run_worker, settings):
    response = client.post(reverse("account_reset_password"), {"email": KNOWN})
    assert response.status_code == 302
    assert mailoutbox == []  # the worker sends it, not the request
    run_worker()
    assert len(mailoutbox) == 1
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mailoutbox[0].body)
    assert link.group(0).startswith(settings.SITE_URL)  # never the Host a request came with
    form_page = client.get(link.group(1), follow=True)
    assert form_page.status_code == 200
    url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link.group(1)
    done = client.post(url, {"password1": "lagoon-sunrise-2027", "password2":
                             "lagoon-sunrise-2027"})
    assert done.status_code == 302
    people["member"].refresh_from_db()
    assert people["member"].check_password("lagoon-sunrise-2027")


def test_the_email_is_in_the_language_the_form_was_used_in(client, mailoutbox, run_worker):
    client.post(reverse("account_reset_password"), {"email": KNOWN},
                HTTP_ACCEPT_LANGUAGE="fr")
    run_worker()
    assert "mot de passe" in mailoutbox[0].body.lower()


def test_unknown_addresses_learn_nothing(client, mailoutbox, run_worker):
    response = client.post(reverse("account_reset_password"), {"email": UNKNOWN})
    assert response.status_code == 302  # the same answer as for a known address
    run_worker()
    assert mailoutbox == []  # and no mail to an address that has no account


def _statements(email: str) -> list[str]:
    """The SQL a reset request runs, its values (the address, the task's id and times) blanked."""
    with CaptureQueriesContext(connection) as queries:
        assert Client().post(reverse("account_reset_password"),
                             {"email": email}).status_code == 302
    return [re.sub(r"'[^']*'|\b\d+(\.\d+)?\b", "?", query["sql"]) for query in queries]


def test_a_reset_request_does_the_same_work_for_any_address(settings):
    """Issue 25, L6: the request runs the same statements whether the address has an account
    or not (one task queued); looking it up, the token and the email are the worker's."""
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS,
                                    "reset_password": "100/m/ip,100/m/key"}
    known = _statements(KNOWN)
    assert known == _statements(UNKNOWN)
    assert not any("account_emailaddress" in sql or "members_user" in sql for sql in known)


def _median_ms(timings: list[float]) -> float:
    return statistics.median(timings) * 1000


def test_a_reset_request_takes_as_long_for_any_address(settings):
    """Issue 25, L6, measured: the median of 15 requests for an address with an account and
    15 for one without (interleaved, so both see the same load) differ by less than half.
    Before the fix the known address took twice as long (24 against 11 ms with the mail
    kept in memory; a real relay made it worse). A difference the code makes shows in every
    round; the machine's noise does not, so one round of three within the bound passes."""
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS,
                                    "reset_password": "1000/m/ip,1000/m/key"}
    client, url = Client(), reverse("account_reset_password")
    for email in (KNOWN, UNKNOWN) * 3:  # warm: templates, the URL resolver, the connection
        client.post(url, {"email": email})
    rounds = []
    for _ in range(3):
        timings: dict[str, list[float]] = {KNOWN: [], UNKNOWN: []}
        for _ in range(15):
            for email in (KNOWN, UNKNOWN):
                start = time.perf_counter()
                client.post(url, {"email": email})
                timings[email].append(time.perf_counter() - start)
        known, unknown = _median_ms(timings[KNOWN]), _median_ms(timings[UNKNOWN])
        rounds.append((round(known, 1), round(unknown, 1)))
        if max(known, unknown) / min(known, unknown) < 1.5:
            return
    pytest.fail(f"median ms (known, unknown) in each round: {rounds}")
