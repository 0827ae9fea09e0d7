"""A demo director fills a whole diagnostic in a real browser, submits it and takes the PDF;
and invites a colleague who accepts."""

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from diagnostics.management.commands.seed_demo import (
    DEMO_DIRECTOR,
    DEMO_OFFICE,
    DEMO_PASSWORD,
    seed,
)
from diagnostics.models import Answer, Axis, Diagnostic, Questionnaire


@pytest.fixture
def demo(transactional_db):
    call_command("loaddata", "questionnaire_snut", verbosity=0)
    questionnaire = Questionnaire.objects.get(code="snut-ot")
    seed(questionnaire)
    return questionnaire


def test_director_fills_resumes_submits_and_downloads_the_report(page: Page, live_server, demo):
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/comptes/login/")
    page.get_by_label("Nom d’utilisateur").fill(DEMO_DIRECTOR)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(DEMO_OFFICE)

    page.get_by_role("button", name=re.compile("Commencer un diagnostic")).click()
    axes = list(Axis.objects.filter(questionnaire=demo).order_by("order"))
    for index, axis in enumerate(axes):
        expect(page.get_by_role("heading", level=1)).to_have_text(axis.name)
        fieldsets = page.locator("fieldset[data-autosave-url]")
        count = fieldsets.count()
        for i in range(count):
            fieldsets.nth(i).locator("label.snut-choice").nth(1).click()
            expect(fieldsets.nth(i).locator("[data-saved]")).to_contain_text("Enregistré")
            if index == 1 and i == count // 2:
                # A closed tab or a reload mid-way loses nothing: autosave kept every click.
                page.reload()
                for j in range(i + 1):
                    expect(fieldsets.nth(j).locator("input[type=radio]").nth(1)).to_be_checked()
        page.get_by_role("button", name=re.compile("Enregistrer et (continuer|relire)")).click()

    diagnostic = Diagnostic.objects.get(office__name=DEMO_OFFICE, status=Diagnostic.Status.DRAFT)
    assert Answer.objects.filter(diagnostic=diagnostic).count() == sum(
        a.questions.count() for a in axes
    )
    expect(page.get_by_text("Toutes les questions ont une réponse")).to_be_visible()
    page.get_by_label(re.compile("Je confirme")).check()
    page.get_by_role("button", name="Soumettre définitivement").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Profil numérique de votre destination"
    )
    expect(page.locator("svg.snut-radar")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Diagnostic précédent \(Campagne"))).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Télécharger le rapport PDF").click()
    content = Path(download_info.value.path()).read_bytes()
    text = " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(content)).pages
    )
    assert DEMO_OFFICE in text
    for axis in axes:
        assert " ".join(axis.name.split()) in text


def test_director_invites_a_colleague_who_accepts(page: Page, live_server, demo, browser, request):
    from django.core import mail

    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/comptes/login/")
    page.get_by_label("Nom d’utilisateur").fill(DEMO_DIRECTOR)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("link", name="Voir l’équipe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Équipe")
    page.get_by_label("Adresse e-mail").fill("lea.martin@brume.fr")
    page.get_by_role("button", name="Envoyer l’invitation").click()
    expect(page.get_by_text("Invitation envoyée à lea.martin@brume.fr")).to_be_visible()

    (message,) = [m for m in mail.outbox if m.to == ["lea.martin@brume.fr"]]
    link = re.search(r"http://\S+/invitation/\S+/", message.body).group(0)
    colleague_context = browser.new_context()
    request.addfinalizer(colleague_context.close)  # no request left in flight after the test
    colleague = colleague_context.new_page()
    colleague.set_default_timeout(15_000)
    colleague.goto(link)
    colleague.locator("#id_first_name").fill("Léa")
    colleague.locator("#id_last_name").fill("Martin")
    colleague.locator("#id_password1").fill("Brume-2026-sentier")
    colleague.locator("#id_password2").fill("Brume-2026-sentier")
    colleague.get_by_role("button", name="Créer mon compte et rejoindre l’équipe").click()
    expect(colleague.get_by_role("heading", level=1)).to_have_text(DEMO_OFFICE)
    expect(colleague.get_by_text("Bienvenue dans l’équipe")).to_be_visible()

    colleague.goto(link)  # the link serves once
    expect(colleague.get_by_role("heading", level=1)).to_have_text("Cette invitation a déjà servi")
    page.reload()
    expect(page.get_by_text("Léa Martin", exact=True)).to_be_visible()
