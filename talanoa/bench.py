"""`make bench`: Talanoa's pages under load, measured against BUDGETS.md.

    python -m talanoa.bench [--seconds 10] [--connections 32] [--workers 2] [--pages home,...]
                            [--database-url postgres://…] [--scale 1] [--rebuild] [--strict]

1. builds a large synthetic dataset in a separate database: ``var/bench/bench.sqlite3`` (or the
   database given with ``--database-url``, which is emptied when it has to be rebuilt): starter
   data, demo data and ``bench_data`` (``talanoa.synthetic.BENCH``: 10 years, 20,000 posts, …).
   A marker (``var/bench/data-*.json``) records the data version, the migrations and the sources
   of the generators; the database is reused while they are unchanged;
2. collects the static files with whitenoise's compressed manifest storage and serves the site
   with gunicorn on 127.0.0.1, with production settings (``DEBUG=0``);
3. for each page of ``PAGES``: counts its SQL queries (one request, in process, against the same
   database), measures its first view (the HTML and every stylesheet, script, image and CSS
   ``url()`` it loads, compressed with gzip -6 and brotli) and loads it with
   ``wrk -t2 -c32 -d10s --latency`` (requests/s, p50, p99);
4. prints a table with the budgets' verdicts and the memory of each gunicorn worker, writes
   ``var/bench/results.json``, and always stops the server.

Later issues add their pages to ``PAGES`` (and placeholders for ids to ``PLACEHOLDERS``).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import gzip
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlparse

BASE_DIR = Path(__file__).resolve().parent.parent
BENCH_DIR = BASE_DIR / "var" / "bench"
MEMBER = "member@demo.talanoa.test"  # the chair and secretariat need TOTP: not for a bench

# BUDGETS.md
BUDGET_KB = 14.0  # first view, HTML + what it loads, compressed
BUDGET_REQUESTS = 3  # requests for a first view
BUDGET_P99_MS = 100.0  # at 32 connections, 2 cores, 10 years of data
BUDGET_RSS_MB = 150.0  # one app server process after the benchmark
BUDGET_CHART_KB = 10.0  # each server-side SVG chart, compressed


@dataclass(frozen=True)
class Page:
    name: str
    path: str  # may name a placeholder, e.g. "/posts/{public_post}/"
    user: str | None = None  # the demo account whose session the requests carry


PAGES = [
    Page("home", "/"),
    Page("member home", "/me/", MEMBER),
    Page("posts", "/posts/"),
    Page("posts (member)", "/posts/", MEMBER),
    Page("directory", "/directory/"),
    Page("governance", "/governance/"),
    Page("post", "/posts/{public_post}/"),
    Page("search", "/search/?q=cable"),
    Page("calendar", "/calendar/"),
    Page("calendar (member)", "/calendar/", MEMBER),
    Page("upcoming", "/calendar/upcoming/"),
    Page("meeting", "/meetings/{public_meeting}/"),
    Page("meeting (member)", "/meetings/{public_meeting}/", MEMBER),
    Page("calendar feed", "/calendar/feed.ics"),
    Page("publications", "/papers/"),
    Page("publications (member)", "/papers/", MEMBER),
    Page("publications filtered", "/papers/?sdg=9.c&country=TUV"),
    Page("paper", "/papers/{public_paper}/"),
    Page("paper (member)", "/papers/{public_paper}/", MEMBER),
    Page("papers in progress", "/papers/in-progress/", MEMBER),
    Page("search papers", "/search/?q=submarine+cable"),
    Page("search (member)", "/search/?q=submarine+cable", MEMBER),
    Page("papers feed", "/papers/feed.atom"),
    Page("decisions", "/decisions/"),
    Page("decision", "/decisions/{public_decision}/"),
    Page("work plan", "/work/"),
    Page("matrix", "/work/matrix/"),
    Page("matrix (member)", "/work/matrix/", MEMBER),
    Page("my tasks", "/tasks/mine/", MEMBER),
    Page("task register", "/tasks/", MEMBER),
    Page("indicators", "/indicators/"),
    Page("indicator", "/indicators/IT.CEL.SETS.P2/"),
    Page("country profile", "/indicators/TON/"),
    Page("country profile (member)", "/indicators/TON/", MEMBER),
    # --- apidata: the observations API (1,000,000 rows): a first page, a filtered one, and a
    # page deep in the data (keyset: it must cost what the first costs) ---
    Page("api observations", "/api/observations"),
    Page("api obs filtered", "/api/observations?indicator=IT.CEL.SETS.P2,IT.NET.USER.ZS"
                             "&economy=TON,FJI,WSM&year_from=2000"),
    Page("api obs deep", "/api/observations?cursor={deep_cursor}"),
    # --- end apidata ---
]


def _public_post() -> str:
    from portal.models import Post

    pk = (Post.objects.filter(level=Post.Level.PUBLIC, archived_at__isnull=True)
          .values_list("pk", flat=True).first())
    return str(pk)


def _public_meeting() -> str:
    """The next public meeting (a synthetic one, with its agenda and invitees)."""
    from django.utils import timezone

    from meetings.models import Meeting

    pk = (Meeting.objects.filter(level=Meeting.Level.PUBLIC, status=Meeting.Status.CONVENED,
                                 starts_at__gte=timezone.now(), title_en__contains="(")
          .order_by("starts_at").values_list("pk", flat=True).first())
    return str(pk)


def _public_paper() -> str:
    """The newest published public paper (a synthetic one, with tags, positions and a file)."""
    from papers.models import Paper

    pk = (Paper.objects.filter(level=Paper.Level.PUBLIC, status=Paper.Status.PUBLISHED,
                               archived_at__isnull=True, title_en__contains="(")
          .order_by("-published_at").values_list("pk", flat=True).first())
    return str(pk)


def _public_decision() -> str:
    """The newest public decision (a synthetic one, with options, positions and actions)."""
    from decisions.models import Decision

    pk = (Decision.objects.filter(level=Decision.Level.PUBLIC, archived_at__isnull=True,
                                  title_en__contains="(")
          .order_by("-sitting__starts_on", "-pk").values_list("pk", flat=True).first())
    return str(pk)


# --- apidata ---
def _deep_cursor() -> str:
    """The cursor of /api/observations after the middle observation of the whole table."""
    from api.service import encode_cursor
    from indicators.models import Observation

    rows = Observation.objects.order_by("indicator_id", "economy_id", "year")
    middle = rows.values_list("indicator_id", "economy_id", "year")[rows.count() // 2]
    return encode_cursor(middle)
# --- end apidata ---


PLACEHOLDERS: dict[str, Callable[[], str]] = {"public_post": _public_post,
                                              "public_meeting": _public_meeting,
                                              "public_paper": _public_paper,
                                              "public_decision": _public_decision,
                                              "deep_cursor": _deep_cursor}


# ---------------------------------------------------------------------------------------------
# Parsing wrk's output and pages' assets (pure functions: see talanoa/tests/test_bench.py)

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", value.strip()).groups()
    return float(number) * _UNITS[unit]


def parse_wrk(output: str) -> dict:
    """Requests/s, p50 and p99 (ms), requests, errors from `wrk --latency` output."""
    result = {"rps": None, "p50_ms": None, "p99_ms": None, "requests": None, "errors": 0}
    if m := re.search(r"Requests/sec:\s+([\d.]+)", output):
        result["rps"] = float(m.group(1))
    for pct, key in (("50", "p50_ms"), ("99", "p99_ms")):
        if m := re.search(rf"^\s*{pct}(?:\.0+)?%\s+([\d.]+(?:us|ms|s|m|h))\s*$", output, re.M):
            result[key] = _ms(m.group(1))
    if m := re.search(r"(\d+) requests in", output):
        result["requests"] = int(m.group(1))
    if m := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output):
        result["errors"] += int(m.group(1))
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                      output):
        result["errors"] += sum(int(g) for g in m.groups())
    return result


class _Assets(HTMLParser):
    """What a browser fetches for a first view: stylesheets, scripts, images, icons, preloads."""

    LINK_RELS = {"stylesheet", "icon", "shortcut", "preload", "modulepreload", "apple-touch-icon",
                 "manifest"}

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self.has_icon = False

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "link":
            rels = set(a.get("rel", "").lower().split())
            if rels & {"icon", "shortcut"}:
                self.has_icon = True
            if rels & self.LINK_RELS and a.get("href"):
                self._add(a["href"])
        elif tag in ("script", "img", "iframe") and a.get("src"):
            self._add(a["src"])

    def _add(self, url: str) -> None:
        if not url.startswith("data:"):  # inline: no request
            self.urls.append(url)


def page_assets(html: str) -> tuple[list[str], bool]:
    """The asset URLs a page loads (in order, once each) and whether it declares an icon."""
    parser = _Assets()
    parser.feed(html)
    return list(dict.fromkeys(parser.urls)), parser.has_icon


def css_urls(css: str) -> list[str]:
    """The url(...) and @import references of a stylesheet (not data: URIs)."""
    found = re.findall(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)""", css)
    found += re.findall(r"""@import\s+['"]([^'"]+)['"]""", css)
    return [u for u in dict.fromkeys(found) if not u.startswith(("data:", "#"))]


_INLINE_SVG = re.compile(rb"<svg\b.*?</svg>", re.S)


def split_charts(html: bytes) -> tuple[bytes, list[bytes]]:
    """A page without its inline SVG charts, and the charts. The budgets count a page's HTML and
    CSS without its charts, and each chart on its own (≤ 10 KB)."""
    return _INLINE_SVG.sub(b"", html), _INLINE_SVG.findall(html)


def compressed_sizes(data: bytes) -> tuple[int, int]:
    import brotli

    return len(gzip.compress(data, compresslevel=6, mtime=0)), len(brotli.compress(data))


# ---------------------------------------------------------------------------------------------
# The database

def _fingerprint(database_url: str, scale: float) -> dict:
    from django.apps import apps

    from talanoa.synthetic import DATA_VERSION

    digest = hashlib.sha256()
    for config in sorted(apps.get_app_configs(), key=lambda c: c.label):
        migrations = Path(config.path) / "migrations"
        if migrations.is_dir() and BASE_DIR in migrations.parents:
            for path in sorted(migrations.glob("*.py")):
                digest.update(f"{config.label}/{path.name}\n".encode())
    for source in ("talanoa/synthetic.py", "members/starter.py",
                   "members/management/commands/load_starter_data.py",
                   "members/management/commands/demo_data.py",
                   "talanoa/management/commands/bench_data.py"):
        path = BASE_DIR / source
        if path.exists():
            digest.update(path.read_bytes())
    return {"data_version": DATA_VERSION, "scale": scale, "sources": digest.hexdigest()[:16],
            "database": _redacted(database_url)}


def _redacted(url: str) -> str:
    return re.sub(r"//([^:/@]+):[^@]*@", r"//\1:***@", url)


def empty_with_demo_data() -> None:
    """Empty the bench database (an SQLite file is recreated), migrate it, then load the starter
    and demo data."""
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "sqlite":
        db_file = Path(connection.settings_dict["NAME"])
        connection.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_file}{suffix}").unlink(missing_ok=True)
        call_command("migrate", "--noinput", verbosity=0)
    else:
        call_command("migrate", "--noinput", verbosity=0)
        call_command("flush", "--noinput", verbosity=0)
    call_command("load_starter_data", verbosity=0)
    call_command("demo_data", verbosity=0)


def prepare_database(database_url: str, scale: float, rebuild: bool) -> bool:
    """Migrate and fill the bench database unless it is current; True when it was built."""
    from django.core.management import call_command
    from django.db import connection

    marker = BENCH_DIR / f"data-{hashlib.sha256(database_url.encode()).hexdigest()[:8]}.json"
    wanted = _fingerprint(database_url, scale)
    current = marker.exists() and json.loads(marker.read_text()) == wanted
    is_sqlite = connection.vendor == "sqlite"
    if is_sqlite:
        db_file = Path(connection.settings_dict["NAME"])
        current = current and db_file.exists()
    if current and not rebuild:
        call_command("migrate", "--noinput", verbosity=0)
        return False
    marker.unlink(missing_ok=True)
    started = time.monotonic()
    print(f"Building the bench database ({wanted['database']}, scale {scale}): "
          "starter data, demo data, synthetic data…", flush=True)
    empty_with_demo_data()
    call_command("bench_data", scale=scale)
    with connection.cursor() as cursor:  # what autovacuum / PRAGMA optimize do in production
        cursor.execute("ANALYZE")
    marker.write_text(json.dumps(wanted, indent=1))
    print(f"Bench database ready in {time.monotonic() - started:.0f} s.", flush=True)
    return True


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


def count_queries(path: str, cookie: str | None) -> tuple[int, int]:
    """(status, SQL queries) of one request for the page, after one warm-up request."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    if cookie:
        client.cookies[settings.SESSION_COOKIE_NAME] = cookie.split("=", 1)[1]
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    return response.status_code, len(queries)


# ---------------------------------------------------------------------------------------------
# The server and the load

def ensure_wrk() -> str | None:
    found = shutil.which("wrk")
    if found:
        return found
    print("wrk is missing: installing it from Debian (apt-get install -y wrk)…", flush=True)
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        print("Cannot install wrk here (needs apt-get as root). Install it with "
              "`sudo apt-get install wrk` and rerun `make bench`. Continuing without the load "
              "test: sizes and query counts only.", flush=True)
        return None
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for steps in ([["apt-get", "install", "-y", "-qq", "wrk"]],
                  [["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "wrk"]]):
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            for step in steps:
                subprocess.run(step, env=env, check=True, timeout=300,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if found := shutil.which("wrk"):
            return found
    print("Could not install wrk (apt-get install -y wrk failed: no package repository?). "
          "Install it and rerun `make bench`. Continuing without the load test: sizes and query "
          "counts only.", flush=True)
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def fetch(url: str, cookie: str | None = None, timeout: float = 10) -> tuple[int, bytes, str]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with _opener.open(request, timeout=timeout) as response:
            return response.status, response.read(), response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), exc.headers.get("Content-Type", "")


@dataclass
class Server:
    port: int
    workers: int
    worker_class: str
    threads: int
    log: Path
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        command = [sys.executable, "-m", "gunicorn", "talanoa.wsgi:application",
                   "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers),
                   "--worker-class", self.worker_class, "--threads", str(self.threads),
                   "--timeout", "30", "--log-level", "warning", "--error-logfile", str(self.log)]
        self.process = subprocess.Popen(command, cwd=BASE_DIR, start_new_session=True,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.process.returncode}):\n"
                                   + self.log.read_text()[-3000:])
            with contextlib.suppress(OSError):
                if fetch(self.url + "/governance/", timeout=2)[0] == 200:
                    return
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer within 30 s:\n" + self.log.read_text()[-3000:])

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)

    def worker_pids(self) -> list[int]:
        if self.process is None:
            return []
        master = self.process.pid
        children = Path(f"/proc/{master}/task/{master}/children")
        if children.exists():
            return [int(p) for p in children.read_text().split()]
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, IndexError, ValueError):
                if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == master:
                    pids.append(int(stat.parent.name))
        return pids


def rss_mb(pid: int) -> float | None:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return None


def run_wrk(wrk: str, url: str, cookie: str | None, seconds: int, connections: int,
            threads: int) -> dict:
    command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency",
               "--timeout", "5s", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 30)
    result = parse_wrk(done.stdout)
    if done.returncode != 0 or result["rps"] is None:
        result["errors"] += 1
        result["output"] = (done.stdout + done.stderr)[-2000:]
    return result


# ---------------------------------------------------------------------------------------------
# One page

@dataclass
class Result:
    name: str
    path: str
    user: str | None
    status: int = 0
    queries: int | None = None
    html_bytes: int = 0
    assets: list[dict] = field(default_factory=list)
    gzip_bytes: int = 0
    brotli_bytes: int = 0
    requests: int = 0
    declares_icon: bool = False
    rps: float | None = None
    p50_ms: float | None = None
    p99_ms: float | None = None
    alone_ms: float | None = None  # p50 with a single connection: the page's own cost
    load_requests: int | None = None
    errors: int = 0
    charts: int = 0  # inline SVG charts on the page
    chart_gzip_max: int = 0  # the largest one, compressed
    charts_gzip: int = 0  # all of them, compressed one by one
    verdicts: dict[str, str] = field(default_factory=dict)

    def judge(self) -> None:
        kb = (self.gzip_bytes - self.charts_gzip) / 1024
        self.verdicts = {
            "size": "OK" if kb <= BUDGET_KB else "OVER",
            "requests": "OK" if self.requests <= BUDGET_REQUESTS else "OVER",
            "p99": ("n/a" if self.p99_ms is None else
                    "OK" if self.p99_ms <= BUDGET_P99_MS and not self.errors else "OVER"),
        }
        if self.charts:
            self.verdicts["chart"] = ("OK" if self.chart_gzip_max / 1024 <= BUDGET_CHART_KB
                                      else "OVER")


def first_view(server_url: str, result: Result, cookie: str | None) -> None:
    """The page and everything it loads, compressed: what a first visit costs on the wire."""
    status, body, _ = fetch(server_url + result.path, cookie)
    result.status = status
    result.html_bytes = len(body)
    gz, br = compressed_sizes(body)
    without, charts = split_charts(body)
    if charts:
        chart_sizes = [compressed_sizes(chart)[0] for chart in charts]
        result.charts, result.chart_gzip_max = len(charts), max(chart_sizes)
        # What the charts add to the page's compressed size (they compress better together).
        result.charts_gzip = gz - compressed_sizes(without)[0]
    urls, result.declares_icon = page_assets(body.decode("utf-8", "replace"))
    queue = [urljoin(server_url + result.path, u) for u in urls]
    seen: set[str] = set()
    while queue:
        url = queue.pop(0)
        if url in seen or urlparse(url).netloc != urlparse(server_url).netloc:
            result.assets.append({"url": url, "external": True})
            continue
        seen.add(url)
        asset_status, data, content_type = fetch(url)
        a_gz, a_br = compressed_sizes(data)
        gz, br = gz + a_gz, br + a_br
        result.assets.append({"url": urlparse(url).path, "status": asset_status,
                              "bytes": len(data), "gzip": a_gz, "brotli": a_br})
        if "css" in content_type:
            queue += [urljoin(url, u) for u in css_urls(data.decode("utf-8", "replace"))]
    result.gzip_bytes, result.brotli_bytes = gz, br
    result.requests = 1 + len(result.assets)


# ---------------------------------------------------------------------------------------------

def _configure(database_url: str) -> None:
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
    })
    for name in ("REDIS_URL", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        os.environ.pop(name, None)


def _fmt(value, spec: str, missing: str = "-") -> str:
    return missing if value is None else format(value, spec)


def print_table(results: list[Result], rss: dict[int, float | None]) -> None:
    header = (f"{'page':<16} {'path':<22} {'1 conn':>6} {'req/s':>6} {'p50 ms':>7} {'p99 ms':>7} "
              f"{'queries':>7} {'KB gz':>6} {'KB br':>6} {'reqs':>4}  "
              f"{'≤14KB':<5} {'≤3req':<5} {'p99≤100':<7}")
    print()
    print(header)
    print("-" * len(header))
    for r in results:
        path = r.path if len(r.path) <= 22 else r.path[:21] + "…"
        print(f"{r.name:<16} {path:<22} {_fmt(r.alone_ms, '6.1f'):>6} {_fmt(r.rps, '6.0f'):>6} "
              f"{_fmt(r.p50_ms, '7.1f'):>7} "
              f"{_fmt(r.p99_ms, '7.1f'):>7} {_fmt(r.queries, 'd'):>7} "
              f"{r.gzip_bytes / 1024:6.1f} {r.brotli_bytes / 1024:6.1f} {r.requests:>4}  "
              f"{r.verdicts['size']:<5} {r.verdicts['requests']:<5} {r.verdicts['p99']:<7}"
              + (f"  status {r.status}" if r.status != 200 else "")
              + (f"  {r.errors} errors" if r.errors else ""))
    print("1 conn: p50 ms with a single connection (the page's own cost); req/s, p50, p99: "
          "under the full load.")
    if rss:
        parts = [f"pid {pid}: {_fmt(mb, '.0f', '?')} MB" for pid, mb in rss.items()]
        worst = max((mb for mb in rss.values() if mb is not None), default=None)
        verdict = "n/a" if worst is None else "OK" if worst <= BUDGET_RSS_MB else "OVER"
        print(f"gunicorn worker RSS after the load: {', '.join(parts)} "
              f"(budget ≤ {BUDGET_RSS_MB:.0f} MB each: {verdict})")
    for r in results:
        if r.charts:
            print(f"{r.name}: KB gz counts {r.charts} inline SVG chart(s) "
                  f"({r.charts_gzip / 1024:.1f} KB of it); without them "
                  f"{(r.gzip_bytes - r.charts_gzip) / 1024:.1f} KB (budget ≤ {BUDGET_KB:.0f}), "
                  f"largest chart {r.chart_gzip_max / 1024:.1f} KB "
                  f"(budget ≤ {BUDGET_CHART_KB:.0f}: {r.verdicts['chart']})")
    if any(not r.declares_icon for r in results):
        print("Note: pages without <link rel=icon> make browsers also ask for /favicon.ico "
              "(not counted above).")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m talanoa.bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per page (1-60)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2-4)")
    parser.add_argument("--worker-class", default="sync", help="gunicorn worker class")
    parser.add_argument("--worker-threads", type=int, default=1,
                        help="threads per gunicorn worker (with --worker-class gthread)")
    parser.add_argument("--database-url", default="",
                        help="bench on this database instead of var/bench/bench.sqlite3; "
                             "it is EMPTIED when the dataset has to be (re)built")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="multiply the synthetic dataset's sizes")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the dataset")
    parser.add_argument("--pages", default="", help="comma-separated page names (default all)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a budget is over")
    args = parser.parse_args(argv)
    seconds = max(1, min(args.seconds, 60))
    pages = PAGES
    if args.pages:
        wanted = {p.strip() for p in args.pages.split(",")}
        pages = [p for p in PAGES if p.name in wanted]
        if not pages:
            parser.error(f"no such page; pages: {', '.join(p.name for p in PAGES)}")

    database_url = args.database_url or f"sqlite:///{BENCH_DIR / 'bench.sqlite3'}"
    _configure(database_url)
    wrk = ensure_wrk()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from talanoa.synthetic import BENCH

    prepare_database(database_url, args.scale, args.rebuild)
    call_command("collectstatic", "--noinput", "--clear", verbosity=0)
    cookies = {email: session_cookie(email) for email in {p.user for p in pages if p.user}}
    results = []
    for page in pages:
        path = page.path.format(**{k: f() for k, f in PLACEHOLDERS.items()
                                   if "{" + k + "}" in page.path})
        result = Result(page.name, path, page.user)
        result.status, result.queries = count_queries(path, cookies.get(page.user))
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
            cookie = cookies.get(result.user)
            first_view(server.url, result, cookie)
            if result.status != 200:
                failed = True
                print(f"  {result.name}: {result.path} answered {result.status}; not loaded",
                      flush=True)
                continue
            if wrk:
                url = server.url + result.path
                run_wrk(wrk, url, cookie, 1, 4, 1)  # warm every worker up
                result.alone_ms = run_wrk(wrk, url, cookie, 2, 1, 1)["p50_ms"]
                load = run_wrk(wrk, url, cookie, seconds, args.connections, args.threads)
                result.rps, result.p50_ms, result.p99_ms = (load["rps"], load["p50_ms"],
                                                            load["p99_ms"])
                result.load_requests, result.errors = load["requests"], load["errors"]
                if "output" in load:
                    print(load["output"], flush=True)
                print(f"  {result.name}: {_fmt(result.rps, '.0f')} req/s, "
                      f"p99 {_fmt(result.p99_ms, '.1f')} ms", flush=True)
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
    report = {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "database": _redacted(database_url),
        "dataset": BENCH.scaled(args.scale).as_dict(),
        "server": {"workers": args.workers, "worker_class": args.worker_class,
                   "worker_threads": args.worker_threads},
        "load": {"tool": "wrk" if wrk else None, "threads": args.threads,
                 "connections": args.connections, "seconds": seconds,
                 "wall_seconds": round(time.monotonic() - started, 1),
                 "load_average_before": round(load_before, 2), "cpus": os.cpu_count()},
        "budgets": {"kb_compressed": BUDGET_KB, "chart_kb_compressed": BUDGET_CHART_KB,
                    "requests": BUDGET_REQUESTS,
                    "p99_ms": BUDGET_P99_MS, "rss_mb": BUDGET_RSS_MB},
        "pages": [asdict(r) for r in results],
        "worker_rss_mb": {str(pid): mb for pid, mb in rss.items()},
        "over_budget": over,
    }
    out = BENCH_DIR / "results.json"
    out.write_text(json.dumps(report, indent=1))
    print(f"Results: {out.relative_to(BASE_DIR)}"
          + (f"; over budget: {', '.join(over)}" if over else "; every budget met."))
    if failed or wrk is None:
        return 1
    return 1 if args.strict and over else 0


if __name__ == "__main__":
    sys.exit(main())
