"""Where the benchmark keeps its files, the budgets it measures against (BUDGETS.md, issue 10),
its default databases, and the environment its processes run in."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
BENCH_DIR = BASE_DIR / "var" / "bench"

# BUDGETS.md (issue 10: the benchmark against the budgets)
BUDGET_KB = 14.0  # first view, HTML + what it loads, compressed
BUDGET_REQUESTS = 3  # requests for a first view
BUDGET_P99_MS = 50.0  # any page, at 32 connections, 2 cores, 10 years of data
BUDGET_DASHBOARD_P99_MS = 100.0  # the indicators' chart pages (dashboard, indicator, country)
BUDGET_GROWTH = 1.5  # p99 with the full dataset ÷ p99 with 1% of it
BUDGET_RSS_MB = 150.0  # one app server process after the benchmark
BUDGET_CHART_KB = 10.0  # each server-side SVG chart, compressed
SMALL_SCALE = 0.01  # "the same pages with 1% of the data"

DATABASES = ("sqlite", "postgresql")
DEFAULT_URLS = {"sqlite": f"sqlite:///{BENCH_DIR / 'bench.sqlite3'}",
                "postgresql": "postgres://postgres@127.0.0.1:5432/talanoa_bench"}
# The production-like run (PostgreSQL) keeps its cache and sessions in Redis, as production does.
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/4"
DOCS = BASE_DIR / "docs" / "performance.md"


def redacted(url: str) -> str:
    """A database or Redis URL fit to print and to write into the docs: no password."""
    return re.sub(r"//([^:/@]+):[^@]*@", r"//\1:***@", url)


def configure_environment(database_url: str, redis_url: str = "") -> None:
    """The bench's environment: read by settings here and inherited by gunicorn."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    key_file = BENCH_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(hashlib.sha256(os.urandom(32)).hexdigest())
        key_file.chmod(0o600)
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "talanoa.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "HTTPS": "0",
        "SECRET_KEY": key_file.read_text().strip(),
        "STATICFILES_BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
        "STATIC_ROOT": str(BENCH_DIR / "static"),
        "MEDIA_ROOT": str(BENCH_DIR / "files"),
        "LOG_LEVEL": "WARNING",
        # The API's anonymous limit (120/min per address) would answer wrk's load with 429s:
        # the throttle still runs on every request, with a limit the load never reaches.
        "API_RATE_ANONYMOUS": "100000/s",
        "API_RATE_TOKEN": "100000/s",
    })
    for name in ("REDIS_URL", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE", "PAGE_CACHE"):
        os.environ.pop(name, None)
    if redis_url:
        os.environ["REDIS_URL"] = redis_url
