"""The W3C Nu HTML checker (`vnu-jar`, pinned in package.json) finds no error in the pages the
project renders: the director's pages, the sign-in pages and the staff pages of our own."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from diagnostics.management.demo_offices import (
    DEMO_DIRECTOR,
    DEMO_FILLER,
    DEMO_FILLING_OFFICE,
    DEMO_OFFICE,
    DEMO_STAFF,
)
from diagnostics.models import (
    Action,
    Campaign,
    Diagnostic,
    Office,
    Respondent,
    Training,
)
from diagnostics.tokens import token_hash
from tests import factories
from tests.idrefs import missing_idrefs
from tests.territory_data import seed_office_sessions, seed_office_territory

pytestmark = pytest.mark.browser
VNU = Path(settings.BASE_DIR) / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
JAVA = shutil.which("java")
if not (JAVA and VNU.exists()):
    if os.environ.get("CI"):
        raise RuntimeError(
            "the Nu HTML checker needs Java and vnu.jar in CI (.ci/run, make install)"
        )
    pytest.skip(
        "HTML validity test skipped: "
        + (
            "no Java (apt-get install default-jre-headless)"
            if not JAVA
            else "vnu.jar missing (npm ci)"
        ),
        allow_module_level=True,
    )


def nu_errors(pages: dict[str, bytes], folder: Path) -> list[str]:
    for name, html in pages.items():
        (folder / f"{name}.html").write_bytes(html)
    run = subprocess.run(
        [JAVA, "-jar", str(VNU), "--errors-only", "--format", "json", str(folder)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(run.stderr or '{"messages": []}')["messages"]
    return [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m['message']} — {m.get('extract', '')!r}"
        for m in messages
    ]


def rendered(client: Client, urls: dict[str, str]) -> dict[str, bytes]:
    pages = {}
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, url
        pages[name] = response.content
    return pages


@pytest.fixture
def demo(demo_snapshot, db):
    demo_snapshot[0].restore()


def test_the_project_pages_have_no_html_error(demo, tmp_path):
    from django.contrib.auth import get_user_model

    User = get_user_model()
    anonymous = Client()
    pages = rendered(
        anonymous,
        {
            "home": "/",
            "accessibility": "/accessibilite/",
            "personal-data": "/donnees-personnelles/",
            "legal-notice": "/mentions-legales/",
            "login": "/comptes/login/",
            "password-reset": "/comptes/password_reset/",
        },
    )
    pages["login-error"] = anonymous.post(
        "/comptes/login/", {"username": DEMO_FILLER, "password": "wrong"}
    ).content

    draft = Diagnostic.objects.get(
        organisation__name=DEMO_FILLING_OFFICE, status=Diagnostic.Status.DRAFT
    )
    submitted = Diagnostic.objects.filter(
        organisation=draft.organisation, status=Diagnostic.Status.SUBMITTED
    ).first()
    # Its express profile (the demo's express campaign is open).
    express = factories.submitted_express(draft.organisation, Campaign.objects.express().get())
    # An action in the plan: its card, its edit page and its form with errors.
    action = Action.objects.create(office=draft.organisation, title="Refaire la fiche Google")
    director = Client()
    director.force_login(User.objects.get(username=DEMO_FILLER))
    axes = {
        f"axis-{a.code}": f"/diagnostics/{draft.pk}/axes/{a.code}/"
        for a in draft.questionnaire.axes.all()
    }
    # « Avis de l’équipe »: the demo's draft is open to opinions; one invited person's link,
    # and the debated questions on the results of a submitted diagnostic.
    factories.opinions_on(submitted)
    invited = Respondent.objects.filter(round__diagnostic=draft, user__isnull=True).first()
    Respondent.objects.filter(pk=invited.pk).update(token_hash=token_hash("lien-de-test"))
    pages |= rendered(Client(), {"opinion-link": "/avis/lien-de-test/"})
    pages |= rendered(
        director,
        {
            "team-opinions": f"/diagnostics/{draft.pk}/avis-equipe/",
            "my-opinion": f"/diagnostics/{draft.pk}/mon-avis/",
            "office": f"/offices/{draft.organisation.slug}/",
            **axes,
            "review": f"/diagnostics/{draft.pk}/relecture/",
            "abandon": f"/diagnostics/{draft.pk}/abandonner/",
            "importance": f"/diagnostics/{draft.pk}/importance/",
            "results": f"/diagnostics/{submitted.pk}/resultats/",
            "answers": f"/diagnostics/{submitted.pk}/reponses/",
            "targets": f"/diagnostics/{submitted.pk}/niveaux-vises/",
            "express-results": f"/diagnostics/{express.pk}/express/",
            "plan": f"/offices/{draft.organisation.slug}/plan/",
            "action-edit": f"/offices/{draft.organisation.slug}/plan/{action.pk}/",
        },
    )
    pages["action-invalid"] = director.post(
        f"/offices/{draft.organisation.slug}/plan/{action.pk}/", {"title": "", "status": "zzz"}
    ).content
    level = submitted.questionnaire.levels.order_by("-lower_bound").first()
    axis = submitted.axis_scores.order_by("axis__order").first().axis
    pages["targets-invalid"] = director.post(
        f"/diagnostics/{submitted.pk}/niveaux-vises/", {f"axis-{axis.pk}-level": level.pk}
    ).content
    # The demo office's results: last year's targets reached or not, this year's distances.
    demo_director = Client()
    demo_director.force_login(User.objects.get(username=DEMO_DIRECTOR))
    latest = Diagnostic.objects.filter(organisation__name=DEMO_OFFICE, status="submitted")
    pages |= rendered(
        demo_director,
        {"results-targets": f"/diagnostics/{latest.latest('submitted_at').pk}/resultats/"},
    )
    business_urls = factories.business_pages(draft.organisation)
    pages |= rendered(director, business_urls)
    pages["businesses-import-preview"] = director.post(
        business_urls["businesses-import"],
        {"file": SimpleUploadedFile("prestataires.csv", factories.BUSINESS_CSV)},
    ).content
    seed_office_territory(draft.organisation)
    own = Training.objects.get(organiser=draft.organisation)
    slug = draft.organisation.slug
    pages |= rendered(
        director,
        {
            "territory": f"/offices/{slug}/territoire/",
            "workshops": f"/offices/{slug}/territoire/ateliers/",
            "workshop-add": f"/offices/{slug}/territoire/ateliers/nouveau/",
            "workshop-edit": f"/offices/{slug}/territoire/ateliers/{own.pk}/modifier/",
            "results-territory": f"/diagnostics/{submitted.pk}/resultats/",
            "rediagnosis": f"/offices/{slug}/territoire/re-diagnostic/",
        },
    )
    pages["workshop-invalid"] = director.post(
        f"/offices/{slug}/territoire/ateliers/nouveau/",
        {"title": ""},
    ).content
    session_urls = seed_office_sessions(draft.organisation)
    pages |= rendered(director, session_urls)
    pages["session-schedule-invalid"] = director.post(
        session_urls["session-schedule"], {"day": "2020-01-01", "start": "10:00", "end": "09:00"}
    ).content
    staff = Client()
    staff.force_login(User.objects.get(username=DEMO_STAFF))
    factories.staff_exports(User.objects.get(username=DEMO_STAFF))
    offices = list(Office.objects.order_by("pk").values_list("pk", flat=True)[:3])
    admin = "/admin/diagnostics/office"
    pages |= rendered(
        staff,
        {
            "admin-offices": f"{admin}/",
            "admin-compare": f"{admin}/comparer/?offices={','.join(map(str, offices))}",
            "admin-evolution": f"{admin}/comparer/?evolution={offices[0]}",
            "admin-dashboard": f"{admin}/tableau-de-bord/",
            "admin-training-needs": "/admin/diagnostics/training/besoins/",
            "admin-training-needs-region": "/admin/diagnostics/training/besoins/?region=75",
            "admin-pooling": "/admin/diagnostics/action/mutualisation/",
            "admin-pooling-region": "/admin/diagnostics/action/mutualisation/?region=75",
            "admin-pooling-refused": "/admin/diagnostics/action/mutualisation/?departement=999",
            "admin-business-campaigns": "/admin/diagnostics/businesscampaign/",
            "admin-business-weakest": "/admin/diagnostics/businesscampaign/points-faibles/",
            "admin-businesses": "/admin/diagnostics/business/",
            "admin-trainings": "/admin/diagnostics/training/",
            "admin-diagnostics": "/admin/diagnostics/diagnostic/",
            "admin-opinion-rounds": "/admin/diagnostics/opinionround/",
            "admin-diagnostic": f"/admin/diagnostics/diagnostic/{submitted.pk}/change/",
            "admin-exports": f"{admin}/exports/",
            "admin-exports-not-reloading": f"{admin}/exports/?actualiser=non",
            # Staff read results and answers; the office's name leads to its admin page.
            "staff-results": f"/diagnostics/{submitted.pk}/resultats/",
            "staff-answers": f"/diagnostics/{submitted.pk}/reponses/",
            "staff-express-results": f"/diagnostics/{express.pk}/express/",
            "admin-campaigns": "/admin/diagnostics/campaign/",
        },
    )
    reopen = f"/admin/diagnostics/diagnostic/{submitted.pk}/rouvrir/"
    pages |= rendered(staff, {"admin-reopen": reopen})
    pages["admin-reopen-invalid"] = staff.post(reopen, {"reason": ""}).content
    errors = nu_errors(pages, tmp_path) + missing_idrefs(pages)
    assert not errors, "\n".join(errors)


def test_the_business_journey_pages_have_no_html_error(db, tmp_path):
    from tests.factories import business_journey_pages

    urls = business_journey_pages()
    client = Client()
    pages = rendered(client, urls)
    pages["business-data-erased"] = client.post(urls["business-data-erase"]).content
    errors = nu_errors(pages, tmp_path) + missing_idrefs(pages)
    assert not errors, "\n".join(errors)
