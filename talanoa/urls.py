from django.urls import include, path
from django.views.i18n import set_language

from api.urls import api_urlpatterns
from talanoa.health import healthz

urlpatterns = [
    path("", include("portal.urls")),
    path("", include("members.urls")),
    path("", include("meetings.urls")),
    path("", include("papers.urls")),
    path("", include("decisions.urls")),
    path("", include("plan.urls")),
    path("", include("tasks.urls")),
    path("", include("advisory.urls")),
    path("", include("engagement.urls")),
    path("", include("directory.urls")),
    path("", include("indicators.urls")),
    path("", include("reports.urls")),
    path("", include("api.urls")),
    path("", include("api.webhook_urls")),  # --- webhooks --- (one line)
    *api_urlpatterns,
    path("history/", include("talanoa.history_urls")),
    path("audit/", include("talanoa.auditlog_urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("healthz", healthz, name="healthz"),
]
