"""A business fills, submits and reads its diagnostic from its personal link, and only its own."""

import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from diagnostics import services
from diagnostics.answer_fields import choice_field_name, comment_field_name
from diagnostics.models import (
    Answer,
    Audience,
    BusinessLink,
    Diagnostic,
    Question,
    Training,
)
from diagnostics.views.business_link import NOT_STARTED
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def office():
    return factories.make_office("Office de tourisme de Castelroc")


@pytest.fixture
def campaign(office):
    questionnaire = factories.build_questionnaire(audience=Audience.BUSINESSES)
    return factories.open_campaign(questionnaire, organiser=office, name="Prestataires 2026")


@pytest.fixture
def business(office):
    return factories.make_business(office, "Gîte des Trois Chênes")


@pytest.fixture
def token(business, campaign):
    return services.business_link_issue(business=business, campaign=campaign)[1]


@pytest.fixture
def other_token(office, campaign):
    neighbour = factories.make_business(office, "Auberge du Pont")
    return services.business_link_issue(business=neighbour, campaign=campaign)[1]


@pytest.fixture
def draft(business, campaign, token):
    return services.diagnostic_start(organisation=business, campaign=campaign)


def url(name, token, *args):
    return reverse(f"diagnostics:business_link_{name}", args=[token, *args])


def _private(response):
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= directives


def _questions(diagnostic):
    return list(
        Question.objects.filter(questionnaire=diagnostic.questionnaire)
        .order_by("axis__order", "order")
        .prefetch_related("choices")
    )


def test_start_creates_the_business_diagnostic_without_a_user(client, token, business):
    page = client.get(url("home", token))
    assert "Commencer" in page.text and "15 minutes" in page.text
    response = client.post(url("home", token))
    diagnostic = Diagnostic.objects.get(organisation=business)
    assert diagnostic.created_by is None
    assert response.url == url("resume", token)
    first_axis = client.get(response.url)
    assert first_axis.url.startswith(url("axis", token, "axe-1"))
    # A second « Commencer » resumes the same diagnostic.
    client.post(url("home", token))
    assert Diagnostic.objects.filter(organisation=business).count() == 1
    assert "Reprendre" in client.get(url("home", token)).text


def test_the_axis_page_saves_without_javascript_and_speaks_to_a_business(client, token, draft):
    question = _questions(draft)[0]
    page = client.get(url("axis", token, "axe-1"))
    assert page.status_code == 200
    assert url("autosave", token, question.pk) in page.text
    assert "conseil d’administration" not in page.text
    assert reverse("diagnostics:axis", args=[draft.pk, "axe-1"]) not in page.text
    choice = question.choices.order_by("order").last()
    response = client.post(
        url("axis", token, "axe-1"),
        {
            choice_field_name(question): choice.pk,
            f"initial-{choice_field_name(question)}": "",
            "continue": "1",
        },
    )
    assert response.url == url("axis", token, "axe-2")
    answer = Answer.objects.get(diagnostic=draft, question=question)
    assert (answer.choice, answer.updated_by) == (choice, None)


def test_autosave_stores_one_answer_and_reports_progress(client, token, draft):
    question = _questions(draft)[0]
    choice = question.choices.first()
    response = client.post(
        url("autosave", token, question.pk),
        {choice_field_name(question): choice.pk, f"initial-{choice_field_name(question)}": ""},
    )
    assert response.status_code == 200, response.content
    assert response.json()["axis"]["answered"] == 1
    assert _private(response)
    assert Answer.objects.get(diagnostic=draft, question=question).choice == choice


def test_a_conflict_names_nobody(client, token, draft):
    question = _questions(draft)[0]
    first, second = question.choices.order_by("order")[:2]
    services.answer_save(diagnostic=draft, question=question, choice=first, user=None)
    response = client.post(
        url("autosave", token, question.pk),
        {choice_field_name(question): second.pk, f"initial-{choice_field_name(question)}": ""},
    )
    assert response.status_code == 409
    assert "membre" not in response.json()["error"]
    assert Answer.objects.get(diagnostic=draft, question=question).choice == first


def test_tampered_posts_change_nothing(client, token, draft, office):
    stranger_questionnaire = factories.build_questionnaire(audience=Audience.BUSINESSES)
    foreign = stranger_questionnaire.questions.first()
    own = _questions(draft)[0]
    foreign_choice = foreign.choices.first()
    # Another questionnaire's question id: refused.
    response = client.post(
        url("autosave", token, foreign.pk), {choice_field_name(foreign): foreign_choice.pk}
    )
    assert response.status_code == 400
    assert "questionnaire" in response.json()["error"]
    # Another question's choice on one of ours: refused in French.
    response = client.post(
        url("autosave", token, own.pk), {choice_field_name(own): foreign_choice.pk}
    )
    assert response.status_code == 400
    assert "n’appartient pas à la question" in response.json()["error"]
    page = client.post(url("axis", token, "axe-1"), {choice_field_name(own): foreign_choice.pk})
    assert page.status_code == 400
    # A comment far too long.
    long = client.post(url("autosave", token, own.pk), {comment_field_name(own): "x" * 5000})
    assert long.status_code == 400
    assert not Answer.objects.filter(diagnostic=draft).exists()


def test_another_business_link_never_reaches_this_diagnostic(client, token, other_token, draft):
    question = _questions(draft)[0]
    response = client.post(
        url("autosave", other_token, question.pk),
        {choice_field_name(question): question.choices.first().pk},
    )
    assert response.status_code == 400
    assert response.json()["error"] == NOT_STARTED
    assert client.get(url("axis", other_token, "axe-1")).url == url("home", other_token)
    assert client.get(url("results", other_token)).url == url("home", other_token)
    assert not Answer.objects.filter(diagnostic=draft).exists()


def _answer_everything(draft):
    factories.answer_all(draft, pick=lambda choices: choices[1])


def test_review_submits_with_the_business_consent(client, token, draft):
    _answer_everything(draft)
    page = client.get(url("review", token))
    assert "Votre office de tourisme peut-il voir le détail de vos réponses" in page.text
    assert 'value="yes" class' in page.text or 'value="yes"' in page.text
    refused = client.post(url("review", token), {"share_details": "yes"})
    assert refused.status_code == 400
    assert "Cochez la case" in refused.text
    forged = client.post(url("review", token), {"share_details": "maybe", "confirm": "on"})
    assert forged.status_code == 400
    draft.refresh_from_db()
    assert not draft.is_submitted
    response = client.post(url("review", token), {"share_details": "no", "confirm": "on"})
    assert response.url == url("results", token)
    draft.refresh_from_db()
    assert draft.is_submitted and draft.share_details is False and draft.submitted_by is None


def test_a_submitted_diagnostic_is_read_only(client, token, draft):
    _answer_everything(draft)
    services.diagnostic_submit(diagnostic=draft)
    question = _questions(draft)[0]
    before = Answer.objects.get(diagnostic=draft, question=question).choice_id
    assert client.get(url("axis", token, "axe-1")).url == url("results", token)
    assert client.get(url("review", token)).url == url("results", token)
    post = client.post(url("axis", token, "axe-1"), {choice_field_name(question): ""})
    assert post.url == url("results", token)
    other = question.choices.exclude(pk=before).first()
    response = client.post(
        url("autosave", token, question.pk), {choice_field_name(question): other.pk}
    )
    assert response.status_code == 409
    assert Answer.objects.get(diagnostic=draft, question=question).choice_id == before


@pytest.fixture
def submitted(draft, office, campaign):
    _answer_everything(draft)
    question = _questions(draft)[0]
    own = Training.objects.create(
        title="Revendiquer et animer sa fiche Google",
        format=Training.Format.WORKSHOP,
        audience=Audience.BUSINESSES,
        organiser=office,
    )
    own.questions.add(question)
    factories.make_session(own, days=12, place="Castelroc")
    network = Training.objects.create(
        title="Répondre aux avis clients",
        format=Training.Format.WEBINAR,
        audience=Audience.BUSINESSES,
    )
    network.axes.add(question.axis)
    elsewhere = Training.objects.create(
        title="Atelier d’un autre office",
        format=Training.Format.WORKSHOP,
        audience=Audience.BUSINESSES,
        organiser=factories.make_office(),
    )
    elsewhere.axes.add(question.axis)
    for_offices = Training.objects.create(
        title="Formation des équipes d’office", format=Training.Format.COURSE
    )
    for_offices.axes.add(question.axis)
    return services.diagnostic_submit(diagnostic=draft, share_details=True)


def test_results_show_level_priorities_and_the_workshops_that_fit(client, token, submitted):
    response = client.get(url("results", token))
    assert response.status_code == 200
    text = response.text
    assert submitted.overall_level.name in text
    assert "Vos trois priorités" in text
    assert "Revendiquer et animer sa fiche Google" in text
    assert "Prochaine session le" in text
    assert "Répondre aux avis clients" in text
    assert "Atelier d’un autre office" not in text
    assert "Formation des équipes d’office" not in text
    assert "Plan d’action" not in text
    assert "pas encore assez de réponses" in text


def test_results_compare_with_five_businesses_of_the_same_activity(
    client, token, submitted, office, campaign
):
    for _ in range(5):
        peer = factories.make_business(office)
        diagnostic = services.diagnostic_start(organisation=peer, campaign=campaign)
        factories.answer_all(diagnostic)
        services.diagnostic_submit(diagnostic=diagnostic)
    assert "Prestataires comparables" in client.get(url("results", token)).text


def test_the_short_pdf_has_two_to_four_pages(client, token, submitted):
    cache.clear()
    response = client.get(url("report_pdf", token))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert _private(response)
    reader = PdfReader(io.BytesIO(response.content))
    assert 2 <= len(reader.pages) <= 4
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Gîte des Trois Chênes" in text
    assert "Revendiquer et animer sa fiche Google" in text
    assert "/StructTreeRoot" in str(reader.trailer["/Root"].keys())


def test_results_wait_for_the_submission(client, token, draft):
    assert client.get(url("results", token)).url == url("home", token)
    assert client.get(url("report_pdf", token)).url == url("home", token)


PAGES = [("home", ()), ("resume", ()), ("axis", ("axe-1",)), ("review", ()), ("results", ())]


@pytest.mark.parametrize("name,args", PAGES + [("report_pdf", ())])
def test_expired_revoked_and_forged_links_open_nothing(client, token, draft, name, args):
    link = BusinessLink.objects.get(business=draft.organisation)
    assert client.get(url(name, "x" * 43, *args)).status_code == 400
    BusinessLink.objects.filter(pk=link.pk).update(expires_at=timezone.now())
    expired = client.get(url(name, token, *args))
    assert expired.status_code == 410 and "expiré" in expired.text
    services.business_link_revoke(link=link)
    revoked = client.get(url(name, token, *args))
    assert revoked.status_code == 410 and "désactivé" in revoked.text
    assert _private(revoked)


def test_a_dead_link_cannot_save_or_submit(client, token, draft):
    _answer_everything(draft)
    services.business_link_revoke(link=BusinessLink.objects.get(business=draft.organisation))
    question = _questions(draft)[0]
    response = client.post(url("autosave", token, question.pk), {choice_field_name(question): ""})
    assert response.status_code == 410
    response = client.post(url("review", token), {"share_details": "yes", "confirm": "on"})
    assert response.status_code == 410
    draft.refresh_from_db()
    assert not draft.is_submitted


@pytest.mark.parametrize("who", ["director", "staff", "anonymous"])
def test_a_session_neither_opens_nor_widens_a_link(client, token, draft, office, who):
    if who == "director":
        client.force_login(factories.director_of(office))
    elif who == "staff":
        client.force_login(factories.make_user(is_staff=True, is_superuser=True))
    assert client.get(url("home", "x" * 43)).status_code == 400
    assert client.get(url("axis", "x" * 43, "axe-1")).status_code == 400
    # The right link works the same for anyone holding it, and no more.
    page = client.get(url("axis", token, "axe-1"))
    assert page.status_code == 200 and _private(page)
    assert client.get(url("results", token)).url == url("home", token)


@pytest.mark.parametrize("who", ["director", "staff", "anonymous"])
def test_the_header_names_the_office_and_offers_no_account(client, token, draft, office, who):
    """A business is not a user: neither « Se connecter » nor a session's account links
    on its pages, whoever's browser holds the link, but the office that proposes it."""
    if who == "director":
        client.force_login(factories.director_of(office))
    elif who == "staff":
        client.force_login(factories.make_user("mopa", is_staff=True, is_superuser=True))
    account = ("Se connecter", "Se déconnecter", "Administration", "/comptes/")
    for name, args in [("home", ()), ("axis", ("axe-1",)), ("review", ())]:
        page = client.get(url(name, token, *args)).text
        assert "Diagnostic proposé par l’Office de tourisme de Castelroc" in page, name
        assert not [text for text in account if text in page], name
    refused = client.get(url("home", "x" * 43)).text
    assert "proposé par" not in refused
    assert not [text for text in account if text in refused]
    if who == "anonymous":  # elsewhere, the header is as it was
        assert "Se connecter" in client.get(reverse("diagnostics:home")).text


def test_every_business_page_is_private(client, token, submitted):
    for name, args in [("home", ()), ("results", ())]:
        response = client.get(url(name, token, *args))
        assert response.status_code == 200, name
        assert _private(response), name


def test_the_report_task_prints_the_business_short_report(
    token, draft, django_capture_on_commit_callbacks
):
    from diagnostics import report
    from diagnostics.results import build_results

    _answer_everything(draft)
    cache.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.diagnostic_submit(diagnostic=draft)
    html = report.render_html(build_results(Diagnostic.objects.get(pk=draft.pk)))
    assert "Le profil numérique de votre activité" in html
    assert report.cached_pdf(html) is not None  # printed at submission (immediate task backend)


def test_the_results_page_reads_a_fixed_number_of_queries(
    client, token, submitted, office, django_assert_max_num_queries
):
    """Ten more workshops with their sessions cost no query."""
    with CaptureQueriesContext(connection) as first:
        client.get(url("results", token))
    axis = Question.objects.filter(questionnaire=submitted.questionnaire).first().axis
    for n in range(10):
        workshop = Training.objects.create(
            title=f"Atelier {n}",
            format=Training.Format.WORKSHOP,
            audience=Audience.BUSINESSES,
            organiser=office,
        )
        workshop.axes.add(axis)
        factories.make_session(workshop, days=n + 1, place="Ici")
    with django_assert_max_num_queries(len(first)):
        assert client.get(url("results", token)).status_code == 200


def test_the_office_is_named_with_its_article(client, token, draft, submitted):
    """« …si l’Office de tourisme de Castelroc peut voir », never « si Office de tourisme »."""
    home = client.get(url("home", token)).text
    assert "vous choisissez si l’Office de tourisme de Castelroc peut voir" in home
    assert "L’Office de tourisme de Castelroc vous propose" in home
    results = client.get(url("results", token)).text
    assert "Vous avez accepté que l’Office de tourisme de Castelroc voie" in results
    assert "proposé par l’Office de tourisme de Castelroc" in results
