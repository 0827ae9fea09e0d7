"""The plan the results propose, as the results page, the report and a business's page read
it: the focus priorities grouped by who carries them, the summary's first priorities,
strengths and actions, and the workshops and pooling leads that fit the plan."""

from functools import cached_property

from diagnostics import results_cache, scoring, selectors
from diagnostics.models import Action, Audience
from diagnostics.results_parts import SCALE_LABELS, PlanItem, plan_item

PLAN_SIZE = 12
SUMMARY_SIZE = 3
# Actions listed on the report's second page.
FIRST_ACTIONS = 4
WORKSHOPS_SHOWN = 5  # a business's page and report list at most these workshops


class PlanSections:
    """The plan's part of results.Results (mixed into it), drawn from its `profile`,
    `comments`, `actions` and, on the results page (`page`), its kept `plan_layout`."""

    def _item(self, result: scoring.QuestionResult) -> PlanItem:
        return plan_item(result, self.comments)

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
    def top_strengths(self) -> tuple[scoring.QuestionResult, ...]:
        return self.profile.strengths[:SUMMARY_SIZE]

    @property
    def further(self) -> list[PlanItem]:
        """Top answers that still carry a recommendation: « Pour aller plus loin »."""
        return [self._item(r) for r in self.profile.strengths if r.recommendation.strip()][
            :SUMMARY_SIZE
        ]

    @property
    def next_actions(self) -> list[PlanItem]:
        """The recommended plan after the three priorities, when the office planned nothing."""
        return self.plan[SUMMARY_SIZE:][:FIRST_ACTIONS]

    @property
    def open_actions(self) -> list:
        """The office's planned actions not done yet, the first ones (report's summary)."""
        open_ = (Action.Status.TODO, Action.Status.DOING)
        return [a for a in self.actions if a.status in open_][:FIRST_ACTIONS]

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

    @cached_property
    def pooling(self) -> list[selectors.PoolingLead]:
        """« Pistes de mutualisation »: neighbours sharing the plan's needs beyond the office."""
        return selectors.pooling_leads(self.diagnostic, self._plan_items)
