"""The migrations: in step with the models, and each initial one on the fast path.

A new database is built by one `CreateModel` per model (`tools/squash_migrations.py`), applied by
`talanoa.lib.migrations.InitialMigration` from one rendering of the state. These checks keep it
so: a model change without its migration fails here, and so does an initial migration that would
fall back to Django's slow path (one re-rendering of the related models per operation).
"""

from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import CreateModel

from talanoa.lib.migrations import InitialMigration

PROJECT_APPS = sorted(c.label for c in apps.get_app_configs()
                      if Path(c.path).parent == Path(settings.BASE_DIR))


def test_the_models_have_no_change_without_a_migration(db):
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out)
    except SystemExit:  # --check exits 1 when a migration is missing
        pytest.fail(f"Models changed without a migration:\n{out.getvalue()}")


def test_every_initial_migration_only_creates_tables():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    initial = [m for (label, _), m in loader.disk_migrations.items()
               if label in PROJECT_APPS and m.initial]
    with_models = {c.label for c in apps.get_app_configs()
                   if c.label in PROJECT_APPS and list(c.get_models())}
    assert {m.app_label for m in initial} == with_models
    for migration in initial:
        assert isinstance(migration, InitialMigration), migration
        assert all(type(op) is CreateModel for op in migration.operations), migration


@pytest.mark.parametrize("app_label", ["api", "portal", "talanoa"])
def test_the_fast_path_writes_what_django_would(db, app_label):
    """The SQL of an initial migration, applied from one rendering, is Django's own statement
    for statement (compared on the small apps: Django's path costs a re-rendering per model)."""
    loader = MigrationLoader(connection)
    key = (app_label, "0001_initial")
    migration = loader.get_migration(*key)
    before = loader.project_state(key, at_end=False)

    # An editor that collects without entering its context: SQLite's would turn off foreign
    # key checks, which it cannot inside the test's transaction.
    def sql_of(apply) -> list[str]:
        editor = connection.SchemaEditorClass(connection, collect_sql=True, atomic=False)
        editor.deferred_sql = []  # what __enter__ would set
        apply(editor)
        return sorted(str(s) for s in [*editor.collected_sql, *editor.deferred_sql]
                      if not str(s).startswith("--"))

    # Django's own Migration.apply, one operation (and one re-rendering) at a time.
    django_sql = sql_of(lambda e: super(InitialMigration, migration).apply(before.clone(), e))
    fast_sql = sql_of(lambda e: migration.apply(before.clone(), e))
    assert fast_sql and fast_sql == django_sql


def test_the_migrated_state_has_every_model():
    state = MigrationLoader(None, ignore_no_migrations=True).project_state()
    rendered = {m._meta.label_lower for m in state.apps.get_models()}
    live = {m._meta.label_lower for m in apps.get_models() if m._meta.managed}
    assert live <= rendered


WORK_PROGRAMME = ("plan", "tasks", "advisory", "engagement", "directory")


def test_a_database_made_before_the_work_app_split_keeps_every_row(tmp_path):
    """The work programme's models were one app, `work`, until issue 24. A database made then has
    their tables (named `work_…`, as they still are) and content types under `work`, and no
    record of the new apps' migrations. Migrating it adopts the tables, rows and all, and moves
    the content types (which search entries, grants and permissions point to)."""
    import os
    import sqlite3
    import subprocess
    import sys

    database = tmp_path / "before.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DJANGO_SETTINGS_MODULE":
           "talanoa.settings"}

    def manage(*args: str) -> None:
        subprocess.run([sys.executable, "manage.py", *args, "-v0"], cwd=settings.BASE_DIR,
                       env=env, check=True, capture_output=True, text=True)

    manage("migrate")
    manage("load_starter_data")  # the work plan's Regional ICT Initiative, external bodies
    marks = ", ".join(f"'{label}'" for label in WORK_PROGRAMME)
    with sqlite3.connect(database) as db:  # as the database was before the split
        db.execute(f"DELETE FROM django_migrations WHERE app IN ({marks})")
        db.execute("UPDATE django_content_type SET app_label = 'work' "
                   f"WHERE app_label IN ({marks})")
        tables = [name for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'work_%'")]
        before = {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
        types = db.execute("SELECT COUNT(*) FROM django_content_type WHERE app_label = 'work'"
                           ).fetchone()[0]
    assert len(tables) > 20 and before["work_planitem"] > 10 and before["work_externalbody"] > 5
    assert types > 20

    manage("migrate")

    with sqlite3.connect(database) as db:
        after = {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
        moved = dict(db.execute(f"SELECT app_label, COUNT(*) FROM django_content_type WHERE "
                                f"app_label IN ('work', {marks}) GROUP BY app_label").fetchall())
    assert after == before
    assert "work" not in moved and sum(moved.values()) == types
