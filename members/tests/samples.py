"""Sample records of the nomination round, for the access matrix (talanoa/tests/test_url_access)."""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from members import operations
from members.models import NominationLetter, Representative, WorkingGroup


def nomination_sample(sample: str):
    """A round, letter or representative of the ICT group; documents go to MEDIA_ROOT."""
    group = WorkingGroup.objects.get(slug="ict")
    today = timezone.localdate()
    round_ = operations.open_nomination_round(group, today.year, today + datetime.timedelta(30),
                                              None)
    if sample == "round":
        return round_
    letter = round_.letters.select_related("organisation").get(organisation__slug="gov-fji")
    representative = Representative.objects.get(person__email="member@demo.talanoa.test")
    if sample == "letter":
        return letter
    if sample == "representative":
        return representative
    operations.record_reply(letter, [(representative.person, Representative.Role.REPRESENTATIVE)],
                            document=ContentFile(b"Nomination of Ana Raikadroka", "fiji.txt"))
    letter.refresh_from_db()
    assert letter.status == NominationLetter.Status.ANSWERED
    return letter if sample == "letter_document" else Representative.objects.get(
        pk=representative.pk)
