"""Why a record changed, as its history keeps it (simple-history's change reason).

A reason written by code is stored in English: it is data, and the history page shows it in the
reader's language. Where a reason is written, mark it with ``gettext_noop("Confirmed")`` so that
makemessages puts it in the catalogue; a reason with values in it ("Nominated in reply to the
%(year)s letter") is also declared once, at import, with ``template()``, so that its stored text
can be recognised and translated. ``translated()`` gives a stored reason in the active language,
and anything it does not know (a reason typed by a person, an older wording) as it was stored.
"""

import re

from django.db.models import Model
from django.utils.translation import gettext

_TEMPLATES: dict[str, re.Pattern] = {}
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def template(message: str) -> str:
    """Declare a reason with %(name)s values; returns it unchanged."""
    parts, end = [], 0
    for match in _PLACEHOLDER.finditer(message):
        parts += [re.escape(message[end:match.start()]), f"(?P<{match[1]}>.+?)"]
        end = match.end()
    _TEMPLATES[message] = re.compile("".join([*parts, re.escape(message[end:])]))
    return message


def with_reason(obj: Model, reason: str, **values) -> Model:
    """Record `reason` (in English, `values` filled in) with the object's next save."""
    obj._change_reason = reason % values if values else reason
    return obj


def translated(stored: str | None) -> str:
    if not stored:
        return ""
    text = gettext(stored)
    if text != stored:
        return text
    for message, pattern in _TEMPLATES.items():
        if match := pattern.fullmatch(stored):
            return gettext(message) % match.groupdict()
    return stored
