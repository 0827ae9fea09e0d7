"""Read paths: plain data for pages and services, in a fixed number of queries."""

import math
import statistics
from array import array
from collections.abc import Collection
from dataclasses import dataclass
from functools import cached_property
from itertools import groupby

from django.core.cache import cache
from django.db.models import (
    Aggregate,
    Case,
    CharField,
    Count,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404
from django.utils import timezone

from diagnostics import applicability, scoring, visibility
from diagnostics.collation import french, french_key
from diagnostics.models import (
    Action,
    Answer,
    Audience,
    Axis,
    AxisImportance,
    AxisNarrative,
    AxisScore,
    BusinessLink,
    Choice,
    Department,
    Diagnostic,
    Invitation,
    Membership,
    Office,
    Organisation,
    Question,
    Questionnaire,
    Training,
    TrainingSession,
)

# Published and archived questionnaires never change: their structure is read
# once per process and revision, then shared read-only by every request.
_frozen_axes: dict[tuple[int, object], list[Axis]] = {}
FROZEN_AXES_KEPT = 16


def questionnaire_axes(questionnaire: Questionnaire) -> list[Axis]:
    """Axes with their questions and choices, in order.

    Three queries for a draft; none for a frozen questionnaire already read at
    this revision. Callers must not modify the objects returned.
    """
    if not questionnaire.is_frozen:
        return _read_axes(questionnaire)
    key = (questionnaire.pk, questionnaire.revised_at)
    axes = _frozen_axes.get(key)
    if axes is None:
        if len(_frozen_axes) >= FROZEN_AXES_KEPT:
            _frozen_axes.clear()
        axes = _frozen_axes[key] = _read_axes(questionnaire)
    return axes


def _read_axes(questionnaire: Questionnaire) -> list[Axis]:
    choices = Prefetch("choices", queryset=Choice.objects.order_by("order", "pk"))
    questions = Prefetch(
        "questions", queryset=Question.objects.order_by("order", "pk").prefetch_related(choices)
    )
    return list(
        Axis.objects.filter(questionnaire=questionnaire)
        .order_by("order", "pk")
        .prefetch_related(questions)
    )


def scoring_axes(axes: list[Axis]) -> tuple[scoring.AxisSpec, ...]:
    """The scoring service's view of prefetched axes (no query)."""
    return tuple(
        scoring.AxisSpec(
            id=axis.pk,
            code=axis.code,
            name=axis.name,
            weight=axis.weight,
            questions=tuple(
                scoring.QuestionSpec(
                    id=question.pk,
                    code=question.code,
                    text=question.text,
                    weight=question.weight,
                    choices=tuple(
                        scoring.ChoiceSpec(
                            id=choice.pk,
                            points=choice.points,
                            label=choice.label,
                            recommendation=choice.recommendation,
                            effort=choice.effort,
                            scale=choice.scale,
                        )
                        for choice in question.choices.all()
                    ),
                )
                for question in axis.questions.all()
            ),
        )
        for axis in axes
    )


def scoring_levels(questionnaire: Questionnaire) -> tuple[scoring.LevelSpec, ...]:
    return tuple(
        scoring.LevelSpec(
            id=level.pk,
            lower_bound=level.lower_bound,
            name=level.name,
            description=level.description,
        )
        for level in questionnaire.levels.order_by("lower_bound")
    )


def scoring_answers(answers) -> list[scoring.AnswerSpec]:
    return [
        scoring.AnswerSpec(
            question_id=a.question_id, choice_id=a.choice_id, not_applicable=a.not_applicable
        )
        for a in answers
    ]


def diagnostic_profile(diagnostic: Diagnostic) -> scoring.Profile:
    """The live profile of a diagnostic from its current answers, over the questions its
    organisation is scored on: five queries."""
    structure = questionnaire_axes(diagnostic.questionnaire)
    axes = scoring_axes(applicability.applicable(structure, diagnostic.organisation).scored)
    levels = scoring_levels(diagnostic.questionnaire)
    answers = scoring_answers(Answer.objects.filter(diagnostic=diagnostic))
    return scoring.score_diagnostic(axes, levels, answers)


def parse_id(value: str | None) -> int | None:
    """A database id from a query string or a form, or None for anything else."""
    if value is None or not value.isascii() or not value.isdigit():
        return None
    return int(value)


# --- scoping ----------------------------------------------------------------


def offices_for_user(user) -> QuerySet[Office]:
    return (
        Office.objects.filter(memberships__user=user)
        .select_related("department")
        .order_by(french("name"))
    )


def diagnostic_for_member(user, pk) -> Diagnostic:
    """The diagnostic if the user is a member of its office; 404 otherwise, whatever the id."""
    queryset = Diagnostic.objects.select_related(
        "organisation__department", "campaign", "questionnaire", "overall_level"
    )
    return get_object_or_404(queryset, pk=pk, organisation__memberships__user=user)


def diagnostic_for_reader(user, pk) -> Diagnostic:
    """Members read their office's diagnostics; network staff read every office's."""
    if user.is_staff and user.has_perm("diagnostics.view_diagnostic"):
        queryset = Diagnostic.objects.select_related(
            "organisation__department", "campaign", "questionnaire", "overall_level"
        )
        # Offices' only: the businesses' are read in aggregates (visibility.py).
        return get_object_or_404(visibility.named_for_staff(queryset), pk=pk)
    return diagnostic_for_member(user, pk)


# --- comparisons --------------------------------------------------------------

MIN_PEERS = 5


def latest_submitted() -> QuerySet[Diagnostic]:
    """Submitted diagnostics that are their office's latest in their campaign.

    That is every submitted one: the unique constraint diagnostic_one_per_campaign
    allows one draft-or-submitted diagnostic per organisation and campaign (a
    reopened one becomes the draft again), so no anti-join on later submissions is
    needed; at whole-France scale it cost an index lookup per diagnostic.
    """
    return Diagnostic.objects.filter(status=Diagnostic.Status.SUBMITTED)


@dataclass(frozen=True)
class PeerMedians:
    count: int  # peers with an overall score
    overall: float | None
    axes: dict[str, float]  # axis code → median score

    @property
    def shown(self) -> bool:
        """Fewer than MIN_PEERS offices would let someone single one out."""
        return self.count >= MIN_PEERS


def _middle(queryset: QuerySet, value: str, *partition: str) -> QuerySet:
    """The one or two rows at the middle of `value` (per partition), with the count.

    The database ranks the values: a constant number of rows comes back however
    many offices there are. Rows where `value` is null are left out.
    """
    over = {"partition_by": [F(field) for field in partition]} if partition else {}
    return (
        queryset.filter(**{f"{value}__isnull": False})
        .annotate(
            position=Window(RowNumber(), order_by=F(value).asc(), **over),
            size=Window(Count("pk"), **over),
        )
        .filter(position__gte=F("size") / 2.0, position__lte=F("size") / 2.0 + 1)
        .order_by()
    )


def _medians(rows) -> dict:
    """key → (median, count) from (key, middle value, count) rows."""
    middles: dict = {}
    for key, value, size in rows:
        middles.setdefault(key, ([], size))[0].append(float(value))
    return {key: (sum(values) / len(values), size) for key, (values, size) in middles.items()}


def overall_median(diagnostics: QuerySet[Diagnostic]) -> tuple[float | None, int]:
    """The median overall score of these diagnostics and how many have one: one query."""
    rows = (
        _middle(diagnostics, "overall_score")
        .annotate(key=Value(0))
        .values_list("key", "overall_score", "size")
    )
    return _medians(rows).get(0, (None, 0))


def axis_medians(diagnostics: QuerySet[Diagnostic]) -> dict[str, tuple[float, int]]:
    """axis code → (median score, how many scores) over these diagnostics: one query."""
    scores = AxisScore.objects.filter(diagnostic__in=diagnostics)
    return _medians(_middle(scores, "score", "axis_id").values_list("axis__code", "score", "size"))


SUBMISSIONS_CACHE_SECONDS = 3600


def per_submission(name: str, campaign, compute):
    """`compute()` once per submission: cached under a key that any submission,
    reopening or deletion of the campaign's diagnostics changes, as the dashboard's
    figures are. One query when cached."""
    from diagnostics.regional import submissions_key  # regional reads selectors

    key = f"snut-{name}:" + submissions_key(campaign, None)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, SUBMISSIONS_CACHE_SECONDS)
    return value


@dataclass(frozen=True)
class CampaignScores:
    """The scores of a campaign's latest submitted diagnostics, one column per measure
    aligned with `organisations`, nan where there is none. Arrays of numbers, so that
    a cached copy loads at once (a dict per office costs more to unpickle than the
    medians cost to compute)."""

    organisations: array  # of ids
    overall: array  # of scores
    axes: dict[str, array]  # axis code → scores

    def values(self, column: array, rows: list[int]) -> list[float]:
        return [column[row] for row in rows if not math.isnan(column[row])]


def _campaign_scores(campaign_id: int) -> CampaignScores:
    """Two queries, over every participant of the campaign."""
    latest = latest_submitted().filter(campaign_id=campaign_id)
    # One row per organisation, so that the columns stay aligned with `organisations`.
    overall = dict(latest.values_list("organisation_id", "overall_score"))
    position = {organisation: row for row, organisation in enumerate(overall)}
    axes: dict[str, array] = {}
    for organisation, code, score in AxisScore.objects.filter(
        diagnostic__in=latest, score__isnull=False
    ).values_list("diagnostic__organisation_id", "axis__code", "score"):
        column = axes.setdefault(code, array("d", [math.nan] * len(position)))
        column[position[organisation]] = float(score)
    return CampaignScores(
        organisations=array("q", position),
        overall=array("d", (math.nan if s is None else float(s) for s in overall.values())),
        axes=axes,
    )


def peer_medians(diagnostic: Diagnostic) -> PeerMedians:
    """Medians of the other organisations of the same campaign and segment.

    The campaign's scores are read once per submission, cached under a key that any
    submission, reopening or deletion changes (as the dashboard's figures), so that
    the page does not rank a whole network's diagnostics each time; who shares the
    segment is read live. Two queries when cached, four otherwise."""
    scores = per_submission(
        "peers", diagnostic.campaign, lambda: _campaign_scores(diagnostic.campaign_id)
    )
    position = {organisation: row for row, organisation in enumerate(scores.organisations)}
    peers = [
        position[pk]
        for pk in Organisation.objects.filter(
            segment=diagnostic.organisation.segment,
            diagnostics__campaign_id=diagnostic.campaign_id,
            diagnostics__status=Diagnostic.Status.SUBMITTED,
        )
        .exclude(pk=diagnostic.organisation_id)
        .values_list("pk", flat=True)
        .distinct()
        if pk in position
    ]
    overall = scores.values(scores.overall, peers)
    if len(overall) < MIN_PEERS:
        return PeerMedians(count=len(overall), overall=None, axes={})
    by_axis = {code: scores.values(column, peers) for code, column in scores.axes.items()}
    return PeerMedians(
        count=len(overall),
        overall=statistics.median(overall),
        # An axis median also needs MIN_PEERS scores, or it could name an office.
        axes={
            code: statistics.median(values)
            for code, values in by_axis.items()
            if len(values) >= MIN_PEERS
        },
    )


@dataclass(frozen=True)
class PreviousScores:
    diagnostic: Diagnostic | None
    axes: dict[str, float | None]  # axis code → score


def previous_diagnostics(office_id: int, campaign) -> QuerySet[Diagnostic]:
    """The office's submitted diagnostics of earlier campaigns, the latest campaign first."""
    return Diagnostic.objects.filter(
        organisation_id=office_id,
        status=Diagnostic.Status.SUBMITTED,
        campaign__opens__lt=campaign.opens,
    ).order_by("-campaign__opens", "-submitted_at")


def previous_scores(diagnostic: Diagnostic) -> PreviousScores:
    """The office's diagnostic of the previous campaign, matched by axis code: one query."""
    before = previous_diagnostics(diagnostic.organisation_id, diagnostic.campaign).values("pk")[:1]
    rows = list(
        AxisScore.objects.filter(diagnostic=Subquery(before)).select_related(
            "diagnostic__campaign", "diagnostic__questionnaire", "diagnostic__overall_level", "axis"
        )
    )
    if not rows:
        return PreviousScores(diagnostic=None, axes={})
    return PreviousScores(
        diagnostic=rows[0].diagnostic,
        axes={row.axis.code: None if row.score is None else float(row.score) for row in rows},
    )


# --- narratives and importance --------------------------------------------------


def axis_narratives(questionnaire: Questionnaire) -> dict[tuple[int, int], str]:
    """(axis id, level id) → the axis's own text for that level: one query."""
    rows = AxisNarrative.objects.filter(axis__questionnaire=questionnaire).values_list(
        "axis_id", "level_id", "text"
    )
    return {(axis, level): text for axis, level, text in rows}


def axis_importances(diagnostic: Diagnostic) -> dict[int, str]:
    """axis id → importance the office gave it (absent: « important »): one query."""
    rows = AxisImportance.objects.filter(diagnostic=diagnostic).values_list("axis_id", "importance")
    return dict(rows)


def answers_by_axis(diagnostic: Diagnostic) -> list[tuple[Axis, list[Answer]]]:
    """The diagnostic's answers grouped by axis, axes and questions in order: one query."""
    answers = diagnostic.answers.select_related("question__axis", "choice", "updated_by").order_by(
        "question__axis__order", "question__axis_id", "question__order", "question_id"
    )
    return [(axis, list(group)) for axis, group in groupby(answers, key=lambda a: a.question.axis)]


def invitations_with_status(queryset: QuerySet, *, now=None) -> QuerySet:
    """Annotates `status` (Invitation.Status) from the dates: the one rule for it."""
    now = now or timezone.now()
    return queryset.annotate(
        status=Case(
            When(accepted_at__isnull=False, then=Value(Invitation.Status.ACCEPTED)),
            When(revoked_at__isnull=False, then=Value(Invitation.Status.REVOKED)),
            When(expires_at__lte=now, then=Value(Invitation.Status.EXPIRED)),
            default=Value(Invitation.Status.PENDING),
            output_field=CharField(),
        )
    )


def office_team(office: Office) -> list[Membership]:
    """The office's members with `last_activity`: their last login or last answer saved here.

    One query whatever the size of the team.
    """
    last_answer = (
        Answer.objects.filter(diagnostic__organisation=office, updated_by=OuterRef("user"))
        .order_by("-updated_at")
        .values("updated_at")[:1]
    )
    memberships = (
        Membership.objects.filter(office=office)
        .select_related("user")
        .annotate(last_answer=Subquery(last_answer))
        .order_by("user__last_name", "user__first_name", "user__email")
    )
    result = list(memberships)
    for membership in result:
        moments = [m for m in (membership.user.last_login, membership.last_answer) if m]
        membership.last_activity = max(moments) if moments else None
    return result


def office_open_invitations(office: Office, *, now=None) -> list[Invitation]:
    """Invitations neither accepted nor revoked (pending or expired), newest first."""
    queryset = Invitation.objects.filter(
        office=office, accepted_at__isnull=True, revoked_at__isnull=True
    ).select_related("invited_by")
    return list(invitations_with_status(queryset, now=now).order_by("-created_at"))


def reminder_recipients(office: Office) -> list[str]:
    """Where an office's reminder goes: its directors' addresses; without any, the
    office's own address (which staff edit on the office's page); else nowhere.
    `office` comes from reminder_offices (its `directors` prefetched)."""
    return [m.user.email for m in office.directors if m.user.email] or (
        [office.email] if office.email else []
    )


def unreachable_offices() -> QuerySet[Office]:
    """Offices a reminder cannot reach: no director with an address, no address of their own."""
    reachable = Membership.objects.filter(
        office=OuterRef("pk"), role=Membership.Role.DIRECTOR
    ).exclude(user__email="")
    return Office.objects.filter(~Exists(reachable), email="")


def reminder_offices(campaign) -> list[Office]:
    """Offices with no submitted diagnostic in `campaign`, each with its `directors`.

    Two queries whatever the number of offices.
    """
    submitted = Diagnostic.objects.filter(
        organisation=OuterRef("pk"), campaign=campaign, status=Diagnostic.Status.SUBMITTED
    )
    directors = Prefetch(
        "memberships",
        queryset=Membership.objects.filter(role=Membership.Role.DIRECTOR)
        .select_related("user")
        .order_by("user__email"),
        to_attr="directors",
    )
    return list(
        Office.objects.filter(~Exists(submitted))
        .prefetch_related(directors)
        .order_by(french("name"))
    )


# --- the followed action plan -------------------------------------------------

NO_AXIS = "—"


@dataclass
class AxisProgress:
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
    def by_axis(self) -> list[AxisProgress]:
        """Progress per axis, axes in their order (grouped by code across questionnaire versions)."""
        groups: dict[str, AxisProgress] = {}
        for action in self.actions:
            key = action.axis.code if action.axis else NO_AXIS
            group = groups.setdefault(key, AxisProgress(action.axis.name if action.axis else ""))
            group.total += 1
            group.done += action.status == action.Status.DONE
            group.dropped += action.status == action.Status.DROPPED
        return list(groups.values())


def office_plan(office: Office, today) -> OfficePlan:
    """The office's actions with their axis and owner: one query whatever their number."""
    actions = list(
        Action.objects.filter(office=office)
        .select_related("axis", "owner", "diagnostic__campaign")
        .order_by(F("axis__order").asc(nulls_last=True), F("due_date").asc(nulls_last=True), "pk")
    )
    return OfficePlan(actions=actions, today=today)


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


# --- the training catalogue -----------------------------------------------------


@dataclass
class TrainingMatches:
    """The catalogue's trainings by the question codes and axis codes they address."""

    by_question: dict[str, list]
    by_axis: dict[str, list]

    def for_priority(self, question_code: str, axis_code: str) -> list:
        """Trainings on the question itself, else those on its whole axis."""
        return self.by_question.get(question_code) or self.by_axis.get(axis_code, [])


def training_matches(audience: str, today, organiser_id: int | None = None) -> TrainingMatches:
    """Every training for `audience` of the network's catalogue, and of the office
    `organiser_id` when given (its own workshops), each with `upcoming` sessions: four queries."""
    upcoming = TrainingSession.objects.filter(starts__gte=today).order_by("starts")
    catalogue = Q(organiser__isnull=True)
    if organiser_id is not None:
        catalogue |= Q(organiser_id=organiser_id)
    trainings = Training.objects.filter(catalogue, audience=audience).prefetch_related(
        Prefetch("sessions", queryset=upcoming, to_attr="upcoming"),
        Prefetch("questions", queryset=Question.objects.only("code")),
        Prefetch("axes", queryset=Axis.objects.only("code")),
    )
    by_question: dict[str, list] = {}
    by_axis: dict[str, list] = {}
    for training in trainings:
        for code in {q.code for q in training.questions.all()}:
            by_question.setdefault(code, []).append(training)
        for code in {a.code for a in training.axes.all()}:
            by_axis.setdefault(code, []).append(training)
    return TrainingMatches(by_question, by_axis)


@dataclass
class TrainingNeed:
    training: Training
    by_department: dict[str, int]  # department code → offices with a weak answer

    @property
    def total(self) -> int:
        return sum(self.by_department.values())


WEAK_SHARE = 0.5  # a weak answer earns less than half of the question's best points


def _weak_choices(questionnaire: Questionnaire, codes) -> dict[int, str]:
    """The choices of these questions (by code) that earn less than WEAK_SHARE of their
    question's best points, with their question's code: read from the questionnaire's
    structure in memory, so that the database filters the weak answers itself."""
    weak = {}
    for axis in questionnaire_axes(questionnaire):
        for question in axis.questions.all():
            if question.code not in codes:
                continue
            best = question.best_points
            for choice in question.choices.all():
                if best and choice.points < WEAK_SHARE * best:
                    weak[choice.pk] = question.code
    return weak


def weak_organisations(campaign) -> dict[str, list[int]]:
    """Question code → ids of the organisations whose latest submitted diagnostic of the
    campaign answered it weakly. Drawn from every weak answer of the campaign, once per
    submission (`per_submission`). One query when cached, three otherwise."""

    def compute() -> dict[str, list[int]]:
        every = {
            q.code
            for axis in questionnaire_axes(campaign.questionnaire)
            for q in axis.questions.all()
        }
        choices, rows = weak_answers(campaign.questionnaire, campaign.pk, every)
        by_code: dict[str, list[int]] = {}
        for choice, offices in (
            rows.order_by()
            .values("choice")
            .annotate(offices=IdList("diagnostic__organisation"))
            .values_list("choice", "offices")
        ):
            by_code.setdefault(choices[choice], []).extend(map(int, offices.split(",")))
        return by_code

    return per_submission("weak", campaign, compute)


class IdList(Aggregate):
    """A group's ids in one comma-separated string: one row per weak choice (a few hundred)
    instead of one per weak answer (tens of thousands, each made a tuple by Django)."""

    function = "GROUP_CONCAT"
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            function="STRING_AGG",
            template="%(function)s((%(expressions)s)::text, ',')",
            **extra_context,
        )


def weak_offices(
    campaign, codes: Collection[str] | None = None
) -> dict[str, list[tuple[int, str, str]]]:
    """Question code → (office id, department, name) of the offices whose latest submitted
    diagnostic of the campaign answered it weakly; only these questions' (codes) if given:
    `weak_organisations`, plus one query for the offices' names and departments, read
    live. Two queries when cached, four otherwise."""
    by_code = weak_organisations(campaign)
    if codes is not None:
        by_code = {code: ids for code, ids in by_code.items() if code in codes}
    offices = {
        pk: (pk, department, name)
        for pk, department, name in Office.objects.filter(
            pk__in={o for ids in by_code.values() for o in ids}
        ).values_list("pk", "department", "name")
    }
    return {code: [offices[o] for o in ids if o in offices] for code, ids in by_code.items()}


def weak_answers(
    questionnaire: Questionnaire, campaign_id: int, codes, *fields: str, **filters
) -> tuple[dict[int, str], QuerySet]:
    """The answers of the campaign's latest submitted diagnostics that are weak on these
    questions, as `values_list("choice", *fields)`; with the choice → question code map."""
    choices = _weak_choices(questionnaire, set(codes))
    rows = Answer.objects.filter(
        diagnostic__in=latest_submitted().filter(campaign=campaign_id, **filters),
        choice__in=choices,
    ).values_list("choice", *fields)
    return choices, rows


def training_needs(campaign, region: str = "") -> tuple[list[Department], list[TrainingNeed]]:
    """For the network staff: per training for office teams, how many offices (each office's
    latest submitted diagnostic of the campaign) answered weakly a question it addresses,
    by department; only the departments of `region` (code) if given. The departments
    concerned (with their region), and the needs, most needed first."""
    trainings = list(
        Training.objects.filter(audience=Audience.OFFICES).prefetch_related(
            Prefetch("questions", queryset=Question.objects.only("code")),
            Prefetch(
                "sessions",
                queryset=TrainingSession.objects.filter(starts__gte=timezone.localdate()),
                to_attr="upcoming",
            ),
        )
    )
    weak = weak_offices(campaign)
    needs = []
    for training in trainings:
        offices = set().union(*(weak.get(q.code, ()) for q in training.questions.all()))
        counts: dict[str, int] = {}
        for _office, department, _name in offices:
            counts[department] = counts.get(department, 0) + 1
        needs.append(TrainingNeed(training, counts))
    departments = list(
        Department.objects.filter(
            code__in={d for n in needs for d in n.by_department}
        ).select_related("region")
    )
    if region:
        departments = [d for d in departments if d.region.code == region]
        kept = {d.code for d in departments}
        for need in needs:
            need.by_department = {d: n for d, n in need.by_department.items() if d in kept}
    needs.sort(key=lambda n: (-n.total, n.training.title))
    return departments, needs


def training_needs_columns(departments: list[Department]) -> list[tuple[object, list[str]]]:
    """The needs page's columns: one per department within a region, one per region when
    the departments span several (a national network: 18 columns, not 101). Each column
    is its department or region and the department codes it adds up."""
    regions: dict[str, tuple[object, list[str]]] = {}
    for department in departments:
        regions.setdefault(department.region.code, (department.region, []))[1].append(
            department.code
        )
    if len(regions) > 1:
        return sorted(regions.values(), key=lambda column: column[0].name)
    return [(d, [d.code]) for d in departments]


# --- pooling ---------------------------------------------------------------------


@dataclass
class PoolingLead:
    """A recommendation beyond the office alone, and the neighbours that share the need."""

    item: object  # a results PlanItem
    named: list[str]  # offices that agreed to be named (a neighbouring department's in brackets)
    others: int  # offices that share it without having agreed: only counted


def pooling_leads(diagnostic: Diagnostic, items: list) -> list[PoolingLead]:
    """For the plan's items whose scale is beyond the office alone: the other offices of
    its department or of a neighbouring one whose latest submitted diagnostic of the
    campaign answered the same question weakly. An office is named only if it opted in.
    Two queries when the campaign's weak answers are cached, three otherwise."""
    items = [i for i in items if not i.alone]
    if not items:
        return []
    own = diagnostic.organisation.department_id
    area = Department.objects.filter(Q(code=own) | Q(neighbours__code=own)).values("code")
    # Who answered weakly comes from the campaign's cached weak answers; who is in
    # the area, their names and their consent are read live.
    neighbours = {
        pk: (name if department == own else f"{name} ({department_name})", opt_in)
        for pk, name, opt_in, department, department_name in Organisation.objects.filter(
            department__in=area,
            diagnostics__campaign_id=diagnostic.campaign_id,
            diagnostics__status=Diagnostic.Status.SUBMITTED,
        )
        .exclude(pk=diagnostic.organisation_id)
        .values_list("pk", "name", "pooling_opt_in", "department", "department__name")
        .distinct()
    }
    weak = weak_organisations(diagnostic.campaign)
    leads = []
    for item in items:
        offices = [neighbours[o] for o in weak.get(item.question.code, []) if o in neighbours]
        if offices:
            named = sorted((name for name, opt_in in offices if opt_in), key=french_key)
            leads.append(PoolingLead(item, named, len(offices) - len(named)))
    return leads


@dataclass
class PoolingCluster:
    question: Question
    department: Department
    offices: list[str]
    # Offices of the neighbouring departments with the same weak answer, by department.
    neighbours: list[tuple[Department, int]]

    @property
    def names(self) -> str:
        """The offices in one string: a page escapes it once, not name by name."""
        return ", ".join(self.offices)


def pooling_questions(questionnaire: Questionnaire) -> list[Question]:
    """The questions whose recommendations go beyond the office alone, in the
    questionnaire's order: the ones pooling looks at. From the structure in memory."""
    return [
        q
        for axis in questionnaire_axes(questionnaire)
        for q in axis.questions.all()
        if any(c.scale not in ("", "office") for c in q.choices.all())
    ]


@dataclass
class PoolingGroup:
    """The offices of one department that answered one question weakly: two or more."""

    question: Question
    department: str  # its code
    offices: list[str]


def pooling_groups(
    campaign, departments: Collection[str] | None = None
) -> tuple[list[PoolingGroup], dict[tuple[str, str], int]]:
    """For the network staff: per question whose recommendations go beyond the office
    alone, the offices of each department (latest submitted diagnostic of the campaign)
    that answered it weakly, where a pooled tool or a shared training would serve; only
    the departments given (codes), if any; largest first. With, for every question and
    department, how many offices answered it weakly (what pooling_clusters counts across
    the borders). Drawn from weak_offices: two queries when cached, three otherwise;
    plain data, so that a national network's 1,700 groups cost little until shown."""
    questions = {q.code: q for q in pooling_questions(campaign.questionnaire)}
    everywhere: dict[tuple[str, str], list[str]] = {}
    for code, offices in weak_offices(campaign, questions).items():
        for _office, department, name in offices:
            everywhere.setdefault((code, department), []).append(name)
    groups = [
        PoolingGroup(questions[code], department, names)
        for (code, department), names in everywhere.items()
        if len(names) >= 2 and (departments is None or department in departments)
    ]
    groups.sort(key=lambda g: (-len(g.offices), g.question.code, g.department))
    return groups, {key: len(names) for key, names in everywhere.items()}


def pooling_clusters(
    groups: list[PoolingGroup], counts: dict[tuple[str, str], int]
) -> list[PoolingCluster]:
    """The groups shown (a page of them, or an export's) with their department, their
    offices' names in order, and how many offices share the need in each neighbouring
    department. Two queries whatever the number of groups; none if there is none."""
    if not groups:
        return []
    borders: dict[str, list[str]] = {}
    for code, other in Department.neighbours.through.objects.filter(
        from_department__code__in={g.department for g in groups}
    ).values_list("from_department__code", "to_department__code"):
        borders.setdefault(code, []).append(other)
    shown = {g.department for g in groups} | {o for d in borders.values() for o in d}
    departments = {d.code: d for d in Department.objects.filter(code__in=shown)}
    return [
        PoolingCluster(
            group.question,
            departments[group.department],
            sorted(group.offices, key=french_key),
            [
                (departments[other], counts[group.question.code, other])
                for other in sorted(borders.get(group.department, []))
                if (group.question.code, other) in counts
            ],
        )
        for group in groups
    ]


@dataclass
class PoolingSummary:
    """One question's groups, counted: what a national network reads before the names."""

    question: Question
    clusters: int = 0
    offices: int = 0
    largest: int = 0


def pooling_summary(groups: list[PoolingGroup]) -> list[PoolingSummary]:
    """Per question, its groups and their offices; the most shared need first."""
    by_question: dict[str, PoolingSummary] = {}
    for group in groups:
        row = by_question.setdefault(group.question.code, PoolingSummary(group.question))
        row.clusters += 1
        row.offices += len(group.offices)
        row.largest = max(row.largest, len(group.offices))
    return sorted(by_question.values(), key=lambda r: (-r.offices, r.question.code))


# --- an office's businesses and their invitations (issue 11) -----------------------

BUSINESS_STATUSES = ("none", "invited", "opened", "started", "submitted", "revoked")


BUSINESS_ORDERINGS = {
    "nom": (french("name"), "pk"),
    "commune": (french("commune"), french("name"), "pk"),
    "activite": ("segment", french("name"), "pk"),
}


def office_businesses(
    office: Office, campaign=None, *, segment: str = "", status: str = "", order: str = "nom"
) -> QuerySet[Organisation]:
    """The office's businesses with, for `campaign`, their live link and diagnostic, in
    the order `order` (a key of BUSINESS_ORDERINGS).

    Each carries `status` (a key of BUSINESS_STATUSES, computed in SQL so that the
    database filters and paginates by it) and the dates behind it: `link_id`, `sent_at`,
    `sent_count`, `opened_at`, `revoked_at`, `started_at`, `submitted_at`, and
    `shared_diagnostic_id` (a submitted diagnostic whose detail it shares). One query
    whatever the number of businesses.
    """
    businesses = Organisation.objects.filter(parent=office, kind=Organisation.Kind.BUSINESS)
    if segment:
        businesses = businesses.filter(segment=segment)
    if campaign is None:
        businesses = businesses.annotate(status=Value("none", output_field=CharField()))
    else:
        link = BusinessLink.objects.filter(campaign=campaign, business=OuterRef("pk")).order_by(
            F("revoked_at").desc(nulls_first=True), "-created_at"
        )
        diagnostic = Diagnostic.objects.filter(
            campaign=campaign,
            organisation=OuterRef("pk"),
            status__in=[Diagnostic.Status.DRAFT, Diagnostic.Status.SUBMITTED],
        )
        businesses = businesses.annotate(
            link_id=Subquery(link.values("pk")[:1]),
            sent_at=Subquery(link.values("last_sent_at")[:1]),
            sent_count=Subquery(link.values("sent_count")[:1]),
            opened_at=Subquery(link.values("opened_at")[:1]),
            revoked_at=Subquery(link.values("revoked_at")[:1]),
            started_at=Subquery(diagnostic.values("created_at")[:1]),
            submitted_at=Subquery(diagnostic.values("submitted_at")[:1]),
            # The office reads the detail of a submitted diagnostic it was allowed to
            # (diagnostics/visibility.py): its id, or None.
            shared_diagnostic_id=Subquery(
                diagnostic.filter(status=Diagnostic.Status.SUBMITTED, share_details=True).values(
                    "pk"
                )[:1]
            ),
        ).annotate(
            status=Case(
                When(submitted_at__isnull=False, then=Value("submitted")),
                When(started_at__isnull=False, then=Value("started")),
                When(link_id__isnull=True, then=Value("none")),
                When(revoked_at__isnull=False, then=Value("revoked")),
                When(opened_at__isnull=False, then=Value("opened")),
                default=Value("invited"),
                output_field=CharField(),
            )
        )
    if status:
        businesses = businesses.filter(status=status)
    return businesses.order_by(*BUSINESS_ORDERINGS.get(order, BUSINESS_ORDERINGS["nom"]))
