"""Invalid input (issue 11, item 3): whatever is posted to the important forms, the answer is
never a 500, and a refusal changes nothing in the database.

Hypothesis starts from the form's own valid data (read from its HTML by `forms_filler`) and
spoils one to four fields: random unicode, control characters and NUL bytes, over-long text,
impossible dates and numbers, choices that do not exist, bytes that are not UTF-8 (an encoded
surrogate among them), or the field left out. The body is sent as the browser would, URL-encoded
bytes. A success (a redirect) may change the database; anything else must leave every table of
the portal as it was (row counts of all its tables, and the edited row when a form edits one).

NUL bytes are a known source of 500s on PostgreSQL (text and JSON columns refuse them), so
`test_nul_bytes_anywhere_are_refused_cleanly` puts one in every field of every form here, in the
search and list filters and in an import's cells; CI runs it on both databases.
"""

from __future__ import annotations

from urllib.parse import quote_from_bytes

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from talanoa.tests.forms_filler import fill, form_errors, page_forms, xlsx_sheet

pytestmark = pytest.mark.django_db

EXAMPLES = 10
HYPOTHESIS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                      suppress_health_check=[HealthCheck.function_scoped_fixture,
                                             HealthCheck.too_slow])
APPS = ("portal", "papers", "meetings", "decisions", "plan", "tasks", "advisory", "engagement",
        "directory", "members", "indicators", "reports", "api")
# Written by design whatever the answer: sessions, failed sign-ins (django-axes), rate limits.
NOT_COMPARED = ("django_session", "axes_", "account_", "django_tasks", "mfa_")


def _tables() -> list[str]:
    return sorted({model._meta.db_table for label in APPS
                   for model in apps.get_app_config(label).get_models()})


def fingerprint(extra: str = "") -> tuple:
    """Row counts of every table of the portal (one query), and the rows of `extra` (SQL)."""
    tables = _tables()
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(
            f"(SELECT COUNT(*) FROM {connection.ops.quote_name(t)})" for t in tables))
        counts = cursor.fetchone()
        rows = ()
        if extra:
            cursor.execute(extra)
            rows = tuple(map(tuple, cursor.fetchall()))
    return tuple(zip(tables, counts, strict=True)), rows


BAD_TEXT = st.one_of(
    st.text(max_size=40),  # any unicode (no lone surrogates: they cannot be encoded)
    st.text(st.characters(max_codepoint=0x1f), min_size=1, max_size=8),  # control, NUL
    st.sampled_from([
        "\x00", "a\x00b", "2026-02-30", "31/12/2026", "0000-00-00", "2026-13-45T25:61",
        "-1", "1e309", "NaN", "-0", "9" * 40, "' OR 1=1 --", "../../etc/passwd", "\u202e",
        "\ufeff", "\U0001f600" * 5, "{{ 7|add:7 }}", "<script>alert(1)</script>", " ",
        "999999999", "0", "true", "[]", "{}", "%00", "\r\n\r\n"]),
    st.integers(min_value=301, max_value=70_000).map(lambda n: "é" * n),  # over-long
).map(lambda text: text.encode())
# What a browser (or a script) may send that is not UTF-8: an encoded surrogate, overlong NUL,
# a lone continuation byte, a byte-order mark of UTF-16.
BAD_BYTES = st.sampled_from([b"\xed\xa0\x80", b"\xc0\x80", b"\x80abc", b"\xff\xfe", b"a\xffb"])
MISSING = st.none()


def encode(data: dict) -> bytes:
    """URL-encoded form data; values may be bytes (sent as they are), text or lists."""
    pairs = []
    for key, value in data.items():
        for one in value if isinstance(value, list) else [value]:
            raw = one if isinstance(one, bytes) else str(one).encode()
            pairs.append(f"{quote_from_bytes(key.encode())}={quote_from_bytes(raw)}")
    return "&".join(pairs).encode()


def spoiled(base: dict, field_names: list[str]):
    return st.dictionaries(st.sampled_from(field_names),
                           st.one_of(BAD_TEXT, BAD_BYTES, MISSING, st.lists(BAD_TEXT, max_size=3)),
                           min_size=1, max_size=4)


def post_spoiled(client, path: str, base: dict, changes: dict, extra_sql: str = "") -> None:
    data = dict(base)
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    before = fingerprint(extra_sql)
    response = client.post(path, encode(data), content_type="application/x-www-form-urlencoded")
    assert response.status_code < 500, (path, changes)
    success = response.status_code in (301, 302, 303) or (
        response.status_code == 200 and not form_errors(response.content))
    if not success:
        assert fingerprint(extra_sql) == before, (path, response.status_code, changes)


def base_data(client, path: str) -> dict:
    response = client.get(path)
    assert response.status_code == 200, path
    form = max(page_forms(response.content, path), key=lambda f: len(f.fields))
    return fill(form, lambda f: "Plain words")


# Each form: who posts it, its address (a function of nothing, evaluated in the test), the SQL
# of the row it edits (if it edits one).
def _cycle_new() -> str:
    from decisions.models import Cycle

    return f"/proposals/cycles/{Cycle.objects.order_by('-pk').first().pk}/new/"


def _paper_edit() -> str:
    return f"/papers/{_draft().pk}/edit/"


def _draft():
    from papers.models import Paper

    return Paper.objects.filter(status="draft").order_by("pk").first()


def _ministry() -> str:
    from advisory import operations
    from members.models import Country, WorkingGroup

    token = operations.ministry_intake_token(
        "minister@example.gov", "A Minister", "Ministry of ICT",
        Country.objects.order_by("pk").first().pk, WorkingGroup.objects.get(slug="ict").pk)
    return f"/advisory/ministry/{token}/"


FORMS = {
    "post": ("secretariat", lambda: "/posts/new/", ""),
    "paper": ("secretariat", lambda: "/papers/new/", ""),
    "paper edit": ("secretariat", _paper_edit,
                   "SELECT * FROM papers_paper WHERE status = 'draft' ORDER BY id LIMIT 1"),
    "meeting": ("secretariat", lambda: "/meetings/new/", ""),
    "task": ("secretariat", lambda: "/tasks/new/", ""),
    "advisory (ministry's form)": ("anonymous", _ministry, ""),
    "proposal": ("member", _cycle_new, ""),
    "membership": ("secretariat", lambda: "/groups/ict/memberships/new/", ""),
    "organisation": ("secretariat", lambda: "/directory/new/", ""),
    "take part (public)": ("anonymous", lambda: "/take-part/", ""),
    "password reset": ("anonymous", lambda: "/accounts/password/reset/", ""),
    "login": ("anonymous", lambda: "/accounts/login/", ""),
}


@pytest.mark.parametrize("name", FORMS)
def test_invalid_input_never_fails_and_a_refusal_changes_nothing(client_for, name):
    standing, address, extra_sql = FORMS[name]
    client = client_for(standing)
    path = address()
    base = base_data(client, path)
    names = sorted(set(base) - {"csrfmiddlewaretoken"}) or ["x"]

    @HYPOTHESIS
    @given(changes=spoiled(base, names))
    def check(changes):
        post_spoiled(client, path, base, changes, extra_sql)

    check()


CELL = st.one_of(st.text(max_size=20), st.sampled_from(["\x00", "TON", "2022", "-2+3", "1e999",
                                                        "NaN", "", "X\x00Y", "99999999999"]))


@HYPOTHESIS
@given(rows=st.lists(st.lists(CELL, min_size=0, max_size=6), min_size=0, max_size=6),
       header=st.sampled_from([["Country Name", "Country Code", "Year", "Value"],
                               ["Country Name", "Country Code", "Indicator Name",
                                "Indicator Code", "2021", "2022"], []]),
       xlsx=st.booleans(), raw=st.one_of(st.none(), BAD_BYTES))
def test_an_invalid_indicator_file_never_fails_and_stores_nothing(client_for, rows, header, xlsx,
                                                                   raw):
    from indicators.models import ImportBatch

    client = client_for("secretariat")
    table = [header, *rows] if header else rows
    if xlsx:
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # openpyxl cannot write them

        data = xlsx_sheet([[ILLEGAL_CHARACTERS_RE.sub("", c) for c in row] for row in table])
        name = "hostile.xlsx"
    else:
        data = "\n".join(",".join(row) for row in table).encode() + (raw or b"")
        name = "IT.CEL.SETS.P2.csv"
    before = fingerprint()
    response = client.post("/indicators/imports/", {"file": SimpleUploadedFile(name, data),
                                                    "indicator": "IT.CEL.SETS.P2"})
    assert response.status_code in (302, 400), response.status_code
    if response.status_code == 400:
        assert form_errors(response.content)
        assert fingerprint() == before
    else:  # a preview: only the batch (and its history) is stored; apply it as well
        assert ImportBatch.objects.count() == dict(before[0])[ImportBatch._meta.db_table] + 1
        applied = client.post(response["Location"] + "step/", {"step": "apply"})
        assert applied.status_code == 302


# --- NUL bytes, everywhere (PostgreSQL refuses them in text and JSON) -----------------------

# The forms whose text fields get a NUL one at a time (the others: all at once).
ONE_BY_ONE = {"post", "meeting", "organisation", "advisory (ministry's form)",
              "take part (public)", "login", "password reset"}


def test_nul_bytes_anywhere_are_refused_cleanly(client_for):
    for name, (standing, address, extra_sql) in FORMS.items():
        client = client_for(standing)
        path = address()
        response = client.get(path)
        form = max(page_forms(response.content, path), key=lambda f: len(f.fields))
        base = fill(form, lambda f: "Plain words")
        # A NUL in one text field, the others valid (so a field that let it through to the
        # database would not hide behind another's error); then in every other field at once.
        texts = {f.name for f in form.fields.values()
                 if f.kind in ("text", "textarea", "email", "url", "password")}
        for group in [{t} for t in sorted(texts)] if name in ONE_BY_ONE else [texts]:
            post_spoiled(client, path, base, dict.fromkeys(group, b"nul\x00byte"), extra_sql)
        post_spoiled(client, path, base, {f: b"\x00" for f in set(base) - texts
                                          if f != "csrfmiddlewaretoken"}, extra_sql)

    client = client_for("secretariat")
    for path in ["/search/?q=a%00b", "/search/?q=%00", "/posts/?level=%00", "/papers/?kind=%00",
                 "/decisions/?q=%00&body=%00", "/tasks/?status=%00", "/calendar/?month=2026-%00",
                 "/directory/?kind=%00&country=%00", "/advisory/?status=%00",
                 "/work/?status=%00", "/history/?model=%00", "/search/?q=%00&format=csv",
                 "/indicators/?year=%00", "/api/v1/papers?q=%00"]:
        response = client.get(path)
        assert response.status_code < 500, path

    from indicators.models import ImportBatch

    for data in [b"Country Name,Country Code,Year,Value\nTon\x00ga,TON,2022,1\n",
                 b"Country Name,Country Code,Year,Value\nAtlantis,AT\x00,2022,1\n",
                 b"Country Name,Country Code,Year,Value\nTonga,TON,2022,1\x00\n",
                 b"Country Name,Country Code,Indicator Name,Indicator Code,2022\n"
                 b"Tonga,TON,Na\x00me,NEW.CODE.X,1\n"]:
        batches = ImportBatch.objects.count()
        response = client.post("/indicators/imports/", {
            "file": SimpleUploadedFile("IT.CEL.SETS.P2.csv", data),
            "indicator": "IT.CEL.SETS.P2", "add_unknown_economies": "on"})
        assert response.status_code in (302, 400), (data, response.status_code)
        if response.status_code == 302:
            assert ImportBatch.objects.count() == batches + 1
            applied = client.post(response["Location"] + "step/", {"step": "apply"})
            assert applied.status_code == 302
        else:
            assert ImportBatch.objects.count() == batches


def test_dates_out_of_range_are_refused_cleanly(client_for):
    """Dates a form's field accepts but a calendar cannot hold (year 1, year 9999 ± a zone)."""
    client = client_for("secretariat")
    base = base_data(client, "/meetings/new/")
    for start in ["0001-01-01T00:00", "9999-12-31T23:59", "10000-01-01T00:00"]:
        changes = {f: start.encode() for f in base if f.endswith("local_start")}
        changes.update({f: start.encode() for f in base if f.endswith("local_end")})
        post_spoiled(client, "/meetings/new/", base, changes)
