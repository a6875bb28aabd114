"""Issue 8's acceptance on the demo data for 2026: the demo annual report compiled as the worker
does it, its PDF and DOCX read back in English and French."""

import io
import re
import subprocess

import pytest
from pypdf import PdfReader

from members.models import Objective
from reports import operations
from reports.demo import ANNUAL_TITLE
from reports.models import Report, ReportRun

pytestmark = pytest.mark.django_db
CODES = [f"G{n}" for n in range(1, 7)] + [f"S{n}" for n in range(1, 16)]


def _text(data: bytes) -> str:
    pages = PdfReader(io.BytesIO(data)).pages
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pages))


def test_the_demo_annual_report_of_2026_as_pdf_and_docx(people, tmp_path):
    import docx
    from PIL import Image

    report = Report.objects.get(title_en=ANNUAL_TITLE[0])
    run = operations.run_report(ReportRun.objects.create(report=report).pk)
    assert run.status == ReportRun.Status.DONE, run.error
    files = {(f.language, f.format): f.file.read() for f in run.files.all()}
    objectives = list(Objective.objects.filter(group=report.group).exclude(
        kind=Objective.Kind.GOVERNANCE).order_by("order"))
    assert [o.code for o in objectives] == CODES

    english = _text(files["en", "pdf"])
    for objective in objectives:
        assert f"{objective.code} — {objective.text_en[:40]}" in english, objective.code
    assert "R1 —" not in english
    (tmp_path / "report.pdf").write_bytes(files["en", "pdf"])
    subprocess.run(["pdftoppm", "-png", "-f", "1", "-l", "1", "-r", "40",
                    str(tmp_path / "report.pdf"), str(tmp_path / "page")], check=True)
    [image_path] = tmp_path.glob("page*.png")
    with Image.open(image_path) as image:
        darkest, lightest = image.convert("L").getextrema()
    assert darkest < 100 and lightest > 200  # text on white

    french = _text(files["fr", "pdf"])
    for heading in ("Résumé", "Vue d’ensemble", "Démarche d’évaluation"):
        assert heading in french
    for objective in objectives:
        assert f"{objective.code} — {objective.text_fr[:40]}" in french, objective.code

    for language, objective_text in (("en", "text_en"), ("fr", "text_fr")):
        word = docx.Document(io.BytesIO(files[language, "docx"]))
        headings = [p.text for p in word.paragraphs if p.style.name == "Heading 1"]
        per_objective = [h for h in headings if re.match(r"[GS]\d+ — ", h)]
        assert per_objective == [f"{o.code} — {getattr(o, objective_text)}"
                                 for o in objectives]
