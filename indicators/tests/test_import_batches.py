"""Import batches: preview, apply, re-import, roll back, discard, and the validation report."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from indicators import operations
from indicators.models import (
    Economy,
    ImportBatch,
    ImportTransition,
    Indicator,
    Observation,
    ObservationChange,
)
from indicators.tests.import_helpers import MOBILE, bundled, long_csv, published, wide_csv

pytestmark = pytest.mark.django_db
Status = ImportBatch.Status


def _tonga(year: int = 2022) -> Observation:
    return Observation.objects.get(indicator__code=MOBILE, economy__code="TON", year=year)


def _import(rows: list[str], name: str = "IT.CEL.SETS.P2_fix.csv", **options) -> ImportBatch:
    return operations.apply_import(operations.preview_import(long_csv(rows), name, **options))


def test_the_starter_data_holds_the_bundled_files_once_with_their_breaks():
    applied = ImportBatch.objects.filter(status=Status.APPLIED)
    assert applied.count() == 2
    assert set(applied.values_list("vintage", flat=True)) == {"2026-07-01"}
    assert _tonga().value == Decimal("61.7257858761257")
    breaks = {(f.economy.code, f.year) for f in Indicator.objects.get(code=MOBILE).flags.all()}
    assert breaks == {("FJI", 2023), ("PNG", 2023)}
    from indicators.catalogue import load_starter_observations

    load_starter_observations()  # idempotent
    assert ImportBatch.objects.count() == 2


def test_importing_the_same_file_again_changes_nothing():
    starter = _tonga().batch
    last_pk = Observation.objects.latest("pk").pk
    batch = operations.preview_import(bundled(), "wdi_IT.CEL.SETS.P2_data.csv")
    assert batch.report["already_applied"] == starter.pk
    assert (batch.report["new"], batch.report["changed"]) == (0, 0)
    assert batch.report["unchanged"] == len(published())
    operations.apply_import(batch)
    batch.refresh_from_db()
    assert batch.status == Status.APPLIED and batch.applied_at
    assert (batch.report["new"], batch.report["changed"]) == (0, 0)
    assert not batch.changes.exists()
    assert not Observation.objects.filter(batch=batch).exists()
    assert Observation.objects.latest("pk").pk == last_pk


def test_a_batch_of_changes_rolled_back_restores_the_values_and_their_batch():
    starter = _tonga().batch
    batch = _import(["Tonga,TON,2022,62.5", "Tonga,TON,2030,70", "Tonga,TON,2021,"])
    assert (batch.report["new"], batch.report["changed"]) == (1, 1)
    assert batch.report["changed_examples"] == [{
        "indicator": MOBILE, "economy": "TON", "year": 2022, "before": "61.7257858761257",
        "after": "62.5"}]
    assert (_tonga().value, _tonga().batch) == (Decimal("62.5"), batch)
    assert _tonga(2030).value == 70
    assert batch.changes.count() == 2
    assert _tonga(2021).value != 0  # an empty cell leaves the stored value alone

    operations.rollback_import(batch)
    batch.refresh_from_db()
    assert batch.status == Status.ROLLED_BACK
    assert (_tonga().value, _tonga().batch) == (Decimal("61.7257858761257"), starter)
    assert not Observation.objects.filter(economy__code="TON", year=2030).exists()
    assert list(batch.transitions.values_list("to_status", flat=True)) == [
        Status.PREVIEWED, Status.APPLIED, Status.ROLLED_BACK]


def test_rolling_back_a_first_batch_deletes_what_it_created():
    data = wide_csv("IT.CEL.SETS.P2").replace(b"IT.CEL.SETS.P2", b"IT.CEL.TEST.P2")
    batch = operations.apply_import(operations.preview_import(data, "API_test.csv"))
    indicator = Indicator.objects.get(code="IT.CEL.TEST.P2")
    assert indicator.name_en == "Mobile cellular subscriptions (per 100 people)"
    assert batch.report["new"] == indicator.observations.count() == len(published())
    assert batch.report["new_indicators"] == [{"code": "IT.CEL.TEST.P2", "name": indicator.name_en}]
    operations.rollback_import(batch)
    assert not indicator.observations.exists()


def test_rollback_is_refused_while_a_later_batch_changed_the_same_values():
    first = _import(["Tonga,TON,2022,62.5"])
    second = _import(["Tonga,TON,2022,63"])
    unrelated = _import(["Fiji,FJI,2022,112"])
    with pytest.raises(ValidationError) as refused:
        operations.rollback_import(first)
    assert f"#{second.pk}" in refused.value.messages[0]
    assert _tonga().value == 63
    operations.rollback_import(second)
    operations.rollback_import(first)
    assert _tonga().value == Decimal("61.7257858761257")
    assert Observation.objects.get(indicator__code=MOBILE, economy__code="FJI",
                                   year=2022).batch == unrelated


def test_apply_recomputes_against_the_data_as_it_is_then():
    preview = operations.preview_import(long_csv(["Tonga,TON,2022,62.5"]), "IT.CEL.SETS.P2.csv")
    _import(["Tonga,TON,2022,62.5"])  # someone applied the same change meanwhile
    applied = operations.apply_import(preview)
    assert preview.report["changed"] == 1
    assert (applied.report["new"], applied.report["changed"], applied.report["unchanged"]) == (
        0, 0, 1)


def test_a_batch_is_applied_once_and_a_discarded_one_never():
    batch = operations.preview_import(long_csv(["Tonga,TON,2022,62.5"]), "IT.CEL.SETS.P2.csv")
    operations.apply_import(batch)
    with pytest.raises(ValidationError, match="Applied"):
        operations.apply_import(batch)  # a double click
    assert ObservationChange.objects.filter(batch=batch).count() == 1
    assert ImportTransition.objects.filter(batch=batch, to_status=Status.APPLIED).count() == 1

    other = operations.preview_import(long_csv(["Tonga,TON,2022,1"]), "IT.CEL.SETS.P2.csv")
    operations.discard_import(other)
    with pytest.raises(ValidationError):
        operations.apply_import(other)
    with pytest.raises(ValidationError):
        operations.rollback_import(other)
    assert _tonga().value == Decimal("62.5")


def test_the_report_counts_what_could_not_be_read():
    data = long_csv([
        "Tonga,TON,2022,61.7257858761257",  # unchanged
        "Atlantis,ATL,2022,5", "Atlantis,ATL,2023,6",  # unknown economy
        "Tonga,TON,2023,n/a", "Fiji,FJI,2023,12%",  # non-numeric
        "Tonga,TON,2024,", "Tonga,TON,2025,..",  # empty: no data
        "Tonga,TON,2030,7", "Tonga,TON,2030,7.0",  # a harmless duplicate
        "Samoa,WSM,2030,1", "Samoa,WSM,2030,2",  # a conflicting one
        "Tonga,TON,1850,1", "Tonga,TON,20x2,1",  # bad years
    ])
    batch = operations.preview_import(data, "IT.CEL.SETS.P2_mixed.csv")
    report = batch.report
    assert report["rows"] == 13
    assert report["unknown_economies"] == [
        {"code": "ATL", "name": "Atlantis", "values": 2, "addable": True}]
    assert report["unknown_economy_values"] == 2
    assert report["non_numeric"] == 2
    assert report["non_numeric_examples"][0] == {"row": 5, "column": "Value", "text": "n/a"}
    assert report["empty_cells"] == 2
    assert (report["duplicates"], report["conflicting_duplicates"]) == (2, 1)
    assert report["bad_years"] == 2
    assert [e["text"] for e in report["bad_year_examples"]] == ["1850", "20x2"]
    assert (report["new"], report["changed"], report["unchanged"]) == (2, 0, 1)
    with pytest.raises(ValidationError, match="different values"):
        operations.apply_import(batch)
    batch.refresh_from_db()
    assert batch.status == Status.PREVIEWED
    assert not Observation.objects.filter(year=2030).exists()


def test_unknown_economies_are_skipped_or_added_on_request():
    rows = ["Atlantis,ATL,2022,5"]
    skipped = _import(rows)
    assert skipped.report["new"] == 0 and not Economy.objects.filter(code="ATL").exists()
    added = _import(rows, add_unknown_economies=True)
    atlantis = Economy.objects.get(code="ATL")
    assert (atlantis.name_en, atlantis.kind) == ("Atlantis", Economy.Kind.COUNTRY)
    assert added.report["new"] == 1
    assert [e["code"] for e in added.report["unknown_economies"]] == ["ATL"]  # still said
    assert Observation.objects.get(economy=atlantis).value == 5


@pytest.mark.parametrize(("data", "name"), [
    (b"<html><body>Page not found</body></html>", "IT.CEL.SETS.P2.csv"),
    (b"", "IT.CEL.SETS.P2.csv"),
    (b"Country Name,Country,Amount\nTonga,TON,1\n", "IT.CEL.SETS.P2.csv"),
    (b"Country Name,Country Code,Year,Value\nTonga,TON,2022,1\n", "data.csv"),
])
def test_a_bad_file_stores_nothing(data, name):
    batches, observations = ImportBatch.objects.count(), Observation.objects.count()
    with pytest.raises(ValidationError):
        operations.preview_import(data, name)
    assert ImportBatch.objects.count() == batches
    assert Observation.objects.count() == observations


def test_an_unknown_indicator_argument_is_refused():
    with pytest.raises(ValidationError, match="not an indicator"):
        operations.preview_import(long_csv(["Tonga,TON,2022,1"]), "x.csv", indicator_code="NO.SUCH")


def test_pages_are_told_when_data_changes(monkeypatch, django_capture_on_commit_callbacks):
    calls = []
    monkeypatch.setattr(operations, "ON_DATA_CHANGE", [lambda: calls.append(1)])
    with django_capture_on_commit_callbacks(execute=True):
        batch = _import(["Tonga,TON,2022,62.5"])
    assert calls == [1, 1]  # during the transaction, and once committed
    operations.rollback_import(batch)
    assert len(calls) == 3


def test_the_command_previews_applies_lists_and_rolls_back(tmp_path, capsys):
    path = tmp_path / "IT.CEL.SETS.P2_fix.csv"
    path.write_bytes(long_csv(["Tonga,TON,2022,62.5", "Atlantis,ATL,2022,1"]))
    call_command("import_indicators", str(path), "--dry-run", "--source", "ITU")
    out = capsys.readouterr().out
    assert "changed 1" in out and "unknown economies 1" in out and "--dry-run" in out
    assert _tonga().value == Decimal("61.7257858761257")
    call_command("import_indicators", str(path), "--vintage", "2026-08")
    batch = ImportBatch.objects.latest("pk")
    assert (batch.status, batch.vintage, _tonga().value) == (Status.APPLIED, "2026-08",
                                                             Decimal("62.5"))
    call_command("import_indicators", "--list")
    assert "IT.CEL.SETS.P2_fix.csv" in capsys.readouterr().out
    call_command("import_indicators", "--rollback", str(batch.pk))
    assert _tonga().value == Decimal("61.7257858761257")


def test_the_command_stops_on_a_bad_file(tmp_path):
    path = tmp_path / "IT.CEL.SETS.P2.csv"
    path.write_bytes(b"<html></html>")
    with pytest.raises(CommandError, match="web page"):
        call_command("import_indicators", str(path))
    with pytest.raises(CommandError, match="No import batch"):
        call_command("import_indicators", "--rollback", "999999")


def test_a_preview_whose_file_is_gone_says_so():
    batch = operations.preview_import(long_csv(["Tonga,TON,2022,1"]), "IT.CEL.SETS.P2.csv")
    batch.file.delete()
    with pytest.raises(ValidationError, match="missing"):
        operations.apply_import(batch)
    assert _tonga().value == Decimal("61.7257858761257")


@pytest.mark.parametrize("text", ["1e308", "-1e308", "1E+19", "123456789012345678901234567890"])
def test_a_value_no_indicator_can_hold_is_refused_and_the_pages_still_answer(client, text):
    """A value past 10^18 (more than any count of people or subscriptions, or any economy's
    dollars) is a mistake in the file, and would overflow the charts and growth figures: it is
    reported like any value that is not a number, stored nowhere, and every page still answers."""
    batch = _import([f"Tonga,TON,2023,{text}", "Tonga,TON,2022,61.7257858761257"])
    assert batch.report["non_numeric"] == 1
    assert batch.report["non_numeric_examples"][0]["text"] == text
    stored = Observation.objects.filter(economy__code="TON", indicator__code=MOBILE, year=2023)
    assert all(abs(observation.value) < 10**18 for observation in stored)
    for path in ["/indicators/", "/indicators/dashboard.csv", "/indicators/map.svg",
                 f"/indicators/{MOBILE}/", f"/indicators/{MOBILE}.csv", f"/indicators/{MOBILE}.svg",
                 "/indicators/TON/", "/indicators/TON.csv", f"/indicators/TON/{MOBILE}.svg"]:
        assert client.get(path).status_code == 200, path
