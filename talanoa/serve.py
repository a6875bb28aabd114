"""`make serve`: Talanoa as production runs it, on one machine.

    python -m talanoa.serve [--bind 127.0.0.1:8000] [--workers 2]

Prepares (migrations, the starter data on an empty database, static files collected with
hashed names and brotli/gzip copies), then runs gunicorn (deploy/gunicorn.conf.py) and the
background worker (`manage.py worker`) side by side. SIGINT/SIGTERM stops both (the worker
finishes the email in hand). A worker that dies is started again, and the pages go on; if
gunicorn stops on its own, the worker is stopped too and the exit status is non-zero, so a
supervisor (systemd, a container runtime) restarts the pair. Larger installations run the two
as separate units: see deploy/ and docs/operations.md.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DEBUG": "0",
    "LOG_FORMAT": "json",
    # Hashed names let browsers keep static files for a year; brotli and gzip copies are made
    # once at collectstatic, not per request.
    "STATICFILES_BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
}


def production_env(bind: str, workers: int) -> dict[str, str]:
    env = {**PRODUCTION_ENV, **os.environ, "BIND": bind, "WEB_CONCURRENCY": str(workers)}
    env.setdefault("DJANGO_SETTINGS_MODULE", "talanoa.settings")
    return env


def prepare(env: dict[str, str]) -> None:
    manage = [sys.executable, str(BASE_DIR / "manage.py")]
    for command in (["prepare", "--base-url", f"http://{env['BIND']}"],
                    ["collectstatic", "--noinput", "-v0"]):
        subprocess.run(manage + command, env=env, cwd=BASE_DIR, check=True)


# A stopping worker finishes the email in hand; the relay's timeout is 30 s per operation.
WORKER_STOP_SECONDS = 60
WEB_STOP_SECONDS = 25
LONGEST_RESTART_WAIT = 60.0


def serve(env: dict[str, str]) -> int:
    """Run gunicorn and the worker until a signal; restart the worker whenever it dies (waiting
    longer each time it dies young), so that a worker's crash never stops the pages. If gunicorn
    stops on its own, stop the worker too and exit non-zero for the supervisor."""
    gunicorn = [sys.executable, "-m", "gunicorn", "-c", str(BASE_DIR / "deploy/gunicorn.conf.py"),
                "talanoa.wsgi"]
    worker_command = [sys.executable, str(BASE_DIR / "manage.py"), "worker", "--interval", "1"]
    web = subprocess.Popen(gunicorn, env=env, cwd=BASE_DIR)
    worker = subprocess.Popen(worker_command, env=env, cwd=BASE_DIR)
    started, wait = time.monotonic(), 1.0
    stopping = False

    def stop(signum, frame) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        while not stopping and web.poll() is None:
            if worker.poll() is not None:
                wait = 1.0 if time.monotonic() - started > LONGEST_RESTART_WAIT else wait
                print(f"Talanoa: the worker stopped (status {worker.returncode}); starting it "
                      f"again in {wait:.0f} s", file=sys.stderr, flush=True)
                time.sleep(wait)
                wait = min(LONGEST_RESTART_WAIT, wait * 2)
                if stopping:
                    break
                worker = subprocess.Popen(worker_command, env=env, cwd=BASE_DIR)
                started = time.monotonic()
            time.sleep(0.5)
    finally:
        for process in (web, worker):
            if process.poll() is None:
                process.terminate()
        for process, seconds in ((web, WEB_STOP_SECONDS), (worker, WORKER_STOP_SECONDS)):
            try:
                process.wait(timeout=seconds)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    return 0 if stopping else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m talanoa.serve", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bind", default=os.environ.get("BIND", "127.0.0.1:8000"))
    parser.add_argument("--workers", type=int,
                        default=int(os.environ.get("WEB_CONCURRENCY", "2")))
    parser.add_argument("--no-prepare", action="store_true",
                        help="skip migrations and collectstatic (already done)")
    args = parser.parse_args(argv)
    env = production_env(args.bind, args.workers)
    if not args.no_prepare:
        prepare(env)
    print(f"Talanoa: http://{args.bind}/  (gunicorn, {args.workers} workers, and the "
          "background worker; Ctrl-C stops both)", flush=True)
    return serve(env)


if __name__ == "__main__":
    sys.exit(main())
