from django.urls import path, register_converter

from reports import views


class FileFormat:
    regex = "html|pdf|docx"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class Language:
    regex = "en|fr"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class ObjectiveCode:
    regex = "[A-Z][0-9]{1,2}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FileFormat, "report_format")
register_converter(Language, "report_language")
register_converter(ObjectiveCode, "objective")

app_name = "reports"
urlpatterns = [
    path("reports/", views.index, name="index"),
    path("reports/new/", views.new, name="new"),
    path("reports/<int:pk>/", views.report, name="report"),
    path("reports/<int:pk>/edit/", views.edit, name="edit"),
    path("reports/<int:pk>/objectives/<objective:code>/", views.assess, name="assess"),
    path("reports/<int:pk>/checklist/", views.checklist, name="checklist"),
    path("reports/<int:pk>/compile/", views.compile_report, name="compile"),
    path("reports/<int:pk>/review/", views.to_review, name="to_review"),
    path("reports/<int:pk>/archive/", views.archive, name="archive"),
    path("reports/<int:pk>/runs/<int:run_pk>/<report_language:language>.<report_format:fmt>",
         views.run_file, name="run_file"),
    path("reports/settings/<slug:slug>/", views.settings_page, name="settings"),
    # --- coverage (heat map) ---
    path("reports/coverage/<slug:slug>/<int:year>/", views.coverage, name="coverage"),
    path("reports/coverage/<slug:slug>/<int:year>/<objective:code>/<int:quarter>/",
         views.coverage_cell, name="coverage_cell"),
    # --- end coverage ---
]
