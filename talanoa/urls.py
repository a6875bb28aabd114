from django.urls import include, path
from django.views.i18n import set_language

from api.urls import api_urlpatterns
from talanoa.health import healthz

# Each app's addresses, at the root. Order matters where two could answer the same address: the
# first listed wins (members' /directory/new/ before the directory's /directory/<slug>/).
APPS_AT_ROOT = ("portal", "members", "meetings", "papers", "decisions", "plan", "tasks",
                "advisory", "engagement", "directory", "indicators", "reports", "api")

urlpatterns = [
    *(path("", include(f"{app}.urls")) for app in APPS_AT_ROOT),
    path("", include("api.webhook_urls")),  # --- webhooks --- (one line)
    *api_urlpatterns,
    path("history/", include("talanoa.history_urls")),
    path("audit/", include("talanoa.auditlog_urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("healthz", healthz, name="healthz"),
]
