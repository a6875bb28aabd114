from django.urls import path
from django.views.generic import RedirectView

from meetings import views

app_name = "meetings"
urlpatterns = [
    # The calendar and its feeds
    path("calendar/", views.calendar_month, name="calendar"),
    path("calendar/upcoming/", views.calendar_upcoming, name="upcoming"),
    path("calendar/<int:year>/", views.calendar_year, name="year"),
    path("calendar/feed.ics", views.public_feed, name="public_feed"),
    path("calendar/groups/<slug:slug>/feed.ics", views.group_feed, name="group_feed"),
    path("calendar/mine/", views.calendar_token, name="calendar_token"),
    path("calendar/personal/<str:token>.ics", views.personal_feed, name="personal_feed"),
    # One meeting
    path("meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/request/", views.meeting_request, name="meeting_request"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/meeting.ics", views.meeting_ics, name="meeting_ics"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/status/", views.meeting_status, name="meeting_status"),
    path("meetings/<int:pk>/answer/", views.meeting_rsvp, name="meeting_rsvp"),
    path("meetings/answer/<str:token>/", views.rsvp, name="rsvp"),
    # Agenda and documents
    path("meetings/<int:pk>/agenda/", views.agenda_edit, name="agenda_edit"),
    # Minutes, decisions, attendance and actions
    path("meetings/<int:pk>/minutes/", views.minutes, name="minutes"),
    path("meetings/<int:pk>/minutes/edit/", views.minutes_edit, name="minutes_edit"),
    path("meetings/<int:pk>/minutes/circulate/", views.minutes_circulate,
         name="minutes_circulate"),
    path("meetings/<int:pk>/minutes/comment/", views.minutes_comment, name="minutes_comment"),
    path("meetings/<int:pk>/minutes/adopt/", views.minutes_adopt, name="minutes_adopt"),
    path("meetings/<int:pk>/minutes/correct/", views.minutes_correct, name="minutes_correct"),
    path("meetings/<int:pk>/minutes/revisions/<int:number>/", views.minutes_revision,
         name="minutes_revision"),
    path("meetings/<int:pk>/minutes/changes/", views.minutes_diff, name="minutes_diff"),
    path("meetings/<int:pk>/decisions/new/", views.decision_new, name="decision_new"),
    path("meetings/<int:pk>/attendance/", views.attendance_edit, name="attendance_edit"),
    path("meetings/<int:pk>/actions/new/", views.action_new, name="action_new"),
    # Actions are the group's tasks now (app work): emailed links to the old pages still work.
    path("actions/<int:pk>/status/",
         RedirectView.as_view(pattern_name="tasks:task", permanent=True, query_string=True)),
    path("actions/mine/", RedirectView.as_view(pattern_name="tasks:my_tasks", permanent=True)),
    # Meeting pack, notices and reminders
    path("meetings/<int:pk>/documents/add/", views.document_upload, name="document_upload"),
    path("meetings/<int:pk>/documents/<int:doc_pk>/", views.document_download,
         name="document"),
    path("meetings/<int:pk>/documents/<int:doc_pk>/archive/", views.document_archive,
         name="document_archive"),
    path("meetings/<int:pk>/pack.zip", views.pack_zip, name="pack_zip"),
    path("meetings/<int:pk>/pack.pdf", views.pack_pdf, name="pack_pdf"),
    path("meetings/notices/", views.notice_list, name="notices"),
    path("meetings/notices/<slug:kind>/<slug:language>/", views.notice_edit, name="notice_edit"),
    path("meetings/notices/<slug:kind>/<slug:language>/restore/", views.notice_restore,
         name="notice_restore"),
]
