"""Named state changes of the indicators app: imports (preview, apply, discard, roll back) and
flags. Views validate, then call these.

An import is one batch: `preview_import()` stores the file and its validation report
(PREVIEWED); `apply_import()` re-reads the stored file and writes its new and changed values
against the data as it is then, one `ObservationChange` each (APPLIED); `rollback_import()`
puts back what the batch replaced and deletes what it created (ROLLED_BACK); `discard_import()`
drops a preview (DISCARDED). Each step writes an `ImportTransition`.

`ON_DATA_CHANGE`: callables run after an apply, a rollback or a flag change. The public pages
(`indicators.series`) append theirs to drop what they cached; this module does not import them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.importing import EXAMPLES, Key, Table, compare, read_table
from indicators.models import (
    Economy,
    ExactDecimalField,
    Flag,
    ImportBatch,
    ImportTransition,
    Indicator,
    Observation,
    ObservationChange,
)
from talanoa.lib.editing import save_versioned

ON_DATA_CHANGE: list[Callable[[], None]] = []

BULK = 1000  # rows per INSERT or UPDATE: well under SQLite's limit of variables per statement
# The columns `_insert()` writes, in the order of the tuples built for it.
OBSERVATION_FIELDS = ("id", "indicator", "economy", "year", "value", "batch")
CHANGE_FIELDS = ("batch", "indicator", "economy", "year", "value_before", "batch_before",
                 "value_after")

Status = ImportBatch.Status


def data_changed() -> None:
    """Run the ON_DATA_CHANGE callbacks now and again once the transaction commits: now, so a
    caller inside a longer transaction (a test) sees fresh pages; after the commit, so a page
    computed meanwhile from the old data is not what stays cached."""
    for callback in ON_DATA_CHANGE:
        callback()
    for callback in ON_DATA_CHANGE:
        transaction.on_commit(callback)


# --- Imports ----------------------------------------------------------------------------------


def _read(data: bytes, file_name: str, indicator_code: str | None) -> Table:
    known = list(Indicator.objects.values_list("code", flat=True))
    if indicator_code:
        indicator_code = indicator_code.strip().upper()
        if indicator_code not in known:
            raise ValidationError(
                _("“%(code)s” is not an indicator of the catalogue."),
                params={"code": indicator_code}, code="indicator")
    return read_table(data, file_name, known_indicators=known, indicator_code=indicator_code)


def _current(codes: set[str]) -> dict[Key, tuple[int, Decimal, int]]:
    """The stored observations of these indicators: key → (pk, value, batch id), in one query."""
    rows = Observation.objects.filter(indicator__code__in=codes).values_list(
        "pk", "indicator__code", "economy__code", "year", "value", "batch_id")
    return {(indicator, economy, year): (pk, value, batch)
            for pk, indicator, economy, year, value, batch in rows.iterator(chunk_size=5000)}


def _report(table: Table, current: dict[Key, tuple[int, Decimal, int]],
            economies: set[str], *, add_unknown_economies: bool,
            indicator_code: str | None) -> tuple[dict[str, Any], Any]:
    """The validation report (JSON) and the diff it was computed from."""
    values = {key: stored[1] for key, stored in current.items()}
    known_economies = set(economies)
    unknown = sorted(set(table.economy_names) - known_economies)
    if add_unknown_economies:
        known_economies |= {code for code in unknown if _addable_economy(code)}
    diff = compare(table, values, known_economies)
    unknown_counts = compare(table, values, economies).unknown_economies
    known_indicators = set(Indicator.objects.filter(
        code__in={key[0] for key in table.values} | set(table.indicator_names))
        .values_list("code", flat=True))
    new_indicators = sorted({key[0] for key in table.values} - known_indicators)
    report = {
        "layout": table.layout,
        "indicator": indicator_code or "",
        "indicators": sorted({key[0] for key in table.values}),
        "add_unknown_economies": add_unknown_economies,
        "rows": table.rows,
        "values": table.values_read,
        "new": len(diff.new),
        "changed": len(diff.changed),
        "unchanged": diff.unchanged,
        "empty_cells": table.empty_cells,
        "other_indicator_rows": table.other_indicator_rows,
        "new_examples": [_example(key, None, table.values[key]) for key in diff.new[:EXAMPLES]],
        "changed_examples": [_example(key, values[key], table.values[key])
                             for key in diff.changed[:EXAMPLES]],
        "unknown_economies": [
            {"code": code, "name": table.economy_names.get(code, ""),
             "values": unknown_counts.get(code, 0), "addable": _addable_economy(code)}
            for code in unknown],
        "unknown_economy_values": sum(unknown_counts.values()),
        "non_numeric": table.non_numeric,
        "non_numeric_examples": table.non_numeric_examples,
        "bad_years": table.bad_years,
        "bad_year_examples": table.bad_year_examples,
        "duplicates": table.duplicates,
        "conflicting_duplicates": table.conflicting_duplicates,
        "duplicate_examples": table.duplicate_examples,
        "new_indicators": [{"code": code, "name": table.indicator_names.get(code, "")}
                           for code in new_indicators],
    }
    return report, diff


def _example(key: Key, before: Decimal | None, after: Decimal) -> dict[str, Any]:
    return {"indicator": key[0], "economy": key[1], "year": key[2],
            "before": None if before is None else str(before), "after": str(after)}


def _addable_economy(code: str) -> bool:
    return len(code) == 3 and code.isascii() and code.isalnum()


def _already_applied(sha256: str, exclude: int | None = None) -> int | None:
    applied = ImportBatch.objects.filter(sha256=sha256, status=Status.APPLIED)
    if exclude:
        applied = applied.exclude(pk=exclude)
    return applied.order_by("applied_at", "pk").values_list("pk", flat=True).first()


def preview_import(data: bytes, file_name: str, *, user=None, indicator_code: str | None = None,
                   source: str = "", vintage: str = "",
                   add_unknown_economies: bool = False) -> ImportBatch:
    """Store the file and its validation report as a PREVIEWED batch. A file that cannot be
    read raises ValidationError and stores nothing."""
    table = _read(data, file_name, indicator_code)
    current = _current({key[0] for key in table.values})
    economies = set(Economy.objects.values_list("code", flat=True))
    report, _diff = _report(table, current, economies,
                            add_unknown_economies=add_unknown_economies,
                            indicator_code=(indicator_code or "").strip().upper())
    sha256 = hashlib.sha256(data).hexdigest()
    report["already_applied"] = _already_applied(sha256)
    with transaction.atomic():
        batch = ImportBatch(file_name=file_name[:200], sha256=sha256, layout=table.layout,
                            source=source.strip()[:300],
                            vintage=(vintage.strip() or table.vintage)[:40], report=report,
                            created_by=user)
        batch.file.save(file_name, ContentFile(data), save=False)
        batch.save()
        ImportTransition.objects.create(batch=batch, to_status=Status.PREVIEWED, by=user)
    return batch


def _locked(batch: ImportBatch, expected: str) -> ImportBatch:
    """The batch, re-read and locked, so that a second click waits, then finds it done."""
    locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    _expect(locked, expected)
    return locked


def _expect(batch: ImportBatch, expected: str) -> None:
    if batch.status != expected:
        raise ValidationError(
            _("This import is now “%(status)s”: nothing was done."),
            params={"status": batch.get_status_display()}, code="status")


def apply_import(batch: ImportBatch, user=None, *,
                 add_unknown_economies: bool | None = None) -> ImportBatch:
    """Write the batch's new and changed values, computed against the data as it is now.

    The stored file is read before the transaction begins: reading is the slow part (seconds
    for the largest workbook an import takes), and on SQLite the transaction holds the database's
    only write lock from its BEGIN (IMMEDIATE), so every other writer would wait that long. A
    preview's file and report never change, and its status is checked again under the lock."""
    batch.refresh_from_db(fields=["status", "report"])
    _expect(batch, Status.PREVIEWED)  # a second click is told at once, without reading the file
    try:
        with batch.file.open("rb") as stored:
            data = stored.read()
    except (OSError, ValueError) as error:  # ValueError: no file at all
        raise ValidationError(_("The stored file of this import is missing: upload it "
                                "again."), code="missing") from error
    table = _read(data, batch.file_name, batch.report.get("indicator") or None)
    if table.conflicting_duplicates:
        raise ValidationError(
            _("The file gives different values for the same indicator, economy and year "
              "(%(count)d times): correct it and import it again."),
            params={"count": table.conflicting_duplicates}, code="duplicates")
    with transaction.atomic():
        batch = _locked(batch, Status.PREVIEWED)
        if add_unknown_economies is None:
            add_unknown_economies = bool(batch.report.get("add_unknown_economies"))
        codes = {key[0] for key in table.values}
        # Two batches of one indicator applied at once would both find a value new.
        _lock_indicators(Indicator.objects.filter(code__in=codes))
        current = _current(codes)
        economies = dict(Economy.objects.values_list("code", "pk"))
        # The report is computed before the indicators and economies it names are added, so
        # that it still names them.
        report, diff = _report(table, current, set(economies),
                               add_unknown_economies=add_unknown_economies,
                               indicator_code=batch.report.get("indicator") or "")
        _create_indicators(codes, table, batch)
        if add_unknown_economies:
            economies |= _create_economies(set(table.economy_names) - set(economies), table)
        indicators = dict(Indicator.objects.filter(code__in=codes).values_list("code", "pk"))
        new_rows, changed_rows, changes = [], [], []
        for key in diff.new:
            indicator, economy, value = indicators[key[0]], economies[key[1]], table.values[key]
            new_rows.append((indicator, economy, key[2], value, batch.pk))
            changes.append((batch.pk, indicator, economy, key[2], None, None, value))
        for key in diff.changed:
            pk, before, batch_before = current[key]
            indicator, economy, value = indicators[key[0]], economies[key[1]], table.values[key]
            changed_rows.append((pk, indicator, economy, key[2], value, batch.pk))
            changes.append((batch.pk, indicator, economy, key[2], before, batch_before, value))
        _insert(Observation, OBSERVATION_FIELDS[1:], new_rows)
        _rewrite(changed_rows)
        _insert(ObservationChange, CHANGE_FIELDS, changes)
        report["already_applied"] = _already_applied(batch.sha256, exclude=batch.pk)
        batch.report = report
        batch.status = Status.APPLIED
        batch.applied_at = timezone.now()
        batch.save(update_fields=["report", "status", "applied_at"])
        ImportTransition.objects.create(batch=batch, from_status=Status.PREVIEWED,
                                        to_status=Status.APPLIED, by=user)
        data_changed()
    return batch


def _lock_indicators(indicators) -> None:
    list(indicators.select_for_update().order_by("pk").values_list("pk", flat=True))


def _create_indicators(codes: set[str], table: Table, batch: ImportBatch) -> None:
    """Indicators a wide file names that the catalogue lacks, with the file's name for them."""
    missing = codes - set(Indicator.objects.filter(code__in=codes).values_list("code", flat=True))
    for code in sorted(missing):
        Indicator.objects.create(code=code, name_en=(table.indicator_names.get(code) or code)[:200],
                                 source=batch.source, order=1000)


def _create_economies(codes: set[str], table: Table) -> dict[str, int]:
    created = [Economy.objects.create(code=code, name_en=(table.economy_names[code] or code)[:120],
                                      kind=Economy.Kind.COUNTRY)
               for code in sorted(codes) if _addable_economy(code)]
    return {economy.code: economy.pk for economy in created}


def rollback_import(batch: ImportBatch, user=None) -> ImportBatch:
    """Put back the values and batches this batch replaced and delete the observations it
    created; refused when a later batch has since changed any of them."""
    with transaction.atomic():
        batch = _locked(batch, Status.APPLIED)
        changes = list(ObservationChange.objects.filter(batch=batch).values_list(
            "indicator_id", "economy_id", "year", "value_before", "batch_before_id"))
        indicator_ids = {change[0] for change in changes}
        _lock_indicators(Indicator.objects.filter(pk__in=indicator_ids))
        current = {(indicator, economy, year): (pk, batch_id)
                   for pk, indicator, economy, year, batch_id in Observation.objects.filter(
                       indicator_id__in=indicator_ids).values_list(
                       "pk", "indicator_id", "economy_id", "year", "batch_id")
                   .iterator(chunk_size=5000)}
        later = {current[change[:3]][1] for change in changes
                 if change[:3] in current and current[change[:3]][1] != batch.pk}
        if later or any(change[:3] not in current for change in changes):
            later_batch = (ImportBatch.objects.filter(pk__in=later).order_by("pk").first()
                           if later else None)
            raise ValidationError(
                _("Import %(later)s has since changed values this import set: roll that one "
                  "back first."),
                params={"later": str(later_batch) if later_batch else "?"}, code="later")
        deleted, restored = [], []
        for indicator, economy, year, before, batch_before in changes:
            pk = current[(indicator, economy, year)][0]
            if before is None:
                deleted.append(pk)
            else:
                restored.append((pk, indicator, economy, year, before, batch_before))
        _delete(deleted)
        _rewrite(restored)
        batch.status = Status.ROLLED_BACK
        batch.save(update_fields=["status"])
        ImportTransition.objects.create(batch=batch, from_status=Status.APPLIED,
                                        to_status=Status.ROLLED_BACK, by=user)
        data_changed()
    return batch


def _delete(pks: list[int]) -> None:
    """DELETE the observations by id, one statement a batch. Not `QuerySet.delete()`: with a
    post_delete receiver on every model (the page cache's), Django loads and signals each row,
    most of a 2 s write lock for 18,000 values on SQLite while other writers waited. Nothing
    refers to an observation and observations keep no history; the page cache is renewed by the
    batch's own save in the same transaction."""
    for start in range(0, len(pks), BULK):
        Observation.objects.filter(pk__in=pks[start:start + BULK])._raw_delete(DEFAULT_DB_ALIAS)


def _rewrite(observations: list[tuple]) -> None:
    """Update whole observations (rows of OBSERVATION_FIELDS), keeping their ids. Deleting and
    inserting them again in the transaction is an update to every reader, and costs a third of
    `bulk_update()`, whose CASE WHEN per row took 5 s for the 13,000 values of a new vintage."""
    _delete([observation[0] for observation in observations])
    _insert(Observation, OBSERVATION_FIELDS, observations)


def _insert(model: type[models.Model], names: tuple[str, ...], rows: list[tuple]) -> None:
    """INSERT the rows (values of the fields named, in order) with one prepared statement.

    These writes run inside the transaction that holds SQLite's only write lock, so they are
    made as cheap as they can be: `bulk_create()` spent 5 s of Python for 25,000 values (a
    model instance, then SQL compiled anew, for each row) around 0.4 s of SQLite. The rows hold
    ids, years and None as the database takes them; the values (decimals) go through their
    field's conversion."""
    database = connections[DEFAULT_DB_ALIAS]  # once: `connection` looks it up at each use
    fields = [model._meta.get_field(name) for name in names]
    convert = [None if not isinstance(field, ExactDecimalField)
               else (lambda value, field=field: field.get_db_prep_save(value, database))
               for field in fields]
    quote = database.ops.quote_name
    sql = (f"INSERT INTO {quote(model._meta.db_table)} "
           f"({', '.join(quote(field.column) for field in fields)}) "
           f"VALUES ({', '.join(['%s'] * len(fields))})")
    with database.cursor() as cursor:
        for start in range(0, len(rows), BULK):
            cursor.executemany(sql, [
                tuple(value if to_db is None else to_db(value)
                      for to_db, value in zip(convert, row, strict=True))
                for row in rows[start:start + BULK]])


def discard_import(batch: ImportBatch, user=None) -> ImportBatch:
    """Drop a preview: nothing was written, the batch stays as a record."""
    with transaction.atomic():
        batch = _locked(batch, Status.PREVIEWED)
        batch.status = Status.DISCARDED
        batch.save(update_fields=["status"])
        ImportTransition.objects.create(batch=batch, from_status=Status.PREVIEWED,
                                        to_status=Status.DISCARDED, by=user)
    return batch


# --- Flags ------------------------------------------------------------------------------------


def flag_observation(indicator: Indicator, economy: Economy, year: int, kind: str, note: str,
                     user=None) -> Flag:
    """Flag a value (it need not be imported yet); flagging it again replaces the note."""
    flag = Flag.objects.filter(indicator=indicator, economy=economy, year=year,
                               kind=kind).first()
    if flag is None:
        flag = Flag(indicator=indicator, economy=economy, year=year, kind=kind,
                    created_by=user)
    flag.note = note.strip()
    flag._history_user = user
    flag.save()
    data_changed()
    return flag


def unflag(flag: Flag, user=None) -> None:
    """Remove a flag; its history keeps it."""
    flag._history_user = user
    flag.delete()
    data_changed()


# --- The catalogue ----------------------------------------------------------------------------


def save_indicator(indicator: Indicator, expected_version: int | None,
                   sdg_targets: Iterable[Any]) -> Indicator:
    """Save the secretariat's edit of an indicator (names, units, definitions, sources, SDG
    targets), refused with `EditConflict` if someone saved it since `expected_version`."""
    with transaction.atomic():
        save_versioned(indicator, expected_version)
        indicator.sdg_targets.set(sdg_targets)
        data_changed()
    return indicator
