"""The secretariat's webhook pages: HTML, so outside the JSON API's /api/ prefix."""

from django.urls import path

from api import views

app_name = "webhooks"
urlpatterns = [
    path("webhooks/", views.webhooks_index, name="index"),
    path("webhooks/<slug:slug>/", views.webhooks_group, name="group"),
    path("webhooks/subscriptions/<int:pk>/ping/", views.webhook_ping, name="ping"),
    path("webhooks/subscriptions/<int:pk>/archive/", views.webhook_archive, name="archive"),
]
