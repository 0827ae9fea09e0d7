"""The benchmark's data: offices and campaigns seeded or reused, plans and the catalogue,
the network in one region, business diagnostics."""

import time
from datetime import timedelta

from common import fresh_database, seed_businesses, seed_region  # noqa: I001
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

# A regional network: Nouvelle-Aquitaine's twelve departments.
NETWORK_REGION = "75"


NETWORK_DEPARTMENTS = ["16", "17", "19", "23", "24", "33", "40", "47", "64", "79", "86", "87"]


def prepare(count: int, campaigns: int = 1):
    from django.contrib.auth import get_user_model

    from diagnostics import services
    from diagnostics.models import Diagnostic, Membership, Office

    start = time.perf_counter()
    fresh_database()
    carried_beyond_the_office()
    campaign, offices = seed_region(count, campaigns=campaigns)
    plans_and_catalogue(campaign, offices)
    users = get_user_model().objects
    director = users.create_user("bench-director")
    Membership.objects.create(user=director, office=offices[0], role=Membership.Role.DIRECTOR)
    staff = users.create_user("bench-staff", is_staff=True)
    staff.groups.add(services.network_group_sync())
    submitted = Diagnostic.objects.get(organisation=offices[0], campaign=campaign)
    # One diagnostic per office and campaign: the draft is a second office's, same director.
    first = offices[0]
    filling = Office.objects.create(
        name="Office de tourisme en cours",
        slug="bench-draft",
        department_id=first.department_id,
        commune="Commune en cours",
        segment=first.segment,
        legal_form=first.legal_form,
        staff_band=first.staff_band,
    )
    Membership.objects.create(user=director, office=filling, role=Membership.Role.DIRECTOR)
    draft = services.diagnostic_start(organisation=filling, campaign=campaign, user=director)
    print(
        f"Seeded {count} offices × {campaigns} campaign(s) in "
        f"{time.perf_counter() - start:.1f} s ({connection.vendor})."
    )
    return campaign, offices, director, staff, submitted, draft


def reuse(count: int, campaigns: int = 1):
    """The objects `prepare` returns, found in the database it seeded earlier with the same
    `count` and `campaigns` (migrated first, in case the code has a new migration)."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from diagnostics.models import Campaign, Diagnostic, Office

    call_command("migrate", verbosity=0)
    offices = list(Office.objects.filter(slug__regex=r"^bench-[0-9]{4}$").order_by("slug"))
    if len(offices) != count:
        raise SystemExit(f"--reuse: the database holds {len(offices)} offices, not {count}.")
    campaign = Campaign.objects.latest("opens")
    users = get_user_model().objects
    director, staff = users.get(username="bench-director"), users.get(username="bench-staff")
    submitted = Diagnostic.objects.get(organisation=offices[0], campaign=campaign)
    draft = Diagnostic.objects.get(organisation__slug="bench-draft", campaign=campaign)
    print(f"Reused {count} offices ({connection.vendor}).")
    return campaign, offices, director, staff, submitted, draft


def carried_beyond_the_office() -> None:
    """Questionnaire v1 has no scale: as in v2, a quarter of the questions' recommendations
    are carried with the department, so that pooling has something to suggest. Written
    before anything reads the questionnaire, whose structure is then kept in memory."""
    from diagnostics.models import Choice, Question

    questions = list(Question.objects.order_by("pk").values_list("pk", flat=True))
    Choice.objects.filter(question__in=questions[::4]).update(scale="department")
    Choice.objects.exclude(question__in=questions[::4]).update(scale="office")


def plans_and_catalogue(campaign, offices) -> None:
    """Issue 12's data: 12 actions in every office's plan, half the offices named in
    pooling suggestions, a catalogue of 15 trainings on 4 questions each with 2 sessions."""
    from diagnostics.models import Action, Office, Question, Training, TrainingSession

    due = timezone.localdate()
    questions = list(Question.objects.filter(questionnaire=campaign.questionnaire).order_by("pk"))
    diagnostics = dict(campaign.diagnostics.values_list("organisation_id", "pk"))
    Action.objects.bulk_create(
        (
            Action(
                office=office,
                diagnostic_id=diagnostics[office.pk],
                axis_id=question.axis_id,
                question=question,
                title=f"Action {n} : {question.text[:200]}",
                status=list(Action.Status)[n % 4],
                due_date=due + timedelta(days=30 * n - 90),
            )
            for office in offices
            for n, question in enumerate(questions[3 : 3 + 12 * 5 : 5])
        ),
        batch_size=5000,
    )
    Office.objects.filter(pk__in=[o.pk for o in offices[::2]]).update(pooling_opt_in=True)
    for n in range(15):
        training = Training.objects.create(
            title=f"Formation {n:02d}", format=Training.Format.WORKSHOP, duration="2 h"
        )
        training.questions.set(questions[n : n + 4 * 15 : 15])
        TrainingSession.objects.bulk_create(
            TrainingSession(
                training=training,
                starts=timezone.now() + timedelta(days=d),
                ends=timezone.now() + timedelta(days=d, hours=2),
                place="Bordeaux",
            )
            for d in (20 + n, 120 + n)
        )


def network_in_one_region(offices) -> None:
    """The same 1,000 offices moved into one region's 12 departments (about 83 each):
    the density a regional network has, the worst case for pooling."""
    from diagnostics.models import Office

    for index, code in enumerate(NETWORK_DEPARTMENTS):
        Office.objects.filter(
            pk__in=[o.pk for o in offices[index :: len(NETWORK_DEPARTMENTS)]]
        ).update(department=code)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


BUSINESSES_PER_OFFICE = 50


def seed_business_diagnostics(offices, count: int) -> None:
    start = time.perf_counter()
    seed_businesses(offices, count)
    print(
        f"Seeded {count} business diagnostics in "
        f"{time.perf_counter() - start:.1f} s ({connection.vendor})."
    )
