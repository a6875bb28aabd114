from django.urls import path

from plan import views

app_name = "plan"

urlpatterns = [
    path("work/", views.plan, name="plan"),
    path("work/plan/new/", views.plan_item_new, name="plan_item_new"),
    path("work/plan/<int:pk>/", views.plan_item, name="plan_item"),
    path("work/plan/<int:pk>/edit/", views.plan_item_edit, name="plan_item_edit"),
    path("work/plan/<int:pk>/step/", views.plan_item_step, name="plan_item_step"),
    path("work/matrix/", views.matrix, name="matrix"),
    path("work/matrix.csv", views.matrix_csv, name="matrix_csv"),
]
