"""The bench's databases: the synthetic dataset built once and reused while its sources are
unchanged, the small (1%) dataset's database beside the full one."""

from __future__ import annotations

import contextlib
import hashlib
import json
import time
from pathlib import Path
from urllib.parse import urlparse

from bench.config import BASE_DIR, BENCH_DIR, SMALL_SCALE, redacted


def _fingerprint(database_url: str, scale: float) -> dict:
    from django.apps import apps

    from bench.synthetic import DATA_VERSION

    digest = hashlib.sha256()
    for config in sorted(apps.get_app_configs(), key=lambda c: c.label):
        migrations = Path(config.path) / "migrations"
        if migrations.is_dir() and BASE_DIR in migrations.parents:
            for path in sorted(migrations.glob("*.py")):
                digest.update(f"{config.label}/{path.name}\n".encode())
    # What fills the database: a change to any of it (not only to DATA_VERSION) rebuilds it.
    sources = [*sorted((BASE_DIR / "bench" / "synthetic").glob("*.py")),
               *(BASE_DIR / source for source in (
                   "members/starter.py", "members/management/commands/load_starter_data.py",
                   "members/management/commands/demo_data.py",
                   "talanoa/management/commands/bench_data.py"))]
    for path in sources:
        if path.exists():
            digest.update(path.read_bytes())
    return {"data_version": DATA_VERSION, "scale": scale, "sources": digest.hexdigest()[:16],
            "database": redacted(database_url)}


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


def _marker(database_url: str) -> Path:
    return BENCH_DIR / f"data-{hashlib.sha256(database_url.encode()).hexdigest()[:8]}.json"


def build_seconds(database_url: str) -> int | None:
    """How long the current dataset of this database took to build (its marker says)."""
    with contextlib.suppress(OSError, ValueError):
        return json.loads(_marker(database_url).read_text()).get("built_seconds")
    return None


def prepare_database(database_url: str, scale: float, rebuild: bool) -> float | None:
    """Migrate and fill the bench database unless it is current; the seconds it took when it
    was built (None when it was current)."""
    from django.core.management import call_command
    from django.db import connection

    marker = _marker(database_url)
    wanted = _fingerprint(database_url, scale)
    found = json.loads(marker.read_text()) if marker.exists() else {}
    found.pop("built_seconds", None)
    current = found == wanted
    is_sqlite = connection.vendor == "sqlite"
    if is_sqlite:
        db_file = Path(connection.settings_dict["NAME"])
        current = current and db_file.exists()
    if current and not rebuild:
        call_command("migrate", "--noinput", verbosity=0)
        return None
    marker.unlink(missing_ok=True)
    started = time.monotonic()
    print(f"Building the bench database ({wanted['database']}, scale {scale}): "
          "starter data, demo data, synthetic data…", flush=True)
    empty_with_demo_data()
    call_command("bench_data", scale=scale)
    with connection.cursor() as cursor:  # what autovacuum / PRAGMA optimize do in production
        cursor.execute("ANALYZE")
    seconds = time.monotonic() - started
    marker.write_text(json.dumps(wanted | {"built_seconds": round(seconds)}, indent=1))
    print(f"Bench database ready in {seconds:.0f} s.", flush=True)
    return seconds


def ensure_postgresql_database(database_url: str) -> None:
    """Create the bench's PostgreSQL database when it does not exist yet."""
    import psycopg
    from psycopg import sql

    parts = urlparse(database_url)
    name = parts.path.lstrip("/")
    server = parts._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return
        print(f"Creating the database {name}…", flush=True)
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def small_url(database_url: str, scale: float = SMALL_SCALE) -> str:
    """The database of the small dataset beside `database_url`: bench.sqlite3 →
    bench-1pct.sqlite3, …/talanoa_bench → …/talanoa_bench_1pct."""
    tag = f"{scale * 100:g}pct".replace(".", "_")
    parts = urlparse(database_url)
    if parts.scheme.startswith("sqlite"):
        path = Path(parts.path)
        return database_url.replace(parts.path, str(path.with_name(f"{path.stem}-{tag}"
                                                                   f"{path.suffix}")), 1)
    name = parts.path.rsplit("/", 1)[1]
    return parts._replace(path=parts.path[:-len(name)] + f"{name}_{tag}").geturl()


def database_kind(database_url: str) -> str:
    return "sqlite" if urlparse(database_url).scheme.startswith("sqlite") else "postgresql"

