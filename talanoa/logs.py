"""Structured logs: one JSON object per line on stdout (LOG_FORMAT=json, as `make serve` sets).

A log collector (journald, Docker, Loki, CloudWatch…) reads them without a parsing rule, and a
line never breaks in two on a multi-line message or traceback.
"""

from __future__ import annotations

import datetime
import json
import logging

# The attributes every LogRecord has; anything else was passed with `extra=` and is kept.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC)
            .isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        for key, value in vars(record).items():
            if key in _STANDARD or key.startswith("_"):
                continue
            if key == "request":  # Django's request loggers pass the request itself
                entry["method"] = getattr(value, "method", None)
                entry["path"] = getattr(value, "path", None)
                continue
            entry[key] = value if isinstance(value, str | int | float | bool | None) else str(value)
        return json.dumps(entry, ensure_ascii=False)


try:
    from gunicorn.glogging import Logger as _GunicornLogger
except ImportError:  # gunicorn is only needed where Talanoa is served by it
    _GunicornLogger = object  # type: ignore[assignment,misc]


class GunicornLogger(_GunicornLogger):  # type: ignore[misc,valid-type]
    """gunicorn's error and access logs as JSON lines, like the app's (deploy/gunicorn.conf.py).

    An access line carries its fields as values (escaped by json), never spliced into a
    format string: a quote in a user agent or a query cannot break the line.
    """

    def setup(self, cfg) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(JsonFormatter())

    def access(self, resp, req, environ, request_time) -> None:
        if not self.access_log_enabled:
            return
        status = getattr(resp, "status_code", None) or str(resp.status).split(None, 1)[0]
        self.access_log.info(
            "%s %s %s", req.method, req.path, status,
            extra={"method": req.method, "path": req.path, "query": req.query or "",
                   "status": int(status),
                   "bytes": getattr(resp, "sent", None),
                   "duration_ms": round(request_time.total_seconds() * 1000, 2),
                   "remote": environ.get("HTTP_X_FORWARDED_FOR") or environ.get("REMOTE_ADDR"),
                   "agent": environ.get("HTTP_USER_AGENT", "")})


class HeartbeatAtDebug(logging.Filter):
    """The worker logs each task it runs at INFO; the heartbeat runs every 30 s, and its two lines
    a beat would bury everything else (the sign-in details `make run` prints, a real task's
    failure). Its lines count as DEBUG: shown only when the tasks logger is at DEBUG."""

    HEARTBEAT = "talanoa.tasks.worker_heartbeat"

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.INFO or not isinstance(record.args, tuple) \
                or self.HEARTBEAT not in record.args:
            return True
        record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return logging.getLogger(record.name).isEnabledFor(logging.DEBUG)
