from django.urls import path

from members import views

app_name = "members"
urlpatterns = [
    path("me/", views.home, name="home"),
    path("directory/", views.directory, name="directory"),
    path("directory/<slug:slug>/", views.organisation_detail, name="organisation"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("groups/<slug:slug>/", views.group_detail, name="group"),
    path("groups/<slug:slug>/representatives/", views.representatives, name="representatives"),
    path("invite/", views.invite, name="invite"),
    path("invite/consultative/", views.invite_consultative, name="invite_consultative"),
    path("invite/post/<int:pk>/", views.invite_to_post, name="invite_to_post"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
]
