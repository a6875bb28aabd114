"""A paper's text and what it may cost (issue 25, H1): the finding's 1.2 MB of `[` is refused
with a message in the editor's language and changes nothing; a long real text is saved, and
rendered once, before the save's transaction, never again for its readers."""

import glob
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from papers.models import Paper
from portal.models import SearchEntry
from talanoa.lib import markup

pytestmark = pytest.mark.django_db


def _edit_data(paper: Paper, **changes) -> dict:
    data = {"group": paper.group_id, "kind": paper.kind_id, "level": paper.level,
            "title_en": paper.title_en, "title_fr": "", "summary_en": paper.summary_en,
            "summary_fr": "", "body_en": paper.body_en, "body_fr": "",
            "lead_organisation": paper.lead_organisation_id,
            "expected_version": paper.version, "options-TOTAL_FORMS": "0",
            "options-INITIAL_FORMS": "0", "options-MIN_NUM_FORMS": "0",
            "options-MAX_NUM_FORMS": "12"}
    data.update(changes)
    return data


def _real_text(n: int) -> str:
    docs = sorted(glob.glob(str(Path(settings.BASE_DIR) / "docs" / "*.md")))
    text = "\n\n".join(Path(p).read_text() for p in docs)
    return (text * (n // len(text) + 1))[:n]


@pytest.mark.parametrize(("language", "message"), [
    ("en", "This text has 1,200,000 characters; at most 200,000 are allowed here."),
    ("fr", "Ce texte compte 1\xa0200\xa0000 caractères ; 200\xa0000 au plus sont admis ici."),
])
def test_the_findings_body_is_refused_and_changes_nothing(client_for, make_paper, language,
                                                          message):
    paper = make_paper("members", lead="gov-fji")
    before = (paper.version, paper.body_en, list(SearchEntry.objects.values_list("text")))
    client = client_for("member")  # Fiji's representative: an author of Fiji's paper
    response = client.post(reverse("papers:paper_edit", args=[paper.pk]),
                           _edit_data(paper, body_en="[" * 1_200_000),
                           HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400
    assert message in response.content.decode()
    paper.refresh_from_db()
    assert (paper.version, paper.body_en,
            list(SearchEntry.objects.values_list("text"))) == before


def test_a_text_within_the_size_too_intricate_to_lay_out_is_refused(client_for, make_paper):
    paper = make_paper("members", lead="gov-fji")
    response = client_for("member").post(
        reverse("papers:paper_edit", args=[paper.pk]),
        _edit_data(paper, body_en="[" * markup.DOCUMENT_MAX_CHARS))
    assert response.status_code == 400
    assert "This text has too much Markdown to be laid out in time" in response.content.decode()
    paper.refresh_from_db()
    assert paper.version == 1 and paper.body_en.startswith("## Background")


def test_a_long_text_is_rendered_once_when_saved_and_never_for_its_readers(
        client_for, make_paper, monkeypatch):
    paper = make_paper("members", lead="gov-fji")
    body = _real_text(100_000)
    rendered = []
    real = markup._render
    monkeypatch.setattr(markup, "_render", lambda text: rendered.append(text) or real(text))
    response = client_for("member").post(reverse("papers:paper_edit", args=[paper.pk]),
                                         _edit_data(paper, body_en=body))
    assert response.status_code == 302
    paper.refresh_from_db()
    assert paper.body_en == body
    assert rendered.count(paper.body_en) == 1  # when the form was validated
    for standing in ("member", "observer", "secretariat"):
        page = client_for(standing).get(paper.get_absolute_url())
        assert page.status_code == 200 and "<h2>Layers</h2>" in page.text
    assert rendered.count(paper.body_en) == 1
