from django.urls import path

from work import views

app_name = "work"

urlpatterns = [
    # --- Work plan ---
    path("work/", views.plan, name="plan"),
    path("work/plan/new/", views.plan_item_new, name="plan_item_new"),
    path("work/plan/<int:pk>/", views.plan_item, name="plan_item"),
    path("work/plan/<int:pk>/edit/", views.plan_item_edit, name="plan_item_edit"),
    path("work/plan/<int:pk>/step/", views.plan_item_step, name="plan_item_step"),


    # --- Tasks ---
    path("tasks/", views.task_list, name="tasks"),
    path("tasks/mine/", views.my_tasks, name="my_tasks"),
    path("tasks/organisation/", views.organisation_tasks_view, name="organisation_tasks"),
    path("tasks/new/", views.task_new, name="task_new"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),


    # --- Who does what ---
    path("work/matrix/", views.matrix, name="matrix"),
    path("work/matrix.csv", views.matrix_csv, name="matrix_csv"),


    # --- Advisory requests ---
    path("advisory/", views.advisory_list, name="advisory_list"),
    path("advisory/new/", views.advisory_new, name="advisory_new"),
    path("advisory/invite/", views.advisory_invite, name="advisory_invite"),
    path("advisory/figures/", views.advisory_figures, name="advisory_figures"),
    path("advisory/ministry/<str:token>/", views.advisory_ministry, name="advisory_ministry"),
    path("advisory/read/<str:token>/", views.advisory_read, name="advisory_read"),
    path("advisory/<int:pk>/", views.advisory_detail, name="advisory"),
    path("advisory/<int:pk>/edit/", views.advisory_edit, name="advisory_edit"),
    path("advisory/<int:pk>/step/", views.advisory_step, name="advisory_step"),
    path("advisory/<int:pk>/responses/<int:response_pk>/file/", views.advisory_response_file,
         name="advisory_response_file"),


    # --- Engagement ---
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

    # --- Directory and "take part" ---
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


]
