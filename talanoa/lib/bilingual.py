"""Content stored in English and French, shown in the reader's language with a visible fallback."""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import get_language

LANGUAGE_CODES = ("en", "fr")


@dataclass(frozen=True)
class Localized:
    """A text in the language it is shown in; `fallback` says it is not the reader's."""

    text: str
    lang: str
    fallback: bool

    def __str__(self) -> str:
        return self.text


def reader_language() -> str:
    lang = (get_language() or "en")[:2]
    return lang if lang in LANGUAGE_CODES else "en"


def localized(obj: models.Model, field: str) -> Localized:
    """Pick `<field>_<lang>` for the reader, falling back to the other language."""
    want = reader_language()
    text = getattr(obj, f"{field}_{want}", "") or ""
    if text:
        return Localized(text, want, False)
    for other in LANGUAGE_CODES:
        text = getattr(obj, f"{field}_{other}", "") or ""
        if text:
            return Localized(text, other, other != want)
    return Localized("", want, False)


class BilingualNameMixin:
    """`.name` and `.description` in the reader's language for models with _en/_fr fields."""

    @property
    def name(self) -> Localized:
        return localized(self, "name")

    def __str__(self) -> str:
        return str(localized(self, "name"))
