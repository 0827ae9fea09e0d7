"""The questionnaire page's question cards, written in Python (diagnostics/question_cards.py),
against what axis.html's loop wrote before: the same HTML, whitespace aside, for a blank
card, answered ones (a choice, « non concerné », a comment, an answer to confirm), the
optional questions and their heading, errors, a colleague's conflicting answer, a closed
campaign, a business's wording, and texts to escape; and the page serves them."""

import pytest
from django.template import Context, Template

from diagnostics import services
from diagnostics.models import Answer, Campaign, Choice, Membership, Question
from diagnostics.question_cards import question_cards
from tests import factories
from tests.admin.test_compare_rows import normalised
from tests.views.test_filling import axis_url, choices, post_data, questions_of

# templates/diagnostics/axis.html's loop as it was.
REFERENCE = Template(
    """{% load i18n l10n snut %}
      {% localize off %}{% for question, field, options, comment in form.rows %}
      {% if not question.scored %}{% ifchanged question.scored %}
      <h2 class="h5 mt-4 mb-2">{% translate "Vos besoins et disponibilités" %}</h2>
      <p class="small mb-3">{% translate "Ces questions facultatives aident l’office à préparer des ateliers qui vous conviennent : elles ne changent pas votre score." %}</p>
      {% endifchanged %}{% endif %}
      {% with answer=answers|get_item:question.pk conflict=conflicts|get_item:question.pk %}
      <fieldset class="card shadow-sm mb-3 snut-question{% if field.errors or comment.errors or conflict %} border-danger{% endif %}{% if answer.carried_over %} is-carried{% endif %}" id="q-{{ question.code }}" data-autosave-url="{{ urls.autosave|get_item:question.pk }}" data-question="{{ question.pk }}"{% if not campaign_open %} disabled{% endif %}>
        <legend class="snut-legend-q h6 lh-base px-4 pt-4 mb-2"><span class="text-body-secondary me-1">{{ forloop.counter }}.</span> {{ question.text }}{% if not question.scored %} <span class="badge text-bg-light border fw-normal">{% translate "Facultative, sans effet sur votre score" %}</span>{% endif %}</legend>
        <div class="card-body px-4 pb-4 pt-0">
          {% if question.help_text %}<p class="snut-help small mb-3" id="help-{{ question.pk }}">{{ question.help_text }}</p>{% endif %}
          {% if answer.carried_over %}
          <p class="snut-carried small mb-3" data-carried>
            <span class="badge text-bg-warning">{% translate "À confirmer" %}</span>
            {% blocktranslate %}Réponse reprise du diagnostic précédent : confirmez-la ou changez-la.{% endblocktranslate %}
            <button class="btn btn-sm btn-outline-dark ms-1" type="submit" name="{{ question|confirm_name }}" value="1" data-confirm>{% translate "Confirmer cette réponse" %}</button>
          </p>
          {% endif %}
          {% if conflict %}
          <div class="alert alert-danger small" role="alert">
            <p class="mb-1"><strong>{{ conflict.message }}</strong></p>
            {% if conflict.choice is not None %}<p class="mb-1">{% if business %}{% blocktranslate with value=conflict.choice %}Réponse enregistrée : « {{ value }} ».{% endblocktranslate %}{% else %}{% blocktranslate with value=conflict.choice %}Sa réponse : « {{ value }} ».{% endblocktranslate %}{% endif %}</p>{% endif %}
            {% if conflict.comment is not None %}<p class="mb-1">{% if business %}{% blocktranslate with value=conflict.comment|default:"(vide)" %}Commentaire enregistré : « {{ value }} ».{% endblocktranslate %}{% else %}{% blocktranslate with value=conflict.comment|default:"(vide)" %}Son commentaire : « {{ value }} ».{% endblocktranslate %}{% endif %}</p>{% endif %}
            <p class="mb-0">{% if business %}{% translate "La version de cette page est restée affichée : enregistrez pour la garder, ou reprenez l’autre en la resélectionnant." %}{% else %}{% translate "Votre version est restée dans la page : enregistrez pour la garder, ou reprenez la sienne en la resélectionnant." %}{% endif %}</p>
          </div>
          {% endif %}
          {% for error in field.errors %}<div class="alert alert-danger py-2 small" role="alert" id="error-{{ question.pk }}">{{ error }}</div>{% endfor %}
          <input type="hidden" name="initial-{{ field.html_name }}" value="{{ field.initial }}" data-initial>
          <div class="snut-choices">
            {% for radio in options %}
            <label class="snut-choice{% if radio.value == 'na' %} snut-choice-na{% endif %}" for="{{ radio.id }}">
              <input class="form-check-input" type="radio" name="{{ radio.name }}" value="{{ radio.value }}" id="{{ radio.id }}"{% if radio.checked %} checked{% endif %}{% if question.help_text or field.errors %} aria-describedby="{% if question.help_text %}help-{{ question.pk }}{% endif %}{% if field.errors %} error-{{ question.pk }}{% endif %}"{% endif %}>
              <span>{{ radio.label }}</span>
            </label>
            {% endfor %}
          </div>
          <details class="mt-3"{% if comment.value %} open{% endif %}>
            <summary class="small">{% translate "Ajouter un commentaire" %}</summary>
            <input type="hidden" name="initial-{{ comment.html_name }}" value="{{ comment.initial }}" data-initial>
            <label class="visually-hidden" for="{{ comment.id_for_label }}">{{ comment.label }}</label>
            <textarea class="form-control mt-2" name="{{ comment.html_name }}" id="{{ comment.id_for_label }}" rows="2" maxlength="2000" placeholder="{% if business %}{% translate 'Une précision pour votre office de tourisme, si vous le souhaitez' %}{% else %}{% translate 'Précisions pour votre équipe ou votre conseil d’administration' %}{% endif %}">{{ comment.value|default:"" }}</textarea>
            {% for error in comment.errors %}<div class="text-danger small mt-1">{{ error }}</div>{% endfor %}
          </details>
          <div class="snut-conflict d-none" data-conflict role="alert"></div>
          <p class="snut-saved small mb-0 mt-2" data-saved aria-live="polite"></p>
        </div>
      </fieldset>
      {% endwith %}
      {% endfor %}{% endlocalize %}
"""
)


def both(context, *, business=None) -> tuple[str, str]:
    """What the former loop and question_cards write from a page's own context."""
    values = {
        name: context.get(name)
        for name in ("form", "answers", "conflicts", "urls", "campaign_open", "business")
    }
    if business is not None:
        values["business"] = business
    written = question_cards(
        values["form"].rows(),
        answers=values["answers"],
        conflicts=values["conflicts"],
        autosave_urls=values["urls"]["autosave"],
        campaign_open=values["campaign_open"],
        business=values["business"],
    )
    return normalised(REFERENCE.render(Context(values))), normalised(written)


def assert_same(response, *, business=None):
    reference, written = both(response.context, business=business)
    assert written == reference
    if business is None:  # the page's own: the page serves them
        assert written in normalised(response.content.decode())
    return written


@pytest.fixture
def varied(diagnostic, director):
    """The first axis's questions: a help text to escape, an optional question, a choice,
    « non concerné » with a comment to escape, an answer carried over to confirm; the last
    two optional."""
    q1, q2, q3 = questions_of(diagnostic)
    Question.objects.filter(pk=q1.pk).update(
        text="Votre site <b>« officiel »</b> & le reste", help_text='Aide "citée" <i>ici</i>'
    )
    Question.objects.filter(pk__in=[q2.pk, q3.pk]).update(scored=False)  # one heading
    Question.objects.filter(pk=q3.pk).update(allow_not_applicable=True)
    Choice.objects.filter(pk=choices(q2)[0].pk).update(label="Oui <toujours> & « partout »")
    services.answer_save(diagnostic=diagnostic, question=q1, choice=choices(q1)[1], user=director)
    services.answer_save(
        diagnostic=diagnostic,
        question=q3,
        not_applicable=True,
        comment="<script>alert('x')</script>\nsur deux lignes",
        user=director,
    )
    Answer.objects.filter(diagnostic=diagnostic, question=q1).update(carried_over=True)
    return q1, q2, q3


@pytest.mark.parametrize("business", [False, True])
def test_cards_are_written_as_the_template_wrote_them(
    client, director, diagnostic, varied, business
):
    client.force_login(director)
    response = client.get(axis_url(diagnostic))
    assert response.status_code == 200
    written = assert_same(response, business=business)
    assert written.count("Vos besoins et disponibilités") == 1 and "À confirmer" in written
    assert "&lt;script&gt;" in written and "<b>" not in written


def test_errors_and_a_colleagues_answers_are_written_as_the_template_wrote_them(
    client, director, diagnostic, varied, office
):
    q1, q2, q3 = varied
    colleague = factories.make_user("collegue-cartes", office=office, role=Membership.Role.MEMBER)
    client.force_login(director)
    # A choice that is not one of the question's: the field's error.
    response = client.post(
        axis_url(diagnostic),
        {
            **post_data(q2, "9999999"),
            # A comment too long, alone on its card: the comment's error.
            **post_data(q1, str(choices(q1)[1].pk), str(choices(q1)[1].pk), comment="x" * 2001),
            "save": "1",
        },
    )
    assert response.status_code == 400
    written = assert_same(response)
    assert "error-" in written and "text-danger small mt-1" in written  # and the comment's
    # A colleague answered and commented meanwhile: the page shows both versions.
    services.answer_save(
        diagnostic=diagnostic, question=q2, choice=choices(q2)[0], comment="", user=colleague
    )
    # …and cleared a comment: « (vide) ».
    services.answer_save(diagnostic=diagnostic, question=q3, comment="", user=colleague)
    data = {
        **post_data(q2, str(choices(q2)[1].pk)),
        **post_data(
            q3,
            "na",
            initial="na",
            comment="Autre",
            initial_comment="<script>alert('x')</script>\nsur deux lignes",
        ),
        "save": "1",
    }
    response = client.post(axis_url(diagnostic), data)
    assert response.status_code == 409 or response.status_code == 400
    for business in (False, True):
        written = assert_same(response, business=business)
        assert "alert alert-danger small" in written and "«\u00a0(vide)\u00a0»" in written


def test_a_closed_campaign_disables_every_card(client, director, diagnostic, varied):
    Campaign.objects.filter(pk=diagnostic.campaign_id).update(
        opens="2020-01-01", closes="2020-12-31"
    )
    client.force_login(director)
    written = assert_same(client.get(axis_url(diagnostic)))
    assert written.count(" disabled>") == 3
