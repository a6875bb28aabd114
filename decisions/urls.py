from django.urls import path

from decisions import views

app_name = "decisions"

urlpatterns = [
    # --- The decision register (G2) ----------------------------------------------------------
    path("decisions/", views.decision_list, name="decisions"),
    path("decisions/feed.atom", views.decisions_feed, name="feed"),
    path("decisions/new/", views.decision_new, name="decision_new"),
    path("decisions/<int:pk>/", views.decision_detail, name="decision"),
    path("decisions/<int:pk>/edit/", views.decision_edit, name="decision_edit"),
    path("decisions/<int:pk>/step/", views.decision_step, name="decision_step"),
    path("decisions/<int:pk>/actions/new/", views.action_new, name="action_new"),
    path("decisions/<int:pk>/position/", views.decision_position, name="position"),
    path("decisions/sittings/", views.sitting_list, name="sittings"),
    path("decisions/sittings/new/", views.sitting_new, name="sitting_new"),
    path("decisions/sittings/<int:pk>/", views.sitting_detail, name="sitting"),
    path("decisions/sittings/<int:pk>/edit/", views.sitting_edit, name="sitting_edit"),
    path("decisions/sittings/<int:pk>/step/", views.sitting_step, name="sitting_step"),
    path("decisions/sittings/<int:pk>/outcome/", views.sitting_file, name="sitting_file"),

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
