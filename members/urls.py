from django.urls import path

from members import views

app_name = "members"
urlpatterns = [
    path("me/", views.home, name="home"),
    path("directory/", views.directory, name="directory"),
    path("directory/new/", views.organisation_edit, name="organisation_new"),
    path("directory/<slug:slug>/", views.organisation_detail, name="organisation"),
    path("directory/<slug:slug>/edit/", views.organisation_edit, name="organisation_edit"),
    path("people/new/", views.person_edit, name="person_new"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("groups/<slug:slug>/", views.group_detail, name="group"),
    path("groups/<slug:slug>/edit/", views.group_edit, name="group_edit"),
    path("groups/<slug:slug>/new-subgroup/", views.subgroup_new, name="subgroup_new"),
    path("groups/<slug:slug>/memberships/new/", views.membership_new, name="membership_new"),
    path("memberships/<int:pk>/end/", views.membership_end, name="membership_end"),
    path("groups/<slug:slug>/representatives/", views.representatives, name="representatives"),
    path("invite/", views.invite, name="invite"),
    path("invite/consultative/", views.invite_consultative, name="invite_consultative"),
    path("invite/post/<int:pk>/", views.invite_to_post, name="invite_to_post"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
]
