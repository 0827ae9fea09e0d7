"""One context builder for the results page and the PDF report.

Scores and levels come from what was stored at submission; strengths and
priorities come from the scoring service over the frozen answers.
"""

from dataclasses import dataclass, field
from functools import cached_property

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from diagnostics import (
    applicability,
    charts,
    observed_questions,
    results_cache,
    scoring,
    selectors,
)
from diagnostics.formatting import difference, shown
from diagnostics.models import (
    Action,
    Answer,
    Audience,
    Axis,
    AxisImportance,
    AxisScore,
    Choice,
    Diagnostic,
    MaturityLevel,
)
from diagnostics.selectors import opinions, territory, websites
from diagnostics.selectors import targets as axis_targets
from diagnostics.visibility import OpinionReader, OpinionsShown

PLAN_SIZE = 12
PEERS_COLOR = "#d08c00"
PREVIOUS_COLOR = "#7a5ea8"
SUMMARY_SIZE = 3
# Actions listed on the report's second page.
FIRST_ACTIONS = 4
WORKSHOPS_SHOWN = 5  # a business's page and report list at most these workshops

EFFORT_LABELS = dict(Choice._meta.get_field("effort").choices)
SCALE_LABELS = dict(Choice._meta.get_field("scale").choices)
IMPORTANCE_LABELS = dict(AxisImportance.Importance.choices)


@dataclass
class AnnexRow:
    question: object
    answer: Answer | None

    @property
    def label(self) -> str:
        if self.answer is None:
            return _("Sans réponse")
        if self.answer.not_applicable:
            return _("Non concerné")
        return self.answer.choice.label if self.answer.choice else _("Sans réponse")


@dataclass
class PlanItem:
    """A priority or a top answer, with what the team wrote beside it."""

    result: scoring.QuestionResult
    comment: str = ""

    @property
    def axis(self):
        return self.result.axis

    @property
    def question(self):
        return self.result.question

    @property
    def choice(self):
        return self.result.choice

    @property
    def recommendation(self) -> str:
        return self.result.recommendation

    @property
    def effort(self) -> str:
        return EFFORT_LABELS.get(self.result.choice.effort, "")

    @property
    def scale(self) -> str:
        return SCALE_LABELS.get(self.result.choice.scale, "")

    @property
    def alone(self) -> bool:
        return self.result.choice.scale in ("", "office")


class Narratives:
    """The questionnaire's axis narratives, read once, when first asked (one query)."""

    def __init__(self, questionnaire):
        self.questionnaire = questionnaire

    @cached_property
    def texts(self) -> dict[tuple[int, int], str]:
        return selectors.axis_narratives(self.questionnaire)


@dataclass
class AxisView:
    axis: Axis
    result: scoring.AxisResult
    score: float | None
    level: MaturityLevel | None
    peer_median: float | None = None
    previous: float | None = None
    annex: list[AnnexRow] = field(default_factory=list)
    # (axis id, level id) → the axis's own text, read on first use: the results page
    # reads it only when the axis cards are not in the cache yet.
    narratives: Narratives | None = field(default=None, repr=False)
    focus: list[PlanItem] = field(default_factory=list)
    later: list[PlanItem] = field(default_factory=list)
    further: list[PlanItem] = field(default_factory=list)  # « Pour aller plus loin »
    quadrant: str | None = None

    @property
    def narrative(self) -> str:
        """The axis's own text for its level, else the level's."""
        if self.level is None:
            return ""
        texts = self.narratives.texts if self.narratives else {}
        return texts.get((self.axis.pk, self.level.pk), self.level.description)

    @property
    def importance(self) -> str:
        return IMPORTANCE_LABELS[self.result.importance]

    @property
    def shown_score(self) -> int | None:
        return None if self.score is None else shown(self.score)

    @property
    def delta_peers(self) -> float | None:
        return difference(self.score, self.peer_median)

    @property
    def delta_previous(self) -> float | None:
        return difference(self.score, self.previous)


@dataclass
class StrongAxes:
    """The axes an office may honestly call strengths, and why others are not
    (decided by scoring.score_diagnostic)."""

    axes: list[AxisView]
    tied: bool  # a tie at the cut: every tied axis is named
    held_back: list[AxisView]  # among the best, but below the median of similar offices
    none_stands_out: bool  # every scored axis shows the same number
    weak_up_to: MaturityLevel | None  # the best axes are not past this level yet


@dataclass
class Frozen:
    """What a submitted diagnostic's answers and stored scores give, with its comparisons:
    the same for every view of one submission (Results computes it on first use)."""

    profile: scoring.Profile
    axes: list[AxisView]
    levels: list[MaturityLevel]
    radar: dict
    comments: dict[int, str]  # question id → comment
    applicable: applicability.Applicable
    board: opinions.BoardImportance | None  # the importance said by the board, if asked


class Results:
    """Everything the results page and the report show. Built with the live comparisons;
    what the answers give (`Frozen`) and the plan's and the catalogue's parts are read
    only when a page asks for them, so that a results page whose frozen fragments are
    cached reads none of it."""

    def __init__(
        self,
        diagnostic: Diagnostic,
        reader: OpinionReader,
        peers,
        previous,
        *,
        page: bool = False,
    ):
        self.diagnostic = diagnostic
        self.reader = reader  # who reads them, for the team's individual opinions
        self.peers: selectors.PeerMedians = peers
        self.previous: selectors.PreviousScores = previous
        self.today = timezone.localdate()
        # The results page reads the plan through plan_layout (kept per submission), and so
        # do its pooling leads and trainings; the report and a business's page, the plan.
        self.page = page

    @cached_property
    def frozen(self) -> Frozen:
        return _frozen(self)

    @property
    def profile(self) -> scoring.Profile:
        return self.frozen.profile

    @property
    def axes(self) -> list[AxisView]:
        return self.frozen.axes

    @cached_property
    def levels(self) -> list[MaturityLevel]:
        """The questionnaire's maturity levels, lowest first: one query, none once read
        at this revision (selectors.questionnaire_levels)."""
        return selectors.questionnaire_levels(self.diagnostic.questionnaire)

    @property
    def radar(self) -> dict:
        return self.frozen.radar

    @property
    def comments(self) -> dict[int, str]:
        return self.frozen.comments

    @property
    def applicable(self) -> applicability.Applicable:
        return self.frozen.applicable

    @property
    def board(self) -> opinions.BoardImportance | None:
        return self.frozen.board

    @cached_property
    def answers(self) -> list[Answer]:
        """The diagnostic's answers with their choices: one query."""
        return list(Answer.objects.filter(diagnostic=self.diagnostic).select_related("choice"))

    @cached_property
    def team_opinions(self) -> opinions.TeamOpinions | None:
        """The team's opinions as the reader may read them (an office's only); the
        answers already read are passed on."""
        if self.diagnostic.organisation.is_business:
            return None
        answers = self.__dict__.get("answers")
        return opinions.team_opinions(
            self.diagnostic,
            self.reader,
            answers=None if answers is None else {a.question_id: a for a in answers},
        )

    @cached_property
    def target_rows(self) -> list:
        """The targets set after this diagnostic (a business sets none): one query."""
        if self.diagnostic.organisation.is_business:
            return []
        return axis_targets.diagnostic_targets(self.diagnostic)

    @cached_property
    def _axis_scores(self) -> list[tuple[Axis, float | None]]:
        """Each scored axis with its score as shown: a submitted diagnostic's stored scores
        (one query) while what the answers give is not computed, else the axis cards'."""
        if "frozen" in self.__dict__ or not self.diagnostic.is_submitted:
            return [(v.axis, v.score) for v in self.axes]
        stored = AxisScore.objects.filter(diagnostic=self.diagnostic).select_related("axis")
        return [(s.axis, None if s.score is None else float(s.score)) for s in stored]

    @cached_property
    def targets(self) -> list:
        """« Niveaux visés » after these results, each with its distance."""
        if not self.target_rows:
            return []
        scores = {axis.pk: score for axis, score in self._axis_scores}
        return axis_targets.target_distances(self.target_rows, scores, self.levels, self.today)

    @cached_property
    def previous_targets(self) -> list:
        """The previous diagnostic's targets, reached or not."""
        if self.diagnostic.organisation.is_business or self.previous.diagnostic is None:
            return []
        return axis_targets.previous_targets(
            self.previous.diagnostic, {axis.code: score for axis, score in self._axis_scores}
        )

    @cached_property
    def _office_plan(self):
        """The office's followed plan, as it stands (a business has none): one query."""
        if self.diagnostic.organisation.is_business:
            return None
        return selectors.office_plan(self.diagnostic.organisation, self.today)

    @property
    def actions(self) -> list:
        """The office's followed plan, as it stands."""
        return self._office_plan.actions if self._office_plan else []

    @property
    def overdue(self) -> list:
        """Those late, by the plan page's rule (OfficePlan)."""
        return self._office_plan.overdue if self._office_plan else []

    @property
    def follow_ups_from(self) -> Diagnostic | None:
        """The diagnostic whose actions « Ce que vous aviez prévu » follows: the
        previous one, for an office (a business plans none)."""
        if self.diagnostic.organisation.is_business:
            return None
        return self.previous.diagnostic

    @cached_property
    def follow_ups(self) -> list:
        """« Ce que vous aviez prévu »."""
        return selectors.previous_plan(self.diagnostic, self.follow_ups_from)

    @cached_property
    def trainings(self) -> selectors.TrainingMatches:
        """The catalogue's trainings for the plan's questions and axes (the network's for
        an office; for a business, its office's workshops and the network's), the only
        ones the pages look up."""
        questions = {item.question.code for item in self._plan_items}
        axes = {item.axis.code for item in self._plan_items}
        organisation = self.diagnostic.organisation
        if organisation.is_business:
            return selectors.training_matches(
                Audience.BUSINESSES,
                organiser_id=organisation.parent_id,
                questions=questions,
                axes=axes,
            )
        return selectors.training_matches(Audience.OFFICES, questions=questions, axes=axes)

    @cached_property
    def plan_layout(self) -> results_cache.PlanLayout:
        """The plan as the results page shows it, its items' frozen parts written once per
        submission and comparisons (results_cache.plan_layout)."""
        return results_cache.plan_layout(self)

    @property
    def _plan_items(self) -> list:
        """The plan's items as this page reads them: each has a question, an axis (with
        their codes), a recommendation, a scale and whether the office can act alone."""
        return self.plan_layout.entries if self.page else self.plan

    @property
    def importance_source(self) -> str:
        """Whose importance the matrix shows."""
        if self.board is not None and self.board.respondents:
            return ngettext(
                "le conseil d’administration et les partenaires, %(count)s réponse",
                "le conseil d’administration et les partenaires, %(count)s réponses",
                self.board.respondents,
            ) % {"count": self.board.respondents}
        return _("l’équipe")

    @property
    def team_debated(self) -> list:
        """« Ce que l’équipe voit différemment »: the most debated questions, as counts, for
        the readers who may read counts (visibility.opinions_shown)."""
        found = self.team_opinions
        if found is None or found.shown != OpinionsShown.COUNTS:
            return []
        return found.debated

    @cached_property
    def targets_editable(self) -> bool:
        """Whether the office may still set targets on these results: one query."""
        return axis_targets.targets_editable(self.diagnostic)

    @property
    def targets_key(self) -> str:
        """Varies the cached headline priorities and plan, which the targets order after
        importance: the targeted level of each axis (the scores are the submission's)."""
        return ",".join(f"{t.axis_id}:{t.level_id}" for t in self.target_rows) or "-"

    @cached_property
    def territory_campaign(self):
        """The office's business campaign of the diagnostic's time, if it ran one: one query."""
        if self.diagnostic.organisation.is_business:
            return None
        return territory.contemporary_business_campaign(self.diagnostic)

    @cached_property
    def territory_rates(self):
        return territory.response_rates(self.diagnostic.organisation, self.territory_campaign)

    @cached_property
    def territory_key(self) -> str:
        """Varies the cached territorial summary (read only with a business campaign)."""
        return results_cache.territory_key(
            self.diagnostic.organisation, self.territory_campaign, self.territory_rates
        )

    @cached_property
    def territory(self):
        """That campaign summed up (selectors/territory.py), if there is one."""
        campaign = self.territory_campaign
        if campaign is None:
            return None
        return territory.campaign_summary(
            self.diagnostic.organisation, campaign, self.territory_rates
        )

    @cached_property
    def pooling(self) -> list[selectors.PoolingLead]:
        """« Pistes de mutualisation »: neighbours sharing the plan's needs beyond the office."""
        return selectors.pooling_leads(self.diagnostic, self._plan_items)

    @cached_property
    def observed(self):
        """« Déclaré / observé »: the website questions beside the latest check (one query,
        plus their answers when what the answers give is not computed)."""
        if "frozen" in self.__dict__:
            answered = [(row.question, row.answer) for item in self.axes for row in item.annex]
        else:
            answered = self._website_answers()
        return websites.declared_observed(self.diagnostic, answered)

    def _website_answers(self) -> list[tuple]:
        """The scored questions a website check informs, in the annex's order, each with its
        answer: one query, none if the questionnaire has none of them."""
        questionnaire = self.diagnostic.questionnaire
        rules = observed_questions.rules_for(questionnaire.code, questionnaire.version)
        structure = selectors.questionnaire_axes(questionnaire)
        scored = applicability.applicable(structure, self.diagnostic.organisation).scored
        questions = [q for axis in scored for q in axis.questions.all() if q.code in rules]
        if not questions:
            return []
        answers = {
            a.question_id: a
            for a in Answer.objects.filter(
                diagnostic=self.diagnostic, question__in=questions
            ).select_related("choice")
        }
        return [(q, answers.get(q.pk)) for q in questions]

    fragment_seconds = results_cache.FRAGMENT_SECONDS

    @property
    def cache_key(self) -> str:
        """The submission's key: the page's frozen fragments are cached under it."""
        return results_cache.submission_key(self.diagnostic)

    @cached_property
    def comparisons_key(self) -> str:
        """Varies the cached fragments that show the peers' medians or the previous scores."""
        return results_cache.comparisons_key(self.peers, self.previous)

    @property
    def score(self) -> float | None:
        value = self.diagnostic.overall_score
        return None if value is None else float(value)

    @property
    def level(self) -> MaturityLevel | None:
        return self.diagnostic.overall_level

    @property
    def previous_overall(self) -> float | None:
        previous = self.previous.diagnostic
        return (
            None
            if previous is None or previous.overall_score is None
            else float(previous.overall_score)
        )

    @property
    def delta_previous(self) -> float | None:
        return difference(self.score, self.previous_overall)

    @property
    def delta_peers(self) -> float | None:
        return difference(self.score, self.peers.overall if self.peers.shown else None)

    @property
    def level_bands(self) -> list[tuple[MaturityLevel, int]]:
        """Each level with the bound where the next one starts (100 for the last)."""
        uppers = [lv.lower_bound for lv in self.levels[1:]] + [100]
        return list(zip(self.levels, uppers, strict=True))

    def _item(self, result: scoring.QuestionResult) -> PlanItem:
        return _plan_item(result, self.comments)

    @cached_property
    def plan(self) -> list[PlanItem]:
        """The focus priorities (at most three per axis), importance first, then the rule."""
        return [self._item(r) for r in self.profile.plan[:PLAN_SIZE]]

    @property
    def plan_alone(self) -> list[PlanItem]:
        """« Ce que l’office peut faire seul »."""
        return [item for item in self.plan if item.alone]

    @property
    def plan_with_others(self) -> list[tuple[str, list[PlanItem]]]:
        """« Ce qu’il faut porter avec d’autres », grouped by scale, nearest first."""
        groups = []
        for code, label in SCALE_LABELS.items():
            items = [item for item in self.plan if item.choice.scale == code and not item.alone]
            if items:
                groups.append((label, items))
        return groups

    def _choices(self):
        return (c for a in self.profile.axes for q in a.axis.questions for c in q.choices)

    @cached_property
    def uses_effort(self) -> bool:
        """Whether the questionnaire says the effort of its recommendations (not version 1)."""
        return any(c.effort for c in self._choices())

    @cached_property
    def uses_scale(self) -> bool:
        """Whether the questionnaire says at which scale to carry its recommendations."""
        return any(c.scale for c in self._choices())

    @property
    def top_priorities(self) -> list[PlanItem]:
        return self.plan[:SUMMARY_SIZE]

    @property
    def headline_reinforced(self) -> list[str]:
        """The axes « À renforcer en priorité » the headline priorities come from, in their order."""
        views = {v.axis.pk: v for v in self.axes}
        sources = dict.fromkeys(item.axis.id for item in self.top_priorities)
        return [views[pk].axis.name for pk in sources if views[pk].quadrant == "reinforce"]

    @property
    def workshops(self) -> list:
        """The catalogue's trainings that fit the plan's priorities, the first priority's first,
        each once (a business's page and report: « Les ateliers qui vous correspondent »)."""
        if self.trainings is None:
            return []
        found = {}
        for item in self.plan:
            for training in self.trainings.for_priority(item.question.code, item.axis.code):
                found.setdefault(training.pk, training)
        return list(found.values())[:WORKSHOPS_SHOWN]

    @property
    def open_actions(self) -> list:
        """The office's planned actions not done yet, the first ones (report's summary)."""
        open_ = (Action.Status.TODO, Action.Status.DOING)
        return [a for a in self.actions if a.status in open_][:FIRST_ACTIONS]

    @property
    def next_actions(self) -> list[PlanItem]:
        """The recommended plan after the three priorities, when the office planned nothing."""
        return self.plan[SUMMARY_SIZE:][:FIRST_ACTIONS]

    @property
    def top_strengths(self) -> tuple[scoring.QuestionResult, ...]:
        return self.profile.strengths[:SUMMARY_SIZE]

    @property
    def further(self) -> list[PlanItem]:
        """Top answers that still carry a recommendation: « Pour aller plus loin »."""
        return [self._item(r) for r in self.profile.strengths if r.recommendation.strip()][
            :SUMMARY_SIZE
        ]

    @property
    def strong_axes(self) -> StrongAxes:
        views = {v.axis.pk: v for v in self.axes}
        weak_up_to = self.profile.weak_up_to
        return StrongAxes(
            axes=[views[a.axis.id] for a in self.profile.strong_axes],
            tied=self.profile.tied,
            held_back=[views[a.axis.id] for a in self.profile.held_back_axes],
            none_stands_out=self.profile.none_stands_out,
            weak_up_to=next((lv for lv in self.levels if lv.pk == weak_up_to.id), None)
            if weak_up_to
            else None,
        )

    @property
    def overall_weights(self) -> str:
        """« Site web ×3, Réseaux sociaux ×2 … »: how the overall score weighs the axes
        that have a score."""
        return ", ".join(
            f"{a.axis.name} ×{a.axis.weight}" for a in self.axes if a.score is not None
        )

    @property
    def unscored_axes(self) -> list[str]:
        """Axes without a score (every answer « non concerné »): the overall score leaves them."""
        return [a.axis.name for a in self.axes if a.score is None]

    @property
    def matrix(self) -> dict[str, charts.Quadrant]:
        """The importance × performance matrix by quadrant (axes without a score left out)."""
        return {
            code: charts.Quadrant(code, label, [a for a in self.axes if a.quadrant == code])
            for code, label in charts.QUADRANTS.items()
        }

    @property
    def matrix_rows(self) -> list[charts.MatrixRow]:
        """The matrix as table rows: important axes above, secondary below; weak, then strong."""
        matrix = self.matrix
        return [
            charts.MatrixRow(
                _("Axes essentiels ou importants"), [matrix["reinforce"], matrix["maintain"]]
            ),
            charts.MatrixRow(_("Axes secondaires"), [matrix["secondary"], matrix["watch"]]),
        ]

    @property
    def importance_set(self) -> bool:
        """Whether the team said how much any axis matters (otherwise all are « important »)."""
        return any(a.result.importance != scoring.DEFAULT_IMPORTANCE for a in self.axes)

    @property
    def scope(self) -> str:
        """For a business asked only its activity's questions, how many its scores count."""
        return self._scope(
            "Ce diagnostic compte la question qui concerne votre activité (%(activity)s).",
            "Ce diagnostic compte les %(count)s questions qui concernent votre activité "
            "(%(activity)s).",
        )

    @property
    def scope_for_office(self) -> str:
        """The same, as its office reads it."""
        return self._scope(
            "Ce diagnostic compte la question qui concerne son activité (%(activity)s).",
            "Ce diagnostic compte les %(count)s questions qui concernent son activité "
            "(%(activity)s).",
        )

    def _scope(self, singular: str, plural: str) -> str:
        applicable = self.applicable
        if applicable is None or not applicable.is_partial:
            return ""
        count = applicable.scored_count
        return ngettext(singular, plural, count) % {
            "count": count,
            "activity": applicable.activity,
        }

    @property
    def revised_questionnaire(self) -> bool:
        """The previous diagnostic answered another version: the evolution compares axes only."""
        previous = self.previous.diagnostic
        return (
            previous is not None and previous.questionnaire_id != self.diagnostic.questionnaire_id
        )


def _plan_item(result: scoring.QuestionResult, comments: dict[int, str]) -> PlanItem:
    return PlanItem(result, comments.get(result.question.id, ""))


def build_results(
    diagnostic: Diagnostic,
    reader: OpinionReader = OpinionReader.MEMBER,
    *,
    page: bool = False,
) -> Results:
    """Everything the results page (`page`) and the report show, in a fixed number of
    queries: the comparisons now, the rest when first read.

    `reader` is who reads them, for the team's individual opinions (visibility.py): by
    default a member of the office, as the report printed at submission."""
    return Results(
        diagnostic,
        reader,
        selectors.peer_medians(diagnostic),
        selectors.previous_scores(diagnostic),
        page=page,
    )


def _frozen(results: Results) -> Frozen:
    """What the answers and the stored scores give, with the comparisons, the board's
    importance (closed at submission) and the targets (which order the plan)."""
    diagnostic, peers, previous = results.diagnostic, results.peers, results.previous
    structure = selectors.questionnaire_axes(diagnostic.questionnaire)
    applicable = applicability.applicable(structure, diagnostic.organisation)
    axes = applicable.scored
    levels = results.levels
    level_specs = [
        scoring.LevelSpec(id=lv.pk, lower_bound=lv.lower_bound, name=lv.name) for lv in levels
    ]
    answers = results.answers
    team_opinions = results.team_opinions
    stored = {s.axis_id: s for s in AxisScore.objects.filter(diagnostic=diagnostic)}
    board = None
    if team_opinions is not None and team_opinions.is_open:
        board = opinions.board_importance(diagnostic)
    importance = selectors.axis_importances(diagnostic)
    if board is not None and board.respondents:
        # Asked of the board and the partners, their median decides the matrix and the plan.
        importance = {**importance, **board.medians}

    # A business sets no target: only offices do, after reading their results.
    targets = results.target_rows
    # One story for every section: scoring decides it from the scores as shown.
    profile = scoring.score_diagnostic(
        selectors.scoring_axes(axes),
        level_specs,
        selectors.scoring_answers(answers),
        importance=importance,
        peer_medians={
            a.pk: peers.axes[a.code] for a in axes if peers.shown and a.code in peers.axes
        },
        stored_scores={pk: None if s.score is None else float(s.score) for pk, s in stored.items()},
        targets={
            t.axis_id: scoring.LevelSpec(
                id=t.level_id, lower_bound=t.level.lower_bound, name=t.level.name
            )
            for t in targets
        },
    )
    narratives = Narratives(diagnostic.questionnaire)
    comments = {a.question_id: a.comment for a in answers if a.comment.strip()}
    levels_by_id = {lv.pk: lv for lv in levels}
    answers_by_question = {a.question_id: a for a in answers}

    views = []
    for axis, result in zip(axes, profile.axes, strict=True):
        if axis.pk in stored:  # submitted: the stored score is the truth
            score = None if stored[axis.pk].score is None else float(stored[axis.pk].score)
            level = levels_by_id.get(stored[axis.pk].level_id)
        else:
            score = result.score
            level = levels_by_id.get(result.level.id) if result.level else None
        views.append(
            AxisView(
                axis=axis,
                result=result,
                score=score,
                level=level,
                peer_median=peers.axes.get(axis.code) if peers.shown else None,
                previous=previous.axes.get(axis.code),
                annex=[AnnexRow(q, answers_by_question.get(q.pk)) for q in axis.questions.all()],
                narratives=narratives,
                focus=[_plan_item(r, comments) for r in result.focus],
                later=[_plan_item(r, comments) for r in result.priorities[len(result.focus) :]],
                further=[
                    _plan_item(r, comments) for r in result.strengths if r.recommendation.strip()
                ],
                quadrant=result.quadrant,
            )
        )

    organisation = diagnostic.organisation
    series = [
        charts.Series("office", organisation.name, tuple(v.score for v in views), filled=True)
    ]
    if peers.shown:
        series.append(
            charts.Series(
                "peers",
                _("Prestataires comparables (médiane)")
                if organisation.is_business
                else _("Offices comparables (médiane)"),
                tuple(v.peer_median for v in views),
                color=PEERS_COLOR,
                dash="6 4",
            )
        )
    if previous.diagnostic is not None:
        series.append(
            charts.Series(
                "previous",
                _("Diagnostic précédent"),
                tuple(v.previous for v in views),
                color=PREVIOUS_COLOR,
                dash="2 3",
            )
        )
    radar = charts.radar([a.name for a in axes], series)
    return Frozen(
        profile=profile,
        axes=views,
        levels=levels,
        radar=radar,
        comments=comments,
        applicable=applicable,
        board=board,
    )
