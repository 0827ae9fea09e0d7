"""Migrations keep existing data: departments become rows, duplicates are kept as « remplacé »."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("diagnostics", "0003_questionnaire_revised_at")]
AFTER = [("diagnostics", "0004_one_per_campaign_territories")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def latest_after(transactional_db):
    yield
    executor = MigrationExecutor(connection)
    migrate(executor.loader.graph.leaf_nodes())


def test_departments_and_duplicate_diagnostics_survive_the_migration(latest_after):
    apps = migrate(BEFORE)
    Questionnaire = apps.get_model("diagnostics", "Questionnaire")
    Campaign = apps.get_model("diagnostics", "Campaign")
    Office = apps.get_model("diagnostics", "Office")
    Diagnostic = apps.get_model("diagnostics", "Diagnostic")
    questionnaire = Questionnaire.objects.create(code="m", name="Q", status="published")
    campaign = Campaign.objects.create(
        questionnaire=questionnaire, name="C", opens=date(2026, 1, 1), closes=date(2026, 12, 31)
    )
    office = Office.objects.create(
        name="Office de tourisme de Castelroc",
        slug="castelroc",
        department="24",
        commune="Castelroc",
        category="cat2",
        legal_form="epic",
        staff_band="3-5",
    )
    now = timezone.now()
    first = Diagnostic.objects.create(
        office=office,
        campaign=campaign,
        questionnaire=questionnaire,
        status="submitted",
        submitted_at=now.replace(month=2),
    )
    latest = Diagnostic.objects.create(
        office=office,
        campaign=campaign,
        questionnaire=questionnaire,
        status="submitted",
        submitted_at=now.replace(month=3),
    )
    draft = Diagnostic.objects.create(office=office, campaign=campaign, questionnaire=questionnaire)

    apps = migrate(AFTER)
    Office = apps.get_model("diagnostics", "Office")
    Diagnostic = apps.get_model("diagnostics", "Diagnostic")
    Department = apps.get_model("diagnostics", "Department")
    office = Office.objects.select_related("department__region").get(slug="castelroc")
    assert (office.department.code, office.department.name) == ("24", "Dordogne")
    assert office.department.region.name == "Nouvelle-Aquitaine"
    assert Department.objects.count() == 101
    statuses = dict(Diagnostic.objects.values_list("pk", "status"))
    assert statuses == {first.pk: "replaced", latest.pk: "submitted", draft.pk: "replaced"}
