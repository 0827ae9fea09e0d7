"""Shared set-up of the benchmarks: their own database and a region of N offices.

Each office gets a submitted diagnostic of the full official questionnaire:
answers drawn at random, scored by the real scoring service and stored as at
submission (scores, levels, weak questions), but written with bulk inserts so
that 1,000 offices seed in seconds.
"""

import gc
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402


def fresh_database() -> None:
    """Empties the benchmark database (never the app's own), then migrates and loads the questionnaire."""
    db = settings.DATABASES["default"]
    connection.close()
    if db["ENGINE"] == "django.db.backends.sqlite3":
        Path(db["NAME"]).unlink(missing_ok=True)
    else:
        import psycopg2

        admin = psycopg2.connect(
            dbname="postgres",
            user=db["USER"],
            host=db["HOST"],
            port=db["PORT"] or 5432,
            password=db["PASSWORD"],
        )
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{db["NAME"]}"')
            cursor.execute(f'CREATE DATABASE "{db["NAME"]}"')
        admin.close()
    call_command("migrate", verbosity=0)
    call_command("loaddata", "questionnaire_snut", verbosity=0)


def seed_region(count: int, seed: int = 2026, campaigns: int = 1):
    """`count` offices, each with a submitted diagnostic in each of `campaigns`
    campaigns a year apart: the latest is open, the earlier ones closed. Returns
    the latest campaign and the offices."""
    from diagnostics import scoring, selectors
    from diagnostics.models import (
        Answer,
        AxisScore,
        Campaign,
        Department,
        Diagnostic,
        Office,
        Questionnaire,
    )

    rng = random.Random(seed)
    questionnaire = Questionnaire.objects.get(code="snut-ot")
    today = timezone.localdate()
    all_campaigns = [
        Campaign.objects.create(
            questionnaire=questionnaire,
            name="Campagne de mesure" if years_ago == 0 else f"Campagne de mesure N-{years_ago}",
            opens=today - timezone.timedelta(days=30 + 365 * years_ago),
            closes=today + timezone.timedelta(days=30 - 365 * years_ago),
        )
        for years_ago in reversed(range(campaigns))
    ]
    campaign = all_campaigns[-1]
    axes = selectors.questionnaire_axes(questionnaire)
    specs = selectors.scoring_axes(axes)
    levels = selectors.scoring_levels(questionnaire)
    departments = list(Department.objects.values_list("code", flat=True))
    offices = Office.objects.bulk_create(
        Office(
            name=f"Office de tourisme n°{i:04d}",
            slug=f"bench-{i:04d}",
            department_id=departments[i % len(departments)],
            commune=f"Commune {i:04d}",
            segment=[Office.Segment.CAT_1, Office.Segment.CAT_2][i % 2],
            legal_form=Office.LegalForm.ASSOCIATION,
            staff_band=Office.StaffBand.S,
        )
        for i in range(count)
    )
    now = timezone.now()
    diagnostics = Diagnostic.objects.bulk_create(
        (
            Diagnostic(
                organisation=office,
                campaign=each,
                questionnaire=questionnaire,
                status=Diagnostic.Status.SUBMITTED,
                submitted_at=now - timezone.timedelta(days=365 * (len(all_campaigns) - 1 - index)),
            )
            for index, each in enumerate(all_campaigns)
            for office in offices
        ),
        batch_size=2000,
    )
    answers, axis_scores = [], []
    for diagnostic in diagnostics:
        maturity = rng.random()
        picked = []
        for axis in axes:
            for question in axis.questions.all():
                choices = list(question.choices.all())
                index = min(
                    len(choices) - 1, int(rng.triangular(0, len(choices), maturity * len(choices)))
                )
                picked.append(
                    scoring.AnswerSpec(question_id=question.pk, choice_id=choices[index].pk)
                )
                answers.append(
                    Answer(diagnostic=diagnostic, question=question, choice=choices[index])
                )
        profile = scoring.score_diagnostic(specs, levels, picked)
        diagnostic.overall_score = Decimal(f"{profile.score:.2f}")
        diagnostic.overall_level_id = profile.level.id
        diagnostic.weak_questions = scoring.weak_questions(specs, picked)
        for result in profile.axes:
            axis_scores.append(
                AxisScore(
                    diagnostic=diagnostic,
                    axis_id=result.axis.id,
                    score=Decimal(f"{result.score:.2f}"),
                    level_id=result.level.id,
                    answered=result.answered,
                    total=result.total,
                )
            )
        if len(answers) >= 50_000:  # bounded memory at whole-France scale
            Answer.objects.bulk_create(answers, batch_size=5000)
            answers.clear()
    Answer.objects.bulk_create(answers, batch_size=5000)
    AxisScore.objects.bulk_create(axis_scores, batch_size=5000)
    Diagnostic.objects.bulk_update(
        diagnostics, ["overall_score", "overall_level", "weak_questions"], batch_size=1000
    )
    with connection.cursor() as cursor:
        # Planner statistics, as a live database has them (autovacuum would catch up later).
        cursor.execute("ANALYZE")
    return campaign, offices


# What `measure` reads: wall time, or with `--clock cpu` this process's CPU time, which
# other processes on a shared machine do not inflate (on SQLite the database works in
# this process too; on PostgreSQL the server's time would be left out).
CLOCK = {"name": "wall", "read": time.perf_counter}


_frozen = False


def _freeze_what_came_before() -> None:
    """Before the first measure, what the benchmark built (Django's start, the seeded
    offices and diagnostics it holds to drive the pages) is put out of the cyclic garbage
    collector's reach (gc.freeze), once: an app server does not hold that data, and each
    full collection walked it, 100–175 ms fifteen times in a region run, landing on
    whichever rows ran then. What the pages allocate is collected as in a server."""
    global _frozen
    if not _frozen:
        gc.collect()
        gc.freeze()
        _frozen = True


# The trivial view every ratio divides by, measured again after each row of measure_both
# (FLOOR_RUNS calls added to the floor row's own timings: floor_again): its median then
# spans the whole run, read under the same conditions as the pages rather than in the few
# seconds it ran first (on this shared machine the first ten calls alone gave 0.86 ms in
# one run, 1.53 ms in the next, the pages' milliseconds unchanged).
FLOOR = {"action": None, "times": None, "first": None}
FLOOR_RUNS = 3


def measure(action, runs: int, *, floor: bool = False) -> list[float]:
    """Milliseconds of each of `runs` calls, after one warm-up call. An action's
    `setup` attribute, if any, runs before each call, untimed; its `teardown`, once after
    the last (what the setups left undone that the next rows must not find). `floor`: the
    trivial view, whose list of timings grows by FLOOR_RUNS calls after each later row
    (`floor_again`)."""
    clock = CLOCK["read"]
    _freeze_what_came_before()
    setup = getattr(action, "setup", lambda: None)
    setup()
    action()
    times = []
    for _ in range(runs):
        setup()
        start = clock()
        action()
        times.append((clock() - start) * 1000)
    getattr(action, "teardown", lambda: None)()
    if floor:
        FLOOR.update(action=action, times=times, first=statistics.median(times))
    return times


def floor_again() -> None:
    """The trivial view measured again (FLOOR_RUNS calls, added to the floor row's
    timings), after a row, outside any setting a row measures under (the memo off)."""
    if FLOOR["action"] is None:
        return
    clock = CLOCK["read"]
    # Two calls untimed first: right after a page, the trivial view took 1.35 ms against
    # 0.87 ms after itself (the page's work left the processor's caches cold); after one
    # call, 0.94 ms. Warm, as each page is after its own warm-up call.
    FLOOR["action"]()
    FLOOR["action"]()
    for _ in range(FLOOR_RUNS):
        start = clock()
        FLOOR["action"]()
        FLOOR["times"].append((clock() - start) * 1000)


def floor_note() -> str:
    """How the floor was measured, printed under the tables."""
    if FLOOR["times"] is None:
        return ""
    times = FLOOR["times"]
    return (
        f"floor: median of {len(times)} calls of the trivial view spread over the run "
        f"({statistics.median(times):.2f} ms, p95 {p95(times):.2f} ms); its first calls "
        f"alone, before any page: {FLOOR['first']:.2f} ms"
    )


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def print_table(title: str, rows: list[tuple[str, list[float]]]) -> None:
    print(title)
    print(f"{'':<36}{'median':>10}{'p95':>10}")
    for label, values in rows:
        print(f"{label:<36}{statistics.median(values):>8.1f}ms{p95(values):>8.1f}ms")


def seed_businesses(offices, count: int, seed: int = 2026):
    """`count` businesses spread evenly over the offices, each office's business campaign,
    and a submitted diagnostic of the business questionnaire for every business (answers,
    axis scores and overall score from the real scoring service), written in bulk.
    Returns the business campaigns, in the offices' order."""
    from diagnostics import scoring, selectors
    from diagnostics.models import (
        Answer,
        Audience,
        AxisScore,
        Business,
        BusinessLink,
        Campaign,
        Diagnostic,
        Questionnaire,
    )

    call_command("loaddata", "questionnaire_prestataires", "ateliers_prestataires", verbosity=0)
    rng = random.Random(seed)
    questionnaire = Questionnaire.objects.latest(Audience.BUSINESSES).get()
    today = timezone.localdate()
    now = timezone.now()
    campaigns = Campaign.objects.bulk_create(
        Campaign(
            questionnaire=questionnaire,
            name="Diagnostic des prestataires",
            opens=today - timezone.timedelta(days=40),
            closes=today + timezone.timedelta(days=40),
            audience=Audience.BUSINESSES,
            organiser=office,
        )
        for office in offices
    )
    segments = Business.BUSINESS_SEGMENTS
    businesses = Business.objects.bulk_create(
        (
            Business(
                kind=Business.Kind.BUSINESS,
                parent=office,
                name=f"Prestataire {o:04d}-{b:03d}",
                slug=f"bench-p-{o:04d}-{b:03d}",
                department_id=office.department_id,
                commune=office.commune,
                segment=segments[b % len(segments)],
                email=f"p{o}-{b}@example.org",
            )
            for o, office in enumerate(offices)
            for b in range(count // len(offices) + (o < count % len(offices)))
        ),
        batch_size=5000,
    )
    campaign_of = {c.organiser_id: c for c in campaigns}
    BusinessLink.objects.bulk_create(
        (
            BusinessLink(
                campaign=campaign_of[business.parent_id],
                business=business,
                token_hash=f"{business.pk:064x}",
                expires_at=now + timezone.timedelta(days=60),
                sent_count=1,
                last_sent_at=now,
                opened_at=now,
            )
            for business in businesses
        ),
        batch_size=5000,
    )
    axes = selectors.questionnaire_axes(questionnaire)
    specs = selectors.scoring_axes(axes)
    levels = selectors.scoring_levels(questionnaire)
    questions = [q for axis in axes for q in axis.questions.all()]
    choices_of = {q.pk: list(q.choices.all()) for q in questions}
    # Scored first, so that each diagnostic is inserted once with its scores.
    picks, profiles = [], []
    for _business in businesses:
        maturity = rng.random()
        picked = []
        for question in questions:
            choices = choices_of[question.pk]
            index = min(
                len(choices) - 1, int(rng.triangular(0, len(choices), maturity * len(choices)))
            )
            picked.append(scoring.AnswerSpec(question_id=question.pk, choice_id=choices[index].pk))
        picks.append(picked)
        profiles.append(scoring.score_diagnostic(specs, levels, picked))
    diagnostics = Diagnostic.objects.bulk_create(
        (
            Diagnostic(
                organisation=business,
                campaign=campaign_of[business.parent_id],
                questionnaire=questionnaire,
                status=Diagnostic.Status.SUBMITTED,
                submitted_at=now,
                share_details=rng.random() > 0.2,
                overall_score=Decimal(f"{profile.score:.2f}"),
                overall_level_id=profile.level.id,
                weak_questions=scoring.weak_questions(specs, picked),
            )
            for business, profile, picked in zip(businesses, profiles, picks, strict=True)
        ),
        batch_size=5000,
    )
    for start in range(0, len(diagnostics), 2000):  # bounded memory
        chunk = range(start, min(start + 2000, len(diagnostics)))
        Answer.objects.bulk_create(
            (
                Answer(diagnostic=diagnostics[i], question_id=p.question_id, choice_id=p.choice_id)
                for i in chunk
                for p in picks[i]
            ),
            batch_size=5000,
        )
        AxisScore.objects.bulk_create(
            (
                AxisScore(
                    diagnostic=diagnostics[i],
                    axis_id=result.axis.id,
                    score=Decimal(f"{result.score:.2f}"),
                    level_id=result.level.id,
                    answered=result.answered,
                    total=result.total,
                )
                for i in chunk
                for result in profiles[i].axes
            ),
            batch_size=5000,
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return campaigns
