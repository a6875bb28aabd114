"""Hostile text (issue 11, item 3): XSS payloads through every form, and every page stays escaped.

The secretariat fills the real forms of the portal, read from their HTML (`forms_filler`): each
"new" form, then the forms an item's page offers or links to (its edit page, a meeting's agenda
and minutes, a decision's actions, a cycle's proposals, an organisation's focal points...). Every
text input gets a payload of the corpus (`xss_payloads.PAYLOADS`, in turn), every textarea the
whole corpus (Markdown included). A field that refuses its payload (a code, a URL) is given a
plain value and the form posted again. Then the item's page, its edit page, the lists, the search
and the feeds are read as the secretariat and as anonymous, and parsed for anything a browser
would run (`xss_payloads.dangers`).
"""

from __future__ import annotations

import re
from collections import deque

import pytest

from talanoa.lib.markup import render_markdown
from talanoa.tests.forms_filler import Form, form_errors, page_forms, refused_fields, xlsx_sheet
from talanoa.tests.forms_filler import fill as fill_form
from talanoa.tests.hardening import tally
from talanoa.tests.xss_payloads import MARK, PAYLOADS, dangers, feed_dangers

pytestmark = pytest.mark.django_db

# The forms that create an item (those of items' pages are found from the items).
NEW_FORMS = [
    "/posts/new/", "/papers/new/", "/meetings/new/", "/meetings/request/", "/decisions/new/",
    "/decisions/sittings/new/", "/proposals/cycles/new/", "/work/plan/new/", "/tasks/new/",
    "/advisory/new/", "/engagement/bodies/new/", "/engagement/processes/new/", "/forums/new/",
    "/directory/new/", "/people/new/", "/groups/ict/new-subgroup/",
    "/groups/ict/memberships/new/", "/reports/new/", "/take-part/", "/groups/ict/edit/",
    "/indicators/IT.CEL.SETS.P2/edit/", "/meetings/notices/convened/en/",
]
# Links from an item's page to more of its forms.
FORM_LINK = re.compile(r"/(?:new|edit|agenda|minutes/edit|areas|attendance)/$")
# A held meeting's forms (a meeting to come has no minutes, actions or decisions yet).
HELD_MEETING_FORMS = ["minutes/edit/", "decisions/new/", "actions/new/", "attendance/"]
# Forms not to post from an item's page: they end the item or take no words of the secretariat's.
SKIP_ACTIONS = re.compile(r"/(archive|restore|delete|rsvp|answer)/")
# Where the items show, besides their own pages.
LISTS = ["/", "/posts/", "/papers/", "/papers/in-progress/", "/calendar/upcoming/", "/decisions/",
         "/decisions/sittings/", "/proposals/", "/work/", "/tasks/", "/advisory/?status=all",
         "/engagement/", "/forums/", "/directory/", "/groups/ict/", "/join-requests/",
         "/reports/", "/history/", f"/search/?q={MARK}"]
FEEDS = ["/posts/feed.atom", "/decisions/feed.atom", "/papers/feed.atom"]
PUBLIC = ["/", "/posts/", "/calendar/upcoming/", "/decisions/", "/directory/",
          f"/search/?q={MARK}"]


def test_markdown_renders_every_payload_inert():
    for payload in PAYLOADS:
        tally("payloads tried")
        html = str(render_markdown(payload))
        found = dangers(html)
        tally("payloads unescaped", bool(found))
        assert not found, (payload, html)


class Run:
    """One pass of payloads through the forms, counting what it tried and what it found."""

    def __init__(self, client):
        self.client = client
        self.turn = 0
        self.found: dict[str, list[str]] = {}
        self.refused: dict[str, str] = {}
        self.fields: set[tuple[str, str]] = set()
        self.placed = 0
        self.pages: list[str] = []

    def text_for(self, field) -> str:
        self.turn += 1
        if field.kind == "textarea":  # the whole corpus, starting at a different payload
            start = self.turn % len(PAYLOADS)
            return "\n\n".join(PAYLOADS[start:] + PAYLOADS[:start])
        return PAYLOADS[self.turn % len(PAYLOADS)]

    def check(self, path: str, response) -> None:
        content_type = response.get("Content-Type", "")
        if "html" in content_type:
            found = dangers(response.content)
        elif "atom" in content_type or "rss" in content_type or "xml" in content_type:
            found = feed_dangers(response.content)
        else:
            return
        if found:
            self.found[path] = found

    def get(self, path: str, client=None):
        response = (client or self.client).get(path)
        assert response.status_code < 500, path
        if response.status_code in (200, 400, 409):
            self.check(path, response)
        return response

    def post(self, page_path: str, form: Form) -> str | None:
        """Post the form with payloads; on a refusal, again with the refused fields plain (then
        another choice, then empty).
        Answers where the form led (an item's page), "" for a success without a redirect, or
        None when the form was refused anyway."""
        plain: set[str] = set()
        other: set[str] = set()
        empty: set[str] = set()
        for _attempt in range(4):
            data = fill_form(form, self.text_for, n=self.turn, plain=plain, other=other,
                             empty=empty)
            response = self.client.post(form.action, data)
            assert response.status_code < 500, (form.action, data)
            shown_again = response.status_code in (200, 400, 409)
            if shown_again:
                self.check(form.action, response)  # the form shown again, with the payloads
            refused = refused_fields(response.content) if shown_again else set()
            if response.status_code in (301, 302, 303) or (response.status_code == 200
                                                           and not refused
                                                           and not form_errors(response.content)):
                pattern = re.sub(r"\d+", "<pk>", form.action)
                for f in form.text_fields:
                    if data.get(f.name) and f.name not in plain and data[f.name] != f.value:
                        self.fields.add((pattern, f.name))
                        self.placed += len(PAYLOADS) if f.kind == "textarea" else 1
                return response.get("Location", "")
            if not refused - empty:
                break
            empty |= refused & other
            other |= refused & plain  # refused even plain: an address, a code, a choice
            plain |= refused
        self.refused[form.action] = (sorted(refused), form_errors(response.content)
                                     or response.status_code)
        return None


def test_payloads_in_every_form_stay_escaped(client_for):
    from meetings.models import Meeting, Minutes

    run = Run(client_for("secretariat"))
    held = Meeting.objects.filter(status=Meeting.Status.HELD).exclude(
        pk__in=Minutes.objects.filter(status=Minutes.Status.ADOPTED).values("meeting")).first()
    forms = NEW_FORMS + [f"/meetings/{held.pk}/{page}" for page in HELD_MEETING_FORMS]
    queue = deque((url, 0) for url in forms)
    seen = set(forms)
    posted: set[str] = set()
    while queue:
        url, depth = queue.popleft()
        response = run.get(url)
        if response.status_code != 200:
            run.refused[url] = f"GET {response.status_code}"
            continue
        for form in page_forms(response.content, url):
            if not form.text_fields or not form.fillable or form.action in posted \
                    or SKIP_ACTIONS.search(form.action):
                continue  # (uploads are tried by the hostile uploads' tests)
            if depth > 0 and not form.action.startswith(url.rsplit("/", 2)[0]):
                continue
            posted.add(form.action)
            location = (run.post(url, form) or "").split("#")[0]
            if not location or not location.startswith("/") or depth > 1:
                continue
            if location in run.pages:
                continue
            item = run.get(location)
            run.pages.append(location)
            if item.status_code != 200:
                continue
            # The item's own forms (comments, notes) and the pages of its other forms.
            links = re.findall(rb'href="(/[^"?#]*)"', item.content)
            prefix = location.rstrip("/").rsplit("/", 1)[0] + "/" if depth == 0 else location
            for link in sorted({link.decode() for link in links}):
                if FORM_LINK.search(link) and link.startswith(prefix) and link not in seen:
                    seen.add(link)
                    queue.append((link, depth + 1))
            if location not in seen:
                seen.add(location)
                queue.append((location, depth + 1))

    for path in LISTS + FEEDS:
        run.get(path)
    anonymous = client_for("anonymous")
    for path in PUBLIC + FEEDS:
        run.get(path, anonymous)

    tally("payloads tried", run.placed)
    tally("payloads unescaped", sum(len(v) for v in run.found.values()))
    print(f"\nhostile text: {len(run.fields)} fields of {len({p for p, _ in run.fields})} forms,"
          f" {run.placed} payloads placed, {len(run.pages)} items")
    assert not run.found, run.found
    assert not run.refused, run.refused
    forms = {pattern for pattern, _field in run.fields}
    assert len(run.fields) >= 250 and len(forms) >= 45, sorted(run.fields)
    assert {"/meetings/<pk>/minutes/edit/", "/proposals/cycles/<pk>/new/", "/posts/new/",
            "/indicators/IT.CEL.SETS.P<pk>/edit/", "/reports/new/"} <= forms, sorted(forms)


def _import_files() -> list[tuple[str, bytes]]:
    """Long and wide tables, CSV and XLSX, with payloads for the names of new economies (codes
    X00…, addable) and new indicators, for values (not numbers: reported) and the source."""
    import csv
    import io


    # Plain rows first: a CSV with markup in its first kilobyte is refused as a whole (where
    # content sniffers look: talanoa.lib.files), tried below; past it, the payloads are data.
    long = [["Country Name", "Country Code", "Year", "Value"],
            *(["Fiji", "FJI", str(year), "1.5"] for year in range(1960, 2020))]
    wide = [["Country Name", "Country Code", "Indicator Name", "Indicator Code", "2021", "2022"],
            *(["Fiji", "FJI", "Plain name", f"XSS.PLAIN.N{i}", "1", "2"] for i in range(30))]
    for i, payload in enumerate(PAYLOADS):
        code = f"X{i:02d}"
        long.append([payload, code, "2022", "12.5" if i % 2 else payload[:60]])
        wide.append([payload, code, PAYLOADS[-1 - i], f"XSS.PAYLOAD.N{i}", "1.5",
                     "=cmd|' /C calc'!A0" if i % 3 else ""])
    long.append(["Tonga", "TON", "2022", "-2+3"])

    def as_csv(rows):
        out = io.StringIO()
        csv.writer(out).writerows(rows)
        return out.getvalue().encode()

    return [("IT.CEL.SETS.P2.csv", as_csv(long)), ("hostile-long.xlsx", xlsx_sheet(long)),
            ("hostile-wide.csv", as_csv(wide)), ("hostile-wide.xlsx", xlsx_sheet(wide))]


def test_payloads_in_indicator_imports_stay_escaped(client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from indicators.models import Economy, ImportBatch

    client = client_for("secretariat")
    run = Run(client)
    batches = ImportBatch.objects.count()
    response = client.post("/indicators/imports/", {"file": SimpleUploadedFile(
        "IT.CEL.SETS.P2.csv", f"Country Name,Country Code,Year,Value\n{PAYLOADS[0]},X00,2022,1\n"
        .encode())})
    assert response.status_code == 400
    assert "it contains a web page or script" in response.content.decode()
    assert ImportBatch.objects.count() == batches
    run.check("refused import", response)
    for name, data in _import_files():
        response = client.post("/indicators/imports/", {
            "file": SimpleUploadedFile(name, data), "indicator": "IT.CEL.SETS.P2"
            if "long" in name or name.startswith("IT.") else "",
            "source": PAYLOADS[0], "vintage": PAYLOADS[11][:40], "add_unknown_economies": "on"})
        if response.status_code != 302:  # refused: the form again, with its reason
            run.check(name, response)
            run.refused[name] = form_errors(response.content)
            continue
        batch = response["Location"]
        preview = run.get(batch)  # the preview: its report names the economies and the values
        assert MARK in preview.content.decode(), name
        client.post(batch + "step/", {"step": "apply", "economies_offered": "1",
                                      "add_unknown_economies": "on"})
        run.get(batch)  # the report, applied
        run.placed += len(PAYLOADS) * 2
    run.get("/indicators/imports/")
    added = list(Economy.objects.filter(code__startswith="X").values_list("code", flat=True))
    for code in added[:3]:
        run.get(f"/indicators/{code}/")
    run.get("/indicators/")
    run.get("/indicators/IT.CEL.SETS.P2/")
    tally("payloads tried", run.placed)
    tally("payloads unescaped", sum(len(v) for v in run.found.values()))
    assert not run.found, run.found
    assert not run.refused, run.refused
    assert added, "no economy was added from the imports"


def test_a_criterion_question_is_escaped_in_the_proposal_form(client_for):
    """Found by the test above: Django's form templates print help text as safe, and the
    proposal form's help text was the cycle's criterion question, as its editor wrote it."""
    from decisions.models import Criterion

    criterion = Criterion.objects.order_by("pk").first()
    Criterion.objects.filter(pk=criterion.pk).update(question_en=PAYLOADS[1],
                                                     question_fr=PAYLOADS[0])
    response = client_for("secretariat").get(f"/proposals/cycles/{criterion.cycle_id}/new/")
    found = dangers(response.content)
    tally("payloads tried", 2)
    tally("payloads unescaped", len(found))
    assert response.status_code == 200
    assert not found, found
    assert "&lt;img src=x onerror=alert(" in response.content.decode()


def test_the_feeds_publish_user_text_inert(client_for):
    """What a feed says of an item (a news body, a paper's summary, a decision's text) is HTML a
    feed reader renders (Atom's type="html"): user text must reach it inert, as on the pages."""
    from decisions.models import Decision
    from papers.models import Paper
    from portal.models import Post

    script = "<script>alert(1)</script> <img src=x onerror=alert(2)> [x](javascript:alert(3))"
    posts = Post.objects.filter(kind=Post.Kind.NEWS, level="public")
    papers = Paper.objects.filter(level="public", status=Paper.Status.PUBLISHED)
    decisions = Decision.objects.filter(level="public")
    assert posts.update(body_en=script) and papers.update(summary_en=script)
    assert decisions.update(text_en=script)
    anonymous = client_for("anonymous")
    for path in FEEDS:
        body = anonymous.get(path).content
        assert b"<entry>" in body, path  # the demo's public items are in it
        tally("payloads tried")
        found = feed_dangers(body)
        tally("payloads unescaped", bool(found))
        assert not found, (path, found)
