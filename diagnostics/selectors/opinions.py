"""« Avis de l’équipe », read: the opinions of a draft per question with their consensus, the
people consulted, and the board's importance of the axes. A fixed number of queries whatever
the number of people; what each reader gets is decided by visibility.opinions_shown."""

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.utils.translation import gettext as _

from diagnostics import consensus
from diagnostics.models import (
    Answer,
    Axis,
    Diagnostic,
    ImportanceOpinion,
    Opinion,
    OpinionRound,
    Question,
    Respondent,
)
from diagnostics.selectors.structure import questionnaire_axes
from diagnostics.visibility import OpinionReader, OpinionsShown, opinions_shown


@dataclass
class AnswerCount:
    """One answer a question offers, with the opinions on it (names only when shown)."""

    token: str
    label: str
    points: int | None
    count: int = 0
    names: list[str] = field(default_factory=list)
    is_team: bool = False  # the team's answer as it stands


@dataclass
class QuestionOpinions:
    question: Question
    answers: list[AnswerCount]
    consensus: consensus.Consensus | None
    team_token: str  # the team's answer as the pages send it ("" without one)

    @property
    def majority(self) -> AnswerCount | None:
        token = self.consensus.majority if self.consensus else None
        return next((a for a in self.answers if a.token == token), None)

    @property
    def settled_on_majority(self) -> bool:
        return self.majority is not None and self.majority.token == self.team_token

    @property
    def team_label(self) -> str:
        found = next((a for a in self.answers if a.token == self.team_token), None)
        return found.label if found else _("Pas encore de réponse de l’équipe")


@dataclass
class TeamOpinions:
    round: OpinionRound | None
    shown: OpinionsShown
    respondents: list[Respondent]
    axes: list[tuple[Axis, list[QuestionOpinions]]]

    @property
    def is_open(self) -> bool:
        return self.round is not None

    @property
    def answered(self) -> int:
        return sum(1 for r in self.respondents if r.answered_at is not None)

    @property
    def invited(self) -> list[Respondent]:
        return [r for r in self.respondents if r.is_invited]

    @property
    def team(self) -> list[Respondent]:
        return [r for r in self.respondents if not r.is_invited]

    @property
    def questions(self) -> list[QuestionOpinions]:
        return [q for _axis, questions in self.axes for q in questions]

    @cached_property
    def debated(self) -> list[QuestionOpinions]:
        """The points to discuss: the questions the team disagrees on most."""
        by_id = {q.question.pk: q for q in self.questions}
        keys = consensus.most_debated({pk: q.consensus for pk, q in by_id.items()})
        return [by_id[pk] for pk in keys]

    @property
    def to_settle(self) -> int:
        """Questions with opinions but no team answer yet, or a team answer other than the
        majority's (a tie has no majority: the director chooses, nothing to count)."""
        return sum(
            1
            for q in self.questions
            if q.consensus
            and (not q.team_token or (q.majority is not None and not q.settled_on_majority))
        )


def _answer_counts(question: Question) -> list[AnswerCount]:
    counts = [AnswerCount(str(c.pk), c.label, c.points) for c in question.choices.all()]
    if question.allow_not_applicable:
        counts.append(AnswerCount(consensus.NOT_APPLICABLE, _("Non concerné"), None))
    return counts


def opinion_round(diagnostic: Diagnostic) -> OpinionRound | None:
    """The draft's round of opinions with its axes' ids (`axis_ids`), or None: two queries."""
    found = OpinionRound.objects.filter(diagnostic=diagnostic).first()
    if found is not None:
        found.axis_ids = set(found.axes.values_list("pk", flat=True))
    return found


def team_opinions(
    diagnostic: Diagnostic,
    reader: OpinionReader,
    *,
    answers: dict[int, Answer] | None = None,
) -> TeamOpinions:
    """The opinions of the draft as `reader` may read them (visibility.opinions_shown):
    at most seven queries, whatever the number of people consulted."""
    found = opinion_round(diagnostic)
    if found is None:
        return TeamOpinions(None, OpinionsShown.NONE, [], [])
    respondents = list(
        Respondent.objects.filter(round=found).select_related("user").order_by("created_at", "pk")
    )
    answered = sum(1 for r in respondents if r.answered_at is not None)
    shown = opinions_shown(reader, answered)
    if shown == OpinionsShown.NONE:
        return TeamOpinions(found, shown, respondents, [])
    if answers is None:
        answers = {a.question_id: a for a in Answer.objects.filter(diagnostic=diagnostic)}
    names = {r.pk: r.display_name for r in respondents}
    given = defaultdict(list)
    rows = Opinion.objects.filter(
        respondent__round=found, respondent__answered_at__isnull=False
    ).values_list("respondent_id", "question_id", "choice_id")
    for respondent_id, question_id, choice_id in rows:
        token = str(choice_id) if choice_id else consensus.NOT_APPLICABLE
        given[question_id].append((respondent_id, token))
    axes = []
    for axis in questionnaire_axes(diagnostic.questionnaire):
        if axis.pk not in found.axis_ids:
            continue
        questions = []
        for question in axis.questions.all():
            counts = _answer_counts(question)
            by_token = {a.token: a for a in counts}
            pairs = []
            for respondent_id, token in given.get(question.pk, []):
                if token not in by_token:
                    continue
                by_token[token].count += 1
                if shown == OpinionsShown.NAMES:
                    by_token[token].names.append(names[respondent_id])
                pairs.append((token, by_token[token].points))
            team = answers.get(question.pk)
            team_token = "" if team is None or team.carried_over else _token(team)
            for a in counts:
                a.is_team = a.token == team_token
                a.names.sort()
            best = max((c.points for c in question.choices.all()), default=0)
            questions.append(
                QuestionOpinions(question, counts, consensus.consensus(pairs, best), team_token)
            )
        axes.append((axis, questions))
    return TeamOpinions(found, shown, respondents, axes)


def _token(answer: Answer) -> str:
    if answer.not_applicable:
        return consensus.NOT_APPLICABLE
    return str(answer.choice_id) if answer.choice_id else ""


@dataclass(frozen=True)
class BoardImportance:
    """The importance of the axes said by the people invited (board, partners): the
    median per axis, and how many answered."""

    medians: dict[int, str]
    respondents: int


def board_importance(diagnostic: Diagnostic) -> BoardImportance:
    """One query."""
    rows = ImportanceOpinion.objects.filter(
        respondent__round__diagnostic=diagnostic,
        respondent__answered_at__isnull=False,
        respondent__user__isnull=True,
    ).values_list("respondent_id", "axis_id", "importance")
    by_axis = defaultdict(list)
    people = set()
    for respondent_id, axis_id, importance in rows:
        by_axis[axis_id].append(importance)
        people.add(respondent_id)
    medians = {axis_id: consensus.importance_median(values) for axis_id, values in by_axis.items()}
    return BoardImportance(medians, len(people))


def respondents_by_diagnostic(diagnostic_ids: list[int]) -> dict[int, tuple[int, int]]:
    """diagnostic id → (people consulted, people who answered): one query, for the staff,
    who read these counts and never the opinions."""
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    rows = Respondent.objects.filter(round__diagnostic__in=diagnostic_ids).values_list(
        "round__diagnostic_id", "answered_at"
    )
    for diagnostic_id, answered_at in rows:
        counts[diagnostic_id][0] += 1
        counts[diagnostic_id][1] += answered_at is not None
    return {pk: (asked, answered) for pk, (asked, answered) in counts.items()}


__all__ = [
    "AnswerCount",
    "BoardImportance",
    "QuestionOpinions",
    "TeamOpinions",
    "board_importance",
    "opinion_round",
    "respondents_by_diagnostic",
    "team_opinions",
]
