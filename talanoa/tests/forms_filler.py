"""Fill a page's real forms from their HTML, as a person would: every text input and textarea
with hostile text, every other field with something valid (issue 11, item 3).

`page_forms(html)` lists the POST forms of a page (not the sign-out and language forms), each as
its action and fields; `fill(form, text_for)` gives the data to post, `text_for(field)` choosing
the text of each text field. A field the form refuses can be given a plain value and the form
posted again (`refused_fields`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from bs4 import BeautifulSoup

SITE_FORMS = ("/accounts/logout/", "/i18n/setlang/")
TEXT_TYPES = {"text", "search", "tel", None, ""}


@dataclass
class Field:
    name: str
    kind: str  # "text", "textarea", "email", "url", "number", "date", "datetime-local",
    # "select", "multiple", "checkbox", "radio", "hidden", "file", ...
    value: str = ""
    required: bool = False
    maxlength: int | None = None
    options: list[str] = field(default_factory=list)  # select / radio / checkbox values
    selected: list[str] = field(default_factory=list)


@dataclass
class Form:
    action: str
    multipart: bool
    fields: dict[str, Field]

    @property
    def fillable(self) -> bool:
        """False when a required choice has nothing to choose, or a file is required."""
        return not any(f.required and (f.kind == "file" or (
            f.kind in ("select", "multiple") and not any(f.options)))
            for f in self.fields.values())

    @property
    def text_fields(self) -> list[Field]:
        return [f for f in self.fields.values() if f.kind in ("text", "textarea")]


def page_forms(page: bytes | str, path: str) -> list[Form]:
    soup = BeautifulSoup(page, "html.parser")
    forms = []
    for element in soup.find_all("form"):
        if (element.get("method") or "get").lower() != "post":
            continue
        action = element.get("action") or path
        if action.startswith(SITE_FORMS):
            continue
        fields: dict[str, Field] = {}
        for control in element.find_all(["input", "textarea", "select"]):
            name = control.get("name")
            if not name or control.has_attr("disabled"):
                continue
            required = control.has_attr("required")
            maxlength = int(control["maxlength"]) if control.get("maxlength") else None
            if control.name == "textarea":
                fields[name] = Field(name, "textarea", control.get_text(), required, maxlength)
            elif control.name == "select":
                options = [o.get("value", o.get_text()) for o in control.find_all("option")]
                selected = [o.get("value", o.get_text()) for o in control.find_all("option")
                            if o.has_attr("selected") and o.get("value", o.get_text())]
                kind = "multiple" if control.has_attr("multiple") else "select"
                fields[name] = Field(name, kind, "", required, None, options, selected)
            else:
                kind = (control.get("type") or "text").lower()
                kind = "text" if kind in TEXT_TYPES else kind
                if kind in ("submit", "button", "reset", "image"):
                    continue
                value = control.get("value", "on" if kind in ("checkbox", "radio") else "")
                if kind in ("checkbox", "radio"):
                    existing = fields.setdefault(name, Field(name, kind, "", required))
                    existing.options.append(value)
                    existing.required |= required
                    if control.has_attr("checked"):
                        existing.selected.append(value)
                    continue
                fields[name] = Field(name, kind, value, required, maxlength)
        forms.append(Form(action, element.get("enctype") == "multipart/form-data", fields))
    return forms


def plain_value(f: Field, n: int = 0) -> str | list[str] | None:
    """A valid value for a field that takes no hostile text (None: leave it out)."""
    today = datetime.date.today()
    name = f.name.rsplit("-", 1)[-1]
    if f.kind == "hidden":
        return f.value
    if f.kind in ("select", "radio"):
        if f.selected:
            return f.selected[0]
        if "public" in f.options:  # a level: public, so feeds and anonymous pages show it
            return "public"
        values = [o for o in f.options if o]
        return values[0] if values else ""
    if f.kind in ("multiple", "checkbox"):
        if f.selected:
            return f.selected
        values = [o for o in f.options if o]
        return values[:1] if f.required and values else None
    if f.kind == "email":
        return f"hostile{n}@example.org"
    if f.kind == "url":
        return "https://example.org/"
    if f.kind == "number":
        return f.value or "1"
    if f.kind == "date":
        return f.value or (today + datetime.timedelta(days=30 if "end" in name or "due" in name
                                                       or "until" in name else 20)).isoformat()
    if f.kind == "datetime-local":
        day = today + datetime.timedelta(days=20)
        return f.value or f"{day.isoformat()}T{'12' if 'end' in name else '10'}:00"
    if f.kind == "file":
        return None
    # Text fields that must hold something of their own kind.
    if name == "slug":
        return f.value or f"hostile-{n}"
    if name == "homepage":  # the public forms' trap for robots: a person leaves it empty
        return ""
    if f.value:
        return f.value
    if name in ("established", "start"):
        return today.isoformat()
    return f"Plain {n}"


def must_stay_plain(f: Field) -> bool:
    """Text fields whose value is a code, not words: a slug, a time zone, a year, the trap."""
    name = f.name.rsplit("-", 1)[-1]
    return name in ("slug", "homepage", "time_zone", "established", "start", "year") \
        or name.endswith("_code") or (f.kind == "text" and f.value != "" and name in ("order",))


def fill(form: Form, text_for, n: int = 0, plain: set[str] = frozenset(),
         other: set[str] = frozenset(), empty: set[str] = frozenset()) -> dict:
    """The data to post: hostile text (from `text_for(field)`) in each text field, and plain
    valid values elsewhere. A field the form refused is given, in turn, a plain value (`plain`),
    another choice or nothing (`other`), nothing (`empty`)."""
    data = {}
    for f in form.fields.values():
        if f.name in empty:
            data[f.name] = ""
            continue
        if f.name in other:
            choices = [o for o in f.options if o]
            data[f.name] = choices[-1] if f.kind in ("select", "radio") and choices else ""
            continue
        if f.kind in ("text", "textarea") and f.name not in plain and not must_stay_plain(f):
            text = text_for(f)
            data[f.name] = text[: f.maxlength] if f.maxlength else text
            continue
        value = plain_value(f, n)
        if value is not None:
            data[f.name] = value
    return data


def refused_fields(page: bytes | str) -> set[str]:
    """The fields a re-displayed form marks with an error (Django's `id_<name>_error` lists)."""
    soup = BeautifulSoup(page, "html.parser")
    names = set()
    for element in soup.select('[id$="_error"]'):
        ident = element["id"]
        if ident.startswith("id_"):
            names.add(ident[3:-len("_error")])
    return names


def form_errors(page: bytes | str) -> list[str]:
    soup = BeautifulSoup(page, "html.parser")
    return [e.get_text(" ", strip=True) for e in soup.select(".errorlist, .errors, .error")][:8]


def xlsx_sheet(rows: list[list]) -> bytes:
    """An XLSX file of one sheet named "Data" holding these rows (for import tests)."""
    import io

    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "Data"
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
