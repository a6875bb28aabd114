"""Import indicator tables (World Bank / ITU, CSV or XLSX, long or wide) from the command line.

Each file is previewed (its validation report is printed), then applied unless --dry-run; each
is one batch, which `--rollback BATCH_ID` undoes. The same as the secretariat's upload page.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from indicators import operations
from indicators.models import ImportBatch


class Command(BaseCommand):
    help = ("Import World Bank / ITU indicator files (CSV or XLSX, long or wide layout): print "
            "each one's validation report, then apply it unless --dry-run.")

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", metavar="FILE")
        parser.add_argument("--indicator", help="the indicator of long files without an "
                            "Indicator Code column (default: a catalogue code in the file name)")
        parser.add_argument("--source", default="", help="where the data comes from")
        parser.add_argument("--vintage", default="", help="the source's data update, e.g. "
                            "2026-07-01 (default: the file's Last Updated Date)")
        parser.add_argument("--add-economies", action="store_true",
                            help="add economies the catalogue lacks, with the file's names")
        parser.add_argument("--dry-run", action="store_true",
                            help="only preview: store the report, change no observation")
        parser.add_argument("--rollback", type=int, metavar="BATCH_ID",
                            help="roll back an applied batch")
        parser.add_argument("--list", action="store_true", dest="list_batches",
                            help="list the latest 100 batches")

    def handle(self, *args, files, indicator, source, vintage, add_economies, dry_run,
               rollback, list_batches, **options):
        if list_batches:
            self._list()
        if rollback is not None:
            self._rollback(rollback)
        if not files and not list_batches and rollback is None:
            raise CommandError("Give files to import, --rollback BATCH_ID or --list.")
        for name in files:
            path = Path(name)
            try:
                data = path.read_bytes()
            except OSError as error:
                raise CommandError(f"{name}: {error.strerror or error}") from error
            try:
                batch = operations.preview_import(
                    data, path.name, indicator_code=indicator, source=source, vintage=vintage,
                    add_unknown_economies=add_economies)
            except ValidationError as error:
                raise CommandError(f"{name}: {' '.join(error.messages)}") from error
            self.stdout.write(f"{name}: batch {batch.pk}, {batch.layout}"
                              + (f", vintage {batch.vintage}" if batch.vintage else ""))
            for line in report_lines(batch.report):
                self.stdout.write(f"  {line}")
            if dry_run:
                self.stdout.write("  Previewed only (--dry-run).")
                continue
            try:
                batch = operations.apply_import(batch)
            except ValidationError as error:
                raise CommandError(f"{name}: {' '.join(error.messages)}") from error
            report = batch.report
            self.stdout.write(self.style.SUCCESS(
                f"  Applied: {report['new']} new, {report['changed']} changed, "
                f"{report['unchanged']} unchanged."))

    def _list(self) -> None:
        for batch in ImportBatch.objects.select_related("created_by")[:100]:
            report = batch.report
            self.stdout.write(
                f"{batch.pk:>6}  {batch.created_at:%Y-%m-%d %H:%M}  {batch.status:<11}  "
                f"{batch.file_name}  new {report.get('new', 0)}, changed "
                f"{report.get('changed', 0)}, unchanged {report.get('unchanged', 0)}")

    def _rollback(self, pk: int) -> None:
        batch = ImportBatch.objects.filter(pk=pk).first()
        if batch is None:
            raise CommandError(f"No import batch {pk}.")
        try:
            operations.rollback_import(batch)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(self.style.SUCCESS(f"Batch {pk} rolled back."))


def report_lines(report: dict) -> list[str]:
    lines = [
        f"rows read {report['rows']}, values {report['values']}: new {report['new']}, "
        f"changed {report['changed']}, unchanged {report['unchanged']}; "
        f"empty cells (no data) {report['empty_cells']}",
    ]
    for change in report["changed_examples"][:5]:
        lines.append(f"  changed {change['indicator']} {change['economy']} {change['year']}: "
                     f"{change['before']} → {change['after']}")
    if report["unknown_economies"]:
        codes = ", ".join(e["code"] or "(none)" for e in report["unknown_economies"][:20])
        lines.append(f"unknown economies {len(report['unknown_economies'])} "
                     f"({report['unknown_economy_values']} values skipped"
                     f"{', added on apply' if report['add_unknown_economies'] else ''}): {codes}")
    if report["non_numeric"]:
        examples = "; ".join(f"row {e['row']} {e['column']}: {e['text']!r}"
                             for e in report["non_numeric_examples"][:5])
        lines.append(f"non-numeric cells {report['non_numeric']}: {examples}")
    if report["bad_years"]:
        examples = "; ".join(f"row {e['row']} {e['column']}: {e['text']!r}"
                             for e in report["bad_year_examples"][:5])
        lines.append(f"bad years {report['bad_years']}: {examples}")
    if report["duplicates"]:
        lines.append(f"duplicates {report['duplicates']} "
                     f"({report['conflicting_duplicates']} with different values)")
    if report["other_indicator_rows"]:
        lines.append(f"rows of other indicators skipped {report['other_indicator_rows']}")
    for indicator in report["new_indicators"]:
        lines.append(f"new indicator {indicator['code']}: {indicator['name']}")
    if report.get("already_applied"):
        lines.append(f"the same file is already applied (batch {report['already_applied']})")
    return lines
