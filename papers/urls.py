from django.urls import path

from papers import views

app_name = "papers"
urlpatterns = [
    path("papers/", views.publications, name="publications"),
    path("papers/feed.atom", views.publications_feed, name="feed"),
    path("papers/in-progress/", views.in_progress, name="in_progress"),
    path("papers/new/", views.paper_new, name="paper_new"),
    path("papers/missions/", views.missions, name="missions"),
    path("papers/vocabulary/", views.vocabulary, name="vocabulary"),
    path("papers/<int:pk>/", views.paper_detail, name="paper"),
    path("papers/<int:pk>/edit/", views.paper_edit, name="paper_edit"),
    path("papers/<int:pk>/paper.pdf", views.paper_pdf, name="paper_pdf"),
    path("papers/<int:pk>/files/new/", views.file_upload, name="file_upload"),
    path("papers/<int:pk>/files/<int:file_pk>/", views.file_download, name="file"),
    path("papers/<int:pk>/files/<int:file_pk>/archive/", views.file_archive, name="file_archive"),
    path("papers/<int:pk>/comment/", views.paper_comment, name="comment"),
    path("papers/<int:pk>/position/", views.paper_position, name="position"),
    path("papers/<int:pk>/step/", views.paper_step, name="step"),
    path("papers/<int:pk>/send/", views.send_brief, name="send_brief"),
]
