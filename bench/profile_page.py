"""Where a page's time goes: pyinstrument over repeated requests, in process.

    python -m bench.profile_page PATH [--user EMAIL] [--database-url URL] [--repeat 30]

Defaults to the benchmark's database (var/bench/bench.sqlite3, built by `make bench`) with the
benchmark's production settings, so a page `make bench` finds slow can be profiled on the same
data. The first request (cold caches, template loading) is left out; the profile covers the
next REPEAT requests. Prints pyinstrument's call tree and the mean time per request.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from bench.config import BENCH_DIR, configure_environment


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile_page", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path")
    parser.add_argument("--user", default="", help="the account the requests are signed in as")
    parser.add_argument("--database-url", default=f"sqlite:///{BENCH_DIR / 'bench.sqlite3'}")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--html", default="", help="also write pyinstrument's HTML report here")
    args = parser.parse_args(argv)

    configure_environment(args.database_url)
    os.environ["ALLOWED_HOSTS"] = "testserver"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from pyinstrument import Profiler

    from members.models import User

    if not (settings.STATIC_ROOT / "staticfiles.json").exists():  # hashed names for templates
        call_command("collectstatic", "--noinput", verbosity=0)
    client = Client()
    if args.user:
        client.force_login(User.objects.get(email=args.user))
    first = client.get(args.path)
    if first.status_code != 200:
        print(f"{args.path} answered {first.status_code}", file=sys.stderr)
        return 1
    profiler = Profiler(interval=0.0005)
    started = time.perf_counter()
    with profiler:
        for _ in range(args.repeat):
            client.get(args.path)
    mean_ms = (time.perf_counter() - started) * 1000 / args.repeat
    print(profiler.output_text(unicode=True, color=False, show_all=False))
    print(f"{args.path}{' as ' + args.user if args.user else ''}: "
          f"{mean_ms:.1f} ms per request (mean of {args.repeat}, profiler on)")
    if args.html:
        with open(args.html, "w") as out:
            out.write(profiler.output_html())
    return 0


if __name__ == "__main__":
    sys.exit(main())
