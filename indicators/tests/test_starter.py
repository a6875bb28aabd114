"""The bundled WDI data reaches every install: new ones with the starter data, older ones (from
before the indicators app) at their next `make run`, which loads the starter data --if-empty."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from indicators.models import Flag, ImportBatch, Observation, ObservationChange

pytestmark = pytest.mark.django_db


def tonga_mobile_2022():
    return Observation.objects.get(indicator__code="IT.CEL.SETS.P2", economy__code="TON",
                                   year=2022).value


def test_an_install_without_indicator_data_gets_it_at_its_next_start():
    assert tonga_mobile_2022() == Decimal("61.7257858761257")
    ObservationChange.objects.all().delete()
    Observation.objects.all().delete()
    Flag.objects.all().delete()
    ImportBatch.objects.all().delete()

    call_command("load_starter_data", "--if-empty", verbosity=0)

    assert tonga_mobile_2022() == Decimal("61.7257858761257")
    assert ImportBatch.objects.filter(status="applied").count() == 2
    assert Flag.objects.filter(kind="break").count() == 2


def test_a_rolled_back_starter_batch_stays_rolled_back():
    from indicators.operations import rollback_import

    mobile = ImportBatch.objects.get(file_name__contains="IT.CEL.SETS.P2")
    rollback_import(mobile)
    count = Observation.objects.count()

    call_command("load_starter_data", "--if-empty", verbosity=0)

    assert Observation.objects.count() == count
    assert not Observation.objects.filter(indicator__code="IT.CEL.SETS.P2").exists()
