from django.apps import AppConfig


class TalanoaConfig(AppConfig):
    name = "talanoa"
    default = True
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from talanoa import auditlog, daily, pagecache

        pagecache.connect_signals()
        auditlog.connect_signals()
        daily.collect_jobs()
