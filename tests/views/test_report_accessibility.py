"""The PDF reports are tagged for screen readers (PDF/UA-1): structure tree, French, title shown,
every figure with an alternate text, data tables whose header cells carry their scope and whose
data cells name their headers, running header and footer as artifacts, and what the pdfua
validator can decide from the file alone."""

import io
import logging

import pikepdf
import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pdfua import Severity, default_registry, validate
from pdfua.document import as_integer
from pdfua.model import Location
from pdfua.rules import Rule, RuleRegistry
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from diagnostics import observed_questions, services
from diagnostics.management.demo_websites import office_indicators
from diagnostics.models import Audience, Diagnostic, WebsiteCheck
from diagnostics.services.websites import website_check_complete
from tests import factories

# Both reports are printed once, on one pytest-xdist worker.
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.slow,
    pytest.mark.xdist_group("report-accessibility"),
]

OFFICE = "Office de tourisme du Val d’Albret"
BUSINESS = "Gîte des Trois Chênes"


class DetachedContentRule(Rule):
    """PDF/UA-1 7.1-3 as veraPDF reads it: content is tagged as real content or marked as an
    artifact. pdfua's UA-01-003 counts only the text outside any marked-content sequence; this
    rule also finds marked content (an MCID) that no structure element of the tree holds, which
    is how WeasyPrint 70 leaves the @page margin boxes."""

    id = "SNUT-01-003"
    title = "Marked content belongs to the structure tree"
    severity = Severity.ERROR
    pdfua_clause = "7.1"
    wcag = ("1.3.1",)

    def check(self, doc):
        reachable = set()
        for element in doc.struct_elements:
            kids = element.obj.get("/K")
            for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
                if as_integer(kid) is not None:
                    reachable.add((element.page, as_integer(kid)))
        for content in doc.pages:
            number = content.page_number
            detached = [mcid for mcid in content.mcids if (number, mcid) not in reachable]
            if detached:
                yield self.finding(
                    f"{len(detached)} marked-content sequence(s) outside the structure tree.",
                    location=Location(page=number),
                    evidence={"detached": len(detached)},
                )


# pdfua 0.1.3 checks 16 of the 106 machine-checkable PDF/UA-1 rules (pdfua.coverage()). Its
# UA-14-001 (no empty heading) crashes on any heading whose /K is an array, which is how
# WeasyPrint writes every heading: it is left out here and test_no_heading_is_empty does its work.
PDFUA_RULES = RuleRegistry(
    [
        *default_registry().select(
            [rule for rule in default_registry().ids() if rule != "UA-14-001"]
        ),
        DetachedContentRule(),
    ]
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


class Records(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.records = []

    def emit(self, record):
        self.records.append(record)


# Session-scoped: a module-scoped fixture is set up again whenever another module's
# tests run between this one's on the same pytest-xdist worker.
@pytest.fixture(scope="session")
def reports(django_db_setup, django_db_blocker):
    """Both reports, each printed once for the test process (their data rolled back)."""
    errors = Records()
    logging.getLogger("weasyprint").addHandler(errors)
    with django_db_blocker.unblock(), transaction.atomic():
        office = factories.make_office(OFFICE)
        director = factories.make_user("directrice", office=office)
        campaign = factories.open_campaign(factories.build_questionnaire())
        # « Déclaré / observé » in the report: two of its questions informed by a check.
        observed_key = (campaign.questionnaire.code, campaign.questionnaire.version)
        observed_questions.QUESTIONS[observed_key] = {
            "axe-1-01": observed_questions.mobile,
            "axe-1-02": observed_questions.privacy,
        }
        office.website = "https://www.castelroc-tourisme.test/"
        office.save(update_fields=["website"])
        check = WebsiteCheck.objects.create(
            organisation=office, url=office.website, requested_at=timezone.now()
        )
        website_check_complete(check=check, indicators=office_indicators(office.website, demo=True))
        diagnostic = Diagnostic.objects.create(
            organisation=office,
            campaign=campaign,
            questionnaire=campaign.questionnaire,
            created_by=director,
        )
        factories.answer_all(diagnostic, pick=lambda choices: choices[1])
        services.diagnostic_submit(diagnostic=diagnostic, user=director)
        factories.opinions_on(diagnostic)  # « Ce que l’équipe voit différemment » is tagged too
        client = Client()
        client.force_login(director)
        office_pdf = client.get(reverse("diagnostics:report_pdf", args=[diagnostic.pk]))
        del observed_questions.QUESTIONS[observed_key]
        # The express diagnostic's one page, from the same engine.
        short = factories.build_express(campaign.questionnaire)
        express = factories.submitted_express(office, factories.open_campaign(short))
        express_pdf = client.get(reverse("diagnostics:report_pdf", args=[express.pk]))

        questionnaire = factories.build_questionnaire(audience=Audience.BUSINESSES)
        campaign = factories.open_campaign(questionnaire, organiser=office)
        business = factories.make_business(office, BUSINESS)
        token = services.business_link_issue(business=business, campaign=campaign)[1]
        diagnostic = services.diagnostic_start(organisation=business, campaign=campaign)
        factories.answer_all(diagnostic, pick=lambda choices: choices[1])
        services.diagnostic_submit(diagnostic=diagnostic, share_details=True)
        business_pdf = Client().get(reverse("diagnostics:business_link_report_pdf", args=[token]))
        transaction.set_rollback(True)
    logging.getLogger("weasyprint").removeHandler(errors)
    assert office_pdf.status_code == business_pdf.status_code == express_pdf.status_code == 200
    # WeasyPrint logs an error for every image left without an alternative.
    assert not errors.records, [record.getMessage() for record in errors.records]
    # The office's report has its « Déclaré / observé » table, tagged like the others.
    assert "Déclaré / observé" in "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(office_pdf.content)).pages
    )
    return {
        "office_pdf": office_pdf.content,
        "business_pdf": business_pdf.content,
        "express_pdf": express_pdf.content,
    }


@pytest.fixture(params=["office_pdf", "business_pdf", "express_pdf"])
def pdf(request, reports):
    return reports[request.param]


@pytest.fixture
def report(reports):
    return PdfReader(io.BytesIO(reports["office_pdf"]))


def test_pdfua_finds_nothing_in_either_report(pdf, tmp_path):
    path = tmp_path / "rapport.pdf"
    path.write_bytes(pdf)
    result = validate(str(path), registry=PDFUA_RULES)
    assert not result.skipped, [(o.rule_id, o.skipped_reason) for o in result.skipped]
    findings = [(f.rule_id, f.location.describe(), f.message) for f in result.findings]
    assert not findings, findings


def test_the_express_profile_is_one_page_with_its_ranges(reports):
    reader = PdfReader(io.BytesIO(reports["express_pdf"]))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Profil indicatif" in text and "entre" in text and "Fourchette" in text


def test_both_are_tagged_french_pdfs_that_show_their_title(pdf):
    reader = PdfReader(io.BytesIO(pdf))
    catalog = reader.trailer["/Root"]
    assert catalog["/MarkInfo"]["/Marked"]
    assert catalog["/Lang"] == "fr"
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"]
    title = reader.metadata.title
    assert OFFICE in title or BUSINESS in title


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


def test_every_header_cell_has_its_scope(pdf):
    """/Scope on every /TH (ISO 32000-1 §14.8.5.7): /Row for the headers that the data cells
    of their own row name (`<th scope="row">`), /Column for the others."""
    root = PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/StructTreeRoot"]
    scopes = []
    for row in (e for e in structure_elements(root) if e["/S"] == "/TR"):
        cells = [kid.get_object() for kid in row["/K"]]
        named_here = {
            name for cell in cells if cell["/S"] == "/TD" for name in cell["/A"].get("/Headers", [])
        }
        for cell in cells:
            if cell["/S"] == "/TH":
                expected = "/Row" if cell["/ID"] in named_here else "/Column"
                scopes.append(cell["/A"].get("/Scope"))
                assert scopes[-1] == expected
    assert {"/Row", "/Column"} <= set(scopes)


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


def test_running_header_and_footer_are_pagination_artifacts(pdf):
    """The four margin boxes of every page but the office report's cover (which has none) are
    pagination artifacts, and every marked content of a page belongs to the structure tree."""
    document = pikepdf.open(io.BytesIO(pdf))
    reachable = reachable_content(document.Root.StructTreeRoot)
    artifacts = []
    for page in document.pages:
        marks = [op.operands for op in pikepdf.parse_content_stream(page, "BDC")]
        marked = [int(ops[-1].MCID) for ops in marks if "/MCID" in ops[-1]]
        assert marked and all((page.obj.objgen, mcid) in reachable for mcid in marked)
        artifacts.append(
            sum(ops[0] == "/Artifact" and ops[-1].get("/Type") == "/Pagination" for ops in marks)
        )
    assert artifacts[1:] == [MARGIN_BOXES] * (len(artifacts) - 1)
    assert artifacts[0] in (0, MARGIN_BOXES)
