from django.urls import path

from engagement import views

app_name = "engagement"

urlpatterns = [
    path("engagement/", views.engagement, name="engagement"),
    path("engagement/bodies/new/", views.engagement_body_new, name="engagement_body_new"),
    path("engagement/bodies/<slug:slug>/", views.engagement_body, name="engagement_body"),
    path("engagement/bodies/<slug:slug>/edit/", views.engagement_body_edit,
         name="engagement_body_edit"),
    path("engagement/bodies/<slug:slug>/step/", views.engagement_body_step,
         name="engagement_body_step"),
    path("engagement/processes/new/", views.engagement_process_new,
         name="engagement_process_new"),
    path("engagement/processes/<int:pk>/", views.engagement_process,
         name="engagement_process"),
    path("engagement/processes/<int:pk>/edit/", views.engagement_process_edit,
         name="engagement_process_edit"),
    path("engagement/processes/<int:pk>/step/", views.engagement_process_step,
         name="engagement_process_step"),
    path("engagement/processes/<int:pk>/positions/new/", views.engagement_position_new,
         name="engagement_position_new"),
    path("engagement/positions/<int:pk>/edit/", views.engagement_position_edit,
         name="engagement_position_edit"),
    path("engagement/positions/<int:pk>/step/", views.engagement_position_step,
         name="engagement_position_step"),
    path("forums/", views.forums, name="forums"),
    path("forums/new/", views.forum_new, name="forum_new"),
    path("forums/<int:pk>/", views.forum, name="forum"),
    path("forums/<int:pk>/edit/", views.forum_edit, name="forum_edit"),
    path("forums/<int:pk>/step/", views.forum_step, name="forum_step"),
]
