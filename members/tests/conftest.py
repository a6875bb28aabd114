"""Fixtures for the nomination round (R1) and the register of representatives (R2)."""

import datetime

import pytest
from django.utils import timezone


@pytest.fixture
def media(settings, tmp_path):
    """Uploaded files go to a temporary directory."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def open_round(group):
    """Open the ICT group's round for a year (this year by default) through the operation."""
    from members import operations

    def make(year: int | None = None, target=None, user=None):
        today = timezone.localdate()
        return operations.open_nomination_round(target or group, year or today.year,
                                                today + datetime.timedelta(days=30), user)

    return make


@pytest.fixture
def letter_to(open_round):
    """This year's letter to one organisation, by its slug."""

    def get(slug: str):
        return open_round().letters.select_related("organisation", "round").get(
            organisation__slug=slug)

    return get

