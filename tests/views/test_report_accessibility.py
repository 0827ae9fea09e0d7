"""The PDF reports are tagged for screen readers (PDF/UA-1): structure tree, French, title shown,
every figure with an alternate text, data tables whose cells name their headers, and what the
pdfua validator can decide from the file alone."""

import io

import pikepdf
import pytest
from django.urls import reverse
from pdfua import Severity, default_registry, validate
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from diagnostics import services
from diagnostics.models import Audience
from tests import factories

pytestmark = pytest.mark.django_db

BUSINESS = "Gîte des Trois Chênes"

# pdfua 0.1.3 checks 16 of the 106 machine-checkable PDF/UA-1 rules (pdfua.coverage()). Its
# UA-14-001 (no empty heading) crashes on any heading whose /K is an array, which is how
# WeasyPrint writes every heading: it is left out here and test_no_heading_is_empty does its work.
PDFUA_RULES = default_registry().select(
    [rule for rule in default_registry().ids() if rule != "UA-14-001"]
)


def pdfua_false_positive(finding) -> bool:
    """UA-15-003's warning that no /TH carries /Scope or /Headers: pdfua looks for the
    association on the header cells only, while WeasyPrint writes it on each data cell
    (/Headers naming the headers' /ID, ISO 32000-1 §14.8.5.7), which
    test_every_data_cell_names_its_headers checks. Its error (a table without any /TH) stays."""
    return (
        finding.rule_id == "UA-15-003"
        and finding.severity == Severity.WARNING
        and finding.evidence.get("associated_headers") == 0
    )


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


def marks_content(element) -> bool:
    """True when the element or one of its descendants holds a marked-content item (an MCID)."""
    kids = element.get("/K")
    kids = [] if kids is None else kids.get_object()
    for kid in kids if isinstance(kids, ArrayObject) else [kids]:
        kid = kid.get_object()
        if isinstance(kid, int) or (isinstance(kid, DictionaryObject) and marks_content(kid)):
            return True
    return False


@pytest.fixture
def office_pdf(client, director, submitted, caplog):
    client.force_login(director)
    response = client.get(reverse("diagnostics:report_pdf", args=[submitted.pk]))
    assert response.status_code == 200
    # WeasyPrint logs an error for every image left without an alternative.
    assert not [r for r in caplog.records if r.name == "weasyprint" and r.levelname == "ERROR"]
    return response.content


@pytest.fixture
def business_pdf(client, office, caplog):
    questionnaire = factories.build_questionnaire(audience=Audience.BUSINESSES)
    campaign = factories.open_campaign(questionnaire, organiser=office)
    business = factories.make_business(office, BUSINESS)
    token = services.business_link_issue(business=business, campaign=campaign)[1]
    diagnostic = services.diagnostic_start(organisation=business, campaign=campaign)
    factories.answer_all(diagnostic, pick=lambda choices: choices[1])
    services.diagnostic_submit(diagnostic=diagnostic, share_details=True)
    response = client.get(reverse("diagnostics:business_link_report_pdf", args=[token]))
    assert response.status_code == 200
    assert not [r for r in caplog.records if r.name == "weasyprint" and r.levelname == "ERROR"]
    return response.content


@pytest.fixture(params=["office_pdf", "business_pdf"])
def pdf(request):
    return request.getfixturevalue(request.param)


@pytest.fixture
def report(office_pdf):
    return PdfReader(io.BytesIO(office_pdf))


def test_pdfua_finds_nothing_in_either_report(pdf, tmp_path):
    path = tmp_path / "rapport.pdf"
    path.write_bytes(pdf)
    result = validate(str(path), registry=PDFUA_RULES)
    assert not result.skipped, [(o.rule_id, o.skipped_reason) for o in result.skipped]
    findings = [f for f in result.findings if not pdfua_false_positive(f)]
    assert not findings, [(f.rule_id, f.location.describe(), f.message) for f in findings]


def test_both_are_tagged_french_pdfs_that_show_their_title(pdf, office):
    reader = PdfReader(io.BytesIO(pdf))
    catalog = reader.trailer["/Root"]
    assert catalog["/MarkInfo"]["/Marked"]
    assert catalog["/Lang"] == "fr"
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"]
    title = reader.metadata.title
    assert office.name in title or BUSINESS in title


def test_headings_tables_lists_and_figures_are_tagged_figures_with_alt(report):
    elements = list(structure_elements(report.trailer["/Root"]["/StructTreeRoot"]))
    tags = {element["/S"] for element in elements}
    assert {"/H1", "/H2", "/Table", "/TH", "/TD", "/L", "/LI", "/Figure"} <= tags
    figures = [element for element in elements if element["/S"] == "/Figure"]
    assert all(figure.get("/Alt") for figure in figures)
    assert any("Radar des scores" in figure["/Alt"] for figure in figures)


def test_no_heading_is_empty(pdf):
    root = PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/StructTreeRoot"]
    headings = [e for e in structure_elements(root) if e["/S"] in {f"/H{n}" for n in range(1, 7)}]
    assert headings
    assert all(marks_content(heading) for heading in headings)


def test_every_data_cell_names_its_headers(pdf):
    """Only data tables are tagged /Table (side-by-side blocks are divs), and a screen reader
    can say which row and column headers each filled cell belongs to."""
    root = PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/StructTreeRoot"]
    tables = [e for e in structure_elements(root) if e["/S"] == "/Table"]
    assert tables
    for table in tables:
        cells = list(structure_elements(table))
        header_ids = {cell["/ID"] for cell in cells if cell["/S"] == "/TH"}
        assert header_ids
        for cell in cells:
            if cell["/S"] == "/TD" and marks_content(cell):
                named = cell["/A"].get("/Headers", [])
                assert named and set(named) <= header_ids


MARGIN_BOXES = 4  # @top-left, @top-right, @bottom-left and @bottom-right in report.css


def reachable_content(node, page=None, found=None) -> set[tuple[tuple, int]]:
    """(page, MCID) of every marked-content item the structure tree leads to."""
    found = set() if found is None else found
    page = node.get("/Pg").objgen if node.get("/Pg") is not None else page
    kids = node.get("/K")
    for kid in [] if kids is None else kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, int):
            found.add((page, int(kid)))
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") != "/OBJR":
            reachable_content(kid, page, found)
    return found


def test_only_running_headers_and_footers_are_left_out_of_the_structure_tree(pdf):
    """WeasyPrint 70 tags the margin boxes outside the tree (it can only make them artifacts
    in PDF 2.0), which pdfua does not see: every other thing a page shows must be reachable."""
    document = pikepdf.open(io.BytesIO(pdf))
    reachable = reachable_content(document.Root.StructTreeRoot)
    for page in document.pages:
        marked = [
            int(op.operands[-1].MCID)
            for op in pikepdf.parse_content_stream(page, "BDC")
            if isinstance(op.operands[-1], pikepdf.Dictionary) and "/MCID" in op.operands[-1]
        ]
        assert marked
        left_out = [mcid for mcid in marked if (page.obj.objgen, mcid) not in reachable]
        assert len(left_out) <= MARGIN_BOXES
