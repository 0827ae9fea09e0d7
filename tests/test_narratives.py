"""Narratives per axis and level, effort and scale: fixture keys, validation,
duplication, revision of the structure memo, the admin of a published questionnaire."""

import json

import pytest
from django.core import serializers
from django.urls import reverse

from diagnostics import services
from diagnostics.models import Axis, AxisNarrative, Choice, MaturityLevel, Questionnaire
from diagnostics.validation import questionnaire_faults
from tests import factories


@pytest.fixture
def draft(db):
    return factories.build_questionnaire(status="draft")


def narrate(questionnaire, text="Sur cet axe, l’office débute."):
    axis = questionnaire.axes.order_by("order").first()
    level = questionnaire.levels.order_by("lower_bound").first()
    return AxisNarrative.objects.create(axis=axis, level=level, text=text)


def test_natural_key_round_trips_in_the_fixture_format(draft):
    narrative = narrate(draft)
    data = json.loads(serializers.serialize("json", [narrative], use_natural_foreign_keys=True))
    fields = data[0]["fields"]
    assert fields["axis"] == [draft.code, 1, "axe-1"] and fields["level"] == [draft.code, 1, 0]
    assert AxisNarrative.objects.get_by_natural_key(draft.code, 1, "axe-1", 0) == narrative
    narrative.delete()
    loaded = next(serializers.deserialize("json", json.dumps(data), handle_forward_references=True))
    loaded.save()
    assert AxisNarrative.objects.get().text == "Sur cet axe, l’office débute."


def test_saving_or_deleting_a_narrative_moves_revised_at(draft):
    before = draft.revised_at
    narrative = narrate(draft)
    draft.refresh_from_db()
    assert draft.revised_at > before
    moved = draft.revised_at
    narrative.delete()
    draft.refresh_from_db()
    assert draft.revised_at > moved


def test_validation_checks_narratives_and_effort_only_once_used(draft):
    assert questionnaire_faults(draft) == []  # version 1: no effort anywhere, still sound
    other = factories.build_questionnaire(status="draft")
    AxisNarrative.objects.create(axis=draft.axes.first(), level=other.levels.first(), text="Égaré.")
    Choice.objects.filter(question__questionnaire=draft, question__code="axe-1-01").update(
        effort="quick", scale="office"
    )
    faults = questionnaire_faults(draft)
    assert any("n’appartiennent pas au même questionnaire" in f for f in faults)
    # one question has effort and scale: every other recommendation now needs them
    effortless = [f for f in faults if "n’a pas d’effort ou d’échelle" in f]
    assert len(effortless) == 2 * 3 * 3 - 3
    assert not any("axe-1-01 " in f for f in effortless)


def test_duplicate_copies_effort_scale_and_narratives(questionnaire):
    narrate(questionnaire, "Texte de l’axe 1, premier niveau.")
    Choice.objects.filter(question__questionnaire=questionnaire).update(
        effort="worksite", scale="department"
    )
    copy = services.questionnaire_duplicate(questionnaire=questionnaire)
    narrative = AxisNarrative.objects.get(axis__questionnaire=copy)
    assert narrative.text == "Texte de l’axe 1, premier niveau."
    assert narrative.level.questionnaire == copy and narrative.axis.code == "axe-1"
    assert set(
        Choice.objects.filter(question__questionnaire=copy).values_list("effort", "scale")
    ) == {("worksite", "department")}


def test_narratives_of_a_published_questionnaire_are_read_only_in_the_admin(client, questionnaire):
    narrative = narrate(questionnaire)
    staff = factories.make_user("mopa-adm", is_staff=True)
    staff.groups.add(services.network_group_sync())
    client.force_login(staff)
    url = reverse("admin:diagnostics_axisnarrative_change", args=[narrative.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"text": "Piraté"}).status_code == 403
    axis_page = client.get(reverse("admin:diagnostics_axis_change", args=[narrative.axis_id]))
    assert b"Sur cet axe, l\xe2\x80\x99office d\xc3\xa9bute." in axis_page.content
    assert b'name="narratives-0-text"' not in axis_page.content
    narrative.refresh_from_db()
    assert narrative.text == "Sur cet axe, l’office débute."


def test_narratives_of_a_draft_are_edited_from_the_axis(client, draft):
    staff = factories.make_user("mopa-adm2", is_staff=True)
    staff.groups.add(services.network_group_sync())
    client.force_login(staff)
    axis = Axis.objects.get(questionnaire=draft, code="axe-1")
    page = client.get(reverse("admin:diagnostics_axis_change", args=[axis.pk]))
    level_field = page.context["inline_admin_formsets"][0].formset.empty_form.fields["level"]
    assert set(level_field.queryset) == set(MaturityLevel.objects.filter(questionnaire=draft))
    assert Questionnaire.objects.get(pk=draft.pk).status == "draft"


def test_a_narrative_added_from_the_axis_page_of_a_draft_is_saved(client, draft):
    staff = factories.make_user("mopa-adm3", is_staff=True)
    staff.groups.add(services.network_group_sync())
    client.force_login(staff)
    axis = Axis.objects.get(questionnaire=draft, code="axe-1")
    url = reverse("admin:diagnostics_axis_change", args=[axis.pk])
    page = client.get(url)
    data = {
        field.html_name: field.value() if field.value() is not None else ""
        for field in page.context["adminform"].form
    }
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update({f.html_name: f.value() for f in formset.management_form})
        for form in formset.forms:
            data.update(
                {
                    f.html_name: f.value()
                    for f in form
                    if f.value() is not None and f.name != "DELETE"
                }
            )
    level = MaturityLevel.objects.get(questionnaire=draft, lower_bound=25)
    data.update(
        {
            "narratives-TOTAL_FORMS": "1",
            "narratives-0-level": str(level.pk),
            "narratives-0-text": "Sur cet axe, l’office structure ses pratiques.",
            "narratives-0-axis": str(axis.pk),
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    narrative = AxisNarrative.objects.get(axis=axis)
    assert narrative.level == level and narrative.text.startswith("Sur cet axe")
    assert Axis.objects.get(pk=axis.pk).questions.count() == 3  # the questions stay
