"""The followed action plan: progress by axis, counts, the follow-up of the previous plan."""

from dataclasses import dataclass
from functools import cached_property

from django.db.models import Count, F, Max, Min, OuterRef, Q, Subquery

from diagnostics.models import Action, Answer, Choice, Diagnostic, Office

# --- the followed action plan -------------------------------------------------

NO_AXIS = "—"


@dataclass
class AxisActions:
    """An axis's actions in the plan: how many, done, dropped."""

    name: str
    total: int = 0
    done: int = 0
    dropped: int = 0

    @property
    def percent(self) -> int:
        """Share of the actions still meant to be done that are done."""
        alive = self.total - self.dropped
        return round(100 * self.done / alive) if alive else 0


@dataclass
class OfficePlan:
    actions: list
    today: object

    @cached_property
    def overdue(self) -> list:
        """The open actions past their due date: the one rule of the plan page and the report."""
        return [a for a in self.actions if a.is_open and a.due_date and a.due_date < self.today]

    @property
    def by_axis(self) -> list[AxisActions]:
        """Progress per axis, axes in their order (grouped by code across questionnaire versions)."""
        groups: dict[str, AxisActions] = {}
        for action in self.actions:
            key = action.axis.code if action.axis else NO_AXIS
            group = groups.setdefault(key, AxisActions(action.axis.name if action.axis else ""))
            group.total += 1
            group.done += action.status == action.Status.DONE
            group.dropped += action.status == action.Status.DROPPED
        return list(groups.values())


# What the plan page, the results page and the report read of an action and what it
# joins: a user's password or a diagnostic's scores are not loaded for each action.
PLAN_COLUMNS = (
    "office_id",
    "question_id",
    "title",
    "status",
    "due_date",
    "note",
    "owner_name",
    "axis__name",
    "axis__code",
    "axis__order",
    "owner__first_name",
    "owner__last_name",
    "owner__username",
    "diagnostic__campaign__name",
)


def office_plan(office: Office, today) -> OfficePlan:
    """The office's actions with their axis and owner: one query whatever their number,
    of the columns the plan page and the report show (PLAN_COLUMNS)."""
    actions = list(
        Action.objects.filter(office=office)
        .select_related("axis", "owner", "diagnostic__campaign")
        .only(*PLAN_COLUMNS)
        .order_by(F("axis__order").asc(nulls_last=True), F("due_date").asc(nulls_last=True), "pk")
    )
    return OfficePlan(actions=actions, today=today)


def planned_questions(diagnostic: Diagnostic) -> set[int]:
    """The questions of this diagnostic whose priority is already an action of its office's
    plan: one query."""
    return set(
        Action.objects.filter(
            office_id=diagnostic.organisation_id, diagnostic=diagnostic, question__isnull=False
        )
        .order_by()
        .values_list("question_id", flat=True)
    )


def office_plan_counts(office: Office, today) -> dict[str, int]:
    """How many actions the office has planned, done and overdue: one query."""
    open_ = Q(status__in=[Action.Status.TODO, Action.Status.DOING])
    return Action.objects.filter(office=office).aggregate(
        total=Count("pk"),
        done=Count("pk", filter=Q(status=Action.Status.DONE)),
        open=Count("pk", filter=open_),
        overdue=Count("pk", filter=open_ & Q(due_date__lt=today)),
    )


@dataclass
class FollowUp:
    """An action planned after the previous diagnostic, and what its answer became."""

    action: object
    before: float | None = None  # share of the question's best points, previous answer
    after: float | None = None  # same, for the question of the same code today

    @property
    def outcome(self) -> str:
        """« improved », « same », « worse », or « unknown » when either answer is missing."""
        if self.before is None or self.after is None:
            return "unknown"
        if self.after > self.before:
            return "improved"
        return "same" if self.after == self.before else "worse"


def _share(answer: Answer) -> float | None:
    if answer.choice is None or not answer.max_points:
        return None
    return answer.choice.points / answer.max_points


def previous_plan(diagnostic: Diagnostic, previous: Diagnostic | None) -> list[FollowUp]:
    """« Ce que vous aviez prévu »: the actions drawn from the previous diagnostic, each
    with the answer then and now (matched by question code). Two queries at most."""
    if previous is None:
        return []
    actions = list(
        Action.objects.filter(diagnostic=previous)
        .select_related("axis", "question", "owner")
        .order_by("axis__order", "pk")
    )
    questions = {a.question_id: a.question.code for a in actions if a.question_id}
    if not questions:
        return [FollowUp(a) for a in actions]
    best = Choice.objects.filter(question=OuterRef("question")).order_by("-points")
    answers = Answer.objects.filter(
        Q(diagnostic=previous, question_id__in=questions)
        | Q(diagnostic=diagnostic, question__code__in=set(questions.values()))
    ).annotate(max_points=Subquery(best.values("points")[:1]))
    before, after = {}, {}
    for answer in answers.select_related("choice", "question"):
        if answer.diagnostic_id == previous.pk:
            before[answer.question_id] = _share(answer)
        else:
            after[answer.question.code] = _share(answer)
    return [
        FollowUp(a, before.get(a.question_id), after.get(questions.get(a.question_id)))
        for a in actions
    ]


def action_counts_by_axis() -> list[dict]:
    """For the network staff: per axis (by code, across versions), how many offices have
    a plan and how many actions are planned, open and done. Counts only; one query."""
    return list(
        Action.objects.values("axis__code")
        .annotate(
            axis_name=Max("axis__name"),
            rank=Min("axis__order"),
            offices=Count("office", distinct=True),
            planned=Count("pk"),
            open=Count("pk", filter=Q(status__in=[Action.Status.TODO, Action.Status.DOING])),
            done=Count("pk", filter=Q(status=Action.Status.DONE)),
        )
        .order_by(F("rank").asc(nulls_last=True))
    )
