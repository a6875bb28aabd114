"""`manage.py prepare`: a database ready to serve, each step said as it goes (`make run`, `make
serve`).

1. the database's tables (`migrate`, skipped when no migration is left to apply);
2. the ICT group's starter data (`load_starter_data --if-empty`: nothing when a group exists);
3. the first secretariat account (`create_first_secretariat`: nothing when any account exists).

One process for the three, each step timed. A first account's generated password is printed at
the end; with `--sign-in-file` (`make run`) how to sign in is written there instead, for `make run`
to print once the server answers: the first account's address and, while it is still the one
generated, its password (the file is readable by its owner only, beside the database it opens,
and forgotten once the password is changed).
"""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

PASSWORD_LINE = "  password: "


class Command(BaseCommand):
    help = "Migrate, load the starter data and create the first account, each only if needed."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--sign-in-file", type=Path,
                            help="write how to sign in to this file (for `make run`)")
        parser.add_argument("--base-url", default="http://127.0.0.1:8000",
                            help="the address the sign-in page is given at")

    def handle(self, *args, sign_in_file: Path | None, base_url: str, **options) -> None:
        connection = connections[DEFAULT_DB_ALIAS]
        where = (f"SQLite, {connection.settings_dict['NAME']}" if connection.vendor == "sqlite"
                 else f"{connection.vendor}, database {connection.settings_dict['NAME']}")
        self.say(f"Preparing the database ({where})")
        self.step("1/3 tables", self.migrate)
        self.step("2/3 starter data", self.starter_data)
        created = self.step("3/3 first account", self.first_account)
        if sign_in_file:
            self.write_sign_in(sign_in_file, base_url.rstrip("/"), created)
        elif created:  # said once, here: nothing keeps the generated password
            email = get_user_model().objects.order_by("pk").values_list("email", flat=True)[0]
            self.say(f"Sign in at {base_url.rstrip('/')}/accounts/login/ as {email}\n"
                     f"  password: {created}\n"
                     "  You will be asked to set up a TOTP authenticator app first.")

    def say(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()

    def step(self, name: str, work):
        self.say(f"  {name} …")
        started = time.monotonic()
        summary, result = work()
        self.say(f"  {name}: {summary} ({time.monotonic() - started:.1f} s)")
        return result

    def migrate(self):
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if not plan:
            return "up to date", None
        call_command("migrate", interactive=False, verbosity=0)
        return f"{len(plan)} migrations applied", None

    def starter_data(self):
        out = io.StringIO()
        call_command("load_starter_data", if_empty=True, stdout=out)
        said = out.getvalue().strip().removeprefix("Starter data").strip(" :.")
        return said or "loaded", None

    def first_account(self):
        out = io.StringIO()
        call_command("create_first_secretariat", stdout=out)
        text = out.getvalue()
        password = next((line.removeprefix(PASSWORD_LINE) for line in text.splitlines()
                         if line.startswith(PASSWORD_LINE)), None)
        if password is None:
            return "exists already", None
        return "created", password

    def write_sign_in(self, path: Path, base_url: str, new_password: str | None) -> None:
        """Sign-in details for `make run` to print once the server answers."""
        path.parent.mkdir(parents=True, exist_ok=True)
        remembered = path.with_suffix(".password")
        if new_password:
            remembered.write_text(new_password)
            os.chmod(remembered, 0o600)
        user = get_user_model().objects.order_by("pk").first()
        password = remembered.read_text().strip() if remembered.exists() else None
        if password and not (user and user.check_password(password)):
            remembered.unlink()  # changed since: no longer ours to show
            password = None
        lines = [f"Talanoa is ready: {base_url}/  (Ctrl-C stops it and its background worker)"]
        if user:
            lines.append(f"Sign in at {base_url}/accounts/login/ as {user.email}")
            lines.append(f"  password: {password}" if password else
                         "  with the password you set (forgotten: `.venv/bin/python manage.py "
                         f"changepassword {user.email}`)")
            if password:
                lines.append("  You will be asked to set up a TOTP authenticator app first.")
        if "console" in settings.MAILERS["default"]["BACKEND"]:
            lines.append("Emails are printed here by the worker, not sent (set EMAIL_URL to "
                         "send them).")
        path.write_text("\n".join(lines) + "\n")
