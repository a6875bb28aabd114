"""The nomination letter (R1): one text in the organisation's language, as a page and as a PDF."""

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString

from members.models import Language, Membership, NominationLetter, Representative

LETTER_CSS = "letter.css"


def signatory(group_id: int, role: str = Representative.Role.CHAIR) -> Representative | None:
    """The group's current confirmed chair (or secretariat) on the register, if any."""
    return (Representative.objects.current().filter(group_id=group_id, role=role)
            .select_related("person", "organisation").order_by("-year", "pk").first())


def letter_context(letter: NominationLetter) -> dict:
    round_ = letter.round
    standing = (Membership.objects.active().filter(group_id=round_.group_id,
                                                   organisation_id=letter.organisation_id)
                .values_list("kind", flat=True).first())
    return {
        "letter": letter,
        "round": round_,
        "group": round_.group,
        "organisation": letter.organisation,
        "standing": standing or Membership.Kind.MEMBER,
        "chair": signatory(round_.group_id),
        "secretariat": signatory(round_.group_id, Representative.Role.SECRETARIAT),
        "dated": (letter.sent_at or round_.opened_at).date(),
    }


def render_body(letter: NominationLetter, context: dict | None = None) -> SafeString:
    """The letter itself, written in the organisation's language whatever the reader's."""
    language = letter.language if letter.language in Language.values else Language.EN
    context = context or letter_context(letter)
    with translation.override(language):
        # A SafeString: the template escapes the data it inserts.
        return render_to_string(f"members/letters/letter_{language}.html", context)


def render_pdf(letter: NominationLetter) -> bytes:
    import weasyprint

    context = letter_context(letter)
    html = render_to_string("members/letters/letter_pdf.html",
                            {**context, "body": render_body(letter, context)})
    with open(finders.find(LETTER_CSS), encoding="utf-8") as f:
        css = weasyprint.CSS(string=f.read())
    # Nothing outside the letter is ever fetched while rendering it.
    fetcher = weasyprint.URLFetcher(allowed_protocols=())
    return weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=[css])


def pdf_filename(letter: NominationLetter) -> str:
    return f"nomination-{letter.round.year}-{letter.organisation.slug}.pdf"
