from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("ICT indicators")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # --- Pages: renew this process's cached pages at once when the data changes (other
        # processes see it through the data stamp: indicators.series.data_stamp).
        from indicators import operations, series

        hooks = getattr(operations, "ON_DATA_CHANGE", None)
        if hooks is not None and series.data_changed not in hooks:
            hooks.append(series.data_changed)
