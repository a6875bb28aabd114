from django.urls import path

from talanoa import audit_views

app_name = "audit"
urlpatterns = [
    path("", audit_views.events, name="events"),
]
