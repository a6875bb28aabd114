"""The audit log: who signed in (or failed to), who changed whose standing or permissions, who
created or revoked an API token, and who took data above public level out of the portal.

`record()` writes one `talanoa.AuditEvent` with one INSERT: the actor and address come from the
request (for model signals, the request simple-history's middleware keeps for the thread), and
every other field from what the caller already holds, so recording never adds a read. Detail
holds ids, names and counts, never a password or a token.

What records what:
- sign-in, failed sign-in, sign-out: Django's auth signals; lockout: django-axes' signal;
  unlock: `members.operations.unlock_logins`;
- standings and permissions: `watch()`ed fields of the models that hold them, compared with
  the values the row was loaded with (members.audit: memberships, representatives, accounts);
- API tokens: `api.operations.create_token` / `revoke_token`;
- downloads: `talanoa.lib.exports.export_response` (one event per list download holding any row
  above public level, with the counts) and `download()` below, which
  `talanoa.lib.files.download()` / `attachment()` call with the item a file belongs to (each
  file of an item above public level, and personal documents).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_init, post_save
from django.dispatch import receiver
from django.http import HttpRequest
from simple_history.models import HistoricalRecords

from talanoa.models import AuditEvent

Kind = AuditEvent.Kind
PUBLIC = "public"


def current_request() -> HttpRequest | None:
    """The request being served on this thread (simple-history's middleware sets it), if any."""
    return getattr(HistoricalRecords.context, "request", None)


def target_of(obj: Any) -> str:
    return f"{obj._meta.label_lower}:{obj.pk}" if obj is not None else ""


def record(kind: str, *, request: HttpRequest | None = None, actor=None, target: Any = None,
           target_text: str = "", detail: dict | None = None) -> AuditEvent:
    """Write one event. `request` defaults to the one being served; `actor` to its user."""
    request = request if request is not None else current_request()
    if actor is None and request is not None:
        token = getattr(getattr(request, "auth", None), "token", None)  # an API call's token
        user = token.user if token is not None else getattr(request, "user", None)
        actor = user if user is not None and user.is_authenticated else None
    return AuditEvent.objects.create(
        kind=kind,
        actor_id=actor.pk if actor is not None else None,
        actor=(actor.email if actor is not None else "")[:254],
        ip=(request.META.get("REMOTE_ADDR") or None) if request is not None else None,
        target=target if isinstance(target, str) else target_of(target),
        target_text=str(target_text)[:300],
        detail=detail or {})


def is_restricted(item: Any) -> bool:
    """An item above public level (records without a level, such as personal documents, are
    never public)."""
    return getattr(item, "level", None) != PUBLIC


def above_public(row: Any) -> bool:
    """For list downloads: a row with a level other than public (rows without one are records
    public by nature, such as organisations; lists of records never public say so themselves)."""
    return getattr(row, "level", PUBLIC) != PUBLIC


def download(request: HttpRequest | None, item: Any, filename: str = "") -> None:
    """Call from a file download view once access is granted: records the download when the
    item is above public level. `request` None: the one being served."""
    if is_restricted(item):
        record(Kind.DOWNLOAD, request=request, target=item, target_text=cheap_text(item),
               detail={"file": filename[:200], "level": getattr(item, "level", None)})


def export(request: HttpRequest, name: str, fmt: str, rows: int, restricted: int) -> None:
    """One list download holding `restricted` rows above public level (of `rows`)."""
    record(Kind.EXPORT, request=request, target=name, target_text=request.path,
           detail={"format": fmt, "rows": rows, "restricted_rows": restricted,
                   "filters": {key: value[:100] for key, value in request.GET.items()
                               if key != "format"}})


def cheap_text(obj: Any) -> str:
    """The record's name when it costs no query: its title, or its str() when every relation
    str() may follow is already loaded."""
    for name in ("title_en", "title", "name", "name_en"):
        value = obj.__dict__.get(name)
        if value:
            return str(value)
    relations = [field for field in obj._meta.concrete_fields if field.is_relation]
    if all(field.is_cached(obj) for field in relations):
        try:
            return str(obj)
        except Exception:  # a str() that needs more than its foreign keys
            return ""
    return ""


# -- Sign-in, sign-out, lockout --------------------------------------------------------------

@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    record(Kind.LOGIN, request=request, actor=user, target=user, target_text=user.email)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(Kind.LOGOUT, request=request, actor=user, target=user, target_text=user.email)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    # Only the name tried: Django has already masked the password, and it is never read here.
    login = next((str(credentials[key]) for key in ("email", "login", "username")
                  if credentials.get(key)), "")
    record(Kind.LOGIN_FAILED, request=request, actor=None, target_text=login[:254],
           detail={"login": login[:254]})


def _locked_out(sender, request, username, ip_address, **kwargs):
    record(Kind.LOCKOUT, request=request, actor=None, target_text=(username or "")[:254],
           detail={"login": (username or "")[:254], "ip": ip_address})


# -- Standings and permissions ---------------------------------------------------------------
# The apps that hold standings and permissions (members) say which fields of which models are
# watched, and what their changes record (`watch`, called from their AppConfig.ready).

WATCHED: dict[str, tuple[str, ...]] = {}


def _remember(sender, instance, **kwargs):
    # __dict__, not getattr: a deferred field must not cost a query.
    instance._audit_loaded = {name: instance.__dict__.get(name)
                              for name in WATCHED[sender._meta.label_lower]}


def _shown(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def _changes(instance, created: bool) -> dict[str, list]:
    was = {} if created else getattr(instance, "_audit_loaded", {})
    names = WATCHED[instance._meta.label_lower]
    return {name: [_shown(was.get(name)), _shown(getattr(instance, name))] for name in names
            if created or was.get(name) != getattr(instance, name)}


Saved = Callable[[Any, bool, dict[str, list]], None]


def watch(model: type, fields: tuple[str, ...], saved: Saved) -> None:
    """Compare `fields` of each saved `model` row with the values it was loaded with, and call
    `saved(instance, created, changes)` (changes: field -> [was, now]) so it can `record()`;
    changes made anywhere (operations, the shell, a restore) are seen."""
    label = model._meta.label_lower
    WATCHED[label] = fields

    def on_save(sender, instance, created, raw=False, **kwargs):
        if raw:
            return
        saved(instance, created, _changes(instance, created))
        _remember(sender, instance)

    post_init.connect(_remember, sender=model, dispatch_uid=f"talanoa.auditlog.init.{label}")
    post_save.connect(on_save, sender=model, weak=False,
                      dispatch_uid=f"talanoa.auditlog.save.{label}")


def connect_signals() -> None:
    from axes.signals import user_locked_out

    user_locked_out.connect(_locked_out, dispatch_uid="talanoa.auditlog.locked_out")
