"""How businesses' scores moved between two diagnostics, for those who came to a workshop
against those who did not. Pure Python: no ORM, no Django.

Arithmetic (also in the README):
- a business's measures are its submitted diagnostics, each a date and its scores by key
  (an axis code, « overall », or a question code for a workshop's questions);
- an attendee is a business that came to at least one session: its « before » is its
  latest measure taken on or before the day of its first session, its « after » its
  latest measure taken after that day; without both, it waits for its re-diagnosis
  (`waiting`) and counts in no average;
- a non-attendee's « before » is its first measure, its « after » its latest one; with a
  single measure it counts in no average (`single`);
- per key, a group's figures are over the businesses that have a score for that key on
  both sides: their number, the mean before, the mean after and the mean change, which is
  the mean after minus the mean before (the same businesses on both sides), shown as the
  difference of the two means as shown (`points`);
- the two groups are not comparable as in a trial: businesses chose to come.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from diagnostics.formatting import difference


@dataclass(frozen=True)
class Measure:
    """One submitted diagnostic: when, and its scores by key (None: no score)."""

    taken: date
    scores: Mapping[str, float | None]


@dataclass(frozen=True)
class Trajectory:
    """A business's measures, in any order, and the days of the sessions it came to."""

    business: int
    measures: Sequence[Measure]
    attended: Sequence[date] = ()


@dataclass(frozen=True)
class Pair:
    business: int
    attendee: bool
    before: Measure
    after: Measure


@dataclass(frozen=True)
class KeyEvolution:
    count: int
    before: float | None
    after: float | None

    @property
    def change(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    @property
    def points(self) -> int | None:
        """The change between the two means as shown (whole numbers): 34 → 58 is +24."""
        return difference(self.after, self.before)


@dataclass(frozen=True)
class GroupEvolution:
    businesses: int  # paired businesses of the group
    keys: dict[str, KeyEvolution] = field(default_factory=dict)

    def of(self, key: str) -> KeyEvolution:
        return self.keys.get(key, KeyEvolution(0, None, None))


@dataclass(frozen=True)
class Comparison:
    attendees: GroupEvolution
    others: GroupEvolution
    waiting: int  # attendees without a measure on both sides of their first session
    single: int  # non-attendees with one measure only


def pair(trajectory: Trajectory) -> Pair | None:
    """The two measures a business is compared on, or None (see the module's rules)."""
    measures = sorted(trajectory.measures, key=lambda m: m.taken)
    if trajectory.attended:
        first = min(trajectory.attended)
        before = [m for m in measures if m.taken <= first]
        after = [m for m in measures if m.taken > first]
        if not before or not after:
            return None
        return Pair(trajectory.business, True, before[-1], after[-1])
    if len(measures) < 2:
        return None
    return Pair(trajectory.business, False, measures[0], measures[-1])


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def group_evolution(pairs: Sequence[Pair], keys: Iterable[str]) -> GroupEvolution:
    """Per key, the businesses with a score on both sides, and their mean before and after."""
    figures = {}
    for key in keys:
        both = [
            (p.before.scores[key], p.after.scores[key])
            for p in pairs
            if p.before.scores.get(key) is not None and p.after.scores.get(key) is not None
        ]
        figures[key] = KeyEvolution(
            count=len(both),
            before=_mean([float(b) for b, _a in both]),
            after=_mean([float(a) for _b, a in both]),
        )
    return GroupEvolution(businesses=len(pairs), keys=figures)


def compare(trajectories: Iterable[Trajectory], keys: Sequence[str]) -> Comparison:
    """Attendees against non-attendees, key by key."""
    attendees: list[Pair] = []
    others: list[Pair] = []
    waiting = single = 0
    for trajectory in trajectories:
        found = pair(trajectory)
        if found is None:
            if trajectory.attended:
                waiting += 1
            elif trajectory.measures:
                single += 1
        elif found.attendee:
            attendees.append(found)
        else:
            others.append(found)
    return Comparison(
        attendees=group_evolution(attendees, keys),
        others=group_evolution(others, keys),
        waiting=waiting,
        single=single,
    )
