from django.urls import path

from work import views

app_name = "work"

urlpatterns = [
    # --- Work plan ---


    # --- Tasks ---
    path("tasks/", views.task_list, name="tasks"),
    path("tasks/mine/", views.my_tasks, name="my_tasks"),
    path("tasks/organisation/", views.organisation_tasks_view, name="organisation_tasks"),
    path("tasks/new/", views.task_new, name="task_new"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),


    # --- Who does what ---


    # --- Advisory requests ---


    # --- Engagement ---


    # --- Directory and "take part" ---


]
