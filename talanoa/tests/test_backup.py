"""`manage.py backup` and `manage.py restore`, on the database the suite runs on.

The backup is of the suite's own test database, so its data must be committed:
`transactional_db` (the test database is emptied afterwards). The round trip restores into a new
database (SQLite: a new file; PostgreSQL: a database created for the test and dropped after)
and compares every table, row by row, and every file, byte by byte.
"""

import datetime
import json
import os
import re
import shutil
import sqlite3
import subprocess
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from talanoa.lib import backup

# What is backed up must be committed: these tests' data is (the database is emptied after).
COMMITTED = pytest.mark.django_db(transaction=True)
# For tests where what the database holds does not matter. On PostgreSQL they run in the test's
# own transaction (pg_dump sees the committed data, and emptying PostgreSQL's 200 tables after a
# transactional test takes seconds). SQLite refuses to back up from a connection in a write
# transaction, so there they commit too (emptying SQLite is quick).
NO_DATA_NEEDED = pytest.mark.django_db(
    transaction=django_settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"))

DEPLOY = Path(django_settings.BASE_DIR) / "deploy"


@pytest.fixture
def places(settings, tmp_path):
    """MEDIA_ROOT and BACKUP_DIR of this test's own, with a few uploaded files."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.BACKUP_DIR = tmp_path / "backups"
    default_storage.save("papers/2026/annex.bin", ContentFile(bytes(range(256)) * 40))
    default_storage.save("meetings/2026/nested/deeper/empty.txt", ContentFile(b""))
    default_storage.save("reports/2026/résumé.txt", ContentFile("Fidji, Nouméa\n".encode()))
    return settings


@pytest.fixture
def data(places):
    """Committed rows in the suite's database: the starter data (if an earlier transactional
    test emptied the database), a synthetic batch of every kind, and a post's attachment."""
    from bench.synthetic import TEST_GROWTH, grow
    from members.models import Person, WorkingGroup
    from portal.models import Post

    if not WorkingGroup.objects.filter(slug=places.DEFAULT_GROUP_SLUG).exists():
        call_command("load_starter_data", "--if-empty", verbosity=0)
    grow(TEST_GROWTH.scaled(0.1), seed=7, representing=Person.objects.filter(
        user__isnull=False)[:1])
    post = Post.objects.order_by("pk").first()
    post.attachment.save("brief.pdf", ContentFile(b"%PDF-1.4\n" + os.urandom(50_000)))
    return places


def files_of(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _sqlite_contents(name: str) -> dict:
    con = sqlite3.connect(name, uri=name.startswith("file:"))
    try:
        schema = sorted(con.execute("SELECT type, name, tbl_name, sql FROM sqlite_master "
                                    "WHERE name NOT LIKE 'sqlite_%'").fetchall(), key=repr)
        tables = [row[0] for row in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        rows = {t: sorted(con.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr)
                for t in tables}
    finally:
        con.close()
    return {"schema": schema, "rows": rows}


def _pg_connect(db: dict, name: str):
    import psycopg

    return psycopg.connect(dbname=name, host=db["HOST"] or None, port=db["PORT"] or None,
                           user=db["USER"] or None, password=db["PASSWORD"] or None,
                           autocommit=True)


def _pg_contents(db: dict, name: str) -> dict:
    with _pg_connect(db, name) as con:
        tables = [t for (t,) in con.execute(
            "SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public'")]
        rows = {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr)
                for t in tables}
        schema = sorted(con.execute(
            # pg_restore re-creates an index from its definition as PostgreSQL prints it,
            # which may spell an expression differently from the migration that made it.
            "SELECT 'index', indexname, tablename FROM pg_indexes WHERE schemaname = 'public' "
            "UNION ALL SELECT 'trigger', trigger_name || ' ' || event_object_table, "
            "action_statement FROM information_schema.triggers "
            "UNION ALL SELECT 'sequence', sequencename, coalesce(last_value, 0)::text "
            "FROM pg_sequences WHERE schemaname = 'public' "
            "UNION ALL SELECT 'extension', extname, extversion FROM pg_extension").fetchall())
    return {"schema": schema, "rows": rows}


def contents(target: str | None = None) -> dict:
    """Every table's rows (all columns, in a stable order) and the schema, of the suite's
    database or of the database at `target` (a DATABASE_URL)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return _sqlite_contents(target.removeprefix("sqlite:///") if target else db["NAME"])
    return _pg_contents(db, target.rsplit("/", 1)[1] if target else db["NAME"])


@pytest.fixture
def new_database(tmp_path):
    """The address of a new, empty database of the suite's kind."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored' / 'talanoa.sqlite3'}"
        return
    from psycopg import sql

    db = connection.settings_dict
    name = f"talanoa_restore_{uuid.uuid4().hex[:12]}"
    with _pg_connect(db, db["NAME"]) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        credentials = quote(db["USER"] or "", safe="") + (
            ":" + quote(db["PASSWORD"], safe="") if db["PASSWORD"] else "")
        port = f":{db['PORT']}" if db["PORT"] else ""
        yield f"postgres://{credentials}@{db['HOST']}{port}/{name}"
    finally:
        with _pg_connect(db, db["NAME"]) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                          .format(sql.Identifier(name)))


def is_empty(target: str) -> bool:
    if connection.vendor == "sqlite":
        return not Path(target.removeprefix("sqlite:///")).exists()
    return contents(target)["rows"] == {}


@COMMITTED
def test_a_backup_restores_into_a_new_database_table_for_table_and_byte_for_byte(
        data, new_database, tmp_path, capsys):
    before = contents()
    assert sum(map(len, before["rows"].values())) > 5000  # real data, in many tables
    assert len([t for t, rows in before["rows"].items() if rows]) > 50
    uploaded = files_of(data.MEDIA_ROOT)
    assert len(uploaded) >= 4

    call_command("backup", str(tmp_path / "nightly"))
    made = tmp_path / "nightly"
    manifest = json.loads((made / "manifest.json").read_text())
    assert manifest["engine"] == connection.vendor
    assert "members.0001_initial" in manifest["migrations"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", manifest["created_at"])
    assert set(manifest["files"]) == {manifest["database"]} | {f"files/{n}" for n in uploaded}
    for name, entry in manifest["files"].items():
        assert backup.sha256_of(made / name) == (entry["sha256"], entry["size"])
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no partial left

    restored_files = tmp_path / "restored-files"
    call_command("restore", str(made), database_url=new_database,
                 media_root=str(restored_files))
    assert "Restored the backup of" in capsys.readouterr().out

    after = contents(new_database)
    assert after["schema"] == before["schema"]
    assert after["rows"].keys() == before["rows"].keys()
    for table, rows in before["rows"].items():
        assert after["rows"][table] == rows, table
    assert files_of(restored_files) == uploaded


@NO_DATA_NEEDED
@pytest.mark.parametrize("tampered", ["database", "uploaded file", "missing", "added"])
def test_a_tampered_backup_is_refused_and_nothing_changes(places, new_database, tmp_path,
                                                          tampered):
    made = tmp_path / "b"
    call_command("backup", str(made), verbosity=0)
    manifest = json.loads((made / "manifest.json").read_text())
    victim = made / (manifest["database"] if tampered == "database"
                     else next(n for n in manifest["files"] if n.endswith("annex.bin")))
    if tampered == "missing":
        victim.unlink()
    elif tampered == "added":
        (made / "files" / "papers" / "planted.pdf").write_bytes(b"%PDF-1.4\n")
    else:
        content = bytearray(victim.read_bytes())
        content[len(content) // 2] ^= 0x01  # one byte, same size
        victim.write_bytes(bytes(content))

    restored_files = tmp_path / "restored-files"
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(made), database_url=new_database,
                     media_root=str(restored_files))
    message = str(refused.value)
    assert "does not match its manifest; nothing was restored" in message
    expected = {"database": f"checksum mismatch: {manifest['database']}",
                "uploaded file": "checksum mismatch: files/papers/2026/annex.bin",
                "missing": "missing: files/papers/2026/annex.bin",
                "added": "not in the manifest: files/papers/planted.pdf"}[tampered]
    assert expected in message
    assert is_empty(new_database)
    assert not restored_files.exists()


@COMMITTED
def test_restoring_into_a_database_or_directory_that_is_not_empty_is_refused(
        data, new_database, tmp_path):
    made = tmp_path / "b"
    call_command("backup", str(made), verbosity=0)
    before, files_before = contents(), files_of(data.MEDIA_ROOT)

    with pytest.raises(CommandError) as refused:  # the suite's own database and MEDIA_ROOT
        call_command("restore", str(made))
    message = str(refused.value)
    assert message.startswith("Nothing was restored:")
    assert f"the database {connection.settings_dict['NAME']} is not empty" in message
    assert f"MEDIA_ROOT {data.MEDIA_ROOT} is not empty: it holds {len(files_before)} files" \
        in message
    assert contents() == before
    assert files_of(data.MEDIA_ROOT) == files_before

    # A new, empty database but a MEDIA_ROOT with one file in it: refused too.
    elsewhere = tmp_path / "other-files"
    (elsewhere / "sub").mkdir(parents=True)
    (elsewhere / "sub" / "left.txt").write_text("x")
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(made), database_url=new_database, media_root=str(elsewhere))
    assert "the database" not in str(refused.value)
    assert f"MEDIA_ROOT {elsewhere} is not empty: it holds 1 files (e.g. sub/left.txt)" \
        in str(refused.value)
    assert is_empty(new_database)
    assert files_of(elsewhere) == {"sub/left.txt": b"x"}


@NO_DATA_NEEDED
def test_a_backup_is_not_restored_into_the_other_kind_of_database(places, tmp_path):
    made = tmp_path / "b"
    call_command("backup", str(made), verbosity=0)
    if connection.vendor == "sqlite":
        # Refused before any connection is tried: nothing listens on port 1.
        other, ours, theirs = "postgres://nobody@127.0.0.1:1/nothing", "SQLite", "PostgreSQL"
    else:
        other, ours, theirs = f"sqlite:///{tmp_path / 'x.sqlite3'}", "PostgreSQL", "SQLite"
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(made), database_url=other,
                     media_root=str(tmp_path / "files"))
    assert str(refused.value).startswith(
        f"This backup is of a {ours} database and the target database is {theirs}: a backup "
        "restores only into the same kind of database.")
    assert not (tmp_path / "x.sqlite3").exists()
    assert not (tmp_path / "files").exists()


@NO_DATA_NEEDED
def test_default_directory_keep_prunes_older_backups_and_stale_partials(places, tmp_path):
    root = places.BACKUP_DIR
    old = []
    for day in (1, 2, 3):
        path = root / f"202601{day:02d}T020000Z"
        path.mkdir(parents=True)
        (path / "manifest.json").write_text("{}")
        old.append(path)
    unfinished = root / "20260104T020000Z"  # no manifest: not a backup, left alone
    unfinished.mkdir()
    stale = root / ".partial-20260102T020000Z-x1"
    stale.mkdir()
    two_days_ago = (datetime.datetime.now() - datetime.timedelta(days=2)).timestamp()
    os.utime(stale, (two_days_ago, two_days_ago))
    running = root / ".partial-20260105T020000Z-x2"  # a backup being written right now
    running.mkdir()

    call_command("backup", keep=2, verbosity=0)

    made = [p for p in root.iterdir() if p not in (*old, unfinished, running)]
    assert len(made) == 1 and re.fullmatch(r"\d{8}T\d{6}Z", made[0].name)
    assert (made[0] / "manifest.json").is_file()
    assert sorted(root.iterdir()) == sorted([old[2], unfinished, running, made[0]])
    with pytest.raises(CommandError, match="--keep prunes the default directory"):
        call_command("backup", str(tmp_path / "elsewhere"), keep=2)


@NO_DATA_NEEDED
def test_a_failed_backup_leaves_nothing_that_looks_like_a_backup(places, tmp_path,
                                                                 monkeypatch):
    def fail(alias, target):
        Path(target).write_bytes(b"half")
        raise backup.BackupError("pg_dump failed (exit 1):\nthe disk is full")

    monkeypatch.setattr(backup, "_snapshot_database", fail)
    with pytest.raises(CommandError, match="the disk is full"):
        call_command("backup", str(tmp_path / "b"))
    assert list(tmp_path.iterdir()) == [places.MEDIA_ROOT]
    with pytest.raises(CommandError, match=r"no manifest\.json"):
        call_command("restore", str(tmp_path), "--verify-only")


def test_the_postgresql_password_goes_in_the_environment_never_on_the_command_line(
        monkeypatch, tmp_path):
    db = {"ENGINE": "django.db.backends.postgresql", "NAME": "talanoa", "USER": "talanoa",
          "PASSWORD": "s3cret-Pa55", "HOST": "db.example.org", "PORT": 5433,
          "OPTIONS": {"sslmode": "require"}}
    seen = []

    def run(command, env, **kwargs):
        seen.append((command, env))
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(backup.subprocess, "run", run)
    backup._run(["pg_dump", "--format=custom", *backup._pg_args(db)], backup._pg_env(db), "x")
    command, env = seen[0]
    assert not any("s3cret" in arg for arg in command)
    assert "--no-password" in command and "--host=db.example.org" in command
    assert env["PGPASSWORD"] == "s3cret-Pa55" and env["PGSSLMODE"] == "require"


def test_the_systemd_units_pass_systemd_analyze_verify(tmp_path):
    """The shipped units, installed under this checkout instead of /srv/talanoa (verify checks
    that ExecStart's program exists)."""
    for name in ("talanoa-backup.service", "talanoa-backup.timer"):
        text = (DEPLOY / name).read_text()
        (tmp_path / name).write_text(text.replace("/srv/talanoa", str(django_settings.BASE_DIR)))
    service = (tmp_path / "talanoa-backup.service").read_text()
    assert "manage.py backup --keep" in service
    assert "OnCalendar=" in (tmp_path / "talanoa-backup.timer").read_text()
    done = subprocess.run([shutil.which("systemd-analyze") or "/usr/bin/systemd-analyze",
                           "verify", str(tmp_path / "talanoa-backup.service"),
                           str(tmp_path / "talanoa-backup.timer")],
                          capture_output=True, text=True, timeout=60, check=False)
    assert (done.returncode, done.stdout + done.stderr) == (0, "")
