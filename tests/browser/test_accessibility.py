"""axe-core (pinned in package.json, installed by `make install` with `npm ci`) runs in Chromium
on every director page and every business page, at 1366 px and 320 px: no violation of impact
serious or critical is allowed, and no page scrolls sideways. The staff's pages, the admin's
included, are in test_admin_accessibility.py, which seeds the demo once for all of them."""

import pytest
from playwright.sync_api import Page

from diagnostics.management.demo_offices import DEMO_FILLER, DEMO_FILLING_OFFICE
from diagnostics.models import Action, Campaign, Diagnostic, Office, Respondent, Training
from diagnostics.tokens import token_hash
from tests import factories
from tests.browser.axe import WIDTHS, check, login, run
from tests.territory_data import seed_office_sessions, seed_office_territory

# One demo per module (tests/browser/conftest.py), so the module runs on one pytest-xdist worker.
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser-accessibility")]


@pytest.fixture
def browser_context_args(browser_context_args):
    """The Content-Security-Policy forbids inline scripts: axe is injected past it, as a tool."""
    return {**browser_context_args, "bypass_csp": True}


def test_anonymous_pages_have_no_serious_violation(page: Page, live_server, demo):
    base = live_server.url
    check(
        page,
        [
            f"{base}/",
            f"{base}/accessibilite/",
            f"{base}/donnees-personnelles/",
            f"{base}/mentions-legales/",
            f"{base}/comptes/login/",
            f"{base}/comptes/password_reset/",
        ],
    )
    # The login form with its error, as a mistyped password shows it.
    page.goto(f"{base}/comptes/login/")
    page.get_by_label("Nom d’utilisateur").fill(DEMO_FILLER)
    page.get_by_label("Mot de passe").fill("wrong")
    page.get_by_role("button", name="Se connecter").click()
    # The answer loaded, its error shown, before axe reads it (not the page being left).
    page.locator("#erreur-connexion").wait_for()
    page.wait_for_load_state()
    assert not [v["id"] for v in run(page)]


def test_director_pages_have_no_serious_violation(page: Page, live_server, demo):
    base = live_server.url
    draft = Diagnostic.objects.get(
        organisation__name=DEMO_FILLING_OFFICE, status=Diagnostic.Status.DRAFT
    )
    submitted = Diagnostic.objects.filter(
        organisation=draft.organisation, status=Diagnostic.Status.SUBMITTED
    ).first()
    axis = draft.campaign.questionnaire.axes.order_by("order").first()
    # An axis whose answers wait for confirmation: « Confirmer toutes les réponses reprises ».
    carried = draft.answers.filter(carried_over=True).select_related("question__axis").first()
    action = Action.objects.create(office=draft.organisation, title="Refaire la fiche Google")
    # « Avis de l’équipe »: the demo's draft is open to opinions; one invited person's link,
    # and the debated questions on a submitted diagnostic's results.
    factories.opinions_on(submitted)
    invited = Respondent.objects.filter(round__diagnostic=draft, user__isnull=True).first()
    Respondent.objects.filter(pk=invited.pk).update(token_hash=token_hash("lien-de-test"))
    express = factories.submitted_express(draft.organisation, Campaign.objects.express().get())
    login(page, base, DEMO_FILLER)
    check(
        page,
        [
            f"{base}/",
            f"{base}/offices/{draft.organisation.slug}/",
            f"{base}/diagnostics/{draft.pk}/axes/{axis.code}/",
            f"{base}/diagnostics/{draft.pk}/axes/{carried.question.axis.code}/",
            f"{base}/diagnostics/{draft.pk}/relecture/",
            f"{base}/diagnostics/{draft.pk}/abandonner/",
            f"{base}/diagnostics/{draft.pk}/importance/",
            f"{base}/diagnostics/{draft.pk}/avis-equipe/",
            f"{base}/diagnostics/{draft.pk}/mon-avis/",
            f"{base}/avis/lien-de-test/",
            f"{base}/diagnostics/{submitted.pk}/resultats/",
            f"{base}/diagnostics/{submitted.pk}/niveaux-vises/",
            f"{base}/diagnostics/{submitted.pk}/reponses/",
            f"{base}/diagnostics/{express.pk}/express/",
            f"{base}/offices/{draft.organisation.slug}/plan/",
            f"{base}/offices/{draft.organisation.slug}/plan/{action.pk}/",
        ],
    )
    seed_office_territory(draft.organisation)
    slug = draft.organisation.slug
    own = Training.objects.get(organiser=draft.organisation)
    check(
        page,
        [
            f"{base}/offices/{slug}/territoire/",
            f"{base}/offices/{slug}/territoire/ateliers/",
            f"{base}/offices/{slug}/territoire/ateliers/nouveau/",
            f"{base}/offices/{slug}/territoire/ateliers/{own.pk}/modifier/",
            f"{base}/diagnostics/{submitted.pk}/resultats/",
            *(base + url for url in seed_office_sessions(draft.organisation).values()),
            f"{base}/offices/{slug}/territoire/re-diagnostic/",
        ],
    )


def test_business_pages_have_no_serious_violation(page: Page, live_server, demo, tmp_path):
    base = live_server.url
    office = Office.objects.get(name=DEMO_FILLING_OFFICE)
    urls = factories.business_pages(office, base)
    login(page, base, DEMO_FILLER)
    check(page, [base + url for url in urls.values()])
    # The import's preview, as a director sees it after choosing a file.
    csv = tmp_path / "prestataires.csv"
    csv.write_bytes(factories.BUSINESS_CSV)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(base + urls["businesses-import"])
        page.get_by_label("Fichier CSV de vos prestataires").set_input_files(str(csv))
        page.get_by_role("button", name="Voir l’aperçu").click()
        page.wait_for_load_state()
        assert "Aperçu de l’import" in page.content()
        assert not [v["id"] for v in run(page)]


def test_business_journey_pages_have_no_serious_violation(
    page: Page, live_server, transactional_db
):
    from tests.factories import business_journey_pages

    check(page, [f"{live_server.url}{path}" for path in business_journey_pages().values()])
