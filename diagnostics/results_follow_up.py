"""What the office set itself after its results, and what became of it: « Niveaux visés »
(the targets after these results, the previous ones reached or not) and the action plan it
follows (« Ce que vous aviez prévu »). A business sets neither."""

from functools import cached_property

from diagnostics import selectors
from diagnostics.models import Axis, AxisScore, Diagnostic
from diagnostics.selectors import targets as axis_targets


class FollowUpSections:
    """The targets' and the followed plan's part of results.Results (mixed into it), drawn
    from its `diagnostic`, `previous`, `levels`, `today` and axis scores."""

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
    def targets_editable(self) -> bool:
        """Whether the office may still set targets on these results: one query."""
        return axis_targets.targets_editable(self.diagnostic)

    @property
    def targets_key(self) -> str:
        """Varies the cached headline priorities and plan, which the targets order after
        importance: the targeted level of each axis (the scores are the submission's)."""
        return ",".join(f"{t.axis_id}:{t.level_id}" for t in self.target_rows) or "-"

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
