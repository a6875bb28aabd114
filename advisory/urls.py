from django.urls import path

from advisory import views

app_name = "advisory"

urlpatterns = [
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
]
