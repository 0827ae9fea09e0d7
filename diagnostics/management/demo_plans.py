"""The demo office's plan and targets: last year's plan followed (« Ce que vous aviez
prévu »), « Niveaux visés » after last year's results, one reached and one missed, and two for
the next period. Called by seed_demo once the diagnostics are submitted."""

from datetime import date, timedelta

from django.utils import timezone

from diagnostics import scoring, selectors, services
from diagnostics.formatting import shown
from diagnostics.models import AxisScore, AxisTarget, Campaign, Office
from diagnostics.services.targets import TargetChoice, axis_targets_save


def seed_plan(office: Office, campaign: Campaign, director, colleague) -> None:
    """Last year's plan of the demo office, followed: this year's results say what
    became of it (« Ce que vous aviez prévu »)."""
    diagnostic = office.diagnostics.filter(campaign=campaign, status="submitted").first()
    if diagnostic is None or office.actions.exists():
        return
    axes = selectors.questionnaire_axes(diagnostic.questionnaire)
    profile = scoring.score_diagnostic(
        selectors.scoring_axes(axes),
        selectors.scoring_levels(diagnostic.questionnaire),
        selectors.scoring_answers(diagnostic.answers.all()),
    )
    questions = {q.pk: q for a in axes for q in a.questions.all()}
    statuses = ["done", "done", "doing", "dropped"]
    for priority, status in zip(profile.plan, statuses, strict=False):
        action = services.action_create(
            office=office,
            user=director,
            diagnostic=diagnostic,
            question=questions[priority.question.id],
            owner=colleague if status == "doing" else director,
            due_date=campaign.closes + timedelta(days=90),
        )
        services.action_update(action=action, user=director, status=status)
    services.action_create(
        office=office,
        user=director,
        title="Présenter le diagnostic numérique au conseil d’administration",
        owner_name="La présidente de l’office",
        due_date=timezone.localdate() + timedelta(days=30),
    )


def seed_targets(office: Office, previous: Campaign, current: Campaign, director, colleague, today):
    """« Niveaux visés »: set after last year's results, one reached and one missed by this
    year's (the director set them, the colleague changed one); two for the next period."""
    before = office.diagnostics.filter(campaign=previous, status="submitted").first()
    after = office.diagnostics.filter(campaign=current, status="submitted").first()
    if before is None or after is None or office.axis_targets.exists():
        return

    def scores(diagnostic):
        return {
            s.axis.code: (s.axis, shown(float(s.score)))
            for s in AxisScore.objects.filter(diagnostic=diagnostic, score__isnull=False)
            .select_related("axis")
            .order_by("axis__order")
        }

    then, now = scores(before), scores(after)
    levels = list(before.questionnaire.levels.order_by("lower_bound"))
    reached = missed = None
    for code, (axis, score) in then.items():
        above = [lv for lv in levels if lv.lower_bound > score]
        if not above or code not in now:
            continue
        if reached is None and above[0].lower_bound <= now[code][1]:
            reached = (axis, above[0])
        elif missed is None and above[0].lower_bound > now[code][1]:
            missed = (axis, above[0])
    due = date(current.opens.year, 6, 30)
    for chosen, changed_by in ((reached, director), (missed, colleague)):
        if chosen is not None:
            AxisTarget.objects.create(
                office=office,
                diagnostic=before,
                axis=chosen[0],
                level=chosen[1],
                due_date=due,
                created_by=director,
                updated_by=changed_by,
            )
    # The next period: the two weakest axes, each one level up, by next December and the June after.
    current_levels = list(after.questionnaire.levels.order_by("lower_bound"))
    weakest = sorted(now.values(), key=lambda pair: pair[1])[:2]
    dues = (date(today.year + 1, 12, 31), date(today.year + 2, 6, 30))
    targets = {}
    for (axis, score), due_date in zip(weakest, dues, strict=False):
        above = [lv for lv in current_levels if lv.lower_bound > score]
        if above:
            targets[axis.pk] = TargetChoice(above[0].pk, due_date)
    axis_targets_save(diagnostic=after, targets=targets, user=director, today=today)
