"""`make cluster-test`: several app servers behind nginx, as deployed (deploy/), tested.

    python -m talanoa.cluster_test [--keep]

1. checks the deploy files: `systemd-analyze verify` and `security --offline` on the two units,
   `nginx -t` on the example site (deploy/nginx.conf, with a throwaway certificate);
2. creates a fresh PostgreSQL database (talanoa_cluster on 127.0.0.1:5432), migrates it and
   loads the starter and demo data, empties Redis database 3, and runs the web unit's
   ExecStartPre (collectstatic, compressed manifest storage) meanwhile;
3. starts two app servers (A and B) and one worker with the ExecStart lines of
   deploy/talanoa-web.service and deploy/talanoa-worker.service as written (/srv/talanoa read as
   this checkout), all sharing the database, Redis and one MEDIA_ROOT, each with a VAR_DIR of its
   own, and nginx in front of A and B with deploy/nginx.conf's upstream (its ports changed) and
   deploy/nginx-talanoa-proxy.conf (its own prefix in a temporary directory, no root needed);
4. checks, printing each result: a login made on A is valid on B; the app sees the client's
   address through nginx (X-Real-IP), which no client can choose; a file uploaded on A is
   downloaded, the same bytes, from B; a task queued by a request on A is run by the worker
   exactly once (its email written once: EMAIL_URL=filemail://); /healthz through nginx is 200
   with the worker's heartbeat; nginx compresses pages and caches static files; under load
   through nginx (8 clients), app server A stopped midway (TERM, as `systemctl stop` does), no
   request fails and B answers alone; A started again, then killed midway (SIGKILL), no request
   fails either (a response A had begun to send is cut short: at most one per worker of A);
5. always stops every process, drops the database and removes the temporary directory (kept,
   with the logs, with --keep). Exits 1 on any failure.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import http.client
import http.cookies
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

BASE_DIR = Path(__file__).resolve().parent.parent
DEPLOY = BASE_DIR / "deploy"
INSTALL_DIR = "/srv/talanoa"  # where the deploy files expect the checkout
DB_NAME = "talanoa_cluster"
PG_URL = "postgres://postgres@127.0.0.1:5432"
REDIS_URL = "redis://127.0.0.1:6379/3"
MEMBER = ("member@demo.talanoa.test", os.environ.get("DEMO_PASSWORD", "talanoa-demo"))
LOAD_THREADS = 8


class Failed(Exception):
    pass


def check(condition: object, message: str) -> None:
    if not condition:
        raise Failed(message)


def say(text: str) -> None:
    print(text, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rendered(text: str) -> str:
    """A deploy file as it reads on this machine: the checkout in place of /srv/talanoa."""
    return text.replace(INSTALL_DIR, str(BASE_DIR))


# The systemd units ---------------------------------------------------------------------------

@dataclass
class Unit:
    name: str
    pre: list[list[str]] = field(default_factory=list)
    start: list[str] = field(default_factory=list)
    directory: Path = BASE_DIR
    environment: dict[str, str] = field(default_factory=dict)


def _command(value: str) -> list[str]:
    # systemd's prefixes: "-" ignore failure, "@" argv[0], ":" no expansion, "+!" privileges.
    value = value.lstrip("-@:+!")
    check("$" not in value and "%" not in value,
          f"the cluster test does not expand variables or specifiers: {value}")
    return shlex.split(value)


def read_unit(name: str) -> Unit:
    """The [Service] lines the test runs, read from the unit file (continuations joined)."""
    unit = Unit(name)
    section = ""
    text = rendered((DEPLOY / name).read_text()).replace("\\\n", " ")
    for line in text.splitlines():
        line = line.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            section = line
            continue
        key, _, value = line.partition("=")
        if section != "[Service]":
            continue
        if key == "ExecStartPre":
            unit.pre.append(_command(value))
        elif key == "ExecStart":
            unit.start = _command(value)
        elif key == "WorkingDirectory":
            unit.directory = Path(value)
        elif key == "Environment":
            for assignment in shlex.split(value):
                variable, _, setting = assignment.partition("=")
                unit.environment[variable] = setting
    check(unit.start, f"{name}: no ExecStart")
    return unit


def verify_units(tmp: Path) -> None:
    units = tmp / "units"
    units.mkdir()
    names = ["talanoa-web.service", "talanoa-worker.service"]
    for name in names:
        (units / name).write_text(rendered((DEPLOY / name).read_text()))
    analyze = shutil.which("systemd-analyze")
    check(analyze, "systemd-analyze is missing (Debian: apt-get install systemd)")
    done = subprocess.run([analyze, "verify", *names], cwd=units, capture_output=True, text=True,
                          timeout=60)
    # verify exits 0 on unknown keys and bad values (it only warns): any output is a failure.
    output = (done.stdout + done.stderr).strip()
    check(done.returncode == 0 and not output, f"systemd-analyze verify: {output}")
    exposures = []
    for name in names:
        done = subprocess.run([analyze, "security", "--offline=yes", "--threshold=20", name],
                              cwd=units, capture_output=True, text=True, timeout=60)
        level = re.search(r"Overall exposure level for \S+: ([\d.]+)", done.stdout + done.stderr)
        check(done.returncode == 0 and level,
              f"systemd-analyze security {name}: exposure above 2.0\n{done.stdout[-600:]}")
        exposures.append(f"{name} {level.group(1) if level else '?'}")
    say(f"ok  systemd units: `systemd-analyze verify` clean; exposure {', '.join(exposures)}")


# nginx ---------------------------------------------------------------------------------------

def _top_level_blocks(text: str) -> list[str]:
    """The file's top-level statements and blocks, comments removed."""
    lines = [line.split("#", 1)[0] for line in text.splitlines()]
    statements, current, depth = [], "", 0
    for char in "\n".join(lines):
        current += char
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                statements.append(current.strip())
                current = ""
        elif char == ";" and depth == 0:
            statements.append(current.strip())
            current = ""
    return [s for s in statements if s]


def site_http_part(cache_dir: Path, servers: list[str]) -> str:
    """deploy/nginx.conf without its server blocks (the TLS part), the upstream's servers given
    these addresses (their parameters kept) and the cache in cache_dir."""
    parts = []
    for statement in _top_level_blocks(rendered((DEPLOY / "nginx.conf").read_text())):
        if re.match(r"server\s*\{", statement):
            continue
        if statement.startswith("upstream"):
            found = re.findall(r"^\s*server\s+\S+", statement, flags=re.M)
            check(len(found) == len(servers),
                  f"deploy/nginx.conf's upstream has {len(found)} servers, the test {len(servers)}")
            for old, new in zip(found, servers, strict=True):
                statement = statement.replace(old, f"    server {new}", 1)
        if statement.startswith("proxy_cache_path"):
            statement = re.sub(r"proxy_cache_path\s+\S+", f"proxy_cache_path {cache_dir}",
                               statement)
        parts.append(statement)
    return "\n".join(parts)


def _nginx_main(tmp: Path, http_body: str) -> str:
    user = "user root;" if os.geteuid() == 0 else ""  # else workers would run as nobody
    temp_paths = "\n".join(f"    {kind}_temp_path {tmp}/{kind};"
                           for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return f"""{user}
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
{temp_paths}
    log_format cluster '$msec $request_method $request_uri $status "$upstream_addr" '
                       '"$upstream_status"';
    access_log {tmp}/access.log cluster;
{http_body}
}}
"""


def nginx_binary() -> str:
    binary = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists()
                                       else None)
    check(binary, "nginx is missing (Debian: apt-get install nginx)")
    return str(binary)


def check_example_site(tmp: Path) -> None:
    """`nginx -t` on the whole example, TLS included, with a throwaway certificate."""
    example = tmp / "example"
    example.mkdir()
    key, cert = example / "key.pem", example / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj",
                    "/CN=portal.example.org", "-keyout", key, "-out", cert],
                   check=True, capture_output=True, timeout=60)
    site = rendered((DEPLOY / "nginx.conf").read_text())
    site = re.sub(r"ssl_certificate_key\s+\S+;", f"ssl_certificate_key {key};", site)
    site = re.sub(r"ssl_certificate\s+\S+;", f"ssl_certificate {cert};", site)
    site = re.sub(r"proxy_cache_path\s+\S+", f"proxy_cache_path {example}/cache", site)
    (example / "site.conf").write_text(site)
    (example / "nginx.conf").write_text(_nginx_main(example, f"    include {example}/site.conf;"))
    done = subprocess.run([nginx_binary(), "-t", "-p", example, "-c", example / "nginx.conf"],
                          capture_output=True, text=True, timeout=60)
    check(done.returncode == 0, f"nginx -t on deploy/nginx.conf:\n{done.stderr}")
    warnings = [line for line in done.stderr.splitlines() if "[warn]" in line]
    say("ok  nginx -t: deploy/nginx.conf (TLS, the include) is valid"
        + "".join(f"\n    {line}" for line in warnings))


# Processes -----------------------------------------------------------------------------------

class Processes:
    """Every process the test starts, each in its own session (so its children stop with it)."""

    def __init__(self, logs: Path):
        self.logs = logs
        self.running: dict[str, subprocess.Popen] = {}

    def start(self, name: str, command: list[str], env: dict[str, str], cwd: Path) -> None:
        log = (self.logs / f"{name}.log").open("ab")
        self.running[name] = subprocess.Popen(command, cwd=cwd, env=env, stdout=log,
                                              stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                              start_new_session=True)
        log.close()

    def kill(self, name: str, sig: int = signal.SIGKILL, group: bool = True) -> None:
        """The signal to the process and its children (group), or to the process alone (as
        systemd's KillMode=mixed does first); SIGKILL to all after 15 s."""
        process = self.running.pop(name)
        with contextlib.suppress(ProcessLookupError):
            if group:
                os.killpg(process.pid, sig)
            else:
                process.send_signal(sig)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=15)

    def alive(self, name: str) -> bool:
        return self.running[name].poll() is None

    def stop_all(self) -> None:
        for name in reversed(list(self.running)):
            self.kill(name, signal.SIGTERM)

    def tail(self, name: str, lines: int = 25) -> str:
        path = self.logs / f"{name}.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def run(command: list[str], env: dict[str, str], cwd: Path = BASE_DIR) -> subprocess.Popen:
    return subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)


def finish(process: subprocess.Popen, what: str, timeout: float = 240) -> None:
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        raise Failed(f"{what}: still running after {timeout:.0f} s\n{output[-2000:]}") from None
    check(process.returncode == 0, f"{what} failed ({process.returncode}):\n{output[-3000:]}")


# HTTP ----------------------------------------------------------------------------------------

@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class Browser:
    """Requests to any of the servers, with one cookie jar (cookies are not per port)."""

    def __init__(self, source: str = "127.0.0.1") -> None:
        self.cookies: dict[str, str] = {}
        self.source = source  # the client's own address (any of 127.0.0.0/8 on Linux)

    def request(self, port: int, method: str, path: str, *, fields: list | None = None,
                files: list | None = None, headers: dict | None = None,
                timeout: float = 60) -> Response:
        sent = {"Accept-Language": "en", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if files is not None:
            boundary = uuid.uuid4().hex
            body = _multipart(boundary, fields or [], files)
            sent["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        elif fields is not None:
            body = urlencode(fields).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout,
                                                source_address=(self.source, 0))
        try:
            connection.request(method, path, body, sent)
            answer = connection.getresponse()
            response = Response(answer.status, answer.headers, answer.read())
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = http.cookies.SimpleCookie(header)
            for name, morsel in cookie.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response

    def get(self, port: int, path: str, **kwargs) -> Response:
        return self.request(port, "GET", path, **kwargs)


def _multipart(boundary: str, fields: list, files: list) -> bytes:
    out = []
    for name, value in fields:
        out.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                   f"{value}\r\n".encode())
    for name, filename, content_type, data in files:
        out.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                   f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode())
        out.append(data + b"\r\n")
    out.append(f"--{boundary}--\r\n".encode())
    return b"".join(out)


class Form:
    """An HTML form's fields as a browser would send them, before any change."""

    def __init__(self, html: str, containing: str):
        from bs4 import BeautifulSoup

        soup = BeautifulSoup(html, "html.parser")
        found = [form for form in soup.find_all("form") if form.find(attrs={"name": containing})]
        check(found, f"no form with a field {containing!r} on the page")
        self.form = found[0]
        self.fields: list[tuple[str, str]] = []
        for element in self.form.find_all(["input", "select", "textarea"]):
            name = element.get("name")
            if not name or element.has_attr("disabled"):
                continue
            if element.name == "input":
                kind = (element.get("type") or "text").lower()
                if kind in ("submit", "button", "image", "reset", "file"):
                    continue
                if kind in ("checkbox", "radio"):
                    if element.has_attr("checked"):
                        self.fields.append((name, element.get("value", "on")))
                    continue
                self.fields.append((name, element.get("value", "")))
            elif element.name == "select":
                options = element.find_all("option")
                chosen = [o for o in options if o.has_attr("selected")]
                if not element.has_attr("multiple") and not chosen:
                    chosen = options[:1]
                self.fields += [(name, o.get("value", o.text)) for o in chosen]
            else:
                self.fields.append((name, element.text))

    def choices(self, name: str) -> list[str]:
        """The values a select, a radio group or a checkbox group offers (empty ones left out)."""
        values = [o.get("value", o.text) for select in self.form.find_all("select", {"name": name})
                  for o in select.find_all("option")]
        values += [i.get("value", "on") for i in self.form.find_all("input", {"name": name})]
        return [v for v in values if v]

    def set(self, name: str, *values: str) -> Form:
        self.fields = [(k, v) for k, v in self.fields if k != name]
        self.fields += [(name, value) for value in values]
        return self

    def value(self, name: str) -> str:
        return next((v for k, v in self.fields if k == name), "")


# The checks ----------------------------------------------------------------------------------

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
    confirmation email (work.tasks.send_join_request_email), which only the worker sends."""
    from django_tasks_db.models import DBTaskResult

    from work.models import JoinRequest

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
    path = "work.tasks.send_join_request_email"
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
    time.sleep(2)  # a second run, if there were one, would write its email meanwhile
    to_applicant = [m for m in _messages(c.mail) if re.search(rf"^To: {re.escape(address)}$", m,
                                                              flags=re.M)]
    check(len(to_applicant) == 1, f"{len(to_applicant)} emails to {address}, not 1")
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


PAGES = ["/", "/papers/", "/calendar/", "/posts/"]


@dataclass
class Load:
    requests: int = 0
    failed: list[str] = field(default_factory=list)  # a status other than 200, or no answer
    cut: list[float] = field(default_factory=list)  # 200, then the body cut short (when)
    upstreams: Counter[str] = field(default_factory=Counter)


def under_load(c: Cluster, seconds: float, at: float, action) -> Load:
    """GETs of PAGES through nginx from LOAD_THREADS clients for `seconds`, `action` done after
    `at` seconds; what the clients saw, and which app server nginx's log says answered."""
    stop, lock, load = threading.Event(), threading.Lock(), Load()
    began = time.monotonic()

    def client(number: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", c.nginx, timeout=30)
        i = number
        while not stop.is_set():
            path = PAGES[i % len(PAGES)]
            i += 1
            status = None
            try:
                connection.request("GET", path, headers={"Accept-Language": "en"})
                answer = connection.getresponse()
                status = answer.status
                answer.read()
                problem = None if status == 200 else f"{path}: {status}"
            except (OSError, http.client.HTTPException) as exc:
                problem = f"{path}: {status or 'no answer'}, {exc!r}"
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", c.nginx, timeout=30)
            with lock:
                load.requests += 1
                if problem and status == 200:
                    load.cut.append(time.monotonic() - began)
                elif problem:
                    load.failed.append(problem)
        connection.close()

    log = c.tmp / "nginx" / "access.log"
    log_start = log.stat().st_size
    threads = [threading.Thread(target=client, args=(n,)) for n in range(LOAD_THREADS)]
    for thread in threads:
        thread.start()
    time.sleep(at)
    action()
    time.sleep(max(0.0, seconds - (time.monotonic() - began)))
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    with log.open() as lines:
        lines.seek(log_start)
        for line in lines:
            if found := re.search(r'"([^"]*)" "[^"]*"$', line.strip()):
                load.upstreams[c.which(found.group(1))] += 1
    return load


def check_failover(c: Cluster, web_workers: int) -> None:
    """A stopped as `systemctl stop` does (TERM to gunicorn's master: requests in hand finish),
    started again; then A killed outright (SIGKILL to every process of it), as in a crash."""
    for path in PAGES:
        status = Browser().get(c.nginx, path).status
        check(status == 200, f"{path} through nginx: {status}")
    stopped = under_load(c, 6, 2, lambda: c.processes.kill("web-a", signal.SIGTERM, group=False))
    say(f"    stop A (TERM) under load: {stopped.requests} GETs, answered by "
        f"{dict(stopped.upstreams)}; failed {len(stopped.failed) + len(stopped.cut)}")
    check(not stopped.failed and not stopped.cut,
          f"requests failed while A stopped: {stopped.failed[:10]}, cut short {stopped.cut}")
    check(stopped.upstreams["A"] and stopped.upstreams["B"], "not both app servers answered")
    only_b(c)
    c.result(f"A stopped (TERM) under load through nginx ({stopped.requests} GETs, "
             f"{LOAD_THREADS} clients): 0 errors ({stopped.upstreams['A, B']} retried on B); "
             "then B alone answers")

    c.start_a()
    wait_until_up(c.a, "app server A, started again", c.processes, "web-a")
    deadline = time.monotonic() + 30  # nginx tries A again fail_timeout after its last failure
    while not back_in(c, "A"):
        check(time.monotonic() < deadline, "nginx does not send requests to A again")
        time.sleep(0.5)
    killed: list[float] = []

    def crash() -> None:
        killed.append(time.monotonic())
        c.processes.kill("web-a", signal.SIGKILL)

    crashed = under_load(c, 6, 2, crash)
    say(f"    kill A (SIGKILL) under load: {crashed.requests} GETs, answered by "
        f"{dict(crashed.upstreams)}; failed {len(crashed.failed)}, cut short {len(crashed.cut)}")
    check(not crashed.failed, f"requests failed when A was killed: {crashed.failed[:10]}")
    # A response A had begun to send cannot be retried (nginx passed its headers on): at most
    # one per gunicorn worker of A, at the moment of the kill. Every other request succeeds.
    check(len(crashed.cut) <= web_workers and all(1.0 <= t <= 3.5 for t in crashed.cut),
          f"responses cut short at {crashed.cut} s (A killed at 2 s)")
    check(crashed.upstreams["A"] and crashed.upstreams["B"], "not both app servers answered")
    only_b(c)
    c.result(f"A killed (SIGKILL) under load through nginx ({crashed.requests} GETs): no request "
             f"failed ({crashed.upstreams['A, B']} retried on B; {len(crashed.cut)} response(s) "
             f"A was sending cut short, at most one per worker); then B alone answers")


def back_in(c: Cluster, name: str) -> bool:
    log = c.tmp / "nginx" / "access.log"
    start = log.stat().st_size
    for _ in range(4):
        check(Browser().get(c.nginx, "/").status == 200, "/ through nginx")
    with log.open() as lines:
        lines.seek(start)
        return any(c.which(m) == name for m in re.findall(r'"([^"]*)" "[^"]*"$', lines.read(),
                                                          flags=re.M))


def only_b(c: Cluster) -> None:
    with contextlib.suppress(ConnectionRefusedError):
        Browser().get(c.a, "/", timeout=5)
        raise Failed("A still answers")
    for path in PAGES:
        check(Browser().get(c.b, path).status == 200, f"{path} on B alone")
    check(not back_in(c, "A"), "nginx still sends requests to A")


# The run -------------------------------------------------------------------------------------

def create_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{DB_NAME}"')


def drop_database() -> None:
    import psycopg

    with contextlib.suppress(Exception):
        from django.db import connections

        connections.close_all()
    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


def flush_redis() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args(argv)
    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="talanoa-cluster-"))
    (tmp / "logs").mkdir()
    processes = Processes(tmp / "logs")
    database_created = False
    failed = None
    summary: list[str] = []
    try:
        verify_units(tmp)
        check_example_site(tmp)
        web, worker = read_unit("talanoa-web.service"), read_unit("talanoa-worker.service")
        a, b, front = free_port(), free_port(), free_port()
        while len({a, b, front}) < 3:
            b, front = free_port(), free_port()
        media, mail, static = tmp / "files", tmp / "mail", tmp / "static"
        for path in (media, mail, static):
            path.mkdir()
        # What /etc/talanoa/env holds on each host (the same on all, but VAR_DIR's contents).
        settings = {
            "DATABASE_URL": f"{PG_URL}/{DB_NAME}", "REDIS_URL": REDIS_URL,
            "SECRET_KEY": secrets.token_urlsafe(50), "DEBUG": "0", "HTTPS": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost", "SITE_URL": f"http://127.0.0.1:{front}",
            "MEDIA_ROOT": str(media), "STATIC_ROOT": str(static),
            "STATICFILES_BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
            "EMAIL_URL": f"filemail://{mail}", "WEB_CONCURRENCY": "2", "LOG_FORMAT": "json",
        }

        def env_for(unit: Unit, var: str, **more: str) -> dict[str, str]:
            # Each process as on a host of its own: VAR_DIR, and the units' cache and runtime
            # directories (systemd's RuntimeDirectory=), in a directory of its own.
            (tmp / var / "run").mkdir(parents=True, exist_ok=True)
            return {**os.environ, **unit.environment, **settings,
                    "VAR_DIR": str(tmp / var), "XDG_CACHE_HOME": str(tmp / var / "cache"),
                    "XDG_RUNTIME_DIR": str(tmp / var / "run"), **more}

        os.environ.update(env_for(worker, "var-test"))
        os.environ["DJANGO_SETTINGS_MODULE"] = "talanoa.settings"
        create_database()
        database_created = True
        flush_redis()
        python = worker.start[0]
        # One process for the three commands (the app loads once).
        data = run([python, "manage.py", "shell", "-v0", "-c", "from django.core.management "
                    "import call_command as c; c('migrate', interactive=False, verbosity=0); "
                    "c('load_starter_data', verbosity=0); c('demo_data', verbosity=0)"],
                   env_for(worker, "var-test"))
        # The web unit's ExecStartPre (collectstatic) meanwhile, once: A and B share STATIC_ROOT.
        steps = {shlex.join(command[1:]): run(command, env_for(web, "var-a"), cwd=web.directory)
                 for command in web.pre}
        steps["migrate, load_starter_data, demo_data"] = data
        ended: dict[str, float] = {}
        while len(ended) < len(steps):
            for what, process in steps.items():
                if what not in ended and process.poll() is not None:
                    ended[what] = time.monotonic() - started
            time.sleep(0.2)
        for what, process in steps.items():
            finish(process, what)
        say(f"ok  database {DB_NAME} migrated, starter and demo data loaded; static files "
            "collected (" + ", ".join(f"{what}: {t:.0f} s" for what, t in ended.items()) + ")")

        import django

        django.setup()
        def start_web(name: str, port: int) -> None:
            processes.start(name, web.start, env_for(web, f"var-{name}", BIND=f"127.0.0.1:{port}"),
                            web.directory)

        start_web("web-a", a)
        start_web("web-b", b)
        processes.start("worker", worker.start, env_for(worker, "var-worker"), worker.directory)
        nginx_dir = tmp / "nginx"
        nginx_dir.mkdir()
        http_body = site_http_part(nginx_dir / "cache", [f"127.0.0.1:{a}", f"127.0.0.1:{b}"])
        (nginx_dir / "nginx.conf").write_text(_nginx_main(nginx_dir, f"""{http_body}
    server {{
        listen 127.0.0.1:{front};
        server_name localhost;
        include {DEPLOY}/nginx-talanoa-proxy.conf;
    }}"""))
        processes.start("nginx", [nginx_binary(), "-p", str(nginx_dir), "-c",
                                  str(nginx_dir / "nginx.conf"), "-g", "daemon off;"],
                        dict(os.environ), nginx_dir)
        wait_until_up(a, "app server A", processes, "web-a")
        wait_until_up(b, "app server B", processes, "web-b")
        wait_until_up(front, "nginx", processes, "nginx")
        cluster = Cluster(a, b, front, tmp, processes, mail, media,
                          start_a=lambda: start_web("web-a", a))
        say(f"ok  running: nginx :{front} -> A :{a}, B :{b}; one worker "
            f"({time.monotonic() - started:.0f} s)")
        browser = check_login(cluster)
        check_client_address(cluster)
        check_upload(cluster, browser)
        check_task(cluster)
        check_health(cluster)
        check_nginx_serving(cluster)
        check_failover(cluster, int(settings["WEB_CONCURRENCY"]))
        check(processes.alive("worker"), f"the worker stopped:\n{processes.tail('worker')}")
        summary = cluster.summary
    except Failed as exc:
        failed = str(exc)
    except Exception as exc:  # reported like a failed check, with its traceback
        import traceback

        failed = f"{exc!r}\n{traceback.format_exc()}"
    finally:
        processes.stop_all()
        if database_created:
            drop_database()
        with contextlib.suppress(Exception):
            flush_redis()
    elapsed = time.monotonic() - started
    if failed:
        say(f"FAIL {failed}")
        for name in ("web-a", "web-b", "worker", "nginx"):
            if tail := processes.tail(name):
                say(f"--- {name} (last lines)\n{tail}")
        if (error_log := tmp / "nginx" / "error.log").exists():
            say(f"--- nginx error.log\n{error_log.read_text()[-2000:]}")
    if args.keep or failed:
        say(f"Logs and files kept in {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    if summary:
        say("\nSummary: nginx in front of two app servers (gunicorn) and one worker, sharing "
            "PostgreSQL, Redis and MEDIA_ROOT")
        for number, line in enumerate(summary, 1):
            say(f"  {number}. {line}")
    say(f"Cluster test {'FAILED' if failed else 'passed'} in {elapsed:.0f} s "
        f"(database {DB_NAME} dropped, every process stopped).")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
