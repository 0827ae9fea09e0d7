"""A diagnostic in the admin: its reopenings, axis scores, axes' importance and answers,
shown as read-only tables (issue 14, part 5), and the list of diagnostics."""

import pytest
from django.contrib import admin
from django.contrib.admin import ModelAdmin
from django.urls import reverse

from diagnostics import services
from diagnostics.models import Answer, AxisImportance, Diagnostic, MaturityLevel, Office
from tests import factories
from tests.admin.conftest import assert_rows_as_django_writes, bulk_region

LIST = "admin:diagnostics_diagnostic_changelist"
# A diagnostic's page: the session, the reader and their permissions, the diagnostic, its
# reopenings, axis scores, importance and answers (one query each), its content type.
CHANGE_PAGE_QUERIES = 10


def change_url(diagnostic):
    return reverse("admin:diagnostics_diagnostic_change", args=[diagnostic.pk])


@pytest.fixture
def reopened_and_resubmitted(complete, director, network_staff):
    """Submitted, reopened with a reason, given an importance and a comment, submitted again."""
    services.diagnostic_submit(diagnostic=complete, user=director)
    services.diagnostic_reopen(
        diagnostic=complete, user=network_staff, reason="Soumis par erreur <b>trop tôt</b>"
    )
    axis = complete.questionnaire.axes.order_by("order").first()
    AxisImportance.objects.create(
        diagnostic=complete, axis=axis, importance=AxisImportance.Importance.ESSENTIAL
    )
    first = Answer.objects.filter(diagnostic=complete).order_by("question__order").first()
    first.comment = "Site refait en <script>2025</script>"
    first.updated_by = director
    first.save()
    return services.diagnostic_submit(diagnostic=complete, user=director)


def test_staff_read_every_section_of_a_submitted_diagnostic(
    client, network_staff, reopened_and_resubmitted
):
    diagnostic = reopened_and_resubmitted
    client.force_login(network_staff)
    page = client.get(change_url(diagnostic)).content.decode()
    # The reopening, escaped.
    assert "Réouvertures de diagnostics" in page
    assert "Soumis par erreur &lt;b&gt;trop tôt&lt;/b&gt;" in page
    assert "reseau" in page
    # Each axis's score, level and narrative, and the importance the office gave.
    assert '<caption id="scores-axes">Scores par axe</caption>' in page
    for axis_score in diagnostic.axis_scores.select_related("axis", "level"):
        assert f'<th scope="row">{axis_score.axis}</th>' in page
        assert axis_score.level.name in page
    assert ">Importance des axes</caption>" in page and "Essentiel" in page
    # Every answer, under its axis's caption, the comment escaped.
    for axis in diagnostic.questionnaire.axes.all():
        assert f">{axis.code} — {axis.name}</caption>" in page
    for answer in diagnostic.answers.select_related("question", "choice"):
        assert str(answer.question) in page and answer.choice.label in page
    assert "Site refait en &lt;script&gt;2025&lt;/script&gt;" in page
    assert page.count("<tr>") >= diagnostic.answers.count()
    # Read-only: no field to edit, no button to save.
    assert 'name="_save"' not in page and "<textarea" not in page


@pytest.mark.parametrize("role", ["anonymous", "director", "staff_without_group"])
def test_a_diagnostic_is_not_shown_outside_the_network_staff(
    client, reopened_and_resubmitted, role
):
    if role == "director":
        client.force_login(reopened_and_resubmitted.organisation.memberships.first().user)
    elif role == "staff_without_group":
        client.force_login(factories.make_user("stagiaire", is_staff=True))
    response = client.get(change_url(reopened_and_resubmitted))
    assert response.status_code in (302, 403)
    assert "Réponses" not in response.content.decode()


@pytest.mark.parametrize("size", [5, 200])
def test_diagnostic_list_runs_a_constant_number_of_queries(
    client, superuser, questionnaire, size, django_assert_num_queries
):
    campaign = factories.open_campaign(questionnaire)
    bulk_region(campaign, size)
    client.force_login(superuser)  # who may delete drafts: the rows have their checkboxes
    # The same 7 queries for 5 or 200 diagnostics (the page shows 100), counted once
    # without a filter; then 4, the campaign, department and level filters' choices kept
    # (KeptRelatedFilter).
    for expected in (7, 4):
        with django_assert_num_queries(expected):
            response = client.get(reverse(LIST))
    page = response.content.decode()
    shown = min(size, 100)
    assert page.count('class="action-select"') == shown
    first = Diagnostic.objects.select_related("organisation").order_by("-created_at").first()
    assert f'aria-label="Choisir cet objet pour une action - {first}"' in page


@pytest.mark.parametrize("model", [Diagnostic, Office])
def test_the_quick_action_checkbox_is_the_one_django_renders(model, office, diagnostic):
    model_admin = admin.site._registry[model]
    obj = diagnostic if model is Diagnostic else office
    office.name = "Office <b>« Dune »</b> & co"  # in the aria-label, escaped
    assert model_admin.action_checkbox(obj) == ModelAdmin.action_checkbox(model_admin, obj)


@pytest.mark.parametrize("query", [{}, {"status": "submitted", "o": "-5"}, {"q": "Office"}])
def test_diagnostic_rows_are_the_html_django_would_write(
    client, superuser, questionnaire, query, complete, director
):
    """QuickRowsMixin (admin/rows.py) writes each row itself: cell for cell what
    items_for_result gives for model fields (a related object, a status's label, a date),
    display methods and links keeping the list's filters, drafts and submitted alike."""
    campaign = factories.open_campaign(questionnaire)
    bulk_region(campaign, 6)
    services.diagnostic_submit(diagnostic=complete, user=director)
    client.force_login(superuser)
    assert_rows_as_django_writes(client.get(reverse(LIST), query))


OLD_ANSWER_ROWS = """{% load i18n %}{% for answer in answers %}
        <tr>
          <th scope="row">{{ answer.question }}</th>
          <td class="snut-text">{{ answer.choice|default:"—" }}</td>
          <td>{% if answer.not_applicable %}{% translate "oui" %}{% else %}{% translate "non" %}{% endif %}</td>
          <td>{{ answer.comment|linebreaksbr|default:"—" }}</td>
          <td>{{ answer.updated_by|default:"—" }}</td>
          <td>{{ answer.updated_at }}</td>
        </tr>
      {% endfor %}"""  # noqa: E501 (the template's lines, as they were)


def test_the_answers_rows_are_what_the_template_wrote(
    client, network_staff, reopened_and_resubmitted, django_assert_num_queries, page_memo_off
):
    """diagnostic_sections writes the 69 answers' rows in Python: cell for cell what the
    template's loop wrote (a comment on two lines with markup, who changed it, one not applicable,
    one without a choice), read in one query with what they show."""
    from django.contrib.contenttypes.models import ContentType
    from django.template import Context, Template

    from diagnostics.admin.diagnostic_sections import answer_rows
    from diagnostics.selectors import answers_by_axis

    diagnostic = reopened_and_resubmitted
    answers = list(diagnostic.answers.order_by("question__order"))
    answers[0].comment = "Refait <b>en 2025</b>\npuis traduit"
    answers[0].save()
    Answer.objects.filter(pk=answers[1].pk).update(choice=None, not_applicable=True)
    Answer.objects.filter(pk=answers[2].pk).update(choice=None, comment="")
    groups = answers_by_axis(diagnostic)
    with django_assert_num_queries(0):  # the rows read nothing more
        written = "".join(answer_rows(group) for _axis, group in groups)
    old = Template(OLD_ANSWER_ROWS)
    assert written == "".join(old.render(Context({"answers": group})) for _axis, group in groups)
    assert "Refait &lt;b&gt;en 2025&lt;/b&gt;<br>puis" in written
    client.force_login(network_staff)
    ContentType.objects.clear_cache()  # kept per process: read once more on a fresh one
    with django_assert_num_queries(CHANGE_PAGE_QUERIES):
        assert client.get(change_url(diagnostic)).status_code == 200


def test_the_kept_level_choices_follow_a_write(client, superuser, questionnaire, page_memo_off):
    campaign = factories.open_campaign(questionnaire)
    bulk_region(campaign, 3)
    client.force_login(superuser)
    level = MaturityLevel.objects.filter(questionnaire=questionnaire).first()
    assert f"overall_level__id__exact={level.pk}" in client.get(reverse(LIST)).content.decode()
    MaturityLevel.objects.filter(pk=level.pk).update(name="Niveau renommé")
    assert "Niveau renommé" in client.get(reverse(LIST)).content.decode()


def test_the_campaign_filter_lists_the_offices_campaigns_only(
    client, network_staff, questionnaire, office, page_memo_off
):
    """Each office's campaign with its businesses never holds an office's diagnostic: a
    network of a thousand offices would list a thousand of them (2,000 links written on
    every view of the list)."""
    from diagnostics.models import Audience

    campaign = factories.open_campaign(questionnaire)
    bulk_region(campaign, 2)
    earlier = factories.closed_campaign(questionnaire, name="Campagne 2025")
    theirs = factories.build_questionnaire(audience=Audience.BUSINESSES)
    business_campaign = factories.open_campaign(theirs, organiser=office)
    client.force_login(network_staff)
    page = client.get(reverse(LIST)).content.decode()
    assert f"campaign__id__exact={campaign.pk}" in page
    assert f"campaign__id__exact={earlier.pk}" in page
    assert f"campaign__id__exact={business_campaign.pk}" not in page


@pytest.mark.parametrize(
    "name", ["admin:diagnostics_answer_changelist", "admin:diagnostics_axisscore_changelist"]
)
def test_the_answers_and_scores_lists_filter_by_the_offices_campaigns(
    client, network_staff, questionnaire, office, page_memo_off, name
):
    from diagnostics.models import Audience

    campaign = factories.open_campaign(questionnaire)
    earlier = factories.closed_campaign(questionnaire, name="Campagne 2025")
    bulk_region(campaign, 2)
    theirs = factories.open_campaign(
        factories.build_questionnaire(audience=Audience.BUSINESSES), organiser=office
    )
    client.force_login(network_staff)
    page = client.get(reverse(name)).content.decode()
    assert f"campaign__id__exact={campaign.pk}" in page and f"id__exact={earlier.pk}" in page
    assert f"campaign__id__exact={theirs.pk}" not in page


def test_the_filters_offer_what_the_offices_diagnostics_use(
    client, network_staff, questionnaire, office, page_memo_off
):
    """Not every questionnaire's levels (the businesses' included, under the same names),
    every department of France, nor the businesses' activities: the levels, departments
    and segments the list's rows use, a level told apart by its version where two share a
    name, and « Sans niveau » for a draft."""
    from django.utils import timezone

    from diagnostics.models import Audience, Questionnaire

    next_version = factories.build_questionnaire()
    Questionnaire.objects.filter(pk=next_version.pk).update(
        code=questionnaire.code, version=questionnaire.version + 1
    )
    bulk_region(factories.open_campaign(questionnaire), 2, department="33")
    bulk_region(factories.closed_campaign(next_version), 2, start=2, department="24")
    theirs = factories.build_questionnaire(audience=Audience.BUSINESSES)
    business = factories.make_business(office)
    Diagnostic.objects.create(
        organisation=business,
        campaign=factories.open_campaign(theirs, organiser=office),
        questionnaire=theirs,
        status=Diagnostic.Status.SUBMITTED,
        submitted_at=timezone.now(),
        overall_level=theirs.levels.first(),
    )
    client.force_login(network_staff)
    response = client.get(reverse(LIST))
    specs = {
        spec.field_path: spec
        for spec in response.context["cl"].filter_specs
        if hasattr(spec, "field_path")
    }
    levels = dict(specs["overall_level"].lookup_choices)
    assert set(levels) <= set(
        MaturityLevel.objects.filter(questionnaire__in=[questionnaire, next_version]).values_list(
            "pk", flat=True
        )
    )
    assert all("(version " in str(name) for name in levels.values())  # same names, two versions
    assert specs["overall_level"].empty_value_display == "Sans niveau"
    departments = [str(name) for _pk, name in specs["organisation__department"].lookup_choices]
    assert len(departments) == 2 and all(("(33)" in d) or ("(24)" in d) for d in departments)
    segments = {value for value, _label in specs["organisation__segment"].field.flatchoices}
    assert segments == {s.value for s in Office.OFFICE_SEGMENTS}
