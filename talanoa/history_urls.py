from django.urls import path

from talanoa import history

app_name = "history"
urlpatterns = [
    path("", history.recent, name="recent"),
    path("<str:label>/<int:pk>/", history.object_history, name="object"),
    path("<str:label>/<int:pk>/restore/<int:history_id>/", history.restore, name="restore"),
]
