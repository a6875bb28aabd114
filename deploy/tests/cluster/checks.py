"""The checks of a running cluster: a session shared by the app servers, the client's address,
uploads in the shared MEDIA_ROOT, a task run once by the worker, health, nginx's serving."""

from __future__ import annotations

import contextlib
import gzip
import http.client
import json
import os
import re
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

from deploy.tests.cluster.browser import Browser, Form
from deploy.tests.cluster.common import Failed, check, say
from deploy.tests.cluster.processes import Processes

MEMBER = ("member@demo.talanoa.test", os.environ.get("DEMO_PASSWORD", "talanoa-demo"))


@dataclass
class Cluster:
    a: int
    b: int
    nginx: int
    tmp: Path
    processes: Processes
    mail: Path
    media: Path
    start_a: object = None
    summary: list[str] = field(default_factory=list)

    def which(self, upstreams: str) -> str:
        """An nginx $upstream_addr as A, B, or "A, B" (tried A, then B)."""
        names = {f"127.0.0.1:{self.a}": "A", f"127.0.0.1:{self.b}": "B"}
        return ", ".join(names.get(u.strip(), u.strip()) for u in upstreams.split(","))

    def result(self, text: str) -> None:
        say(f"ok  {text}")
        self.summary.append(text)


def wait_until_up(port: int, what: str, processes: Processes, name: str,
                  seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        check(processes.alive(name), f"{what} stopped:\n{processes.tail(name)}")
        with contextlib.suppress(OSError, http.client.HTTPException):
            if Browser().get(port, "/", timeout=10).status == 200:
                return
        time.sleep(0.3)
    raise Failed(f"{what} did not answer / in {seconds:.0f} s:\n{processes.tail(name)}")


def check_login(c: Cluster) -> Browser:
    browser = Browser()
    page = browser.get(c.a, "/accounts/login/")
    check(page.status == 200, f"login page on A: {page.status}")
    form = Form(page.text, "password").set("login", MEMBER[0]).set("password", MEMBER[1])
    answer = browser.request(c.a, "POST", "/accounts/login/", fields=form.fields)
    check(answer.status == 302, f"login on A: {answer.status} {answer.text[:300]}")
    check(Browser().get(c.b, "/me/").status == 302, "/me/ on B without a session is not refused")
    home = browser.get(c.b, "/me/")
    check(home.status == 200 and MEMBER[0] in home.text,
          f"/me/ on B with A's session cookie: {home.status}")
    c.result("a login made on A is valid on B (the member's own page, /me/)")
    return browser


def check_client_address(c: Cluster) -> None:
    """The app sees the client's address, not nginx's: failed sign-ins are counted against it
    (django-axes). nginx replaces a client's own X-Real-IP; an app server believes it only from
    nginx (FORWARDED_ALLOW_IPS)."""
    from axes.models import AccessAttempt

    spoofed = {"X-Real-IP": "203.0.113.9"}
    for port, source in ((c.nginx, "127.0.0.2"), (c.a, "127.0.0.3")):
        browser = Browser(source)
        page = browser.get(port, "/accounts/login/", headers=spoofed)
        form = Form(page.text, "password").set("login", "nobody@example.org")
        answer = browser.request(port, "POST", "/accounts/login/", headers=spoofed,
                                 fields=form.set("password", "not-the-password").fields)
        check(answer.status == 200, f"a failed sign-in from {source}: {answer.status}")
    seen = sorted(AccessAttempt.objects.values_list("ip_address", flat=True))
    check(seen == ["127.0.0.2", "127.0.0.3"], f"failed sign-ins counted against {seen}, not "
                                              "127.0.0.2 (through nginx) and 127.0.0.3 (direct)")
    AccessAttempt.objects.all().delete()
    c.result("the app sees the client's address through nginx (a failed sign-in from 127.0.0.2 "
             "is counted against 127.0.0.2), and no client can choose it (X-Real-IP ignored)")


def check_upload(c: Cluster, browser: Browser) -> None:
    page = browser.get(c.a, "/papers/new/")
    check(page.status == 200, f"new paper form on A: {page.status}")
    form = Form(page.text, "title_en")
    form.set("title_en", "Cluster test paper").set("kind", form.choices("kind")[0])
    answer = browser.request(c.a, "POST", "/papers/new/", fields=form.fields)
    check(answer.status == 302, f"new paper on A: {answer.status} {answer.text[-1500:]}")
    paper = re.search(r"/papers/(\d+)/", answer.headers["Location"] or "")
    check(paper, f"new paper: redirected to {answer.headers['Location']}")
    base = f"/papers/{paper.group(1)}/"
    uploads = {}
    for through, port, name in (("A", c.a, "cluster-a.pdf"), ("nginx", c.nginx, "cluster-n.pdf")):
        data = small_pdf(f"Uploaded through {through}", 2_500_000)
        page = browser.get(port, base + "files/new/")
        form = Form(page.text, "title").set("title", name)
        answer = browser.request(port, "POST", base + "files/new/", fields=form.fields,
                                 files=[("file", name, "application/pdf", data)])
        check(answer.status == 302, f"upload through {through}: {answer.status} "
                                    f"{answer.text[-800:]}")
        uploads[name] = data
    detail = browser.get(c.b, base)
    for name, data in uploads.items():
        link = re.search(rf'href="({base}files/\d+/)"[^>]*>\s*{re.escape(name)}', detail.text)
        check(link, f"the paper's page on B does not link {name}")
        download = browser.get(c.b, link.group(1))
        check(download.status == 200 and download.body == data,
              f"{name} from B: {download.status}, {len(download.body)} bytes of {len(data)}")
    stored = [path.read_bytes() for path in c.media.rglob("*.pdf")]
    check(all(stored.count(data) == 1 for data in uploads.values()),
          "the uploads are not each once in the shared MEDIA_ROOT")
    c.result("a file uploaded on A (2.5 MB) is downloaded from B, the same bytes; so is one "
             "uploaded through nginx (above its default 1 MB limit)")


def small_pdf(text: str, size: int) -> bytes:
    """A valid one-page PDF of about `size` bytes (the rest of its page's content is comments:
    random, so nothing compresses it on the way)."""
    import io

    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(200, 200)
    content = DecodedStreamObject()
    filler = b"".join(b"% " + os.urandom(32).hex().encode() + b"\n" for _ in range(size // 67))
    content.set_data(f"BT /F1 12 Tf 20 100 Td ({text}) Tj ET\n".encode() + filler)
    page[NameObject("/Contents")] = writer._add_object(content)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _messages(mail: Path) -> list[str]:
    """Every email the filemail backend wrote (each message is followed by 79 dashes)."""
    found = []
    for path in sorted(mail.glob("*")):
        found += [m for m in path.read_text(errors="replace").split("-" * 79 + "\n") if m.strip()]
    return found


def check_task(c: Cluster) -> None:
    """The public "take part" form: its request stores the application and queues the
    confirmation email (directory.tasks.send_join_request_email), which only the worker sends."""
    from django_tasks_db.models import DBTaskResult

    from directory.models import JoinRequest

    browser = Browser()
    page = browser.get(c.a, "/take-part/")
    check(page.status == 200, f"take-part form on A: {page.status}")
    address = f"cluster-{secrets.token_hex(4)}@example.org"
    form = Form(page.text, "organisation_name")
    form.set("organisation_name", "Cluster Test Cooperative").set("acronym", "CTC")
    form.set("contact_name", "Sione Cluster").set("email", address).set("position", "Tester")
    form.set("website", "https://example.org/").set("contribution", "Testing several servers.")
    for name in ("kind", "country", "standing", "areas"):
        if form.choices(name):
            form.set(name, form.choices(name)[0])
    answer = browser.request(c.a, "POST", "/take-part/", fields=form.fields)
    check(answer.status == 200 and 'name="organisation_name"' not in answer.text,
          f"take-part on A: {answer.status} {answer.text[-1500:]}")
    join_request = JoinRequest.objects.filter(email=address).first()
    check(join_request, "the application was not stored")
    path = "directory.tasks.send_join_request_email"
    deadline = time.monotonic() + 45
    results: list = []
    while time.monotonic() < deadline:
        results = [r for r in DBTaskResult.objects.filter(task_path=path)
                   if r.args_kwargs.get("args", [None])[0] == join_request.pk]
        if results and all(r.status in ("SUCCESSFUL", "FAILED") for r in results):
            break
        time.sleep(0.5)
    check(len(results) == 1, f"{len(results)} {path} tasks queued for the request, not 1")
    result = results[0]
    check(result.status == "SUCCESSFUL", f"the task is {result.status}: {result.traceback}")
    check(len(result.worker_ids) == 1, f"run by workers {result.worker_ids}")
    def to_applicant() -> list[str]:
        return [m for m in _messages(c.mail)
                if re.search(rf"^To: {re.escape(address)}$", m, flags=re.M)]

    # The task wrote the email's row (talanoa.outbox); the worker's next task sends it.
    deadline = time.monotonic() + 30
    while not to_applicant() and time.monotonic() < deadline:
        time.sleep(0.5)
    time.sleep(2)  # a second sending, if there were one, would write its email meanwhile
    written = to_applicant()
    check(len(written) == 1, f"{len(written)} emails to {address}, not 1")
    c.result("a task queued by a request on A (take part: the confirmation email) ran once in "
             "the worker: DBTaskResult SUCCESSFUL, one email written")


def check_health(c: Cluster) -> None:
    deadline = time.monotonic() + 60
    answer = None
    while time.monotonic() < deadline:
        answer = Browser().get(c.nginx, "/healthz")
        if answer.status == 200:
            break
        time.sleep(1)
    check(answer is not None and answer.status == 200,
          f"/healthz through nginx: {answer.status if answer else '-'} "
          f"{answer.text[:300] if answer else ''}")
    data = json.loads(answer.body)
    check(data.get("worker") == "ok" and data.get("database") == "ok", f"/healthz: {data}")
    check("no-cache" in (answer.headers["Cache-Control"] or "")
          or "no-store" in (answer.headers["Cache-Control"] or ""),
          f"/healthz Cache-Control: {answer.headers['Cache-Control']}")
    c.result(f"/healthz through nginx: 200 {json.dumps(data)}")


def check_nginx_serving(c: Cluster) -> None:
    browser = Browser()
    home = browser.get(c.nginx, "/", headers={"Accept-Encoding": "gzip"})
    check(home.status == 200 and home.headers["Content-Encoding"] == "gzip",
          f"home page through nginx: {home.status}, Content-Encoding "
          f"{home.headers['Content-Encoding']}")
    direct = browser.get(c.a, "/", headers={"Accept-Encoding": "gzip"})
    check(direct.headers["Content-Encoding"] is None, "the app compresses pages itself")
    static = re.search(r"(/static/[\w./-]+\.[0-9a-f]{12}\.css)",
                       gzip.decompress(home.body).decode())
    check(static, "no hashed stylesheet on the home page (manifest storage?)")
    first = browser.get(c.nginx, static.group(1), headers={"Accept-Encoding": "br"})
    second = browser.get(c.nginx, static.group(1), headers={"Accept-Encoding": "br"})
    check(first.status == 200 and second.status == 200, f"{static.group(1)}: {first.status}")
    check(second.headers["X-Cache-Status"] == "HIT",
          f"static file not cached by nginx: {second.headers['X-Cache-Status']}")
    check("immutable" in (second.headers["Cache-Control"] or "")
          and second.headers["Content-Encoding"] == "br",
          f"static file headers: {second.headers['Cache-Control']}, "
          f"{second.headers['Content-Encoding']}")
    c.result(f"through nginx: the home page gzipped (by nginx); {static.group(1)} brotli, "
             f"immutable, cached by nginx (second request {second.headers['X-Cache-Status']})")
