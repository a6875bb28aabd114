"""The client's address behind nginx (talanoa.proxy): X-Real-IP, from a trusted proxy only."""

from django.test import Client, RequestFactory, override_settings

from talanoa.proxy import RealClientAddressMiddleware


def _seen(remote: str, **headers) -> str:
    seen = {}

    def view(request):
        seen["address"] = request.META["REMOTE_ADDR"]
        return None

    RealClientAddressMiddleware(view)(RequestFactory().get("/", REMOTE_ADDR=remote, **headers))
    return seen["address"]


def test_it_takes_the_address_nginx_sends():
    assert _seen("127.0.0.1", HTTP_X_REAL_IP="203.0.113.9") == "203.0.113.9"
    assert _seen("::1", HTTP_X_REAL_IP="2001:db8::7") == "2001:db8::7"


def test_it_ignores_the_header_from_anyone_else():
    assert _seen("198.51.100.4", HTTP_X_REAL_IP="203.0.113.9") == "198.51.100.4"


def test_it_ignores_what_is_not_an_address():
    assert _seen("127.0.0.1", HTTP_X_REAL_IP="203.0.113.9, 10.0.0.1") == "127.0.0.1"
    assert _seen("127.0.0.1") == "127.0.0.1"


@override_settings(FORWARDED_ALLOW_IPS=["10.0.0.10"])
def test_the_trusted_proxies_come_from_the_settings():
    assert _seen("10.0.0.10", HTTP_X_REAL_IP="203.0.113.9") == "203.0.113.9"
    assert _seen("127.0.0.1", HTTP_X_REAL_IP="203.0.113.9") == "127.0.0.1"


def test_a_failed_sign_in_through_the_proxy_counts_against_the_client(db):
    from axes.models import AccessAttempt

    Client(REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="203.0.113.9").post(
        "/accounts/login/", {"login": "nobody@example.org", "password": "wrong-password-1"})
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.9"]
