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


    # --- Directory and "take part" ---


]
