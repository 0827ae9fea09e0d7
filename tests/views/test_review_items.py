"""The review list's items, written in Python (diagnostics/review_items.py), against what
includes/review_answers.html's loop wrote before: the same HTML, whitespace aside, for an
answer to confirm, « non concerné », a choice, none, a comment, texts to escape, what the
website check observed beside an answer, who answered and when (a person with or without
a full name, a business), on the review page, with the campaign closed and on the
submitted answers' page; and the pages serve them."""

from datetime import timedelta

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from diagnostics import services
from diagnostics.management.demo_websites import office_indicators
from diagnostics.models import Answer, Campaign, Diagnostic, Question
from diagnostics.review_items import review_items
from tests import factories
from tests.admin.test_compare_rows import normalised
from tests.views.test_observed import SITE, observed, official

# includes/review_answers.html's loop as it was, with the words it translated once.
REFERENCE = Template(
    """{% load i18n snut %}
{% translate "À confirmer" as to_confirm %}{% translate "Non concerné" as not_applicable %}{% translate "Sans réponse" as no_answer %}{% translate "Modifier" as edit %}
      {% for question, answer in rows %}
      <li class="py-2{% if not forloop.last %} border-bottom{% endif %}">
        <p class="mb-1 fw-semibold">{{ question.text }}</p>
        <p class="mb-1">
          {% if answer.carried_over %}<span class="badge text-bg-warning me-1">{{ to_confirm }}</span>{% endif %}
          {% if answer.not_applicable %}{{ not_applicable }}{% elif answer.choice_id %}{{ answer.choice.label }}{% else %}<span class="text-danger fw-semibold">{{ no_answer }}</span>{% endif %}
        </p>
        {% if observed %}{% with row=observed.by_code|get_item:question.code %}{% include "diagnostics/observed/beside.html" %}{% endwith %}{% endif %}
        {% if answer.comment %}<p class="small text-body-secondary mb-1 snut-comment">{% blocktranslate with comment=answer.comment %}Commentaire : {{ comment }}{% endblocktranslate %}</p>{% endif %}
        {% if read_only and answer %}<p class="small text-body-secondary mb-0 snut-answered-by">{% with when=answer.updated_at|long_date at=answer.updated_at|time:"H:i" %}{% if answer.updated_by %}{% blocktranslate with name=answer.updated_by.get_full_name|default:answer.updated_by.get_username %}Répondu par {{ name }} le {{ when }} à {{ at }}{% endblocktranslate %}{% else %}{% blocktranslate %}Répondu le {{ when }} à {{ at }}{% endblocktranslate %}{% endif %}{% endwith %}</p>{% endif %}
        {% if campaign_open %}<a class="small" href="{{ axis_url }}#q-{{ question.code }}">{{ edit }}<span class="visually-hidden"> — {{ question.text }}</span></a>{% endif %}
      </li>
      {% endfor %}
"""
)


def assert_same(response) -> str:
    """Each axis's items as the former loop and review_items write them from the page's
    own context; all of them, as the page serves them."""
    context = response.context
    urls = context.get("urls") or {}
    page = normalised(response.content.decode())
    everything = []
    for item, rows in context["sections"]:
        values = {
            "rows": rows,
            "axis_url": (urls.get("axes") or {}).get(item.axis.code),
            "observed": context.get("observed"),
            "read_only": context.get("read_only", False),
            "campaign_open": context.get("campaign_open"),
        }
        written = normalised(review_items(**values))
        assert written == normalised(REFERENCE.render(Context(values)))
        assert written in page
        everything.append(written)
    return " ".join(everything)


@pytest.fixture
def answered(office, director):
    """The factory questionnaire as v3 (its website questions observed), every answer
    given, then: a question text and a comment to escape, « non concerné », no answer,
    an answer to confirm; the office's site checked."""
    questionnaire = official(factories.build_questionnaire())
    campaign = factories.open_campaign(questionnaire)
    diagnostic = Diagnostic.objects.create(
        organisation=office, campaign=campaign, questionnaire=questionnaire, created_by=director
    )
    factories.answer_all(diagnostic, pick=lambda choices: choices[3])
    first, second, third, fourth = Question.objects.filter(questionnaire=questionnaire).order_by(
        "axis__order", "order"
    )[:4]
    Question.objects.filter(pk=first.pk).update(text="Votre site <b>« officiel »</b> & le reste")
    Question.objects.filter(pk=second.pk).update(allow_not_applicable=True)
    answers = Answer.objects.filter(diagnostic=diagnostic)
    answers.filter(question=first).update(comment="<script>alert('x')</script> & « ça »")
    answers.filter(question=second).update(choice=None, not_applicable=True)
    answers.filter(question=third).delete()
    answers.filter(question=fourth).update(carried_over=True)
    observed(office, {**office_indicators(SITE, demo=False), "viewport": False})
    return diagnostic


def test_the_review_page_writes_its_items_as_the_template_did(client, director, answered):
    client.force_login(director)
    response = client.get(reverse("diagnostics:review", args=[answered.pk]))
    written = assert_same(response)
    for seen in ("&lt;script&gt;", "Non concerné", "Sans réponse", "À confirmer", "Modifier"):
        assert seen in written
    assert "snut-observed-beside" in written and "<b>" not in written
    Campaign.objects.filter(pk=answered.campaign_id).update(opens="2020-01-01", closes="2020-12-31")
    closed = assert_same(client.get(reverse("diagnostics:review", args=[answered.pk])))
    assert "Modifier" not in closed


def test_the_answers_page_writes_who_answered_and_when_as_the_template_did(
    client, director, answered
):
    """A person with a full name, one without, a business (no one): in the reader's time."""
    # Answered and confirmed, so that it can be submitted.
    Answer.objects.filter(diagnostic=answered).update(carried_over=False)
    missing = Question.objects.filter(questionnaire=answered.questionnaire).exclude(
        answers__diagnostic=answered
    )
    for question in missing:
        services.answer_save(
            diagnostic=answered, question=question, choice=question.choices.first(), user=director
        )
    named = factories.make_user("camille", first_name="Camille", last_name="Éon")
    rows = list(Answer.objects.filter(diagnostic=answered).order_by("question__order", "pk"))
    late = timezone.now().replace(hour=23, minute=30) - timedelta(days=40)
    Answer.objects.filter(pk=rows[0].pk).update(updated_by=named, updated_at=late)
    Answer.objects.filter(pk=rows[1].pk).update(updated_by=director)
    Answer.objects.filter(pk=rows[2].pk).update(updated_by=None)
    services.diagnostic_submit(diagnostic=answered, user=director)
    client.force_login(director)
    response = client.get(reverse("diagnostics:answers", args=[answered.pk]))
    assert response.status_code == 200
    written = assert_same(response)
    assert "Répondu par Camille Éon le" in written and "Répondu par directrice le" in written
    assert "Répondu le" in written and "Modifier" not in written
