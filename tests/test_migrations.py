"""Migrations keep existing data: departments become rows, duplicates are kept as « remplacé »,
submitted diagnostics get their weak questions, the stored figures get their table, the
official axes their short names."""

import importlib
from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("diagnostics", "0003_questionnaire_revised_at")]
AFTER = [("diagnostics", "0004_one_per_campaign_territories")]

# Migrates the test database back and forth: on PostgreSQL as well, production's database.
pytestmark = [pytest.mark.slow, pytest.mark.postgres]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_existing_data_survive_every_migration_step(transactional_db):
    """One walk back to 0003, then forward to the latest migration, rows written at each
    step's « before » and checked at its « after »: each step's rows also go through every
    later migration (going back and forth once per step took three times as long)."""
    departments_and_duplicate_diagnostics()
    offices_become_organisations_with_their_diagnostics_and_teams()
    existing_sessions_become_timed_and_keep_their_office()
    submitted_diagnostics_get_their_weak_questions()
    the_stored_figures_get_their_table()
    the_official_axes_get_their_short_names()
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert apps_now().get_model("diagnostics", "Organisation").objects.count() == 3


def test_0030_fills_the_demo_as_its_submissions_did(demo_snapshot, db):
    """0030's data step on a copy of the demo, with the models as they stood then: every
    submitted diagnostic gets back the weak questions its submission stored."""
    demo_snapshot[0].restore()
    Diagnostic = apps_now().get_model("diagnostics", "Diagnostic")
    stored = dict(Diagnostic.objects.values_list("pk", "weak_questions"))
    assert sum(1 for codes in stored.values() if codes) > 50
    Diagnostic.objects.update(weak_questions=[])
    step = importlib.import_module("diagnostics.migrations.0030_weak_questions")
    executor = MigrationExecutor(connection)
    step.fill_weak_questions(
        executor.loader.project_state(("diagnostics", "0030_weak_questions")).apps, None
    )
    assert dict(Diagnostic.objects.values_list("pk", "weak_questions")) == stored


def the_stored_figures_get_their_table():
    """0031: `migrate` alone makes the table of the cache `figures` (settings.CACHES),
    which then keeps and gives back what is stored in it."""
    from django.core.cache import caches

    migrate([("diagnostics", "0030_weak_questions")])
    assert "snut_figures" not in connection.introspection.table_names()
    migrate([("diagnostics", "0031_stored_figures")])
    assert "snut_figures" in connection.introspection.table_names()
    caches["figures"].set("step", {"kept": [1, 2]})
    assert caches["figures"].get("step") == {"kept": [1, 2]}


def the_official_axes_get_their_short_names():
    """0032: an axis of an official questionnaire gets the short name its fixture now
    gives; any other axis keeps none (its header is then drawn from its name)."""
    apps = migrate([("diagnostics", "0031_stored_figures")])
    Questionnaire = apps.get_model("diagnostics", "Questionnaire")
    Axis = apps.get_model("diagnostics", "Axis")
    official = Questionnaire.objects.create(code="snut-ot", version=9, name="SNUT")
    own = Questionnaire.objects.create(code="maison", version=1, name="Maison")
    for questionnaire in (official, own):
        Axis.objects.create(questionnaire=questionnaire, code="mobilite", name="Mobilité")
    apps = migrate([("diagnostics", "0032_axis_short_name")])
    Axis = apps.get_model("diagnostics", "Axis")
    found = dict(
        Axis.objects.filter(code="mobilite").values_list("questionnaire__code", "short_name")
    )
    assert found == {"snut-ot": "Mobilité", "maison": ""}


def apps_now():
    executor = MigrationExecutor(connection)
    return executor.loader.project_state(executor.loader.graph.leaf_nodes()).apps


def departments_and_duplicate_diagnostics():
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


def offices_become_organisations_with_their_diagnostics_and_teams():
    apps = migrate([("diagnostics", "0009_action_plan")])
    Questionnaire = apps.get_model("diagnostics", "Questionnaire")
    Campaign = apps.get_model("diagnostics", "Campaign")
    Office = apps.get_model("diagnostics", "Office")
    Diagnostic = apps.get_model("diagnostics", "Diagnostic")
    Membership = apps.get_model("diagnostics", "Membership")
    Action = apps.get_model("diagnostics", "Action")
    User = apps.get_model("auth", "User")
    questionnaire = Questionnaire.objects.create(code="m2", name="Q2", status="published")
    campaign = Campaign.objects.create(
        questionnaire=questionnaire, name="C", opens=date(2026, 1, 1), closes=date(2026, 12, 31)
    )
    office = Office.objects.create(
        name="Office de tourisme de Lacanau",
        slug="lacanau",
        department_id="33",
        commune="Lacanau",
        category="cat1",
        legal_form="epic",
        staff_band="3-5",
        pooling_opt_in=True,
    )
    user = User.objects.create(username="directrice")
    Membership.objects.create(user=user, office=office, role="director")
    diagnostic = Diagnostic.objects.create(
        office=office,
        campaign=campaign,
        questionnaire=questionnaire,
        status="submitted",
        submitted_at=timezone.now(),
        overall_score=61.5,
    )
    Action.objects.create(office=office, diagnostic=diagnostic, title="Refaire la fiche Google")

    apps = migrate([("diagnostics", "0010_organisations")])
    Organisation = apps.get_model("diagnostics", "Organisation")
    Diagnostic = apps.get_model("diagnostics", "Diagnostic")
    Campaign = apps.get_model("diagnostics", "Campaign")
    migrated = Organisation.objects.get(pk=office.pk)
    assert (migrated.kind, migrated.segment, migrated.parent_id) == ("office", "cat1", None)
    assert (migrated.legal_form, migrated.pooling_opt_in, migrated.department_id) == (
        "epic",
        True,
        "33",
    )
    kept = Diagnostic.objects.get(pk=diagnostic.pk)
    assert (kept.organisation_id, kept.status, float(kept.overall_score)) == (
        office.pk,
        "submitted",
        61.5,
    )
    assert list(migrated.memberships.values_list("user__username", "role")) == [
        ("directrice", "director")
    ]
    assert migrated.actions.get().title == "Refaire la fiche Google"
    # This step's campaign and questionnaire, and the first step's.
    assert set(Campaign.objects.values_list("audience", "organiser")) == {("offices", None)}
    questionnaires = apps.get_model("diagnostics", "Questionnaire").objects
    assert set(questionnaires.values_list("code", "audience")) == {
        ("m", "offices"),
        ("m2", "offices"),
    }


def existing_sessions_become_timed_and_keep_their_office():
    """0024: a session's dates become Paris times (9:00; a workshop lasts 2 hours, a course
    ends at 17:00 on its last day), an office's workshop's session is run by that office."""
    apps = migrate([("diagnostics", "0023_office_appointments")])
    Training = apps.get_model("diagnostics", "Training")
    Organisation = apps.get_model("diagnostics", "Organisation")
    Session = apps.get_model("diagnostics", "TrainingSession")
    Department = apps.get_model("diagnostics", "Department")
    Region = apps.get_model("diagnostics", "Region")
    region = Region.objects.get_or_create(code="75", defaults={"name": "Nouvelle-Aquitaine"})[0]
    department = Department.objects.get_or_create(
        code="24", defaults={"name": "Dordogne", "region": region}
    )[0]
    office = Organisation.objects.create(
        name="Office",
        slug="office-m",
        kind="office",
        segment="cat2",
        department=department,
        commune="Périgueux",
    )
    workshop = Training.objects.create(
        title="Avis", format="workshop", audience="businesses", organiser=office
    )
    course = Training.objects.create(title="Cours", format="course", audience="offices")
    Session.objects.create(training=workshop, starts=date(2027, 7, 2), place="Mairie")
    Session.objects.create(
        training=course, starts=date(2027, 1, 11), ends=date(2027, 1, 12), place="Pau"
    )
    apps = migrate([("diagnostics", "0024_workshop_sessions")])
    Session = apps.get_model("diagnostics", "TrainingSession")
    summer, winter = Session.objects.order_by("starts").reverse()
    paris = timezone.get_default_timezone()
    assert summer.office_id == office.pk and winter.office_id is None
    assert summer.starts.astimezone(paris).hour == 9 and summer.starts.hour == 7  # UTC+2
    assert (summer.ends - summer.starts).total_seconds() == 2 * 3600
    assert winter.starts.hour == 8 and winter.ends.astimezone(paris).hour == 17
    assert winter.ends.astimezone(paris).date() == date(2027, 1, 12)


def submitted_diagnostics_get_their_weak_questions():
    """0030: every submitted diagnostic stores the codes of the questions it answered under
    half of their best points (scoring.WEAK_SHARE), computed from its answers as a
    submission computes them; a draft or a replaced diagnostic stores none."""
    apps = migrate([("diagnostics", "0029_business_rediagnosis")])
    Questionnaire = apps.get_model("diagnostics", "Questionnaire")
    Axis = apps.get_model("diagnostics", "Axis")
    Question = apps.get_model("diagnostics", "Question")
    Choice = apps.get_model("diagnostics", "Choice")
    Campaign = apps.get_model("diagnostics", "Campaign")
    Organisation = apps.get_model("diagnostics", "Organisation")
    Diagnostic = apps.get_model("diagnostics", "Diagnostic")
    Answer = apps.get_model("diagnostics", "Answer")
    questionnaire = Questionnaire.objects.create(code="m3", name="Q3", status="published")
    points = {}
    # Axes stored in the reverse of their order: the codes come in the questionnaire's order.
    for order, code in ((2, "b"), (1, "a")):
        axis = Axis.objects.create(questionnaire=questionnaire, code=code, name=code, order=order)
        for rank in range(1, 4):
            question = Question.objects.create(
                questionnaire=questionnaire,
                axis=axis,
                code=f"{code}-{rank}",
                text=f"Question {code}-{rank}",
                order=rank,
                allow_not_applicable=True,
            )
            # Out of 100, or worth nothing at all for b-3 (never weak).
            values = (0,) if question.code == "b-3" else (0, 49, 50, 51, 100)
            for value in values:
                choice = Choice.objects.create(
                    question=question, order=value, label=str(value), points=value
                )
                points[question.code, value] = choice
    campaign = Campaign.objects.create(
        questionnaire=questionnaire, name="C3", opens=date(2026, 1, 1), closes=date(2026, 12, 31)
    )
    lacanau, castelroc = (Organisation.objects.get(slug=s) for s in ("lacanau", "castelroc"))
    submitted, draft = (
        Diagnostic.objects.create(
            organisation=organisation,
            campaign=campaign,
            questionnaire=questionnaire,
            status=status,
            submitted_at=timezone.now() if status == "submitted" else None,
        )
        for organisation, status in ((lacanau, "submitted"), (castelroc, "draft"))
    )
    # 49 of 100 is just under half, 50 at it and 51 just over; « non concerné » (None) and
    # a question worth no point are never weak.
    chosen = {"a-1": 49, "a-2": 50, "a-3": 0, "b-1": 51, "b-2": None, "b-3": 0}
    for diagnostic in (submitted, draft):
        for code, value in chosen.items():
            Answer.objects.create(
                diagnostic=diagnostic,
                question=Question.objects.get(questionnaire=questionnaire, code=code),
                choice=None if value is None else points[code, value],
                not_applicable=value is None,
            )
    apps = migrate([("diagnostics", "0030_weak_questions")])
    Diagnostic = apps.get_model("diagnostics", "Diagnostic")
    stored = dict(Diagnostic.objects.values_list("pk", "weak_questions"))
    assert stored[submitted.pk] == ["a-1", "a-3"]
    assert stored[draft.pk] == []
    # The earlier steps' diagnostics: submitted without answers, or replaced.
    assert [codes for pk, codes in stored.items() if pk not in (submitted.pk, draft.pk)] == [
        [],
        [],
        [],
        [],
    ]
