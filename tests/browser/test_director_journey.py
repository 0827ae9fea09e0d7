"""The demo director finishes this year's diagnostic in a real browser, submits it and takes
the PDF; autosave under latency, colleagues at once and an expired session lose nothing;
a director invites a colleague who accepts."""

import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from diagnostics.management.demo_offices import (
    DEMO_DIRECTOR,
    DEMO_FILLER,
    DEMO_FILLING_OFFICE,
    DEMO_OFFICE,
    DEMO_PASSWORD,
)
from diagnostics.models import Answer, Axis, Diagnostic, Membership
from tests import factories

# One demo per module (tests/browser/conftest.py), so the module runs on one pytest-xdist worker.
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser-director-journey")]
DEMO_COLLEAGUE = "lea"  # a second member of the filling office, for the colleagues' test

LATENCY_MS = 600


@pytest.fixture
def draft(demo):
    diagnostic = Diagnostic.objects.get(
        organisation__name=DEMO_FILLING_OFFICE, status=Diagnostic.Status.DRAFT
    )
    user = factories.make_user(
        DEMO_COLLEAGUE,
        office=diagnostic.organisation,
        role=Membership.Role.MEMBER,
        first_name="Léa",
    )
    user.set_password(DEMO_PASSWORD)
    user.last_name = "Garat"
    user.save()
    return diagnostic


def login(page: Page, url: str, username: str = DEMO_FILLER):
    page.set_default_timeout(15_000)
    page.goto(f"{url}/comptes/login/")
    page.get_by_label("Nom d’utilisateur").fill(username)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(DEMO_FILLING_OFFICE)


def slow_network(page: Page, latency: int = LATENCY_MS):
    """Chromium adds `latency` ms to every request, as a poor mobile connection does."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": latency, "downloadThroughput": -1, "uploadThroughput": -1},
    )


def first_axis(page: Page, url: str, draft: Diagnostic, code: str = "web"):
    page.goto(f"{url}/diagnostics/{draft.pk}/axes/{code}/")
    return page.locator("fieldset[data-autosave-url]")


def stored(draft: Diagnostic, question_pk: int) -> Answer:
    return Answer.objects.get(diagnostic=draft, question_id=question_pk)


def test_director_finishes_submits_and_downloads_the_report(page: Page, live_server, draft):
    login(page, live_server.url)
    expect(page.get_by_text("Vous préparez les réponses")).to_have_count(0)  # the director
    page.get_by_role("link", name="Reprendre là où vous en étiez").click()
    axes = list(Axis.objects.filter(questionnaire=draft.questionnaire).order_by("order"))
    page.wait_for_url(re.compile(r"/axes/"))
    while "/relecture/" not in page.url:
        fieldsets = page.locator("fieldset[data-autosave-url]")
        count = fieldsets.count()
        for i in range(count):
            fieldset = fieldsets.nth(i)
            confirm = fieldset.get_by_role("button", name="Confirmer cette réponse")
            if confirm.count():
                confirm.click()  # last year's answer still holds
            else:  # a choice other than the one shown, so that it changes
                pick = 2 if fieldset.locator("input[type=radio]").nth(1).is_checked() else 1
                fieldset.locator("label.snut-choice").nth(pick).click()
            expect(fieldset.locator("[data-saved]")).to_contain_text("Enregistré")
            if i == count // 2 and "/axes/accueil/" in page.url:
                # A closed tab or a reload mid-way loses nothing: autosave kept every click.
                page.reload()
                for j in range(i + 1):
                    expect(fieldsets.nth(j).locator("[data-carried]")).to_have_count(0)
        with page.expect_navigation():
            page.get_by_role("button", name=re.compile("Enregistrer et (continuer|relire)")).click()

    assert not Answer.objects.filter(diagnostic=draft, carried_over=True).exists()
    expect(page.get_by_text("Toutes les questions ont une réponse")).to_be_visible()
    page.get_by_label(re.compile("Je confirme")).check()
    # The submission prints the report (immediate task backend): about a second, more on a busy machine.
    page.get_by_role("button", name="Soumettre définitivement").click(timeout=60_000)

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Profil numérique de votre destination"
    )
    expect(page.locator("svg.snut-radar")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Diagnostic précédent \(Campagne"))).to_be_visible()
    # The first print of a 20-page report takes seconds on a loaded machine.
    with page.expect_download(timeout=90_000) as download_info:
        page.get_by_role("link", name="Télécharger le rapport PDF").click(timeout=90_000)
    content = Path(download_info.value.path()).read_bytes()
    text = " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(content)).pages
    )
    assert DEMO_FILLING_OFFICE in text
    for axis in axes:
        assert " ".join(axis.name.split()) in text


def test_a_choice_changed_back_within_one_round_trip_is_stored(page: Page, live_server, draft):
    login(page, live_server.url)
    fieldset = first_axis(page, live_server.url, draft).nth(0)
    slow_network(page)
    labels = fieldset.locator("label.snut-choice")
    labels.nth(2).click()  # B leaves…
    page.wait_for_timeout(100)
    labels.nth(0).click()  # …and A is picked back before B's answer comes
    expect(fieldset.locator("[data-saved]")).to_contain_text("Enregistré", timeout=10_000)
    question = int(fieldset.get_attribute("data-question"))
    chosen = fieldset.locator("input[type=radio]").nth(0).get_attribute("value")
    assert str(stored(draft, question).choice_id) == chosen


def test_typing_on_while_a_comment_is_saved_loses_nothing(page: Page, live_server, draft):
    login(page, live_server.url)
    fieldset = first_axis(page, live_server.url, draft).nth(1)
    slow_network(page)
    fieldset.locator("summary").click()
    area = fieldset.locator("textarea")
    area.fill("")
    area.press_sequentially("Refonte du site votée")
    page.wait_for_timeout(1_400)  # the pause sends a save, still in flight…
    area.press_sequentially(" en conseil d’administration, livraison au printemps.")
    expect(fieldset.locator("[data-saved]")).to_contain_text("Enregistré", timeout=10_000)
    page.wait_for_timeout(1_500)
    expect(fieldset.locator("[data-saved]")).to_contain_text("Enregistré")
    question = int(fieldset.get_attribute("data-question"))
    assert stored(draft, question).comment == (
        "Refonte du site votée en conseil d’administration, livraison au printemps."
    )


def test_going_back_to_the_stored_choice_within_one_round_trip_is_sent(
    page: Page, live_server, draft
):
    """A stored, B clicked, A clicked again before B's answer: the page keeps A, sends it and
    says it is saved (comparing with the old reference once showed B and never sent A)."""
    login(page, live_server.url)
    fieldset = first_axis(page, live_server.url, draft).nth(4)
    question = int(fieldset.get_attribute("data-question"))
    labels, radios = fieldset.locator("label.snut-choice"), fieldset.locator("input[type=radio]")
    saved = fieldset.locator("[data-saved]")
    if not radios.nth(0).is_checked():
        labels.nth(0).click()  # A becomes the stored answer, the page's reference
        expect(saved).to_contain_text("Enregistré")
    stored_a = radios.nth(0).get_attribute("value")
    assert str(stored(draft, question).choice_id) == stored_a
    slow_network(page)
    labels.nth(1).click()  # B leaves…
    page.wait_for_timeout(100)
    labels.nth(0).click()  # …and A is picked back before B's answer comes
    expect(saved).to_contain_text("Enregistré", timeout=10_000)
    page.wait_for_timeout(3 * LATENCY_MS)  # no late echo of B's answer
    expect(radios.nth(0)).to_be_checked()
    expect(saved).to_contain_text("Enregistré")
    expect(saved).not_to_contain_text("pas encore enregistrée")
    assert str(stored(draft, question).choice_id) == stored_a


def test_going_back_to_the_stored_comment_within_one_round_trip_is_sent(
    page: Page, live_server, draft
):
    """The same for a comment: A stored, B sent, A written again before B's answer."""
    login(page, live_server.url)
    fieldset = first_axis(page, live_server.url, draft).nth(5)
    question = int(fieldset.get_attribute("data-question"))
    area, saved = fieldset.locator("textarea"), fieldset.locator("[data-saved]")
    if not area.is_visible():
        fieldset.locator("summary").click()
    stored_a = "Site refait en 2024 avec le département."
    area.fill(stored_a)
    area.blur()
    expect(saved).to_contain_text("Enregistré")
    assert stored(draft, question).comment == stored_a
    slow_network(page)
    area.fill("Site à refaire entièrement.")
    area.blur()  # B leaves…
    page.wait_for_timeout(100)
    area.fill(stored_a)
    area.blur()  # …and A is written back before B's answer comes
    expect(saved).to_contain_text("Enregistré", timeout=10_000)
    page.wait_for_timeout(3 * LATENCY_MS)
    expect(area).to_have_value(stored_a)
    expect(saved).to_contain_text("Enregistré")
    expect(saved).not_to_contain_text("pas encore enregistrée")
    assert stored(draft, question).comment == stored_a


def test_confirming_a_carried_over_answer_moves_the_focus_to_it(page: Page, live_server, draft):
    """« Confirmer cette réponse » disappears once confirmed: the keyboard user lands on the
    choice it confirmed, not at the top of the page."""
    carried = Answer.objects.filter(diagnostic=draft, carried_over=True, choice__isnull=False)
    carried = (
        carried.select_related("question__axis")
        .order_by("question__axis__order", "question__order")
        .first()
    )
    login(page, live_server.url)
    first_axis(page, live_server.url, draft, carried.question.axis.code)
    fieldset = page.locator(f"fieldset[data-question='{carried.question_id}']")
    fieldset.get_by_role("button", name="Confirmer cette réponse").focus()
    page.keyboard.press("Enter")
    expect(fieldset.locator("[data-saved]")).to_contain_text("Enregistré")
    expect(fieldset.get_by_role("button", name="Confirmer cette réponse")).to_have_count(0)
    expect(fieldset.locator(f"input[type=radio][value='{carried.choice_id}']")).to_be_focused()
    assert not stored(draft, carried.question_id).carried_over


def test_one_click_confirms_an_axis_and_enter_on_a_choice_never_does(
    page: Page, live_server, draft
):
    """« Confirmer toutes les réponses reprises de cet axe » is a deliberate click: Enter on
    a choice (the form's implicit submission) saves the page and confirms nothing."""
    axis = (
        Answer.objects.filter(diagnostic=draft, carried_over=True)
        .select_related("question__axis")
        .first()
        .question.axis
    )
    waiting = Answer.objects.filter(diagnostic=draft, carried_over=True, question__axis=axis)
    count = waiting.count()
    login(page, live_server.url)
    first_axis(page, live_server.url, draft, axis.code)
    page.locator("input[type=radio]:checked").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.locator("[data-carried]")).to_have_count(count)
    assert waiting.count() == count
    page.get_by_role("button", name="Confirmer toutes les réponses reprises de cet axe").click()
    expect(page.get_by_text(f"{count} réponses reprises confirmées sur cet axe.")).to_be_visible()
    expect(page.locator("[data-carried]")).to_have_count(0)
    assert waiting.count() == 0
    assert Answer.objects.filter(diagnostic=draft, carried_over=True).exists()  # other axes


def test_two_colleagues_on_the_same_comment_see_each_other(browser, live_server, draft, request):
    contexts = [browser.new_context() for _ in range(2)]
    for context in contexts:
        # Closed with the test: a context left open kept its connections to the live server
        # until the browser closed, after the server: each of their threads then raised.
        request.addfinalizer(context.close)
    director, colleague = (context.new_page() for context in contexts)
    login(director, live_server.url)
    login(colleague, live_server.url, DEMO_COLLEAGUE)
    mine = first_axis(director, live_server.url, draft).nth(2)
    theirs = first_axis(colleague, live_server.url, draft).nth(2)
    question = int(mine.get_attribute("data-question"))

    theirs.locator("summary").click()
    theirs.locator("textarea").fill("Avis de Léa")
    theirs.locator("textarea").blur()
    expect(theirs.locator("[data-saved]")).to_contain_text("Enregistré")

    mine.locator("summary").click()
    mine.locator("textarea").fill("Avis d’Inès")
    mine.locator("textarea").blur()
    conflict = mine.locator("[data-conflict]")
    expect(conflict).to_contain_text("Léa Garat a modifié cette réponse")
    expect(conflict).to_contain_text("Avis de Léa")
    expect(conflict).to_contain_text("Avis d’Inès")
    assert stored(draft, question).comment == "Avis de Léa"  # nothing overwritten silently

    conflict.get_by_role("button", name="Garder ma version").click()
    expect(mine.locator("[data-saved]")).to_contain_text("Enregistré")
    assert stored(draft, question).comment == "Avis d’Inès"


def test_an_expired_session_keeps_the_answer_and_sends_it_after_login(
    page: Page, live_server, draft
):
    login(page, live_server.url)
    fieldsets = first_axis(page, live_server.url, draft)
    fieldset = fieldsets.nth(3)
    question = int(fieldset.get_attribute("data-question"))
    page.context.clear_cookies(name="sessionid")
    fieldset.locator("label.snut-choice").nth(3).click()
    banner = page.locator("[data-autosave-banner]")
    expect(banner).to_contain_text("Votre session a expiré")
    chosen = fieldset.locator("input[type=radio]").nth(3).get_attribute("value")
    assert str(stored(draft, question).choice_id) != chosen

    banner.get_by_role("link", name="Se reconnecter").click()
    page.get_by_label("Nom d’utilisateur").fill(DEMO_FILLER)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    fieldset = page.locator(f"fieldset[data-question='{question}']")
    expect(fieldset.locator("[data-saved]")).to_contain_text("Enregistré")
    assert str(stored(draft, question).choice_id) == chosen


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
