"""The load: gunicorn serving the site as production does, and wrk's requests against it
(p50, p99, requests/s), with each worker's memory after the load."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.config import BASE_DIR
from bench.first_view import fetch

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", value.strip()).groups()
    return float(number) * _UNITS[unit]


def parse_wrk(output: str) -> dict:
    """Requests/s, p50 and p99 (ms), requests, errors from `wrk --latency` output."""
    result = {"rps": None, "p50_ms": None, "p99_ms": None, "requests": None, "errors": 0}
    if m := re.search(r"Requests/sec:\s+([\d.]+)", output):
        result["rps"] = float(m.group(1))
    for pct, key in (("50", "p50_ms"), ("99", "p99_ms")):
        if m := re.search(rf"^\s*{pct}(?:\.0+)?%\s+([\d.]+(?:us|ms|s|m|h))\s*$", output, re.M):
            result[key] = _ms(m.group(1))
    if m := re.search(r"(\d+) requests in", output):
        result["requests"] = int(m.group(1))
    if m := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output):
        result["errors"] += int(m.group(1))
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                      output):
        result["errors"] += sum(int(g) for g in m.groups())
    return result


def ensure_wrk() -> str | None:
    found = shutil.which("wrk")
    if found:
        return found
    print("wrk is missing: installing it from Debian (apt-get install -y wrk)…", flush=True)
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        print("Cannot install wrk here (needs apt-get as root). Install it with "
              "`sudo apt-get install wrk` and rerun `make bench`. Continuing without the load "
              "test: sizes and query counts only.", flush=True)
        return None
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for steps in ([["apt-get", "install", "-y", "-qq", "wrk"]],
                  [["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "wrk"]]):
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            for step in steps:
                subprocess.run(step, env=env, check=True, timeout=300,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if found := shutil.which("wrk"):
            return found
    print("Could not install wrk (apt-get install -y wrk failed: no package repository?). "
          "Install it and rerun `make bench`. Continuing without the load test: sizes and query "
          "counts only.", flush=True)
    return None




@dataclass
class Server:
    port: int
    workers: int
    worker_class: str
    threads: int
    log: Path
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        # Production's own configuration (deploy/gunicorn.conf.py: preloaded app, sync
        # workers), without the access log (a line per request is the load's own cost, not the
        # page's) and without replacing workers, so the memory measured is after the whole load.
        config = BASE_DIR / "deploy" / "gunicorn.conf.py"
        command = [sys.executable, "-m", "gunicorn", "-c", str(config),
                   "--worker-class", self.worker_class, "--threads", str(self.threads),
                   "--error-logfile", str(self.log), "talanoa.wsgi:application"]
        environment = {**os.environ, "BIND": f"127.0.0.1:{self.port}",
                       "WEB_CONCURRENCY": str(self.workers), "WEB_TIMEOUT": "30",
                       "ACCESS_LOG": "0", "GUNICORN_LOG_LEVEL": "warning", "MAX_REQUESTS": "0"}
        self.process = subprocess.Popen(command, cwd=BASE_DIR, start_new_session=True,
                                        env=environment, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.process.returncode}):\n"
                                   + self.log.read_text()[-3000:])
            with contextlib.suppress(OSError):
                if fetch(self.url + "/governance/", timeout=2)[0] == 200:
                    return
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer within 30 s:\n" + self.log.read_text()[-3000:])

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)

    def worker_pids(self) -> list[int]:
        if self.process is None:
            return []
        master = self.process.pid
        children = Path(f"/proc/{master}/task/{master}/children")
        if children.exists():
            return [int(p) for p in children.read_text().split()]
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, IndexError, ValueError):
                if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == master:
                    pids.append(int(stat.parent.name))
        return pids


def rss_mb(pid: int) -> float | None:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return None


def run_wrk(wrk: str, url: str, headers: dict[str, str], seconds: int, connections: int,
            threads: int) -> dict:
    command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency",
               "--timeout", "5s", url]
    for name, value in headers.items():
        command[1:1] = ["-H", f"{name}: {value}"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 30)
    result = parse_wrk(done.stdout)
    if result["requests"] == 0:  # not one answer in time: no latency to speak of
        result["p50_ms"] = result["p99_ms"] = None
        result["errors"] += 1
    if done.returncode != 0 or result["rps"] is None:
        result["errors"] += 1
        result["output"] = (done.stdout + done.stderr)[-2000:]
    return result

