"""Files of papers: checked by content, versions kept, served only through the policy."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from papers.models import PaperFile

pytestmark = pytest.mark.django_db


def pdf_with(text: str) -> bytes:
    import weasyprint

    return weasyprint.HTML(string=f"<p>{text}</p>").write_pdf()


def _upload(client, paper, name, content, **extra):
    return client.post(reverse("papers:file_upload", args=[paper.pk]),
                       {"title": "Full paper", "file": SimpleUploadedFile(name, content),
                        **extra})


def test_an_author_uploads_a_pdf_and_its_text_is_extracted(client_for, make_paper, media):
    paper = make_paper("members", lead="gov-fji")
    response = _upload(client_for("member"), paper, "brief.pdf",
                       pdf_with("Spectrum auctions in Vanuatu"))
    assert response.status_code == 302
    record = paper.files.get()
    assert (record.file_type, record.number, record.original_name) == ("pdf", 1, "brief.pdf")
    assert "Vanuatu" in record.text and len(record.sha256) == 64
    assert (media / record.file.name).exists()


def test_replacing_a_file_keeps_the_earlier_version(client_for, make_paper):
    paper = make_paper("members", lead="gov-fji")
    client = client_for("member")
    _upload(client, paper, "brief.pdf", pdf_with("first version"))
    first = paper.files.get()
    response = _upload(client, paper, "brief-v2.pdf", pdf_with("second version"),
                       replaces=first.pk)
    assert response.status_code == 302
    first.refresh_from_db()
    second = paper.files.exclude(pk=first.pk).get()
    assert first.replaced_at is not None and not first.is_current
    assert (second.number, second.first_id, second.title) == (2, first.pk, "Full paper")
    for record in (first, second):  # both stay downloadable
        response = client.get(reverse("papers:file", args=[paper.pk, record.pk]))
        assert response.status_code == 200
    page = client.get(paper.get_absolute_url()).content.decode()
    assert "Earlier versions" in page


@pytest.mark.parametrize(("name", "content"), [
    ("brief.pdf", b"<html><script>alert(1)</script></html>"),  # HTML renamed .pdf
    ("brief.exe", b"MZ\x90\x00"),
    ("brief.pdf", b""),
])
def test_a_file_that_is_not_what_it_claims_is_refused_and_nothing_is_stored(
        client_for, make_paper, media, name, content):
    paper = make_paper("members", lead="gov-fji")
    response = _upload(client_for("member"), paper, name, content)
    assert response.status_code == 400
    assert not PaperFile.objects.filter(paper=paper).exists()
    assert not (media / "papers").exists() or not any((media / "papers").rglob("*.*"))


@pytest.mark.parametrize("standing", ["anonymous", "outsider"])
def test_a_members_papers_file_is_404_to_anonymous_and_outsiders(client_for, make_paper,
                                                                  standing):
    paper = make_paper("members", lead="gov-fji")
    _upload(client_for("member"), paper, "brief.pdf", pdf_with("members only"))
    record = paper.files.get()
    url = reverse("papers:file", args=[paper.pk, record.pk])
    assert client_for(standing).get(url).status_code == 404
    response = client_for("observer").get(url)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Cache-Control"] == "private, no-store"


def test_a_file_of_another_paper_is_not_reachable_through_this_one(client_for, make_paper):
    public = make_paper("public", lead="gov-fji")
    hidden = make_paper("restricted", lead="spc")
    _upload(client_for("secretariat"), hidden, "secret.pdf", pdf_with("secret"))
    record = hidden.files.get()
    url = reverse("papers:file", args=[public.pk, record.pk])
    assert client_for("anonymous").get(url).status_code == 404


def test_a_file_missing_from_storage_is_not_found_rather_than_an_error(client_for, make_paper,
                                                                       media):
    paper = make_paper("public", lead="gov-fji")
    _upload(client_for("member"), paper, "brief.pdf", pdf_with("soon gone"))
    record = paper.files.get()
    (media / record.file.name).unlink()
    response = client_for("anonymous").get(reverse("papers:file", args=[paper.pk, record.pk]))
    assert response.status_code == 404
