from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def indicator_document(indicator):
    """An indicator is found by its name, code, unit and definition, in either language."""
    from talanoa.searchable import SearchDocument

    text = "\n".join([indicator.code, indicator.unit_en, indicator.unit_fr,
                      indicator.definition_en, indicator.definition_fr])
    return SearchDocument(title=indicator.name_en, title_fr=indicator.name_fr, text=text)


def economy_document(economy):
    """A country's (or an aggregate's) indicator profile, found by its name or code."""
    from talanoa.searchable import SearchDocument

    return SearchDocument(title=economy.name_en, title_fr=economy.name_fr, text=economy.code)


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("ICT indicators")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from indicators import operations, series
        from indicators.models import Economy, Indicator
        from talanoa import searchable as search

        # Renew this process's cached pages at once when the data changes (other processes see
        # it through the data stamp: indicators.series.data_stamp).
        if series.data_changed not in operations.ON_DATA_CHANGE:
            operations.ON_DATA_CHANGE.append(series.data_changed)
        # Public statistics: everyone finds them.
        search.register(Indicator, document=indicator_document, visible=search.public(Indicator),
                        kind_label=_("ICT indicators"))
        search.register(Economy, document=economy_document, visible=search.public(Economy),
                        kind_label=_("Indicator profiles"))
