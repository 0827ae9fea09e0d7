"""axe-core (pinned in package.json, installed by `make install` with `npm ci`) runs in Chromium
on every director page and every staff page the project templates, at 1366 px and 320 px: no
violation of impact serious or critical is allowed, and no page scrolls sideways."""

import json
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from playwright.sync_api import Page

from diagnostics.management.commands.seed_demo import (
    DEMO_FILLER,
    DEMO_FILLING_OFFICE,
    DEMO_PASSWORD,
    DEMO_STAFF,
)
from diagnostics.models import Action, Diagnostic, Office, Training
from tests import factories
from tests.territory_data import seed_office_territory

User = get_user_model()
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
if not AXE.exists():
    if os.environ.get("CI"):
        raise RuntimeError(f"{AXE} is missing in CI: run `make install` (npm ci)")
    pytest.skip(
        "accessibility tests skipped: axe-core not installed (npm ci)", allow_module_level=True
    )

WIDTHS = (1366, 320)
BLOCKING = {"serious", "critical"}
# WCAG 1.4.10: at 320 px nothing but a table's own scroller may scroll sideways. Returns the
# page's widths and the widest elements when it does, "" otherwise.
SIDEWAYS = """() => {
  const root = document.documentElement;
  if (root.scrollWidth <= root.clientWidth) return "";
  const wide = [...document.body.querySelectorAll("*")]
    .filter((e) => e.getBoundingClientRect().right > root.clientWidth + 1)
    .slice(0, 5)
    .map((e) => e.tagName.toLowerCase() + (e.className ? "." + String(e.className).split(" ").join(".") : ""));
  return `${root.scrollWidth} > ${root.clientWidth} px (${wide.join(", ")})`;
}"""


@pytest.fixture
def browser_context_args(browser_context_args):
    """The Content-Security-Policy forbids inline scripts: axe is injected past it, as a tool."""
    return {**browser_context_args, "bypass_csp": True}


def login(page: Page, url: str, username: str):
    page.goto(f"{url}/comptes/login/")
    page.get_by_label("Nom d’utilisateur").fill(username)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


def violations(page: Page, url: str) -> list[str]:
    """The serious and critical axe violations of `url`, at each width, one line per node."""
    found = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(url)
        wide = page.evaluate(SIDEWAYS)
        if wide:
            found.append(f"{url} @{width}px scrolls sideways: {wide}")
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        for violation in result["violations"]:
            if violation["impact"] not in BLOCKING:
                continue
            for node in violation["nodes"]:
                found.append(
                    f"{url} @{width}px {violation['id']} ({violation['impact']}): "
                    f"{json.dumps(node['target'])} {node['failureSummary'][:300]}"
                )
    return found


def check(page: Page, urls: list[str]):
    page.set_default_timeout(15_000)
    found = [line for url in urls for line in violations(page, url)]
    assert not found, "\n".join(found)


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
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    assert not [v["id"] for v in result["violations"] if v["impact"] in BLOCKING]


def test_director_pages_have_no_serious_violation(page: Page, live_server, demo):
    base = live_server.url
    draft = Diagnostic.objects.get(
        organisation__name=DEMO_FILLING_OFFICE, status=Diagnostic.Status.DRAFT
    )
    submitted = Diagnostic.objects.filter(
        organisation=draft.organisation, status=Diagnostic.Status.SUBMITTED
    ).first()
    axis = draft.campaign.questionnaire.axes.order_by("order").first()
    action = Action.objects.create(office=draft.organisation, title="Refaire la fiche Google")
    login(page, base, DEMO_FILLER)
    check(
        page,
        [
            f"{base}/",
            f"{base}/offices/{draft.organisation.slug}/",
            f"{base}/diagnostics/{draft.pk}/axes/{axis.code}/",
            f"{base}/diagnostics/{draft.pk}/relecture/",
            f"{base}/diagnostics/{draft.pk}/abandonner/",
            f"{base}/diagnostics/{draft.pk}/importance/",
            f"{base}/diagnostics/{submitted.pk}/resultats/",
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
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        assert not [v["id"] for v in result["violations"] if v["impact"] in BLOCKING]


def test_staff_pages_have_no_serious_violation(page: Page, live_server, demo):
    base = live_server.url
    offices = list(Office.objects.order_by("pk").values_list("pk", flat=True)[:3])
    submitted = Diagnostic.objects.filter(status="submitted", organisation__in=Office.objects.all())
    submitted = submitted.order_by("pk").first()
    login(page, base, DEMO_STAFF)
    factories.staff_exports(User.objects.get(username=DEMO_STAFF))
    admin = f"{base}/admin/diagnostics/office"
    check(
        page,
        [
            f"{admin}/",
            f"{admin}/comparer/?offices={','.join(map(str, offices))}",
            f"{admin}/comparer/?evolution={offices[0]}",
            f"{admin}/tableau-de-bord/",
            f"{base}/admin/diagnostics/training/besoins/",
            f"{base}/admin/diagnostics/training/besoins/?region=75",
            f"{base}/admin/diagnostics/action/mutualisation/",
            # A region's clusters, a page at a time, and a filter refused with its message.
            f"{base}/admin/diagnostics/action/mutualisation/?region=75",
            f"{base}/admin/diagnostics/action/mutualisation/?region=75&departement=67",
            f"{base}/admin/diagnostics/businesscampaign/",
            f"{base}/admin/diagnostics/businesscampaign/points-faibles/",
            f"{base}/admin/diagnostics/business/",
            f"{base}/admin/diagnostics/training/",
            f"{base}/admin/diagnostics/diagnostic/",
            f"{base}/admin/diagnostics/diagnostic/{submitted.pk}/change/",
            # « Mes exports » with one export pending, its reloading stopped: axe flags any
            # timed <meta refresh> (rule meta-refresh); the page's link stops it (WCAG 2.2.1).
            f"{admin}/exports/?actualiser=non",
        ],
    )


def test_business_journey_pages_have_no_serious_violation(
    page: Page, live_server, transactional_db
):
    from tests.factories import business_journey_pages

    check(page, [f"{live_server.url}{path}" for path in business_journey_pages().values()])
