from django.apps import AppConfig
from django.contrib.staticfiles import apps as staticfiles_apps


class TalanoaConfig(AppConfig):
    name = "talanoa"
    default = True
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from talanoa import pagecache

        pagecache.connect_signals()


class TalanoaStaticFilesConfig(staticfiles_apps.StaticFilesConfig):
    """collectstatic leaves out ReDoc, which no page loads (the API docs use Swagger UI): with
    its source map it was 4.3 of the 7.7 MB collected, and most of the compression time."""

    default = False  # INSTALLED_APPS names it in place of django.contrib.staticfiles
    ignore_patterns = [*staticfiles_apps.StaticFilesConfig.ignore_patterns, "redoc*"]
