from django.urls import path

from talanoa import auditlog_views

app_name = "audit"
urlpatterns = [
    path("", auditlog_views.events, name="events"),
]
