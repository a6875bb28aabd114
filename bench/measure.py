"""One run, in a child process of its own (settings are read once per process): one database,
one dataset. It builds the dataset unless it is current, counts each page's queries, serves the
site with gunicorn, measures each page's first view and load, and writes the results."""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
import time
from dataclasses import asdict
from pathlib import Path

from bench.config import (
    BENCH_DIR,
    BUDGET_CHART_KB,
    BUDGET_DASHBOARD_P99_MS,
    BUDGET_GROWTH,
    BUDGET_KB,
    BUDGET_P99_MS,
    BUDGET_REQUESTS,
    BUDGET_RSS_MB,
    configure_environment,
    redacted,
)
from bench.dataset import (
    build_seconds,
    database_kind,
    ensure_postgresql_database,
    prepare_database,
)
from bench.first_view import first_view
from bench.load import Server, ensure_wrk, rss_mb, run_wrk
from bench.pages import PAGES, PLACEHOLDERS, selected_pages
from bench.results import Result, formatted, print_table
from talanoa.lib.net import free_port


def session_cookie(email: str) -> str:
    """A logged-in session for a demo account, as a Cookie header value."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from members.models import User

    user = User.objects.get(email=email)
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def api_token(email: str) -> str:
    """A new personal API token of a demo account, as an Authorization header value."""
    from api.operations import create_token
    from members.models import User

    _token, secret = create_token(User.objects.get(email=email), "bench")
    return f"Bearer {secret}"


def credentials(page_path: str, user: str | None, cookies: dict[str, str],
                tokens: dict[str, str]) -> dict[str, str]:
    """The headers a page's requests carry: the user's session, or their API token for the
    API (which reads tokens, never sessions)."""
    if user is None:
        return {}
    if page_path.startswith("/api/"):
        return {"Authorization": tokens[user]}
    return {"Cookie": cookies[user]}


def count_queries(path: str, headers: dict[str, str]) -> tuple[int, int]:
    """(status, SQL queries) of one request for the page, after one warm-up request: the page's
    own queries, without the anonymous page cache (which the load goes through when it is on)."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    client = Client(HTTP_HOST="127.0.0.1")
    if cookie := headers.get("Cookie"):
        client.cookies[settings.SESSION_COOKIE_NAME] = cookie.split("=", 1)[1]
    extra = {"HTTP_AUTHORIZATION": headers["Authorization"]} if "Authorization" in headers else {}
    with override_settings(PAGE_CACHE=False):
        client.get(path, **extra)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, **extra)
    return response.status_code, len(queries)


def measure(args: argparse.Namespace) -> int:
    """One database and one dataset (`--one`); 1 when a page failed, wrk is missing, or
    (with --strict) a budget is over."""
    database_url = args.database_url
    configure_environment(database_url, args.redis_url)
    wrk = ensure_wrk()
    seconds = max(1, min(args.seconds, 60))
    pages = selected_pages(args.pages)
    if database_kind(database_url) == "postgresql":
        ensure_postgresql_database(database_url)

    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection

    from bench.synthetic import BENCH

    built = prepare_database(database_url, args.scale, args.rebuild)
    if args.redis_url:
        cache.clear()  # the bench's own Redis database: nothing cached from another dataset
    call_command("collectstatic", "--noinput", "--clear", verbosity=0)
    users = {p.user for p in pages if p.user}
    cookies = {email: session_cookie(email) for email in users}
    tokens = {email: api_token(email) for email in users}
    results, skipped = [], []
    for page in pages:
        values = {k: f() for k, f in PLACEHOLDERS.items() if "{" + k + "}" in page.path}
        if any(v in ("", "None") for v in values.values()):
            skipped.append(page.name)
            print(f"  {page.name}: nothing to show in this dataset ({page.path}); skipped",
                  flush=True)
            continue
        path = page.path.format(**values)
        result = Result(page.name, path, page.user, budget_ms=page.budget_ms)
        headers = credentials(path, page.user, cookies, tokens)
        result.status, result.queries = count_queries(path, headers)
        results.append(result)
    connection.close()

    server = Server(free_port(), args.workers, args.worker_class, args.worker_threads,
                    BENCH_DIR / "gunicorn.log")
    rss: dict[int, float | None] = {}
    failed = False
    started = time.monotonic()
    load_before = os.getloadavg()[0]
    if load_before > 0.7:
        print(f"Note: the machine is already busy (load average {load_before:.1f} on "
              f"{os.cpu_count()} cores): other processes share the cores with the server and wrk, "
              "so the latencies below are pessimistic.", flush=True)
    try:
        server.log.write_text("")
        server.start()
        print(f"gunicorn on {server.url}: {args.workers} {args.worker_class} workers; "
              f"wrk -t{args.threads} -c{args.connections} -d{seconds}s per page", flush=True)
        for result in results:
            headers = credentials(result.path, result.user, cookies, tokens)
            try:
                # A slow page leaves requests queued behind it when wrk stops: the next first
                # view waits for them (up to a minute) rather than failing the run.
                first_view(server.url, result, headers, timeout=60)
            except OSError as exc:
                failed = True
                result.errors += 1
                print(f"  {result.name}: {result.path} did not answer ({exc}); not loaded",
                      flush=True)
                continue
            if result.status != 200:
                failed = True
                print(f"  {result.name}: {result.path} answered {result.status}; not loaded",
                      flush=True)
                continue
            if wrk:
                url = server.url + result.path
                run_wrk(wrk, url, headers, 1, 4, 1)  # warm every worker up
                result.alone_ms = run_wrk(wrk, url, headers, 1, 1, 1)["p50_ms"]
                load = run_wrk(wrk, url, headers, seconds, args.connections, args.threads)
                result.rps, result.p50_ms, result.p99_ms = (load["rps"], load["p50_ms"],
                                                            load["p99_ms"])
                result.load_requests, result.errors = load["requests"], load["errors"]
                if "output" in load:
                    print(load["output"], flush=True)
                print(f"  {result.name}: {formatted(result.rps, '.0f')} req/s, "
                      f"p99 {formatted(result.p99_ms, '.1f')} ms", flush=True)
        rss = {pid: rss_mb(pid) for pid in server.worker_pids()}
    except Exception as exc:  # report what was measured; the server is stopped below
        failed = True
        print(f"Benchmark failed: {exc}", file=sys.stderr, flush=True)
    finally:
        server.stop()
    for result in results:
        result.judge()
    print_table(results, rss)
    over = [f"{r.name}: {k}" for r in results for k, v in r.verdicts.items() if v == "OVER"]
    if any(mb is not None and mb > BUDGET_RSS_MB for mb in rss.values()):
        over.append("worker RSS")
    when = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    report = {
        "when": when,
        "database": redacted(database_url),
        "cache": ("Redis " + redacted(args.redis_url) + " (cached_db sessions"
                  + (", anonymous page cache" if getattr(settings, "PAGE_CACHE", False) else "")
                  + ")" if args.redis_url else "local memory; sessions in the database"),
        "scale": args.scale,
        "dataset": BENCH.scaled(args.scale).as_dict(),
        "built_seconds": round(built) if built else build_seconds(database_url),
        "server": {"workers": args.workers, "worker_class": args.worker_class,
                   "worker_threads": args.worker_threads},
        "load": {"tool": "wrk" if wrk else None, "threads": args.threads,
                 "connections": args.connections, "seconds": seconds,
                 "wall_seconds": round(time.monotonic() - started, 1),
                 "load_average_before": round(load_before, 2), "cpus": os.cpu_count()},
        "budgets": {"kb_compressed": BUDGET_KB, "chart_kb_compressed": BUDGET_CHART_KB,
                    "requests": BUDGET_REQUESTS, "p99_ms": BUDGET_P99_MS,
                    "dashboard_p99_ms": BUDGET_DASHBOARD_P99_MS, "growth": BUDGET_GROWTH,
                    "rss_mb": BUDGET_RSS_MB},
        "commands": [args.command] if args.command else [],
        "pages": [asdict(r) | {"measured": when} for r in results],
        "skipped": skipped,
        "worker_rss_mb": {str(pid): mb for pid, mb in rss.items()},
        "over_budget": over,
    }
    out = Path(args.out) if args.out else BENCH_DIR / "results.json"
    if args.pages and out.exists():  # a partial rerun: the other pages' last results stay
        previous = json.loads(out.read_text())
        if (previous.get("database"), previous.get("dataset")) == (report["database"],
                                                                   report["dataset"]):
            merged = {p["name"]: p for p in previous.get("pages", [])}
            merged |= {p["name"]: p for p in report["pages"]}
            order = {p.name: n for n, p in enumerate(PAGES)}
            report["pages"] = sorted(merged.values(), key=lambda p: order.get(p["name"], 999))
            report["built_seconds"] = report["built_seconds"] or previous.get("built_seconds")
            report["commands"] = previous.get("commands", []) + report["commands"]
    out.write_text(json.dumps(report, indent=1))
    print(f"Results: {out}"
          + (f"; over budget: {', '.join(over)}" if over else "; every budget met."), flush=True)
    if failed or wrk is None:
        return 1
    return 1 if args.strict and over else 0

