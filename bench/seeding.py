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
    campaign = Campaign.objects.network().latest("opens")  # not the businesses' campaigns
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
    start = time.perf_counter()
    earlier = seed_workshop_impact(offices)
    print(
        f"Seeded the workshops' impact ({earlier} earlier business diagnostics, "
        f"{IMPACT_SESSIONS} sessions per office) in {time.perf_counter() - start:.1f} s."
    )


IMPACT_SESSIONS = 3  # two held (attendance and answers noted), one to come
IMPACT_ATTENDEES = 12  # registered per held session, 10 of whom came


def seed_workshop_impact(offices) -> int:
    """Issue 24's data: each office's earlier business campaign, in which a third of its
    businesses had a diagnostic 10 points lower on every axis, and the office's sessions of
    a network workshop, two held (12 registered, 10 came, answers) and one to come: what
    « Mon territoire »'s evolution and the bilan read. Returns the earlier diagnostics."""
    from decimal import Decimal

    from diagnostics.models import (
        Audience,
        AxisScore,
        Campaign,
        Diagnostic,
        SessionRegistration,
        Training,
        TrainingSession,
    )

    now = timezone.now()
    today = timezone.localdate()
    current = {
        c.organiser_id: c
        for c in Campaign.objects.filter(audience=Audience.BUSINESSES, organiser__in=offices)
    }
    earlier = {
        c.organiser_id: c
        for c in Campaign.objects.bulk_create(
            Campaign(
                questionnaire_id=current[office.pk].questionnaire_id,
                name="Diagnostic des prestataires, l’an dernier",
                opens=today - timedelta(days=400),
                closes=today - timedelta(days=330),
                audience=Audience.BUSINESSES,
                organiser=office,
            )
            for office in offices
            if office.pk in current
        )
    }
    rows = list(
        Diagnostic.objects.filter(campaign__in=current.values()).values_list(
            "pk", "organisation_id", "organisation__parent_id", "overall_score"
        )
    )
    chosen = [row for index, row in enumerate(rows) if index % 3 == 0]
    # Scores only, no answers: so no weak questions either (the field's default, as a
    # submission of these answers would store).
    copies = Diagnostic.objects.bulk_create(
        (
            Diagnostic(
                organisation_id=business,
                campaign=earlier[office],
                questionnaire_id=earlier[office].questionnaire_id,
                status=Diagnostic.Status.SUBMITTED,
                submitted_at=now - timedelta(days=380),
                share_details=True,
                overall_score=max(Decimal(0), score - 10),
            )
            for _pk, business, office, score in chosen
        ),
        batch_size=5000,
    )
    copy_of = {row[0]: copy.pk for row, copy in zip(chosen, copies, strict=True)}
    scores = AxisScore.objects.filter(diagnostic_id__in=list(copy_of)).values_list(
        "diagnostic_id", "axis_id", "score", "answered", "total"
    )
    AxisScore.objects.bulk_create(
        (
            AxisScore(
                diagnostic_id=copy_of[diagnostic],
                axis_id=axis,
                score=max(Decimal(0), score - 10),
                answered=answered,
                total=total,
            )
            for diagnostic, axis, score, answered, total in scores.iterator(chunk_size=5000)
        ),
        batch_size=5000,
    )
    workshop = Training.objects.filter(audience=Audience.BUSINESSES).order_by("pk").first()
    held = [now - timedelta(days=240), now - timedelta(days=200), now + timedelta(days=20)]
    sessions = TrainingSession.objects.bulk_create(
        TrainingSession(
            training=workshop,
            office=office,
            starts=starts,
            ends=starts + timedelta(hours=2),
            place="Salle de l’office",
            capacity=IMPACT_ATTENDEES,
        )
        for office in offices
        for starts in held
    )
    twice: dict[int, list[int]] = {}
    for _pk, business, office, _score in chosen:
        twice.setdefault(office, []).append(business)
    registrations = []
    for session in sessions:
        businesses = twice.get(session.office_id, [])
        past = session.starts < now
        offset = IMPACT_ATTENDEES * held.index(session.starts) % max(1, len(businesses))
        for index, business in enumerate(businesses[offset : offset + IMPACT_ATTENDEES]):
            came = past and index < IMPACT_ATTENDEES - 2
            registrations.append(
                SessionRegistration(
                    session=session,
                    business_id=business,
                    status=SessionRegistration.Status.REGISTERED,
                    source=SessionRegistration.Source.INVITATION,
                    attended=came if past else None,
                    useful="yes" if came else "",
                    next_step="further" if came else "",
                )
            )
    SessionRegistration.objects.bulk_create(registrations, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return len(copies)
