"""reports.export: a Document as HTML (fragment and page), PDF and DOCX, in English and French.

The Documents are built here by hand (21 objectives as in the ICT group's terms of reference),
so these tests do not depend on how reports are compiled.
"""

from __future__ import annotations

import io
import re
import subprocess
import time
from decimal import Decimal

import docx
import pypdf
import pytest
from django.conf import settings
from django.utils.html import escape
from docx.oxml.ns import qn
from PIL import Image

from indicators.charts import Chart as ChartSpec
from indicators.charts import Point, Series, line_chart
from reports.document import BulletList, Chart, Document, Paragraph, Section, Table
from reports.export import render_docx, render_fragment, render_html, render_pdf

HOSTILE = "<script>alert(1)</script>"
CODES = [f"G{n}" for n in range(1, 7)] + [f"S{n}" for n in range(1, 16)]
FLAGGED = "S15"
FRENCH_LABELS = {"Table of contents": "Table des matières", "Status": "Statut",
                 "Compiled on": "Compilé le", "No recorded activity": "Aucune activité enregistrée",
                 "Attention:": "Attention :", "To be written:": "À rédiger :"}


def heading(code: str, language: str) -> str:
    if language == "fr":
        return f"{code} — Évaluation de l'objectif {code[1:]}"
    return f"{code} — Objective {code[1:]}: Tongan ʻā ē and French é"


def chart_svg(chart_id: str) -> str:
    points = tuple(Point(year, Decimal(year - 2000)) for year in range(2015, 2025))
    world = tuple(Point(year, Decimal(year - 1990)) for year in range(2015, 2025))
    spec = ChartSpec(title="Mobile subscriptions", description="Per 100 people.",
                     chart_id=chart_id)
    return str(line_chart(spec, [Series("Tonga", points, emphasis=True), Series("World", world)]))


def table(code: str, rows: int) -> Table:
    return Table(caption=f"Activity for {code}", header=["Measure", "Count", "Target"],
                 rows=[[f"Measure {code}.{r}", str(r * 3), f"{r}.5"] for r in range(1, rows + 1)],
                 numeric=[False, True, True],
                 links={(0, 0): "/papers/1/", (1, 0): "javascript:alert(1)"},
                 note="Counted from the record.")


def section_for(code: str, language: str, rows: int) -> Section:
    if code == FLAGGED:
        return Section(heading(code, language), anchor=f"objective-{code}", flagged=True,
                       blocks=[Paragraph("The secretariat has not written this part yet.",
                                         style="todo")])
    blocks = [Paragraph("Plain <b>text</b> & more.\n\nA second paragraph."),
              Paragraph("**Done** in _time_.\n\n# A heading in the narrative\n\n"
                        "[The paper](/papers/2/) ![A picture](http://127.0.0.1:9/x.png)",
                        markdown=True),
              table(code, rows), BulletList(["First point", "Second <i>point</i>"])]
    if code == "G1":
        blocks.append(Chart(title="Mobile subscriptions", svg=chart_svg("chart"),
                            description="Tonga against the world."))
    return Section(heading(code, language), anchor=f"objective-{code}", blocks=blocks)


def make_document(language: str = "en", rows: int = 3) -> Document:
    document = Document(
        language=language,
        title=f"Annual report {HOSTILE}",
        subtitle="CROP ICT Working Group, 2026",
        letterhead="CROP ICT Working Group",
        status="Brouillon" if language == "fr" else "Draft",
        made_at="29 novembre 2026" if language == "fr" else "29 November 2026",
        address="/reports/1/",
        sections=[section_for(code, language, rows) for code in CODES],
        labels=FRENCH_LABELS if language == "fr" else {})
    # A second chart, also called "chart": ids must still be unique on the page.
    document.sections[1].blocks.append(Chart(title="Again", svg=chart_svg("chart")))
    document.sections.insert(2, Section("G2.1 — Within G2", level=2, anchor="g2-1",
                                        blocks=[Paragraph("A note.", style="note")]))
    return document


def level_one(document: Document) -> list[str]:
    return [s.heading for s in document.sections if s.level == 1]


# --- HTML -------------------------------------------------------------------------------------


def test_it_escapes_and_anchors_the_fragment():
    document = make_document()
    document.sections[0].heading = f"G1 — {HOSTILE}"
    html = render_fragment(document)

    assert HOSTILE not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>text</b>" not in html and "Plain &lt;b&gt;text&lt;/b&gt; &amp; more." in html
    assert not re.search(r"\sstyle\s*=", html)
    for section in document.sections:
        assert f'id="{section.anchor}"' in html
        # The contents list the level-1 sections (a brief report's contents fit one page).
        assert (f'href="#{section.anchor}"' in html) == (section.level == 1)
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    assert html.count("<h2>") == 21 and "<h3>G2.1 — Within G2</h3>" in html


def test_it_renders_tables_markdown_and_marks_in_the_fragment():
    html = render_fragment(make_document())

    assert "<caption>Activity for G1</caption>" in html
    assert '<th scope="col" class="num">Count</th>' in html
    assert '<th scope="row"><a href="/papers/1/">Measure G1.1</a></th>' in html
    assert '<td class="num">3</td>' in html
    assert "javascript:" not in html
    assert '<a href="/papers/2/" rel="noopener noreferrer nofollow">The paper</a>' in html
    assert "<strong>Done</strong> in <em>time</em>" in html
    assert "<h3>A heading in the narrative</h3>" in html  # demoted under the section's h2
    # Flagged: by class and in words, in the contents and in the section.
    assert 'class="level-1 flagged"' in html
    assert "(No recorded activity)</span></a>" in html
    assert '<p class="flag"><strong class="label">Attention:</strong> No recorded activity</p>' \
        in html
    assert '<div class="text todo"><p><strong class="label">To be written:</strong>' in html
    assert '<div class="text note"><p><strong class="label">Note:</strong> A note.' in html


def test_it_includes_charts_as_clean_inline_svg():
    html = render_fragment(make_document())

    assert html.count('<figure class="chart"><svg') == 2
    assert "<figcaption><strong>Mobile subscriptions</strong> — Tonga against the world." in html
    assert 'aria-labelledby="fig1-chart-t fig1-chart-d"' in html
    assert 'id="fig2-chart-t"' in html


def test_it_drops_what_a_chart_must_not_hold():
    document = make_document()
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)" style="x">'
           '<script>alert(2)</script><rect width="5" height="5" onclick="alert(3)"/>'
           '<a href="javascript:alert(4)"><text>t</text></a>'
           '<foreignObject><p>html</p></foreignObject></svg>')
    document.sections[0].blocks = [Chart(title="Hostile", svg=svg),
                                   Chart(title="Entities", svg='<!DOCTYPE svg [<!ENTITY a "b">]>'
                                         '<svg xmlns="http://www.w3.org/2000/svg">&a;</svg>')]
    html = render_fragment(document)

    assert "alert" not in html and "foreignObject" not in html and "style=" not in html
    assert '<rect width="5" height="5" />' in html
    assert "Entities" in html and "ENTITY" not in html


def test_it_makes_a_standalone_page():
    html = render_html(make_document("fr"))

    assert html.startswith("<!doctype html>")
    assert '<html lang="fr">' in html
    assert "<title>Annual report &lt;script&gt;alert(1)&lt;/script&gt;</title>" in html
    assert HOSTILE not in html
    assert "<style>" in html and "@page" in html
    for text in ("CROP ICT Working Group", "Brouillon", "29 novembre 2026", "Statut",
                 "Compilé le", "Table des matières", escape(heading("G1", "fr"))):
        assert text in html
    # Read away from the portal, its links lead back to it.
    assert f'href="{settings.SITE_URL}/reports/1/"' in html
    assert f'href="{settings.SITE_URL}/papers/1/"' in html
    assert f'href="{settings.SITE_URL}/papers/2/"' in html


# --- PDF --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def english_pdf() -> bytes:
    return render_pdf(make_document())


@pytest.fixture(scope="module")
def french_pdf() -> bytes:
    return render_pdf(make_document("fr"))


def pdf_pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def test_it_renders_a_pdf_whose_first_page_is_an_image(english_pdf, tmp_path):
    assert english_pdf.startswith(b"%PDF")
    (tmp_path / "report.pdf").write_bytes(english_pdf)
    subprocess.run(["pdftoppm", "-png", "-f", "1", "-l", "1", "-r", "50",
                    str(tmp_path / "report.pdf"), str(tmp_path / "page")], check=True)
    [image_path] = tmp_path.glob("page*.png")
    with Image.open(image_path) as image:
        darkest, lightest = image.convert("L").getextrema()
    assert image.size[0] > 300 and darkest < 100 and lightest > 200  # text on white


def test_the_pdf_text_has_every_heading_the_letterhead_and_page_numbers(english_pdf):
    pages = pdf_pages(english_pdf)
    text = "\n".join(pages)
    count = len(pages)

    for code in CODES:
        assert heading(code, "en") in text
    assert all("CROP ICT Working Group" in page for page in pages)
    assert all(f"Page {n} of {count}" in page for n, page in enumerate(pages, start=1))
    assert HOSTILE in pages[0]  # escaped in the HTML, so shown as text
    assert "Draft" in pages[0] and "29 November 2026" in pages[0]
    assert "Measure G1.1" in text and "No recorded activity" in text


def test_the_pdf_contents_list_page_numbers(english_pdf):
    pages = pdf_pages(english_pdf)
    contents = next(page for page in pages if "Table of contents" in page)
    for code in ("G1", "S14"):
        line = next(line for line in contents.splitlines() if line.startswith(f"{code} —"))
        number = int(re.search(r"(\d+)\s*$", line)[1])
        assert heading(code, "en") in pages[number - 1]


def test_the_french_pdf_has_french_labels_and_headings(french_pdf):
    pages = pdf_pages(french_pdf)
    text = "\n".join(pages)

    assert "Table des matières" in text and "Statut" in text and "Compilé le" in text
    assert f"Page 1 sur {len(pages)}" in pages[0]
    assert "Aucune activité enregistrée" in text
    for code in CODES:
        assert heading(code, "fr") in text


def test_a_long_table_repeats_its_header_on_every_page():
    document = make_document()
    document.sections = [Section("G1 — Long", anchor="g1", blocks=[table("G1", 150)])]
    pages = pdf_pages(render_pdf(document))
    with_rows = [page for page in pages if "Measure G1." in page]

    assert len(with_rows) >= 3
    assert all("Measure Count Target" in page for page in with_rows)


# --- DOCX -------------------------------------------------------------------------------------


def open_docx(data: bytes):
    return docx.Document(io.BytesIO(data))


def styled(word, style: str) -> list[str]:
    return [p.text for p in word.paragraphs if p.style.name == style]


def test_the_docx_has_real_headings_and_tables():
    document = make_document()
    word = open_docx(render_docx(document))

    assert styled(word, "Heading 1") == level_one(document)
    assert styled(word, "Heading 2") == ["G2.1 — Within G2"]
    assert styled(word, "Title") == [f"Annual report {HOSTILE}"]
    assert word.core_properties.title == f"Annual report {HOSTILE}"
    assert word.core_properties.language == "en"
    assert len(word.tables) == 20
    first = word.tables[0]
    assert first.style.name == "Table Grid"
    assert [c.text for c in first.rows[0].cells] == ["Measure", "Count", "Target"]
    assert [c.text for c in first.rows[1].cells] == ["Measure G1.1", "3", "1.5"]
    assert first.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


def test_the_docx_has_letterhead_page_numbers_contents_and_marks():
    word = open_docx(render_docx(make_document()))
    xml = word.element.xml
    page = word.sections[0]

    assert page.header.paragraphs[0].text == "CROP ICT Working Group"
    footer = page.footer.paragraphs[0]._p.xml
    assert " PAGE " in footer and " NUMPAGES " in footer and "Page " in footer
    assert 'TOC \\o "1-3"' in xml
    assert "Update field" in xml
    texts = [p.text for p in word.paragraphs]
    assert "Attention: No recorded activity" in texts
    assert "To be written: The secretariat has not written this part yet." in texts
    assert ("Chart: Mobile subscriptions — Tonga against the world. "
            "The figures of this chart are in the table with it.") in texts
    assert "Plain <b>text</b> & more." in texts and "A second paragraph." in texts
    assert "Done in time." in texts and "Second <i>point</i>" in texts
    flag = next(p for p in word.paragraphs if p.text.startswith("Attention:"))
    assert all(run.bold for run in flag.runs)


def test_the_french_docx_has_french_labels():
    document = make_document("fr")
    word = open_docx(render_docx(document))
    texts = [p.text for p in word.paragraphs]

    assert styled(word, "Heading 1") == level_one(document)
    assert styled(word, "TOC Heading") == ["Table des matières"]
    assert "Statut Brouillon" in texts and "Compilé le 29 novembre 2026" in texts
    assert "Attention : Aucune activité enregistrée" in texts
    assert word.core_properties.language == "fr"
    assert 'w:val="fr-FR"' in word.styles.element.xml
    settings_names = [c.tag.rsplit("}", 1)[-1] for c in word.settings.element]
    assert settings_names.index("updateFields") < settings_names.index("compat")
    assert "sur" in word.sections[0].footer.paragraphs[0].text


def test_labels_from_the_document_replace_the_modules_own():
    document = make_document()
    document.labels = {"Page": "Pg", "of": "/", "Table of contents": "Contents"}
    word = open_docx(render_docx(document))

    assert word.sections[0].footer.paragraphs[0].text == "Pg 1 / 1"
    assert styled(word, "TOC Heading") == ["Contents"]
    html = render_html(document)
    assert '"Pg " counter(page) " \\2f  " counter(pages)' in html
    assert '<h2 id="report-toc">Contents</h2>' in html


# --- Size ---------------------------------------------------------------------------------------


def test_a_large_report_renders_in_reasonable_time():
    document = make_document(rows=20)
    timings = {}
    for name, render in (("html", render_html), ("pdf", render_pdf), ("docx", render_docx)):
        start = time.perf_counter()
        result = render(document)
        timings[name] = round(time.perf_counter() - start, 2)
        assert result
    print(f"21 sections, 20 tables of 20 rows: {timings} seconds")
