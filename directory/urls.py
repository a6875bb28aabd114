from django.urls import path

from directory import views

app_name = "directory"

urlpatterns = [
    path("directory/", views.directory, name="directory"),
    path("directory/<slug:slug>/areas/", views.organisation_profile_edit,
         name="organisation_profile_edit"),
    path("directory/<slug:slug>/focal-points/new/", views.focal_point_new,
         name="focal_point_new"),
    path("focal-points/<int:pk>/archive/", views.focal_point_archive,
         name="focal_point_archive"),
    path("directory/<slug:slug>/log/new/", views.engagement_log_new, name="engagement_log_new"),
    path("take-part/", views.take_part, name="take_part"),
    path("take-part/confirm/<str:token>/", views.take_part_confirm, name="take_part_confirm"),
    path("join-requests/", views.join_requests, name="join_requests"),
    path("join-requests/<int:pk>/", views.join_request, name="join_request"),
    path("join-requests/<int:pk>/step/", views.join_request_step, name="join_request_step"),
    path("directory/<slug:slug>/", views.organisation_detail, name="organisation"),
]
