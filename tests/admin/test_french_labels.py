"""The admin speaks French: every field and relation names itself, and rows of several
questionnaire versions say which version they belong to."""

import pytest
from django.apps import apps
from django.urls import reverse


def test_every_field_and_relation_has_a_french_verbose_name():
    unnamed = [
        f"{model.__name__}.{field.name}"
        for model in apps.get_app_config("diagnostics").get_models()
        for field in model._meta.get_fields()
        if (field.concrete or field.many_to_many)
        and not field.auto_created
        and field._verbose_name is None  # Django would derive an English label from the name
    ]
    assert not unnamed


@pytest.mark.parametrize(
    ("model", "field", "label"),
    [
        ("Diagnostic", "campaign", "campagne"),
        ("Diagnostic", "created_by", "créé par"),
        ("Diagnostic", "submitted_by", "soumis par"),
        ("Membership", "user", "utilisateur"),
        ("AxisScore", "axis", "axe"),
        ("AxisScore", "level", "niveau"),
    ],
)
def test_the_labels_the_staff_reported_in_english_are_french(model, field, label):
    assert apps.get_model("diagnostics", model)._meta.get_field(field).verbose_name == label


def test_axis_scores_filter_by_axis_and_level_in_french(client, network_staff, questionnaire):
    client.force_login(network_staff)
    page = client.get(reverse("admin:diagnostics_axisscore_changelist")).content.decode()
    assert "Par axe" in page and "Par niveau" in page
    assert "Par axis" not in page and "Par level" not in page


@pytest.mark.parametrize("model", ["question", "choice"])
def test_questions_and_choices_show_their_questionnaire_version(
    client, network_staff, questionnaire, model
):
    client.force_login(network_staff)
    page = client.get(reverse(f"admin:diagnostics_{model}_changelist")).content.decode()
    assert "column-version" in page
    assert f'<td class="field-version">{questionnaire.version}</td>' in page
