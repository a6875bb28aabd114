"""gunicorn's settings for Talanoa (`gunicorn -c deploy/gunicorn.conf.py talanoa.wsgi`).

Read from the environment, so `make serve`, the systemd unit and the cluster test share them:
BIND (default 127.0.0.1:8000), WEB_CONCURRENCY (worker processes, default 2: one per core on
the 2-core machines the group runs on), WEB_TIMEOUT (seconds, default 30), MAX_REQUESTS (a
worker is replaced after about this many requests, default 5000; 0 never), TRUSTED_PROXY and
FORWARDED_ALLOW_IPS (the proxy in front, as the app reads them).
"""

import os

import environ

# The app's own logs as JSON lines too (talanoa.settings reads it when the app loads, below).
os.environ.setdefault("LOG_FORMAT", "json")

bind = os.environ.get("BIND", "127.0.0.1:8000").split(",")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Synchronous workers: every page is a few milliseconds of CPU and SQL, nothing waits on the
# network inside a request (mail and webhooks go through the background worker).
worker_class = "sync"
timeout = int(os.environ.get("WEB_TIMEOUT", "30"))
graceful_timeout = 20
# A worker is replaced after this many requests (plus jitter, so they don't restart together),
# which bounds any slow growth of its memory. MAX_REQUESTS=0 never replaces them (`make bench`
# does, so the memory it reports is after the whole load).
max_requests = int(os.environ.get("MAX_REQUESTS", "5000"))
max_requests_jitter = 500
# The app loads once in the master and workers fork from it: less memory, faster restarts.
preload_app = True
# gunicorn 27's control socket (`gunicornc`) is one file per user by default, which two
# instances on one host would share; Talanoa does not use it.
control_socket_disable = True
# X-Forwarded-* headers are trusted from the proxies the app believes X-Real-IP from, on the
# same condition (talanoa.settings: TRUSTED_PROXY, FORWARDED_ALLOW_IPS, read here the same way):
# with no proxy declared, from nobody, since a client could write them itself.
forwarded_allow_ips = (os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
                       if environ.Env().bool("TRUSTED_PROXY", default=False) else "")

# Structured logs on stdout: JSON lines, the access log's fields as values (talanoa.logs).
logger_class = "talanoa.logs.GunicornLogger"
accesslog = None if os.environ.get("ACCESS_LOG", "1") == "0" else "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
