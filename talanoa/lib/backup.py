"""Backups: a consistent snapshot of the database and the uploaded files, and its restore.

A backup is a directory:

    manifest.json          what is in it: engine, migrations, time, version, and the sha256
                           and size of every other file
    database.sqlite3       SQLite's online backup of the database (WAL: safe while the server
      or database.pgdump   writes), or pg_dump's custom format for PostgreSQL
    files/...              a copy of MEDIA_ROOT

It is written into a hidden sibling directory and renamed at the end, so a directory with a
manifest is always a whole backup. The database is copied first, then the files: Talanoa never
deletes or rewrites an uploaded file, so every file the snapshot refers to is already there when
the files are copied (a file uploaded in between is copied too, unreferenced and harmless).

Restore checks every file against the manifest before it touches anything, and only restores
into an empty database (no tables) and an empty or missing MEDIA_ROOT, of the same kind of
database as the backup's.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.db import connections

FORMAT = 1
MANIFEST = "manifest.json"
FILES = "files"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
ENGINE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
# Default backup directories are named by their UTC time; --keep prunes only these.
STAMP = "%Y%m%dT%H%M%SZ"
STAMP_RE = re.compile(r"^\d{8}T\d{6}Z$")
PARTIAL_PREFIX = ".partial-"
CHUNK = 1024 * 1024
PG_TOOLS_TIMEOUT = 6 * 3600


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, for a person."""


@dataclass
class Result:
    path: Path
    manifest: dict[str, Any]
    notes: list[str] = field(default_factory=list)


# --- databases --------------------------------------------------------------------------------

def engine_of(settings_dict: dict[str, Any]) -> str:
    engine = settings_dict["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        return "sqlite"
    if engine in ("django.db.backends.postgresql", "django.db.backends.postgresql_psycopg2"):
        return "postgresql"
    raise BackupError(f"Backups support SQLite and PostgreSQL, not {engine}.")


def database_from_url(url: str) -> dict[str, Any]:
    """A DATABASES entry for a DATABASE_URL (to restore somewhere else than the configured one)."""
    import environ

    return environ.Env.db_url_config(url)


def _pg_env(db: dict[str, Any]) -> dict[str, str]:
    """The environment for pg_dump/pg_restore: the password goes here, never on the command
    line (where any user could read it in the process list)."""
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    options = db.get("OPTIONS") or {}
    for option, variable in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT"),
                             ("sslcert", "PGSSLCERT"), ("sslkey", "PGSSLKEY"),
                             ("passfile", "PGPASSFILE"), ("service", "PGSERVICE")):
        if options.get(option):
            env[variable] = str(options[option])
    return env


def _pg_args(db: dict[str, Any]) -> list[str]:
    args = ["--no-password", f"--dbname={db['NAME']}"]
    if db.get("HOST"):
        args.append(f"--host={db['HOST']}")
    if db.get("PORT"):
        args.append(f"--port={db['PORT']}")
    if db.get("USER"):
        args.append(f"--username={db['USER']}")
    return args


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True,
                              timeout=PG_TOOLS_TIMEOUT, check=False)
    except FileNotFoundError as error:
        raise BackupError(f"{what}: {command[0]} is not installed (apt-get install "
                          "postgresql-client, the version of the server).") from error
    if done.returncode != 0:
        raise BackupError(f"{what} failed (exit {done.returncode}):\n{done.stderr.strip()}")


def _pg_connect(db: dict[str, Any]):
    import psycopg

    options = {k: v for k, v in (db.get("OPTIONS") or {}).items()
               if k in ("sslmode", "sslrootcert", "sslcert", "sslkey", "passfile", "service")}
    try:
        return psycopg.connect(dbname=db["NAME"], host=db.get("HOST") or None,
                               port=db.get("PORT") or None, user=db.get("USER") or None,
                               password=db.get("PASSWORD") or None, autocommit=True,
                               **options)
    except psycopg.OperationalError as error:
        raise BackupError(f"Cannot connect to the database {db['NAME']}: "
                          f"{str(error).strip()}") from error


def _sqlite_path(db: dict[str, Any]) -> str:
    return str(db["NAME"])


def _sqlite_is_memory(name: str) -> bool:
    return name == ":memory:" or "mode=memory" in name


def database_tables(db: dict[str, Any]) -> dict[str, int]:
    """Every table of the database with its number of rows (empty for a new database)."""
    engine = engine_of(db)
    if engine == "sqlite":
        name = _sqlite_path(db)
        if not _sqlite_is_memory(name) and (not os.path.exists(name)
                                            or os.path.getsize(name) == 0):
            return {}
        con = sqlite3.connect(name, uri=name.startswith("file:"))
        try:
            tables = [row[0] for row in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
            return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
                    for t in tables}
        finally:
            con.close()
    with _pg_connect(db) as con:
        tables = con.execute(
            "SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) "
            "FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
            "AND table_schema NOT IN ('pg_catalog', 'information_schema') "
            "AND table_schema NOT LIKE 'pg_toast%' ORDER BY 1").fetchall()
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for (t,) in tables}


def applied_migrations(alias: str = "default") -> list[str]:
    """The migrations applied to the database, as "app.name"."""
    from django.db.migrations.recorder import MigrationRecorder

    recorder = MigrationRecorder(connections[alias])
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


def known_migrations() -> set[str]:
    """The migrations of this code, as "app.name"."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {f"{app}.{name}" for app, name in loader.disk_migrations}


# --- files ------------------------------------------------------------------------------------

def _copy_hashing(source: Path, target: Path) -> tuple[str, int]:
    """Copy a file, returning the sha256 and size of what was written."""
    digest = hashlib.sha256()
    size = 0
    with open(source, "rb") as src, open(target, "xb") as dst:
        while chunk := src.read(CHUNK):
            digest.update(chunk)
            dst.write(chunk)
            size += len(chunk)
    shutil.copystat(source, target)
    return digest.hexdigest(), size


def sha256_of(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _walk_files(root: Path) -> Iterator[Path]:
    """Every regular file under root (symbolic links are not followed), in a stable order."""
    for directory, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            path = Path(directory) / name
            if path.is_file() and not path.is_symlink():
                yield path


def talanoa_version() -> str | None:
    """The git commit of this checkout, if it is one (and git is there)."""
    try:
        done = subprocess.run(["git", "-C", str(settings.BASE_DIR), "rev-parse", "HEAD"],
                              capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    commit = done.stdout.strip()
    return commit if done.returncode == 0 and re.fullmatch(r"[0-9a-f]{40}", commit) else None


# --- backup -----------------------------------------------------------------------------------

def default_directory() -> Path:
    return Path(getattr(settings, "BACKUP_DIR", settings.VAR_DIR / "backups"))


def _snapshot_database(alias: str, target: Path) -> None:
    connection = connections[alias]
    db = connection.settings_dict
    engine = engine_of(db)
    if engine == "sqlite":
        # The online backup API, through Django's own connection (which also reaches an
        # in-memory database): a consistent copy while other processes go on writing.
        if connection.in_atomic_block:
            # SQLite answers SQLITE_LOCKED to a backup from a connection that is writing, and
            # Python's backup() retries that forever.
            raise BackupError("A SQLite backup cannot run inside a transaction (atomic block).")
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            with connection.wrap_database_errors:
                connection.connection.backup(destination)
            # A standalone file: reading it must not need (or leave) -wal and -shm files.
            destination.execute("PRAGMA journal_mode=DELETE")
        finally:
            destination.close()
        return
    _run(["pg_dump", "--format=custom", f"--file={target}", *_pg_args(db)], _pg_env(db),
         "pg_dump")


def make_backup(directory: Path | None = None, *, alias: str = "default",
                media_root: Path | None = None,
                log: Callable[[str], None] = lambda message: None) -> Result:
    """Write a backup of the database `alias` and of MEDIA_ROOT into `directory` (default:
    BACKUP_DIR/<UTC time>/), which must not exist yet."""
    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    if directory is None:
        directory = default_directory() / now.strftime(STAMP)
    directory = Path(directory).absolute()
    if directory.exists():
        raise BackupError(f"{directory} already exists: give a new directory.")
    media_root = Path(media_root if media_root is not None else settings.MEDIA_ROOT).absolute()
    if directory.is_relative_to(media_root):
        raise BackupError(f"{directory} is inside MEDIA_ROOT ({media_root}): each backup would "
                          "copy the ones before it. Keep backups elsewhere.")
    db = connections[alias].settings_dict
    engine = engine_of(db)
    directory.parent.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=f"{PARTIAL_PREFIX}{directory.name}-",
                                    dir=directory.parent))
    try:
        os.chmod(partial, 0o700)  # the database holds personal data and password hashes
        migrations = applied_migrations(alias)
        database_file = partial / DATABASE_FILES[engine]
        log(f"Database ({ENGINE_NAMES[engine]})…")
        _snapshot_database(alias, database_file)
        entries: dict[str, dict[str, Any]] = {}
        digest, size = sha256_of(database_file)
        entries[database_file.name] = {"sha256": digest, "size": size}
        log(f"Files from {media_root}…")
        (partial / FILES).mkdir()
        if media_root.is_dir():
            for source in _walk_files(media_root):
                relative = source.relative_to(media_root)
                target = partial / FILES / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                try:
                    digest, size = _copy_hashing(source, target)
                except FileNotFoundError:
                    # Removed since the walk saw it: only caches (meeting packs) are.
                    target.unlink(missing_ok=True)
                    continue
                entries[PurePosixPath(FILES, *relative.parts).as_posix()] = {
                    "sha256": digest, "size": size}
        manifest = {
            "format": FORMAT,
            "created_at": now.isoformat().replace("+00:00", "Z"),
            "talanoa_version": talanoa_version(),
            "engine": engine,
            "database": database_file.name,
            "migrations": migrations,
            "files": dict(sorted(entries.items())),
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n")
        os.rename(partial, directory)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return Result(directory, manifest)


def prune(keep: int, directory: Path | None = None,
          partial_age: datetime.timedelta = datetime.timedelta(days=1)) -> list[Path]:
    """Delete all but the `keep` newest whole backups in the default directory (only
    directories named by their time, with a manifest), and leftovers of interrupted backups
    older than `partial_age`. Returns what was deleted."""
    if keep < 1:
        raise BackupError("--keep must be at least 1.")
    directory = Path(directory or default_directory())
    if not directory.is_dir():
        return []
    backups = sorted(p for p in directory.iterdir()
                     if p.is_dir() and not p.is_symlink() and STAMP_RE.match(p.name)
                     and (p / MANIFEST).is_file())
    removed = backups[:-keep]
    cutoff = time.time() - partial_age.total_seconds()
    removed += [p for p in directory.iterdir()
                if p.is_dir() and not p.is_symlink() and p.name.startswith(PARTIAL_PREFIX)
                and p.stat().st_mtime < cutoff]
    for path in removed:
        shutil.rmtree(path)
    return removed


# --- restore ----------------------------------------------------------------------------------

def read_manifest(directory: Path) -> dict[str, Any]:
    path = Path(directory) / MANIFEST
    if not Path(directory).is_dir():
        raise BackupError(f"{directory} is not a directory.")
    try:
        manifest = json.loads(path.read_text())
    except FileNotFoundError as error:
        raise BackupError(f"{directory} has no {MANIFEST}: it is not a Talanoa backup, or an "
                          "unfinished one.") from error
    except (ValueError, UnicodeDecodeError) as error:
        raise BackupError(f"{path} is not valid JSON: {error}") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path}: unknown format (this Talanoa reads format {FORMAT}).")
    files = manifest.get("files")
    if (manifest.get("engine") not in DATABASE_FILES or not isinstance(files, dict)
            or manifest.get("database") != DATABASE_FILES[manifest["engine"]]
            or manifest["database"] not in files):
        raise BackupError(f"{path} is incomplete: it must name the engine, the database file "
                          "and the files.")
    for name, entry in files.items():
        parts = PurePosixPath(name).parts
        if (not isinstance(entry, dict) or not isinstance(entry.get("sha256"), str)
                or not isinstance(entry.get("size"), int) or not parts
                or PurePosixPath(name).is_absolute() or ".." in parts
                or (name != manifest["database"] and parts[0] != FILES)):
            raise BackupError(f"{path}: bad entry {name!r}.")
    return manifest


def verify(directory: Path) -> dict[str, Any]:
    """The manifest, once every file of the backup matches it: none missing, none changed
    (sha256 and size), none added. Raises BackupError listing every problem otherwise."""
    directory = Path(directory)
    manifest = read_manifest(directory)
    problems = []
    for name, entry in manifest["files"].items():
        path = directory / name
        if not path.is_file():
            problems.append(f"missing: {name}")
            continue
        digest, size = sha256_of(path)
        if size != entry["size"]:
            problems.append(f"wrong size: {name} ({size} bytes, the manifest says "
                            f"{entry['size']})")
        elif digest != entry["sha256"]:
            problems.append(f"checksum mismatch: {name}")
    listed = set(manifest["files"])
    for path in _walk_files(directory):
        name = path.relative_to(directory).as_posix()
        if name != MANIFEST and name not in listed:
            problems.append(f"not in the manifest: {name}")
    if problems:
        shown = problems[:20] + ([f"… and {len(problems) - 20} more"]
                                 if len(problems) > 20 else [])
        raise BackupError(f"The backup {directory} does not match its manifest; nothing was "
                          "restored:\n  " + "\n  ".join(shown))
    return manifest


def _files_in(root: Path) -> list[Path]:
    return list(_walk_files(root)) if root.is_dir() else []


def check_target(manifest: dict[str, Any], db: dict[str, Any], media_root: Path) -> None:
    """Refuse (BackupError) unless the target is of the backup's kind and empty."""
    target_engine = engine_of(db)
    if manifest["engine"] != target_engine:
        raise BackupError(
            f"This backup is of a {ENGINE_NAMES[manifest['engine']]} database and the target "
            f"database is {ENGINE_NAMES[target_engine]}: a backup restores only into the same "
            "kind of database. Set DATABASE_URL (or --database-url) to a "
            f"{ENGINE_NAMES[manifest['engine']]} database.")
    problems = []
    tables = database_tables(db)
    if tables:
        rows = sum(tables.values())
        names = ", ".join(list(tables)[:5]) + (", …" if len(tables) > 5 else "")
        problems.append(f"the database {db['NAME']} is not empty: it has {len(tables)} "
                        f"tables ({names}) with {rows} rows in all")
    if media_root.exists() and not media_root.is_dir():
        problems.append(f"MEDIA_ROOT {media_root} is not a directory")
    files = _files_in(media_root)
    if files:
        problems.append(f"MEDIA_ROOT {media_root} is not empty: it holds {len(files)} files "
                        f"(e.g. {files[0].relative_to(media_root)})")
    if problems:
        raise BackupError("Nothing was restored:\n  - " + "\n  - ".join(problems) + "\n"
                          "Restore only into a new, empty database and an empty or missing "
                          "MEDIA_ROOT: create a new database, or point DATABASE_URL (or "
                          "--database-url) and MEDIA_ROOT (or --media-root) elsewhere.")


def restore(directory: Path, db: dict[str, Any], media_root: Path,
            log: Callable[[str], None] = lambda message: None) -> Result:
    """Rebuild the database `db` (a DATABASES entry) and `media_root` from a backup, after
    checking the backup and that both targets are empty."""
    directory = Path(directory)
    media_root = Path(media_root)
    manifest = verify(directory)
    check_target(manifest, db, media_root)
    snapshot = directory / manifest["database"]
    log(f"Database ({ENGINE_NAMES[manifest['engine']]})…")
    if manifest["engine"] == "sqlite":
        name = _sqlite_path(db)
        if not _sqlite_is_memory(name):
            Path(name).parent.mkdir(parents=True, exist_ok=True)
        source = sqlite3.connect(f"file:{quote(str(snapshot))}?mode=ro&immutable=1", uri=True)
        target = sqlite3.connect(name, uri=name.startswith("file:"))
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
    else:
        # One transaction: if anything fails, the database stays as empty as it was.
        _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
              "--single-transaction", *_pg_args(db), str(snapshot)], _pg_env(db),
             "pg_restore")
    log(f"Files into {media_root}…")
    media_root.mkdir(parents=True, exist_ok=True)
    for name, entry in manifest["files"].items():
        if name == manifest["database"]:
            continue
        relative = PurePosixPath(name).relative_to(FILES)
        target_path = media_root.joinpath(*relative.parts)
        target_path.parent.mkdir(parents=True, exist_ok=True)
        digest, size = _copy_hashing(directory / name, target_path)
        if (digest, size) != (entry["sha256"], entry["size"]):
            raise BackupError(f"{name} changed while it was restored; the restore is "
                              "incomplete.")
    result = Result(directory, manifest)
    known = known_migrations()
    backed_up = set(manifest.get("migrations", []))
    if backed_up - known:
        result.notes.append(
            "The backup has migrations this code does not know (it comes from a newer "
            "Talanoa): " + ", ".join(sorted(backed_up - known)[:5])
            + ". Run the version it was made with (talanoa_version in the manifest).")
    if known - backed_up:
        result.notes.append("This code has migrations the backup does not: run "
                            "`python manage.py migrate`.")
    return result
