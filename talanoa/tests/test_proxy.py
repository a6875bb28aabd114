"""The client's address behind nginx (talanoa.proxy): X-Real-IP only when the deployment
declares a proxy that overwrites it (TRUSTED_PROXY), and only from that proxy
(FORWARDED_ALLOW_IPS); gunicorn trusts X-Forwarded-* on the same condition."""

import runpy

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from talanoa.proxy import RealClientAddressMiddleware, check_trusted_proxy

MEMBER = "member@demo.talanoa.test"
DEPLOY = django_settings.BASE_DIR / "deploy"


def _seen(remote: str, **headers) -> str:
    seen = {}

    def view(request):
        seen["address"] = request.META["REMOTE_ADDR"]
        return None

    RealClientAddressMiddleware(view)(RequestFactory().get("/", REMOTE_ADDR=remote, **headers))
    return seen["address"]


trusted_proxy = override_settings(TRUSTED_PROXY=True)


@trusted_proxy
def test_it_takes_the_address_nginx_sends():
    assert _seen("127.0.0.1", HTTP_X_REAL_IP="203.0.113.9") == "203.0.113.9"
    assert _seen("::1", HTTP_X_REAL_IP="2001:db8::7") == "2001:db8::7"


@trusted_proxy
def test_it_ignores_the_header_from_anyone_else():
    assert _seen("198.51.100.4", HTTP_X_REAL_IP="203.0.113.9") == "198.51.100.4"


@trusted_proxy
def test_it_ignores_what_is_not_an_address():
    assert _seen("127.0.0.1", HTTP_X_REAL_IP="203.0.113.9, 10.0.0.1") == "127.0.0.1"
    assert _seen("127.0.0.1") == "127.0.0.1"


@override_settings(TRUSTED_PROXY=True, FORWARDED_ALLOW_IPS=["10.0.0.10"])
def test_the_trusted_proxies_come_from_the_settings():
    assert _seen("10.0.0.10", HTTP_X_REAL_IP="203.0.113.9") == "203.0.113.9"
    assert _seen("127.0.0.1", HTTP_X_REAL_IP="203.0.113.9") == "127.0.0.1"


def test_without_a_declared_proxy_the_header_is_ignored_even_from_127_0_0_1():
    """The default: a proxy that passes a client's X-Real-IP on (or a client connecting to the
    app server on 127.0.0.1 itself) must not choose the address."""
    assert django_settings.TRUSTED_PROXY is False
    assert _seen("127.0.0.1", HTTP_X_REAL_IP="203.0.113.9") == "127.0.0.1"
    assert _seen("::1", HTTP_X_REAL_IP="2001:db8::7") == "::1"


@override_settings(TRUSTED_PROXY=True, FORWARDED_ALLOW_IPS=["10.0.0.0/24", " fd00::/64 "])
def test_proxies_may_be_networks_as_gunicorn_reads_them():
    assert _seen("10.0.0.7", HTTP_X_REAL_IP="203.0.113.9") == "203.0.113.9"
    assert _seen("fd00::3", HTTP_X_REAL_IP="203.0.113.9") == "203.0.113.9"
    assert _seen("10.0.1.7", HTTP_X_REAL_IP="203.0.113.9") == "10.0.1.7"


@override_settings(TRUSTED_PROXY=True, FORWARDED_ALLOW_IPS=["*"])
def test_a_star_trusts_every_peer():
    assert _seen("198.51.100.4", HTTP_X_REAL_IP="203.0.113.9") == "203.0.113.9"


@override_settings(TRUSTED_PROXY=True, FORWARDED_ALLOW_IPS=["nginx.local"])
def test_a_list_that_is_not_addresses_stops_the_start():
    with pytest.raises(ImproperlyConfigured, match="FORWARDED_ALLOW_IPS"):
        RealClientAddressMiddleware(lambda request: None)


@trusted_proxy
def test_a_failed_sign_in_through_the_proxy_counts_against_the_client(db):
    from axes.models import AccessAttempt

    Client(REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="203.0.113.9").post(
        "/accounts/login/", {"login": "nobody@example.org", "password": "wrong-password-1"})
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.9"]


def test_a_client_writing_its_own_x_real_ip_is_still_locked_out(db, settings):
    """Without a declared proxy, a new X-Real-IP for each guess does not give a fresh count:
    the account is locked from the connection's address."""
    from axes.models import AccessAttempt

    login = reverse("account_login")
    for n in range(settings.AXES_FAILURE_LIMIT):
        Client(REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP=f"203.0.113.{n}").post(
            login, {"login": MEMBER, "password": "wrong-password-1"})
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}
    guesser = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="203.0.113.200")
    locked = guesser.post(login, {"login": MEMBER, "password": "talanoa-demo"})
    assert b"Too many failed" in locked.content
    assert guesser.get(reverse("portal:member_home")).status_code == 302  # not signed in


def test_check_deploy_warns_when_a_tls_proxy_is_in_front_but_not_trusted(settings):
    settings.HTTPS, settings.TRUSTED_PROXY = True, False
    assert [message.id for message in check_trusted_proxy()] == ["talanoa.W001"]
    settings.TRUSTED_PROXY = True
    assert check_trusted_proxy() == []
    settings.HTTPS, settings.TRUSTED_PROXY = False, False  # no proxy: nothing to say
    assert check_trusted_proxy() == []


@pytest.mark.parametrize(("environment", "trusted"), [
    ({}, ""),
    ({"FORWARDED_ALLOW_IPS": "10.0.0.10"}, ""),
    ({"TRUSTED_PROXY": "1"}, "127.0.0.1,::1"),
    ({"TRUSTED_PROXY": "1", "FORWARDED_ALLOW_IPS": "10.0.0.10"}, "10.0.0.10"),
    ({"TRUSTED_PROXY": "0", "FORWARDED_ALLOW_IPS": "10.0.0.10"}, ""),
])
def test_gunicorn_trusts_forwarded_headers_on_the_same_condition(monkeypatch, environment,
                                                                 trusted):
    monkeypatch.setenv("LOG_FORMAT", "json")  # the file sets it when unset
    for name in ("TRUSTED_PROXY", "FORWARDED_ALLOW_IPS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))["forwarded_allow_ips"] == trusted


def test_the_shipped_deployment_declares_nginx_which_overwrites_the_header():
    nginx = (DEPLOY / "nginx-talanoa-proxy.conf").read_text()
    assert "proxy_set_header X-Real-IP $remote_addr;" in nginx.splitlines()
    env = (DEPLOY / "env.example").read_text().splitlines()
    assert "TRUSTED_PROXY=1" in env and "FORWARDED_ALLOW_IPS=10.0.0.10" in env
