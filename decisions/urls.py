from django.urls import path

from decisions import views

app_name = "decisions"

urlpatterns = [
    # --- The decision register (G2) ----------------------------------------------------------

    # --- The proposals pipeline (G3) ---------------------------------------------------------
    path("proposals/", views.cycles, name="cycles"),
    path("proposals/cycles/new/", views.cycle_new, name="cycle_new"),
    path("proposals/cycles/<int:pk>/", views.cycle_detail, name="cycle"),
    path("proposals/cycles/<int:pk>/edit/", views.cycle_edit, name="cycle_edit"),
    path("proposals/cycles/<int:pk>/ranking/", views.cycle_ranking, name="ranking"),
    path("proposals/cycles/<int:pk>/new/", views.proposal_new, name="proposal_new"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal"),
    path("proposals/<int:pk>/edit/", views.proposal_edit, name="proposal_edit"),
    path("proposals/<int:pk>/scores/", views.proposal_score, name="proposal_score"),
    path("proposals/<int:pk>/position/", views.proposal_position, name="proposal_position"),
    path("proposals/<int:pk>/step/", views.proposal_step, name="proposal_step"),

]
