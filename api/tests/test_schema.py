"""schemathesis against /api/openapi.json: generated calls (bounded), no server error, and every
answer matches the schema, as anonymous and with a member's token."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from api.operations import create_token

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Calls through the WSGI application start and end with signals that close the database
    connection: inside the test's transaction that loses it on PostgreSQL. Django's own test
    client disconnects the same handler for the same reason."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    settings.API_RATE_ANONYMOUS = "100000/min"
    settings.API_RATE_TOKEN = "100000/min"


# Loaded at collection (building the document touches no database); the calls run inside each
# test's transaction, through the WSGI application, on the demo data.
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck),
          derandomize=True)
def test_anonymous_calls_match_the_schema(case, db):
    case.call_and_validate()


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck),
          derandomize=True)
def test_member_token_calls_match_the_schema(case, people):
    __, secret = create_token(people["member"], "schemathesis")
    case.call_and_validate(headers={"Authorization": f"Bearer {secret}"})
