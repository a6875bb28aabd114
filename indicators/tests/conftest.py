"""The bundled WDI observations, loaded once for the session (committed in the test database,
as the starter data will hold them once the importer loads them at setup)."""

import pytest


@pytest.fixture(scope="session")
def wdi(django_db_setup, django_db_blocker):
    from indicators.tests.data import load_wdi

    with django_db_blocker.unblock():
        load_wdi()
