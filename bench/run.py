"""`make bench`: Talanoa's pages under load, measured against BUDGETS.md (issue 10).

    python -m bench [--databases sqlite,postgresql] [--no-small] [--pages home,...]
                    [--seconds 10] [--connections 32] [--workers 2] [--scale 1]
                    [--sqlite-url …] [--postgresql-url …] [--redis-url …]
                    [--rebuild] [--strict] [--docs docs/performance.md]

For each database (SQLite ``var/bench/bench.sqlite3``; PostgreSQL
``postgres://postgres@127.0.0.1:5432/talanoa_bench`` with Redis for the cache and sessions, as in
production) and each dataset (the full one, then 1% of it beside it: ``bench-1pct.sqlite3``,
``talanoa_bench_1pct``), a child process (settings are read once per process):

1. builds the synthetic dataset unless it is current: starter data, demo data and
   ``bench_data`` (``bench.synthetic.BENCH``: ten years of a busy group: 20 groups, 1,500
   organisations, 5,000 people, 3,000 meetings, 20,000 papers, 50,000 tasks, 1,000,000
   observations, …). A marker (``var/bench/data-*.json``) records the data version, the
   migrations and the sources of the generators; a database is reused while they are unchanged
   (a PostgreSQL database is EMPTIED when it has to be rebuilt);
2. collects the static files with whitenoise's compressed manifest storage and serves the site
   with gunicorn on 127.0.0.1, with production settings (``DEBUG=0``);
3. for each page of ``PAGES`` (anonymous, and signed in as the demo member: a session, or a
   personal token for the API): counts its SQL queries (one request, in process), measures its
   first view (the HTML and every stylesheet, script, image and CSS ``url()`` it loads,
   compressed with gzip -6 and brotli) and loads it with ``wrk -t2 -c32 --latency`` (p50, p99);
4. writes ``var/bench/results-<database>-<full|small>.json``.

Then it compares each page's full and 1% runs (the same queries, p99 within 1.5×), writes
``var/bench/results.json`` and the generated part of ``docs/performance.md`` (between its
markers: the "What remains" section after them is written by hand and kept). ``--pages`` reruns
some pages (the others keep their last results); a database not run keeps its last table.

The pages are ``PAGES`` in bench/pages.py; the budgets are in bench/config.py.
"""

from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
from pathlib import Path

from bench.config import (
    BASE_DIR,
    BENCH_DIR,
    DATABASES,
    DEFAULT_REDIS_URL,
    DEFAULT_URLS,
    DOCS,
    SMALL_SCALE,
    redacted,
)
from bench.dataset import database_kind, small_url
from bench.measure import measure
from bench.pages import selected_pages
from bench.performance_doc import (
    KIND_NAMES,
    merge_docs,
    page_verdicts,
    performance_markdown,
    this_machine,
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--databases", default=",".join(DATABASES),
                        help="which databases to run on (default: sqlite,postgresql; '' "
                             "rewrites the report from the last results)")
    parser.add_argument("--sqlite-url", default=DEFAULT_URLS["sqlite"])
    parser.add_argument("--postgresql-url", default=DEFAULT_URLS["postgresql"],
                        help="EMPTIED when the dataset has to be (re)built; its 1%% dataset "
                             "goes to the same name + _1pct")
    parser.add_argument("--database-url", default="",
                        help="run on this one database only (sqlite:// or postgres://)")
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL,
                        help="cache and sessions of the PostgreSQL runs ('' for none)")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="multiply the synthetic dataset's sizes")
    parser.add_argument("--small-scale", type=float, default=SMALL_SCALE,
                        help="the small dataset, relative to the full one (default 0.01)")
    parser.add_argument("--no-small", action="store_true",
                        help="skip the 1%% dataset (the growth ratios keep their last values)")
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per page (1-60)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2-4)")
    parser.add_argument("--worker-class", default="sync", help="gunicorn worker class")
    parser.add_argument("--worker-threads", type=int, default=1,
                        help="threads per gunicorn worker (with --worker-class gthread)")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the datasets")
    parser.add_argument("--pages", default="",
                        help="comma-separated page names (default all; the others keep their "
                             "last results)")
    parser.add_argument("--docs", default=str(DOCS),
                        help="the Markdown report to (re)write ('' for none)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a budget is over")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)  # a child run
    parser.add_argument("--out", default="", help=argparse.SUPPRESS)
    parser.add_argument("--command", default="", help=argparse.SUPPRESS)  # what the docs show
    return parser


def _run_file(kind: str, size: str) -> Path:
    return BENCH_DIR / f"results-{kind}-{size}.json"


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    argv = sys.argv[1:] if argv is None else argv
    args = parser.parse_args(argv)
    if args.one:
        return measure(args)
    selected_pages(args.pages)  # fail early on a wrong name
    urls = {"sqlite": args.sqlite_url, "postgresql": args.postgresql_url}
    kinds = [k.strip() for k in args.databases.split(",") if k.strip()]
    if args.database_url:
        kinds = [database_kind(args.database_url)]
        urls[kinds[0]] = args.database_url
    if unknown := set(kinds) - set(DATABASES):
        parser.error(f"unknown database(s) {', '.join(sorted(unknown))}: "
                     f"choose among {', '.join(DATABASES)}")
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    passed = ["--seconds", str(args.seconds), "--connections", str(args.connections),
              "--threads", str(args.threads), "--workers", str(args.workers),
              "--worker-class", args.worker_class, "--worker-threads", str(args.worker_threads),
              "--pages", args.pages] + (["--rebuild"] if args.rebuild else []) + (
              ["--strict"] if args.strict else [])
    command = "python -m bench" + ("" if not argv else " " + shlex.join(argv))
    passed += ["--command", command]
    failed = False
    for kind in kinds:
        runs = [("full", urls[kind], args.scale)]
        if not args.no_small:
            runs.append(("small", small_url(urls[kind], args.small_scale),
                         args.scale * args.small_scale))
        for size, url, scale in runs:
            print(f"\n=== {KIND_NAMES[kind]}, {'full dataset' if size == 'full' else '1% dataset'}"
                  f" (scale {scale:g}): {redacted(url)}", flush=True)
            redis = args.redis_url if kind == "postgresql" else ""
            done = subprocess.run([sys.executable, "-m", "bench", "--one",
                                   "--database-url", url, "--scale", str(scale),
                                   "--redis-url", redis, "--out", str(_run_file(kind, size)),
                                   *passed], cwd=BASE_DIR)
            failed = failed or done.returncode != 0
    runs_found: dict[str, dict[str, dict | None]] = {}
    for kind in DATABASES:  # the databases not run this time keep their last results
        pair = {size: json.loads(f.read_text()) if (f := _run_file(kind, size)).exists() else None
                for size in ("full", "small")}
        if pair["full"]:
            runs_found[kind] = pair
    (BENCH_DIR / "results.json").write_text(json.dumps(runs_found, indent=1))
    generated = performance_markdown(runs_found, command, this_machine())
    print("\n" + generated)
    if args.docs:
        docs = Path(args.docs)
        docs.write_text(merge_docs(docs.read_text() if docs.exists() else None, generated))
        print(f"Written: {docs}")
    over = any(page_verdicts(p, None) for pair in runs_found.values() if pair["full"]
               for p in pair["full"]["pages"])
    return 1 if failed or (args.strict and over) else 0

