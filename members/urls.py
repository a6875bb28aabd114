from django.urls import path

from members import views

app_name = "members"
urlpatterns = [
    path("me/settings/", views.preferences, name="preferences"),
    path("directory/new/", views.organisation_edit, name="organisation_new"),
    path("directory/<slug:slug>/edit/", views.organisation_edit, name="organisation_edit"),
    path("people/new/", views.person_edit, name="person_new"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("groups/<slug:slug>/edit/", views.group_edit, name="group_edit"),
    path("groups/<slug:slug>/new-subgroup/", views.subgroup_new, name="subgroup_new"),
    path("groups/<slug:slug>/memberships/new/", views.membership_new, name="membership_new"),
    path("memberships/<int:pk>/end/", views.membership_end, name="membership_end"),
    path("groups/<slug:slug>/representatives/", views.representatives, name="representatives"),
    path("representatives/<int:pk>/confirm/", views.representative_confirm,
         name="representative_confirm"),
    path("representatives/<int:pk>/end/", views.representative_end, name="representative_end"),
    path("representatives/<int:pk>/document/", views.nomination_document,
         name="nomination_document"),
    path("rounds/", views.rounds, name="rounds"),
    path("rounds/<int:pk>/", views.nomination_round, name="round"),
    path("rounds/<int:pk>/send/", views.round_send, name="round_send"),
    path("rounds/<int:pk>/close/", views.round_close, name="round_close"),
    path("letters/<int:pk>/", views.letter, name="letter"),
    path("letters/<int:pk>/pdf/", views.letter_pdf, name="letter_pdf"),
    path("letters/<int:pk>/sent/", views.letter_sent, name="letter_sent"),
    path("letters/<int:pk>/reply/", views.letter_reply, name="letter_reply"),
    path("letters/<int:pk>/document/", views.letter_document, name="letter_document"),
    path("invite/", views.invite, name="invite"),
    path("invite/consultative/", views.invite_consultative, name="invite_consultative"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
    path("lockouts/", views.lockouts, name="lockouts"),
    path("lockouts/<int:pk>/unlock/", views.lockout_unlock, name="lockout_unlock"),
]
