"""The director's journey without traps: truthful autosave, one diagnostic per campaign,
the director's acts, carried-over answers, the review of every answer."""

import pytest
from django.urls import reverse

from diagnostics import services
from diagnostics.models import Answer, Diagnostic, Membership
from tests import factories
from tests.views.test_filling import axis_url, choices, questions_of


def autosave(client, diagnostic, question, **fields):
    """What the page's script sends: only the fields the user touched, each with its reference."""
    data = {}
    if "choice" in fields:
        data[f"q-{question.pk}"] = fields["choice"]
        data[f"initial-q-{question.pk}"] = fields.get("initial", "")
    if "comment" in fields:
        data[f"c-{question.pk}"] = fields["comment"]
        data[f"initial-c-{question.pk}"] = fields.get("initial_comment", "")
    if fields.get("confirm"):
        data[f"confirm-{question.pk}"] = "1"
    return client.post(reverse("diagnostics:autosave", args=[diagnostic.pk, question.pk]), data)


@pytest.fixture
def colleague(office):
    return factories.make_user(
        "camille", office=office, role=Membership.Role.MEMBER, first_name="Camille"
    )


def test_autosave_never_acknowledges_what_it_did_not_store(client, director, diagnostic):
    """The HTTP sequence of the issue: B over A, then A with the stale reference A."""
    question = questions_of(diagnostic)[0]
    a, b = (str(c.pk) for c in choices(question)[:2])
    client.force_login(director)
    services.answer_save(
        diagnostic=diagnostic, question=question, choice=choices(question)[0], user=director
    )

    first = autosave(client, diagnostic, question, choice=b, initial=a)
    assert first.status_code == 200 and first.json()["answer"]["choice"] == b

    stale = autosave(client, diagnostic, question, choice=a, initial=a)
    assert stale.status_code == 409
    assert stale.json()["conflict"]["choice"] == b  # what is really stored comes back
    assert "saved" not in stale.json()
    assert Answer.objects.get(question=question).choice_id == int(b)

    # The script takes the server's answer as reference and sends again: now it is stored.
    again = autosave(client, diagnostic, question, choice=a, initial=b)
    assert again.status_code == 200 and again.json()["answer"]["choice"] == a
    assert Answer.objects.get(question=question).choice_id == int(a)


def test_two_colleagues_on_the_same_comment_see_the_conflict(
    client, director, colleague, diagnostic
):
    question = questions_of(diagnostic)[0]
    client.force_login(colleague)
    assert autosave(client, diagnostic, question, comment="Vu en bureau").status_code == 200

    client.force_login(director)  # whose page was loaded before Camille wrote
    clash = autosave(client, diagnostic, question, comment="À revoir avec les élus")
    assert clash.status_code == 409
    body = clash.json()
    assert body["conflict"]["comment"] == "Vu en bureau" and body["conflict"]["fields"] == [
        "comment"
    ]
    assert body["error"].startswith("Camille a modifié cette réponse le ")
    assert Answer.objects.get(question=question).comment == "Vu en bureau"

    # « Garder ma version »: the director now knowingly replaces Camille's text.
    kept = autosave(
        client,
        diagnostic,
        question,
        comment="À revoir avec les élus",
        initial_comment="Vu en bureau",
    )
    assert kept.status_code == 200
    assert Answer.objects.get(question=question).comment == "À revoir avec les élus"


def test_a_choice_and_a_comment_by_two_colleagues_do_not_clash(
    client, director, colleague, diagnostic
):
    question = questions_of(diagnostic)[0]
    pick = str(choices(question)[2].pk)
    client.force_login(colleague)
    assert autosave(client, diagnostic, question, choice=pick).status_code == 200
    client.force_login(director)
    response = autosave(client, diagnostic, question, comment="Budget voté")
    assert response.status_code == 200
    # The stored answer comes back whole: the page shows the colleague's choice too.
    assert response.json()["answer"] == {
        "choice": pick,
        "comment": "Budget voté",
        "carried_over": False,
    }


def test_a_page_saved_over_a_colleagues_change_writes_nothing_and_shows_both(
    client, director, colleague, diagnostic
):
    q1, q2, _q3 = questions_of(diagnostic)
    services.answer_save(
        diagnostic=diagnostic,
        question=q1,
        comment="Texte de Camille",
        fields=("comment",),
        user=colleague,
    )
    client.force_login(director)
    data = {  # the director's page was loaded before Camille's comment
        f"q-{q1.pk}": "",
        f"initial-q-{q1.pk}": "",
        f"c-{q1.pk}": "Mon texte",
        f"initial-c-{q1.pk}": "",
        f"q-{q2.pk}": str(choices(q2)[1].pk),
        f"initial-q-{q2.pk}": "",
        f"c-{q2.pk}": "",
        f"initial-c-{q2.pk}": "",
        "continue": "1",
    }
    response = client.post(axis_url(diagnostic), data)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Texte de Camille" in page and "Mon texte" in page
    assert "Rien n’a été enregistré" in page
    assert not Answer.objects.filter(question=q2).exists()  # all or nothing
    assert Answer.objects.get(question=q1).comment == "Texte de Camille"
    # The re-displayed page now refers to Camille's text: saving again keeps mine.
    data[f"initial-c-{q1.pk}"] = "Texte de Camille"
    assert client.post(axis_url(diagnostic), data).status_code == 302
    assert Answer.objects.get(question=q1).comment == "Mon texte"
    assert Answer.objects.get(question=q2).choice == choices(q2)[1]


def test_a_closed_campaign_shows_one_banner_and_disabled_answers(client, director, office):
    questionnaire = factories.build_questionnaire()
    closed = factories.closed_campaign(questionnaire)
    draft = Diagnostic.objects.create(
        organisation=office, campaign=closed, questionnaire=questionnaire
    )
    client.force_login(director)
    page = client.get(axis_url(draft)).content.decode()
    assert page.count("n’est pas ouverte") == 1
    assert page.count('" disabled>') == 3  # each question of the axis
    assert "data-autosave-form" not in page and "Enregistrer et continuer" not in page
    question = questions_of(draft)[0]
    response = autosave(client, draft, question, choice=str(choices(question)[0].pk))
    assert response.status_code == 409 and response.json()["closed"] is True
    office_page = client.get(reverse("diagnostics:office", args=[office.slug])).content.decode()
    assert "Reprendre" not in office_page and "La campagne est close" in office_page


def test_once_submitted_the_office_cannot_start_again_in_the_campaign(
    client, director, office, campaign
):
    client.force_login(director)
    start = reverse("diagnostics:start", args=[office.slug])
    client.post(start, {"campaign": campaign.pk})
    diagnostic = Diagnostic.objects.get()
    factories.answer_all(diagnostic)
    services.diagnostic_submit(diagnostic=diagnostic, user=director)
    page = client.get(reverse("diagnostics:office", args=[office.slug])).content.decode()
    assert "Commencer" not in page and "Aucune campagne n’est ouverte" not in page
    assert "est soumis : un seul diagnostic par campagne" in page
    response = client.post(start, {"campaign": campaign.pk}, follow=True)
    assert "un seul diagnostic par office et par campagne" in response.content.decode()
    assert Diagnostic.objects.count() == 1


@pytest.fixture
def last_year(office, director):
    """The office's submitted diagnostic of last year's campaign, same questionnaire."""
    questionnaire = factories.build_questionnaire()
    previous = factories.open_campaign(questionnaire, name="Campagne 2025", days_ago=380)
    diagnostic = Diagnostic.objects.create(
        organisation=office, campaign=previous, questionnaire=questionnaire
    )
    factories.answer_all(diagnostic, pick=lambda c: c[1])
    first = questions_of(diagnostic)[0]
    diagnostic.answers.filter(question=first).update(comment="Refonte prévue")
    services.diagnostic_submit(diagnostic=diagnostic, user=director)
    return diagnostic


def test_a_new_campaign_starts_from_last_years_answers_to_confirm(
    client, director, office, last_year
):
    current = factories.open_campaign(last_year.questionnaire, name="Campagne 2026")
    client.force_login(director)
    page = client.get(reverse("diagnostics:office", args=[office.slug])).content.decode()
    assert "Partir des réponses de «\u00a0Campagne 2025\u00a0»" in page
    client.post(
        reverse("diagnostics:start", args=[office.slug]),
        {"campaign": current.pk, "carry_over": "1"},
    )
    draft = Diagnostic.objects.get(campaign=current)
    carried = {a.question.code: a for a in draft.answers.select_related("question", "choice")}
    assert len(carried) == 6 and all(a.carried_over for a in carried.values())
    assert {a.choice.label for a in carried.values()} == {"Réponse 2"}
    assert carried["axe-1-01"].comment == "Refonte prévue"
    assert "À confirmer" in client.get(axis_url(draft)).content.decode()

    # Submission waits until every carried-over answer is confirmed or changed.
    with pytest.raises(Exception, match="6 questions sans réponse ou à confirmer"):
        services.diagnostic_submit(diagnostic=draft, user=director)
    question = carried["axe-1-01"].question
    same = str(carried["axe-1-01"].choice_id)
    response = autosave(client, draft, question, choice=same, initial=same, confirm=True)
    assert response.status_code == 200 and response.json()["answer"]["carried_over"] is False
    # Without JavaScript: the « Confirmer » button of the page.
    second = carried["axe-1-02"].question
    token = str(carried["axe-1-02"].choice_id)
    response = client.post(
        axis_url(draft),
        {f"q-{second.pk}": token, f"initial-q-{second.pk}": token, f"confirm-{second.pk}": "1"},
    )
    assert response.status_code == 302 and response.url.endswith("#q-axe-1-02")
    assert draft.answers.filter(carried_over=True).count() == 4


def test_previous_diagnostic_means_the_previous_campaigns(client, director, office, last_year):
    current = factories.open_campaign(last_year.questionnaire, name="Campagne 2026")
    diagnostic = services.diagnostic_start(organisation=office, campaign=current, user=director)
    factories.answer_all(diagnostic)
    services.diagnostic_submit(diagnostic=diagnostic, user=director)
    client.force_login(director)
    page = client.get(reverse("diagnostics:results", args=[diagnostic.pk])).content.decode()
    assert "Diagnostic précédent (Campagne 2025)" in page


def test_a_member_prepares_and_the_director_submits(client, office, diagnostic, colleague):
    factories.answer_all(diagnostic)
    client.force_login(colleague)
    review = reverse("diagnostics:review", args=[diagnostic.pk])
    page = client.get(review).content.decode()
    assert "À soumettre par la direction" in page and "Soumettre définitivement" not in page
    response = client.post(review, {"confirm": "on"}, follow=True)
    assert "Seule la direction de l’office peut soumettre" in response.content.decode()
    assert Diagnostic.objects.get().status == Diagnostic.Status.DRAFT


def test_review_lists_every_answer_with_its_comment_and_a_link(client, director, diagnostic):
    q1, q2, _q3 = questions_of(diagnostic)
    services.answer_save(
        diagnostic=diagnostic, question=q1, choice=choices(q1)[2], comment="Vu en CA", user=director
    )
    client.force_login(director)
    page = client.get(reverse("diagnostics:review", args=[diagnostic.pk])).content.decode()
    assert choices(q1)[2].label in page and "Vu en CA" in page
    assert q2.text in page and "Sans réponse" in page
    assert f"{axis_url(diagnostic)}#q-{q1.code}" in page


def test_the_director_abandons_a_draft_after_confirmation(client, director, office, diagnostic):
    factories.answer_all(diagnostic)
    client.force_login(director)
    url = reverse("diagnostics:abandon", args=[diagnostic.pk])
    page = client.get(url).content.decode()
    assert "seront supprimés définitivement" in page
    assert Diagnostic.objects.exists()  # nothing happens before confirming
    response = client.post(url)
    assert response.url == reverse("diagnostics:office", args=[office.slug])
    assert not Diagnostic.objects.exists() and not Answer.objects.exists()


@pytest.mark.parametrize("who", ["member", "stranger", "staff", "anonymous"])
def test_only_the_director_may_abandon(client, diagnostic, colleague, stranger, who):
    factories.answer_all(diagnostic)
    if who != "anonymous":
        staff = factories.make_user("mopa-x", is_staff=True)
        client.force_login({"member": colleague, "stranger": stranger, "staff": staff}[who])
    response = client.post(reverse("diagnostics:abandon", args=[diagnostic.pk]))
    expected = {"member": 302, "stranger": 404, "staff": 404, "anonymous": 302}[who]
    assert response.status_code == expected
    assert Diagnostic.objects.count() == 1 and Answer.objects.count() == 6


def test_a_submitted_diagnostic_cannot_be_abandoned(client, director, diagnostic):
    factories.answer_all(diagnostic)
    services.diagnostic_submit(diagnostic=diagnostic, user=director)
    client.force_login(director)
    response = client.post(reverse("diagnostics:abandon", args=[diagnostic.pk]))
    assert response.url == reverse("diagnostics:results", args=[diagnostic.pk])
    assert Diagnostic.objects.get().is_submitted


def test_one_click_confirms_every_carried_over_answer_of_an_axis(
    client, director, office, last_year
):
    """« Confirmer toutes les réponses reprises de cet axe »: one POST, the answers of that
    axis still « à confirmer », through the same rules as the one-by-one confirmation."""
    current = factories.open_campaign(last_year.questionnaire, name="Campagne 2026")
    draft = services.diagnostic_start(
        organisation=office, campaign=current, user=director, carry_over=True
    )
    answers = {a.question.code: a for a in draft.answers.select_related("question")}
    first, changed = answers["axe-1-01"].question, answers["axe-1-02"].question
    services.answer_save(
        diagnostic=draft, question=changed, choice=choices(changed)[3], user=director
    )
    client.force_login(director)
    page = client.get(axis_url(draft)).content.decode()
    assert "Confirmer toutes les réponses reprises de cet axe" in page
    assert "2 réponses reprises du diagnostic précédent attendent" in page

    # The page as shown, with a change made on it: saved with the confirmations.
    data = {"confirm_axis": "1"}
    for question in questions_of(draft)[:3]:
        stored = draft.answers.get(question=question)
        data[f"initial-q-{question.pk}"] = data[f"q-{question.pk}"] = str(stored.choice_id)
    data[f"q-{first.pk}"] = str(choices(first)[0].pk)
    before = draft.answers.get(question=changed).updated_at
    response = client.post(axis_url(draft), data, follow=True)
    assert "2 réponses reprises confirmées sur cet axe." in response.content.decode()
    assert "Confirmer toutes les réponses reprises" not in response.content.decode()
    stored = {a.question.code: a for a in draft.answers.select_related("question")}
    assert [c for c, a in stored.items() if a.carried_over] == ["axe-2-01", "axe-2-02", "axe-2-03"]
    assert stored["axe-1-01"].choice_id == choices(first)[0].pk
    assert stored["axe-1-03"].updated_by == director
    assert stored["axe-1-02"].updated_at == before  # not « à confirmer »: untouched


def test_confirming_an_axis_is_all_or_nothing(client, director, office, colleague, last_year):
    """The page changes an answer a colleague changed since it was loaded: the conflict
    is shown and nothing is saved, not even the other answers' confirmations."""
    current = factories.open_campaign(last_year.questionnaire, name="Campagne 2026")
    draft = services.diagnostic_start(
        organisation=office, campaign=current, user=director, carry_over=True
    )
    client.force_login(director)
    data = {"confirm_axis": "1"}
    for question in questions_of(draft)[:3]:
        stored = draft.answers.get(question=question)
        data[f"initial-q-{question.pk}"] = data[f"q-{question.pk}"] = str(stored.choice_id)
    question = questions_of(draft)[2]
    data[f"q-{question.pk}"] = str(choices(question)[2].pk)
    services.answer_save(
        diagnostic=draft, question=question, choice=choices(question)[0], user=colleague
    )
    response = client.post(axis_url(draft), data)
    assert response.status_code == 409
    assert "Camille a modifié cette réponse" in response.content.decode()
    assert draft.answers.filter(carried_over=True).count() == 5
    assert draft.answers.get(question=question).choice == choices(question)[0]


def test_confirming_an_axis_is_refused_once_the_campaign_is_closed(
    client, director, office, last_year
):
    current = factories.open_campaign(last_year.questionnaire, name="Campagne 2026")
    draft = services.diagnostic_start(
        organisation=office, campaign=current, user=director, carry_over=True
    )
    current.closes = current.opens
    current.save()
    client.force_login(director)
    page = client.get(axis_url(draft)).content.decode()
    assert "Confirmer toutes les réponses reprises" not in page
    client.post(axis_url(draft), {"confirm_axis": "1"})
    assert draft.answers.filter(carried_over=True).count() == 6
