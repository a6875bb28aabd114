"""Failover under load: app server A stopped (TERM), then killed (SIGKILL), while clients keep
requesting pages through nginx; no request may fail."""

from __future__ import annotations

import contextlib
import http.client
import re
import signal
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from deploy.tests.cluster.browser import Browser
from deploy.tests.cluster.checks import Cluster, wait_until_up
from deploy.tests.cluster.common import Failed, check, say

LOAD_THREADS = 8
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
