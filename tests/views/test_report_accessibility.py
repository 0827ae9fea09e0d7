"""The PDF report is tagged for screen readers (PDF/UA-1): structure tree, French, title shown,
every figure with an alternate text."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject


def structure_elements(node, seen=None):
    """Every structure element under `node` (a StructTreeRoot or StructElem)."""
    seen = set() if seen is None else seen
    kids = node.get("/K")
    if kids is None:
        return
    kids = kids.get_object()
    for kid in kids if isinstance(kids, ArrayObject) else [kids]:
        if isinstance(kid, IndirectObject):
            if kid.idnum in seen:
                continue
            seen.add(kid.idnum)
        kid = kid.get_object()
        if isinstance(kid, DictionaryObject) and "/S" in kid:
            yield kid
            yield from structure_elements(kid, seen)


@pytest.fixture
def report(client, director, submitted, caplog):
    client.force_login(director)
    response = client.get(reverse("diagnostics:report_pdf", args=[submitted.pk]))
    assert response.status_code == 200
    # WeasyPrint logs an error for every image left without an alternative.
    assert not [r for r in caplog.records if r.name == "weasyprint" and r.levelname == "ERROR"]
    return PdfReader(io.BytesIO(response.content))


def test_the_report_is_a_tagged_french_pdf_that_shows_its_title(report, submitted):
    catalog = report.trailer["/Root"]
    assert catalog["/MarkInfo"]["/Marked"]
    assert catalog["/Lang"] == "fr"
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"]
    assert submitted.organisation.name in report.metadata.title


def test_headings_tables_lists_and_figures_are_tagged_figures_with_alt(report):
    elements = list(structure_elements(report.trailer["/Root"]["/StructTreeRoot"]))
    tags = {element["/S"] for element in elements}
    assert {"/H1", "/H2", "/Table", "/TH", "/TD", "/L", "/LI", "/Figure"} <= tags
    figures = [element for element in elements if element["/S"] == "/Figure"]
    assert all(figure.get("/Alt") for figure in figures)
    assert any("Radar des scores" in figure["/Alt"] for figure in figures)
