from django.apps import AppConfig


class TalanoaConfig(AppConfig):
    name = "talanoa"
    default = True
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # outbox: its receivers give each task's messages stable Message-IDs.
        from talanoa import auditlog, daily, outbox, pagecache  # noqa: F401

        pagecache.connect_signals()
        auditlog.connect_signals()
        daily.collect_jobs()
        # Registers the deploy check that warns when a TLS proxy is in front but not trusted.
        from talanoa import proxy  # noqa: F401
