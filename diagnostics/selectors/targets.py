"""« Le niveau visé »: an office's target levels per axis, their distance, whether they were reached.

Targets belong to a diagnostic (models/targets.py): the team may set them while it fills
it in, against its live scores, or after reading its results. They are matched with
a later diagnostic's axes by axis code, so that they survive questionnaire versions:
a target is reached when the later axis score, as shown, is at least the target
level's lower bound.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import OuterRef, Subquery

from diagnostics import scoring
from diagnostics.formatting import shown
from diagnostics.models import Axis, AxisScore, AxisTarget, Diagnostic
from diagnostics.selectors.structure import diagnostic_profile, questionnaire_levels


def diagnostic_targets(diagnostic: Diagnostic) -> list[AxisTarget]:
    """The targets set after this diagnostic, with their axis, level and authors: one query."""
    return list(
        AxisTarget.objects.filter(diagnostic=diagnostic)
        .select_related("axis", "level", "created_by", "updated_by")
        .order_by("axis__order", "axis__pk")
    )


def later_submitted(diagnostic: Diagnostic):
    """The office's submitted diagnostics of later campaigns (the ones that judge its targets)."""
    return Diagnostic.objects.filter(
        organisation_id=diagnostic.organisation_id,
        status=Diagnostic.Status.SUBMITTED,
        campaign__opens__gt=diagnostic.campaign.opens,
    )


def targets_editable(diagnostic: Diagnostic) -> bool:
    """Members set targets while the diagnostic is a draft and after its submission, until
    the office submits a later campaign's diagnostic: one query (none for a draft)."""
    return not diagnostic.is_submitted or not later_submitted(diagnostic).exists()


def current_scores(diagnostic: Diagnostic) -> dict[int, float | None]:
    """The axis scores a target is set against: those stored at submission (one query), or
    a draft's live ones from its answers so far (structure.diagnostic_profile)."""
    if diagnostic.is_submitted:
        return {
            axis_id: None if score is None else float(score)
            for axis_id, score in AxisScore.objects.filter(diagnostic=diagnostic).values_list(
                "axis_id", "score"
            )
        }
    return {result.axis.id: result.score for result in diagnostic_profile(diagnostic).axes}


def is_reached(score: float | None, target: AxisTarget) -> bool:
    return score is not None and shown(score) >= target.level.lower_bound


@dataclass
class TargetOutcome:
    """A target set after the previous diagnostic, and the score of the same axis today."""

    target: AxisTarget
    score: float | None  # None: the axis has no score today, or is no longer asked

    @property
    def reached(self) -> bool:
        return is_reached(self.score, self.target)

    @property
    def shown_score(self) -> int | None:
        return None if self.score is None else shown(self.score)

    @property
    def was_due(self) -> date:
        return self.target.due_date


def previous_targets(
    previous: Diagnostic | None, scores_by_code: dict[str, float | None]
) -> list[TargetOutcome]:
    """The previous diagnostic's targets, each with the score of the axis of the same code
    in `scores_by_code` (the current diagnostic's): one query, none without a previous one."""
    if previous is None:
        return []
    return [
        TargetOutcome(t, scores_by_code.get(t.axis.code))
        for t in AxisTarget.objects.filter(diagnostic=previous)
        .select_related("axis", "level")
        .order_by("axis__order", "axis__pk")
    ]


@dataclass
class AxisTargetCounts:
    """For the network staff, per axis of a campaign: counts, never an office's name."""

    code: str
    name: str
    set: int = 0  # offices that set a target on this axis after this campaign's diagnostic
    judged: int = 0  # those whose next diagnostic scored the axis
    reached: int = 0

    @property
    def missed(self) -> int:
        return self.judged - self.reached


@dataclass
class CampaignTargets:
    campaign: str
    offices: set = field(default_factory=set)  # offices that set at least one target
    axes: dict[str, AxisTargetCounts] = field(default_factory=dict)

    @property
    def office_count(self) -> int:
        return len(self.offices)

    @property
    def rows(self) -> list[AxisTargetCounts]:
        return list(self.axes.values())


def campaign_target_counts() -> list[CampaignTargets]:
    """Per network campaign (newest first) and per axis (by code), how many offices set a
    target after their diagnostic of that campaign, and how many reached it at their next
    submitted diagnostic. Counts only, never a name; one query."""
    later = Diagnostic.objects.filter(
        organisation_id=OuterRef("office_id"),
        status=Diagnostic.Status.SUBMITTED,
        campaign__opens__gt=OuterRef("diagnostic__campaign__opens"),
    ).order_by("campaign__opens", "submitted_at")
    rows = (
        AxisTarget.objects.filter(diagnostic__status=Diagnostic.Status.SUBMITTED)
        .annotate(next_id=Subquery(later.values("pk")[:1]))
        .annotate(
            next_score=Subquery(
                AxisScore.objects.filter(
                    diagnostic=OuterRef("next_id"), axis__code=OuterRef("axis__code")
                ).values("score")[:1]
            )
        )
        .order_by(
            "-diagnostic__campaign__opens", "diagnostic__campaign_id", "axis__order", "axis__pk"
        )
        .values_list(
            "diagnostic__campaign_id",
            "diagnostic__campaign__name",
            "office_id",
            "axis__code",
            "axis__name",
            "level__lower_bound",
            "next_score",
        )
    )
    campaigns: dict[int, CampaignTargets] = {}
    for campaign_id, campaign, office_id, code, name, bound, score in rows:
        found = campaigns.setdefault(campaign_id, CampaignTargets(campaign))
        counts = found.axes.setdefault(code, AxisTargetCounts(code, name))
        found.offices.add(office_id)
        counts.set += 1
        if score is not None:
            counts.judged += 1
            counts.reached += shown(float(score)) >= bound
    return list(campaigns.values())


@dataclass
class TargetDistance:
    """A target of the office's latest results, and how far its axis is from it."""

    target: AxisTarget
    score: float | None
    points: int | None  # points to go, 0 once reached; None without a score
    levels: int | None  # levels to go
    today: date

    @property
    def reached(self) -> bool:
        return self.points == 0

    @property
    def overdue(self) -> bool:
        return not self.reached and self.target.due_date < self.today

    @property
    def shown_score(self) -> int | None:
        return None if self.score is None else shown(self.score)


def target_distances(
    targets: list[AxisTarget], scores: dict[int, float | None], levels, today: date
) -> list[TargetDistance]:
    """Each target with its distance, by the scoring's rule (scoring.target_distance), from
    the axis scores by axis id and the questionnaire's levels (MaturityLevel rows)."""
    specs = [scoring.LevelSpec(id=lv.pk, lower_bound=lv.lower_bound, name=lv.name) for lv in levels]
    found = []
    for t in targets:
        score = scores.get(t.axis_id)
        points, steps = scoring.target_distance(
            None if score is None else shown(score),
            scoring.LevelSpec(id=t.level_id, lower_bound=t.level.lower_bound, name=t.level.name),
            specs,
        )
        found.append(TargetDistance(t, score, points, steps, today))
    return found


def office_targets(office, today: date) -> tuple[Diagnostic | None, list[TargetDistance]]:
    """The office's latest submitted diagnostic and the distance to each of its targets
    (the plan page): three queries at most, whatever the number of targets (the levels
    are the questionnaire structure's, read once per revision)."""
    latest = (
        Diagnostic.objects.filter(organisation=office, status=Diagnostic.Status.SUBMITTED)
        .select_related("campaign", "questionnaire")
        .order_by("-campaign__opens", "-submitted_at")
        .first()
    )
    if latest is None:
        return None, []
    targets = diagnostic_targets(latest)
    if not targets:
        return latest, []
    scores = {
        axis_id: None if score is None else float(score)
        for axis_id, score in AxisScore.objects.filter(diagnostic=latest).values_list(
            "axis_id", "score"
        )
    }
    levels = questionnaire_levels(latest.questionnaire)
    return latest, target_distances(targets, scores, levels, today)


@dataclass
class TargetRow:
    """An axis of the targets page: its score as shown, the levels above it, its target."""

    axis: object
    score: int
    levels: list
    target: AxisTarget | None


def target_rows(diagnostic: Diagnostic) -> list[TargetRow]:
    """The scored axes of a diagnostic, in order, for the targets page: their stored scores
    once submitted, a draft's live ones before; a fixed number of queries whatever the
    number of axes and targets."""
    if diagnostic.is_submitted:
        scored = [
            (s.axis, float(s.score))
            for s in AxisScore.objects.filter(diagnostic=diagnostic, score__isnull=False)
            .select_related("axis")
            .order_by("axis__order", "axis__pk")
        ]
    else:
        live = {pk: score for pk, score in current_scores(diagnostic).items() if score is not None}
        scored = [
            (axis, live[axis.pk])
            for axis in Axis.objects.filter(pk__in=live).order_by("order", "pk")
        ]
    levels = list(diagnostic.questionnaire.levels.order_by("lower_bound"))
    targets = {t.axis_id: t for t in diagnostic_targets(diagnostic)}
    return [
        TargetRow(
            axis,
            shown(score),
            [lv for lv in levels if lv.lower_bound > shown(score)],
            targets.get(axis.pk),
        )
        for axis, score in scored
    ]


def judged_in_evolution(diagnostics: list[Diagnostic], rows) -> None:
    """An office's diagnostics oldest first (the staff's evolution page): beside each axis
    score, whether the target set after the diagnostic before it was reached, as
    `cell["target"]` (a TargetOutcome). One query."""
    by_diagnostic: dict[int, dict[str, AxisTarget]] = {}
    for target in AxisTarget.objects.filter(diagnostic__in=diagnostics[:-1]).select_related(
        "axis", "level"
    ):
        by_diagnostic.setdefault(target.diagnostic_id, {})[target.axis.code] = target
    for row in rows:
        for before, cell in zip(diagnostics, row.cells[1:], strict=False):
            target = by_diagnostic.get(before.pk, {}).get(row.axis.code)
            if target is not None:
                cell["target"] = TargetOutcome(target, cell["score"])
