"""Time zones: IANA names, typed or picked from the Pacific ones."""

import zoneinfo

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

# The zones most of the group's meetings and people are in, offered first.
PACIFIC_ZONES = ["Pacific/Fiji", "Pacific/Apia", "Pacific/Tongatapu", "Pacific/Auckland",
                 "Pacific/Noumea", "Pacific/Port_Moresby", "Pacific/Guadalcanal",
                 "Pacific/Efate", "Pacific/Tarawa", "Pacific/Majuro", "Pacific/Palau",
                 "Pacific/Guam", "Pacific/Rarotonga", "Pacific/Tahiti", "Pacific/Honolulu",
                 "Pacific/Norfolk", "Australia/Brisbane", "Australia/Sydney", "UTC"]


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(zone)s is not a known time zone (e.g. Pacific/Apia)."),
                              params={"zone": value})


class ZoneInput(forms.TextInput):
    """Any IANA zone may be typed; the Pacific ones are offered in a list (all 600 zones would
    triple a form's weight)."""

    def __init__(self, **kwargs):
        super().__init__(attrs={"list": "pacific-zones", "autocomplete": "off"}, **kwargs)

    def render(self, name, value, attrs=None, renderer=None):
        zones = PACIFIC_ZONES + sorted(
            zone for zone in zoneinfo.available_timezones()
            if zone.startswith("Pacific/") and zone not in PACIFIC_ZONES)
        options = format_html_join("", '<option value="{}">', ((zone,) for zone in zones))
        return format_html('{}<datalist id="pacific-zones">{}</datalist>',
                           super().render(name, value, attrs, renderer), options)
