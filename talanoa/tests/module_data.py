"""Data made once for a test module, in a transaction kept open for it and rolled back at its end.

Each test of the module still rolls back its own changes (pytest-django's atomic becomes a
savepoint inside this one), so the module's tests see the data as made, and no other module
sees it at all. For what every test of a large generated module needs and would otherwise make
again thousands of times: attachments, signed-in clients, another group's copies of the demo
items.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction


@contextmanager
def module_transaction(django_db_blocker) -> Iterator[None]:
    """Open the module's transaction; the caller makes its data inside, under
    `django_db_blocker.unblock()`, and yields it from its fixture within this block."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def signed_in_clients(standings, people: dict) -> dict:
    """One test client per standing, signed in once ("anonymous": not signed in)."""
    from django.test import Client

    clients = {}
    for standing in standings:
        clients[standing] = Client()
        if standing != "anonymous":
            clients[standing].force_login(people[standing])
    return clients
