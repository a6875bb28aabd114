from django.urls import path, register_converter

from indicators import views


class EconomyCode:
    regex = "[A-Z][A-Z0-9]{2}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class IndicatorCode:
    """Upper case with at least one dot (IT.CEL.SETS.P2), so it never reads as an economy."""

    regex = r"[A-Z0-9_]+(?:\.[A-Z0-9_]+)+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class TableFormat:
    regex = "csv|xlsx"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class SeriesFormat(TableFormat):
    """The indicator and country pages' downloads also come as SDMX-CSV (`indicators.sdmx`):
    /indicators/TON.sdmx.csv. (The dashboard's table is of latest values and growth: no
    observations of one year each, so it has no SDMX form.)"""

    regex = r"csv|xlsx|sdmx\.csv"


register_converter(EconomyCode, "economy")
register_converter(IndicatorCode, "indicator")
register_converter(TableFormat, "table")
register_converter(SeriesFormat, "series")

app_name = "indicators"

urlpatterns = [
    # --- Pages (public) ---
    path("indicators/", views.dashboard, name="dashboard"),
    path("indicators/dashboard.<table:fmt>", views.dashboard_table, name="dashboard_table"),
    path("indicators/map.svg", views.tile_map_svg, name="tile_map_svg"),
    path("indicators/<indicator:code>/", views.indicator, name="indicator"),
    path("indicators/<indicator:code>.<series:fmt>", views.indicator_table,
         name="indicator_table"),
    path("indicators/<indicator:code>.svg", views.indicator_svg, name="indicator_svg"),
    path("indicators/<indicator:code>/edit/", views.indicator_edit, name="indicator_edit"),
    path("indicators/<economy:code>/", views.profile, name="profile"),
    path("indicators/<economy:code>.<series:fmt>", views.profile_table, name="profile_table"),
    path("indicators/<economy:code>/<indicator:indicator>.svg", views.profile_svg,
         name="profile_svg"),


    # --- Imports and flags (secretariat) ---
    path("indicators/imports/", views.imports, name="imports"),
    path("indicators/imports/<int:pk>/", views.import_batch, name="import_batch"),
    path("indicators/imports/<int:pk>/step/", views.import_step, name="import_step"),
    path("indicators/flags/", views.flag_edit, name="flag_edit"),
]
