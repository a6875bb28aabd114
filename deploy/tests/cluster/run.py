"""`make cluster-test`: several app servers behind nginx, as deployed (deploy/), tested.

    python -m deploy.tests.cluster [--keep]

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
import os
import secrets
import shlex
import shutil
import tempfile
import time
from pathlib import Path

from deploy.tests.cluster.checks import (
    Cluster,
    check_client_address,
    check_health,
    check_login,
    check_nginx_serving,
    check_task,
    check_upload,
    wait_until_up,
)
from deploy.tests.cluster.common import DEPLOY, Failed, check, say
from deploy.tests.cluster.failover import check_failover
from deploy.tests.cluster.nginx import (
    check_example_site,
    nginx_binary,
    nginx_main,
    site_http_part,
)
from deploy.tests.cluster.processes import Processes, begin, finish
from deploy.tests.cluster.units import Unit, read_unit, verify_units
from talanoa.lib.net import free_port

DB_NAME = "talanoa_cluster"
PG_URL = "postgres://postgres@127.0.0.1:5432"
REDIS_URL = "redis://127.0.0.1:6379/3"


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
    parser = argparse.ArgumentParser(prog="python -m deploy.tests.cluster",
                                     description=__doc__.split("\n\n")[0])
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
            # nginx on this host (FORWARDED_ALLOW_IPS's default), as deploy/env.example says.
            "TRUSTED_PROXY": "1",
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
        data = begin([python, "manage.py", "shell", "-v0", "-c", "from django.core.management "
                      "import call_command as c; c('migrate', interactive=False, verbosity=0); "
                      "c('load_starter_data', verbosity=0); c('demo_data', verbosity=0)"],
                     env_for(worker, "var-test"))
        # The web unit's ExecStartPre (collectstatic) meanwhile, once: A and B share STATIC_ROOT.
        steps = {shlex.join(command[1:]): begin(command, env_for(web, "var-a"), cwd=web.directory)
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
        (nginx_dir / "nginx.conf").write_text(nginx_main(nginx_dir, f"""{http_body}
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
