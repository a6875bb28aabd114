from django.urls import path

from tasks import views

app_name = "tasks"

urlpatterns = [
    path("tasks/", views.task_list, name="tasks"),
    path("tasks/mine/", views.my_tasks, name="my_tasks"),
    path("tasks/organisation/", views.organisation_tasks_view, name="organisation_tasks"),
    path("tasks/new/", views.task_new, name="task_new"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
]
