"""A restaurateur opens its personal link on a 390 px phone, answers, reloads, submits and
reads its results; the business pages pass axe at 390 and 1366 px."""

import json
import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from diagnostics import services
from diagnostics.models import Answer, Audience, Diagnostic, Organisation, Questionnaire
from tests import factories
from tests.loaded import loaddata

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
# Screenshots for a human to look at: SNUT_SCREENSHOTS=/tmp/shots pytest tests/browser/…
SHOTS = os.environ.get("SNUT_SCREENSHOTS")


@pytest.fixture
def browser_context_args(browser_context_args):
    """The Content-Security-Policy forbids inline scripts: axe is injected past it, as a tool."""
    return {**browser_context_args, "bypass_csp": True}


@pytest.fixture
def business_link(transactional_db):
    loaddata("questionnaire_prestataires", "ateliers_prestataires")
    office = factories.make_office("Office de tourisme du Val de Garonne")
    business = factories.make_business(
        office, "Le Bistrot du Port", segment=Organisation.Segment.FOOD
    )
    questionnaire = Questionnaire.objects.latest(Audience.BUSINESSES).get()
    campaign = factories.open_campaign(
        questionnaire, organiser=office, name="Diagnostic des prestataires 2026"
    )
    return services.business_link_issue(business=business, campaign=campaign)


def shoot(page: Page, name: str):
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
    page.set_viewport_size(PHONE)


def axe_violations(page: Page) -> list[str]:
    if not AXE.exists():
        return []
    found = []
    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        found += [
            f"{page.url} @{width}px {v['id']}: {json.dumps([n['target'] for n in v['nodes']])}"
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]
    page.set_viewport_size(PHONE)
    return found


def test_a_business_fills_its_diagnostic_on_a_phone(page: Page, live_server, business_link):
    link, token = business_link
    page.set_default_timeout(15_000)
    page.set_viewport_size(PHONE)
    problems = []
    page.goto(f"{live_server.url}/prestataire/{token}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Le Bistrot du Port")
    problems += axe_violations(page)
    shoot(page, "business-start")
    page.get_by_role("button", name="Commencer").click()
    page.wait_for_url(re.compile(r"/axes/"))
    diagnostic = Diagnostic.objects.get(organisation=link.business)
    problems += axe_violations(page)
    shoot(page, "business-axis")

    first_page = True
    while "/relecture/" not in page.url:
        fieldsets = page.locator("fieldset[data-autosave-url]")
        for i in range(fieldsets.count()):
            fieldset = fieldsets.nth(i)
            fieldset.locator("label.snut-choice").nth(1).click()
            expect(fieldset.locator("[data-saved]")).to_contain_text("Enregistré")
        if first_page:
            # A reload loses nothing: autosave stored every click.
            page.reload()
            for i in range(fieldsets.count()):
                expect(fieldsets.nth(i).locator("input[type=radio]").nth(1)).to_be_checked()
            first_page = False
        with page.expect_navigation():
            page.get_by_role("button", name=re.compile("Enregistrer et (continuer|relire)")).click()

    questions = diagnostic.questionnaire.questions.count()
    assert Answer.objects.filter(diagnostic=diagnostic, updated_by=None).count() == questions
    expect(page.get_by_text("Toutes les questions ont une réponse")).to_be_visible()
    yes = page.get_by_role("radio", name=re.compile("^Oui.{1,3}l’office voit mes réponses"))
    expect(yes).to_be_checked()  # consent is the default, stated plainly
    problems += axe_violations(page)
    shoot(page, "business-review")
    page.get_by_role("radio", name=re.compile("^Non.{1,3}l’office ne voit pas")).check()
    page.get_by_role("checkbox", name=re.compile("Je confirme mes réponses")).check()
    page.get_by_role("button", name="Envoyer définitivement").click(timeout=60_000)

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Le profil numérique de votre activité"
    )
    expect(page.get_by_role("heading", name="Vos trois priorités")).to_be_visible()
    expect(page.locator("svg.snut-radar")).to_be_visible()
    diagnostic.refresh_from_db()
    assert diagnostic.is_submitted and not diagnostic.share_details
    # No horizontal scrolling on the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    problems += axe_violations(page)
    shoot(page, "business-results")
    assert not problems, "\n".join(problems)
