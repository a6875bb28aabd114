"""Benchmark of report generation (`make bench` runs it after the pages; alone:
`python -m bench.report_generation [--database-url URL] [--rebuild]`).

It builds, once, a database where the home group has a year of at least 10,000 records (the
synthetic data of bench.synthetic, one year deep: meetings, papers, decisions, tasks, plan
items, posts…), then times a whole compilation of the annual assessment report of that year,
as the background worker runs it: the record compiled, then HTML, PDF and DOCX in English and
French. Budget: 10 s (issue 8). Results go to var/bench/report.json.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
import time

from bench.config import BENCH_DIR

BUDGET_SECONDS = 10.0
DATA_VERSION = 1
# One year of a very busy group and its neighbours (about two thirds fall to the home group).
YEAR = dict(posts=2_000, organisations=60, people=300, representatives=400, meetings=1_500,
            papers=4_000, decisions=1_600, tasks=10_000, initiatives=12, years=1)


def _configure(database_url: str) -> None:
    os.environ.update({"DJANGO_SETTINGS_MODULE": "talanoa.settings",
                       "DATABASE_URL": database_url, "DEBUG": "0", "LOG_LEVEL": "WARNING",
                       "MEDIA_ROOT": str(BENCH_DIR / "report-files")})
    os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 40)


def records_in(group, start: datetime.date, end: datetime.date) -> dict[str, int]:
    """The group's records dated in the period, by kind (what a report of it reads)."""
    from decisions.models import Decision
    from meetings.models import Meeting
    from papers.models import Paper
    from plan.models import PlanItem
    from portal.models import Post
    from tasks.models import Task

    def between(queryset, field):
        return queryset.filter(**{f"{field}__date__gte": start, f"{field}__date__lte": end}) \
            .count()

    return {
        "meetings": between(Meeting.objects.filter(group=group), "starts_at"),
        "papers": between(Paper.objects.filter(group=group), "created_at"),
        "decisions": between(Decision.objects.filter(group=group), "created_at"),
        "tasks": between(Task.objects.filter(group=group), "created_at"),
        "plan items": PlanItem.objects.filter(group=group).count(),
        "posts": between(Post.objects.filter(group=group), "created_at"),
    }


def prepare(database_url: str, rebuild: bool) -> None:
    from django.core.management import call_command
    from django.db import connection

    marker = BENCH_DIR / "report-data.json"
    wanted = {"version": DATA_VERSION, "year": YEAR, "database": database_url,
              "today": datetime.date.today().isoformat()}
    if not rebuild and marker.exists() and json.loads(marker.read_text()) == wanted:
        call_command("migrate", "--noinput", verbosity=0)
        return
    print("Building the report bench database (a year of records)…", flush=True)
    started = time.monotonic()
    from bench.dataset import empty_with_demo_data
    from bench.synthetic import Sizes, grow

    empty_with_demo_data()

    grow(Sizes(**YEAR), seed=8)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    marker.write_text(json.dumps(wanted, indent=1))
    print(f"Ready in {time.monotonic() - started:.0f} s.", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.report_generation", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="",
                        help="default: var/bench/report.sqlite3 (EMPTIED when rebuilt)")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--strict", action="store_true", help="exit 1 over budget")
    args = parser.parse_args(argv)
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    database_url = args.database_url or f"sqlite:///{BENCH_DIR / 'report.sqlite3'}"
    _configure(database_url)
    import django

    django.setup()
    from django.conf import settings
    from django.utils import timezone

    from members.models import User, WorkingGroup
    from reports import operations
    from reports.models import Report, ReportRun

    prepare(database_url, args.rebuild)
    group = WorkingGroup.objects.get(slug=settings.DEFAULT_GROUP_SLUG)
    end = timezone.localdate()
    start = end - datetime.timedelta(days=364)
    counts = records_in(group, start, end)
    total = sum(counts.values())
    secretariat = User.objects.get(email="secretariat@demo.talanoa.test")
    report = Report.objects.filter(group=group, title_en="Bench annual report").first()
    if report is None:
        report = operations.create_report(Report(
            group=group, kind=Report.Kind.ANNUAL, level=Report.Level.MEMBERS,
            title_en="Bench annual report", period_start=start, period_end=end), secretariat)
    # Twice: a worker is a long-running process, so its first compilation pays once for
    # loading fonts and templates; the second is what the secretariat waits for every time.
    cold = None
    for _attempt in range(2):
        run = ReportRun.objects.create(report=report, requested_by=secretariat)
        started = time.monotonic()
        run = operations.run_report(run.pk)
        seconds = time.monotonic() - started
        cold = seconds if cold is None else cold
    sizes = {f"{f.language}.{f.format}": f.size for f in run.files.all()}
    verdict = "within budget" if seconds <= BUDGET_SECONDS else "OVER BUDGET"
    print(f"Report generation: {total} records of {group.acronym or group.slug} in "
          f"{start}–{end} ({', '.join(f'{k} {v}' for k, v in counts.items())})")
    print(f"  {run.status}: {seconds:.1f} s in a running worker, {cold:.1f} s in a new one "
          f"(compiled in {run.data.get('compiled_seconds')} s; "
          f"budget {BUDGET_SECONDS:.0f} s: {verdict}); files: "
          + ", ".join(f"{k} {v // 1024} KB" for k, v in sizes.items()))
    if run.status != ReportRun.Status.DONE:
        print(run.error, file=sys.stderr)
    (BENCH_DIR / "report.json").write_text(json.dumps({
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "records": counts, "records_total": total, "seconds": round(seconds, 2),
        "seconds_new_worker": round(cold, 2),
        "compiled_seconds": run.data.get("compiled_seconds"), "status": run.status,
        "files": sizes, "budget_seconds": BUDGET_SECONDS, "load_average": os.getloadavg()[0],
    }, indent=1))
    if run.status != ReportRun.Status.DONE:
        return 1
    return 1 if args.strict and seconds > BUDGET_SECONDS else 0


if __name__ == "__main__":
    sys.exit(main())
