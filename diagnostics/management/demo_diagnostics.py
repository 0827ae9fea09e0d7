"""The demo offices' diagnostics: last year's and this year's campaigns, answers drawn from
each office's maturity (the demo office's with its importance, a comment and one axis's
progress since last year), the draft carried over from last year's answers, and the
network's express campaign. Called by seed_demo."""

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from diagnostics import scoring, selectors, services
from diagnostics.formatting import shown
from diagnostics.management.demo_businesses import answers_dated, demo_answers
from diagnostics.management.demo_offices import office_director
from diagnostics.models import Answer, Campaign, Diagnostic, Office, Questionnaire

# The demo director says what matters for a rural inland destination.
DEMO_IMPORTANCE = {"web": "essential", "accueil": "essential", "mobilite": "secondary"}
DEMO_COMMENT = "Notre chargée de communication s’en occupe dès ce mois-ci."


def demo_campaigns(
    questionnaire: Questionnaire, previous_questionnaire: Questionnaire, today: date
) -> tuple[Campaign, Campaign]:
    current_opens = today - timedelta(days=60)
    previous_opens = current_opens.replace(year=current_opens.year - 1)
    previous, _ = Campaign.objects.get_or_create(
        name=f"Campagne {previous_opens.year}",
        defaults={
            "questionnaire": previous_questionnaire,
            "opens": previous_opens,
            "closes": previous_opens + timedelta(days=150),
        },
    )
    current, _ = Campaign.objects.get_or_create(
        name=f"Campagne {current_opens.year}",
        defaults={
            "questionnaire": questionnaire,
            "opens": current_opens,
            "closes": today + timedelta(days=120),
        },
    )
    return previous, current


def carried_over(office: Office, campaign: Campaign, user) -> Diagnostic:
    """This year's draft from last year's answers, the first axes already confirmed."""
    diagnostic = services.diagnostic_start(
        organisation=office, campaign=campaign, user=user, carry_over=True
    )
    Answer.objects.filter(diagnostic=diagnostic, question__axis__order__lte=2).update(
        carried_over=False
    )
    return diagnostic


def demo_diagnostic(
    office, campaign, maturity, axis_bias, rng, user, submit, *, demo=False
) -> Diagnostic:
    # Submitted 5 to 40 days after its campaign opened, and before today (the express
    # campaign opened a month ago).
    latest = max(0, min(40, (timezone.localdate() - campaign.opens).days - 1))
    moment = timezone.make_aware(
        datetime.combine(
            campaign.opens + timedelta(days=rng.randint(min(5, latest), latest)), time(10)
        )
    )
    diagnostic = Diagnostic.objects.create(
        organisation=office,
        campaign=campaign,
        questionnaire_id=campaign.questionnaire_id,
        created_by=user,
    )
    axes = selectors.questionnaire_axes(campaign.questionnaire)
    answers = demo_answers(
        diagnostic,
        axes,
        rng=rng,
        maturity=maturity,
        bias=axis_bias,
        spread=0.2,
        submit=submit,
        not_applicable=lambda _question: rng.random() < 0.1,
    )
    if demo:
        _demo_progress(diagnostic, axes, answers)
        importance = {a.pk: DEMO_IMPORTANCE[a.code] for a in axes if a.code in DEMO_IMPORTANCE}
        services.axis_importance_save(
            diagnostic=diagnostic, importances=importance, user=user, now=moment
        )
        # The team's comment beside the first action of its plan.
        profile = scoring.score_diagnostic(
            selectors.scoring_axes(axes),
            selectors.scoring_levels(campaign.questionnaire),
            selectors.scoring_answers(answers),
            importance=importance,
        )
        if profile.plan:
            diagnostic.answers.filter(question_id=profile.plan[0].question.id).update(
                comment=DEMO_COMMENT
            )
    if submit:
        # Filled over the two weeks before it was submitted, since the campaign opened.
        days = min(14, (timezone.localdate(moment) - campaign.opens).days)
        answers_dated(diagnostic, axes, moment, days=days)
        # Dozens of demo reports: each is printed on its first download instead.
        with services.reports_printed_on_demand():
            return services.diagnostic_submit(diagnostic=diagnostic, user=user, now=moment)
    return diagnostic


def _demo_progress(diagnostic: Diagnostic, axes, answers: list[Answer]) -> None:
    """The demo office worked on one axis since last year: unless an axis already crossed
    the level above last year's score, the first one that can does, its weakest answers
    raised to their best one at a time (so one target set then reads « Objectif atteint »)."""
    previous = selectors.previous_scores(diagnostic)
    if previous.diagnostic is None:
        return
    bounds = sorted(lv.lower_bound for lv in previous.diagnostic.questionnaire.levels.all())
    levels = selectors.scoring_levels(diagnostic.questionnaire)
    by_question = {a.question_id: a for a in answers}
    specs = dict(zip([a.pk for a in axes], selectors.scoring_axes(axes), strict=True))

    def score(axis):
        given = {
            q: scoring.AnswerSpec(q, a.choice_id, a.not_applicable) for q, a in by_question.items()
        }
        return scoring.score_axis(specs[axis.pk], given, levels).score

    aims = []
    for axis in axes:
        before = previous.axes.get(axis.code)
        above = [b for b in bounds if before is not None and b > shown(before)]
        now = score(axis)
        if above and now is not None:
            if shown(now) >= above[0]:
                return  # progress already shows
            aims.append((axis, above[0]))
    for axis, bound in aims[:1]:
        questions = sorted(
            (
                q
                for q in axis.questions.all()
                if by_question.get(q.pk) and by_question[q.pk].choice_id
            ),
            key=lambda q: by_question[q.pk].choice.points,
        )
        for question in questions:
            best = max(question.choices.all(), key=lambda c: c.points)
            answer = by_question[question.pk]
            answer.choice = best
            Answer.objects.filter(pk=answer.pk).update(choice=best)
            if shown(score(axis)) >= bound:
                break


def seed_express(offices: list[Office], today: date) -> int:
    """The network's express campaign, open: the offices that have not started this year's
    full diagnostic took the express one (the staff see their profiles apart); the demo
    offices may start theirs. Nothing without the express questionnaire."""
    questionnaire = (
        Questionnaire.objects.express()
        .filter(status=Questionnaire.Status.PUBLISHED)
        .order_by("-version")
        .first()
    )
    if questionnaire is None:
        return 0
    campaign, _ = Campaign.objects.get_or_create(
        name=f"Diagnostic express {today.year}",
        defaults={
            "questionnaire": questionnaire,
            "opens": today - timedelta(days=30),
            "closes": today + timedelta(days=120),
        },
    )
    created = 0
    for index, office in enumerate(offices):
        if index % 6 != 5 or office.diagnostics.filter(campaign=campaign).exists():
            continue
        rng = random.Random(f"express-{office.slug}")
        maturity = random.Random(office.slug).uniform(0.15, 0.85)
        demo_diagnostic(office, campaign, maturity, {}, rng, office_director(office), True)
        created += 1
    return created
