"""Configuration comes from the environment; production settings pass `check --deploy`."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    dropped = ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    environment = {k: v for k, v in os.environ.items() if k not in dropped} | env
    return subprocess.run(
        [sys.executable, "manage.py", *args, *(["--no-imports"] if args[0] == "shell" else [])],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_passes_check_deploy_with_production_settings(tmp_path):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        HTTPS="1",
        TRUSTED_PROXY="1",  # behind nginx, as deploy/env.example says (else a warning)
        SECRET_KEY="x" * 20 + "production-secret-key-with-entropy-0123456789",
        ALLOWED_HOSTS="talanoa.example.org",
        EMAIL_URL="smtp+tls://talanoa:pw@smtp.example.org:587",
        VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_generates_a_local_secret_key_once(tmp_path):
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    first = run_manage("shell", "-c", code, VAR_DIR=str(tmp_path), SECRET_KEY="")
    second = run_manage("shell", "-c", code, VAR_DIR=str(tmp_path), SECRET_KEY="")
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout and len(first.stdout.strip()) > 40
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_it_reads_the_database_url(tmp_path):
    code = ("from django.db import connection; "
            "print(connection.vendor, connection.settings_dict['NAME'])")
    result = run_manage(
        "shell",
        "-c",
        code,
        DATABASE_URL="postgres://u@127.0.0.1:5432/talanoa_x",
        VAR_DIR=str(tmp_path),
    )
    assert result.stdout.split() == ["postgresql", "talanoa_x"], result.stderr


def test_sqlite_runs_in_wal_mode_with_immediate_transactions(tmp_path):
    code = (
        "from django.db import connection; c = connection.cursor(); "
        "c.execute('PRAGMA journal_mode'); print(c.fetchone()[0], "
        "connection.settings_dict['OPTIONS']['transaction_mode'])"
    )
    result = run_manage("shell", "-c", code, VAR_DIR=str(tmp_path))
    assert result.stdout.split() == ["wal", "IMMEDIATE"], result.stderr


def test_debug_is_off_unless_asked(tmp_path):
    code = "from django.conf import settings; print(settings.DEBUG)"
    assert run_manage("shell", "-c", code, VAR_DIR=str(tmp_path)).stdout.strip() == "False"
    assert (
        run_manage("shell", "-c", code, VAR_DIR=str(tmp_path), DEBUG="1").stdout.strip() == "True"
    )


def test_postgresql_connections_never_jit_compile(db):
    """JIT compiling cost seconds for the task register's query (docs/performance.md)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW jit")
            assert cursor.fetchone()[0] == "off"
    result = run_manage("shell", "-c", "from django.conf import settings; "
                        "print(settings.DATABASES['default']['OPTIONS'])",
                        DATABASE_URL="postgres://postgres@127.0.0.1:5432/talanoa")
    assert "'options': '-c jit=off'" in result.stdout, result.stderr


def test_production_hashes_passwords_slowly():
    """The suite hashes with MD5 for speed (conftest.FAST_HASHERS); the settings themselves keep
    Django's default, a slow key-derivation function."""
    code = ("from django.contrib.auth.hashers import get_hasher; "
            "print(get_hasher().algorithm)")
    result = run_manage("shell", "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() in ("pbkdf2_sha256", "argon2", "scrypt")
