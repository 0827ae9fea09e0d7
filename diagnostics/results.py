"""One context builder for the results page and the PDF report.

Scores and levels come from what was stored at submission; strengths and
priorities come from the scoring service over the frozen answers.

What the answers give is computed in results_frozen.py, the axis cards and plan items it
holds are results_parts.py's; the plan's sections (results_plan.py) and the office's
targets and followed plan (results_follow_up.py) are mixed into `Results`; what the
results page keeps per submission is results_cache.py's.
"""

from functools import cached_property

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from diagnostics import (
    applicability,
    charts,
    observed_questions,
    results_cache,
    results_frozen,
    scoring,
    selectors,
)
from diagnostics.formatting import difference
from diagnostics.models import Answer, Diagnostic, MaturityLevel
from diagnostics.results_follow_up import FollowUpSections
from diagnostics.results_parts import AxisView, StrongAxes
from diagnostics.results_plan import PlanSections
from diagnostics.selectors import opinions, territory, territory_summary, websites
from diagnostics.visibility import OpinionReader, OpinionsShown


class Results(PlanSections, FollowUpSections):
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
    def frozen(self) -> results_frozen.Frozen:
        return results_frozen.frozen(self)

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
    def territory_campaign(self):
        """The office's business campaign of the diagnostic's time, if it ran one: one query."""
        if self.diagnostic.organisation.is_business:
            return None
        return territory_summary.contemporary_business_campaign(self.diagnostic)

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
        return territory_summary.campaign_summary(
            self.diagnostic.organisation, campaign, self.territory_rates
        )

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
