"""The paper page's "History" link: the secretariat reads a paper's history; others do not."""

import pytest
from django.urls import reverse

from papers import operations

pytestmark = pytest.mark.django_db


def test_the_secretariat_reads_a_papers_history_and_others_do_not(client_for, make_paper, people):
    paper = make_paper("members", title="Spectrum brief, first title")
    paper.title_en = "Spectrum brief, second title"
    operations.save_paper(paper, paper.version)
    url = reverse("history:object", args=["papers.paper", paper.pk])
    assert url in client_for("secretariat").get(paper.get_absolute_url()).text
    page = client_for("secretariat").get(url)
    assert page.status_code == 200
    assert "<del>Spectrum brief, first title</del>" in page.text
    assert client_for("chair").get(url).status_code == 200
    for standing in ("member", "observer", "consultative", "outsider"):
        assert client_for(standing).get(url).status_code == 404, standing
    assert client_for("anonymous").get(url).status_code == 302  # to the login page
