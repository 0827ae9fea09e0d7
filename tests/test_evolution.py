"""The evolution of businesses' scores, attendees against the others: examples and properties."""

import random
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from diagnostics.evolution import Measure, Trajectory, compare, group_evolution, pair

KEYS = ("web", "social", "overall")
DAY = date(2026, 1, 1)


def measure(day: int, **scores) -> Measure:
    return Measure(DAY + timedelta(days=day), scores)


def test_an_attendee_is_compared_around_its_first_session():
    trajectory = Trajectory(
        1,
        [measure(0, web=10), measure(20, web=30), measure(200, web=70), measure(300, web=80)],
        attended=[DAY + timedelta(days=250), DAY + timedelta(days=20)],
    )
    found = pair(trajectory)
    # Taken on the session's day counts as before it; the latest measure after it is kept.
    assert found.attendee
    assert found.before.scores["web"] == 30
    assert found.after.scores["web"] == 80


def test_a_non_attendee_is_compared_from_first_to_latest():
    found = pair(Trajectory(2, [measure(300, web=50), measure(0, web=20), measure(100, web=90)]))
    assert not found.attendee
    assert (found.before.scores["web"], found.after.scores["web"]) == (20, 50)


def test_worked_comparison():
    session = [DAY + timedelta(days=10)]
    trajectories = [
        Trajectory(1, [measure(0, web=20, social=None), measure(200, web=60, social=40)], session),
        Trajectory(2, [measure(0, web=40, social=10), measure(190, web=50, social=30)], session),
        Trajectory(3, [measure(0, web=40)], session),  # not re-diagnosed yet
        Trajectory(4, [measure(0, web=30), measure(180, web=35)]),
        Trajectory(5, [measure(0, web=50)]),
    ]
    result = compare(trajectories, KEYS)
    assert result.attendees.businesses == 2
    assert result.attendees.of("web").before == pytest.approx(30)
    assert result.attendees.of("web").after == pytest.approx(55)
    assert result.attendees.of("web").change == pytest.approx(25)
    # Only business 2 has a « social » score on both sides.
    assert result.attendees.of("social").count == 1
    assert result.attendees.of("social").change == pytest.approx(20)
    assert result.attendees.of("overall").count == 0
    assert result.attendees.of("overall").change is None
    assert result.others.businesses == 1
    assert result.others.of("web").change == pytest.approx(5)
    assert (result.waiting, result.single) == (1, 1)


scores = st.one_of(st.none(), st.integers(0, 100).map(float))
measures = st.builds(
    lambda day, values: Measure(DAY + timedelta(days=day), dict(zip(KEYS, values, strict=True))),
    st.integers(0, 730),
    st.tuples(scores, scores, scores),
)
trajectories = st.lists(
    st.builds(
        Trajectory,
        st.integers(1, 10**6),
        st.lists(measures, max_size=3),
        st.lists(st.integers(0, 730).map(lambda d: DAY + timedelta(days=d)), max_size=2),
    ),
    max_size=8,
)


@given(trajectories)
def test_every_business_lands_in_one_place(found):
    result = compare(found, KEYS)
    placed = result.attendees.businesses + result.others.businesses + result.waiting
    placed += result.single
    with_a_measure = sum(1 for t in found if t.measures or t.attended)
    assert placed == with_a_measure
    assert result.attendees.businesses == sum(1 for t in found if t.attended and pair(t))


@given(trajectories)
def test_an_attendees_measures_frame_its_first_session(found):
    for trajectory in found:
        paired = pair(trajectory)
        if paired and paired.attendee:
            first = min(trajectory.attended)
            assert paired.before.taken <= first < paired.after.taken
        if paired:
            assert paired.before.taken <= paired.after.taken


@given(trajectories, st.randoms(use_true_random=False))
def test_the_order_of_businesses_changes_nothing(found, rng: random.Random):
    shuffled = list(found)
    rng.shuffle(shuffled)
    first, second = compare(found, KEYS), compare(shuffled, KEYS)
    for group in ("attendees", "others"):
        for key in KEYS:
            a, b = getattr(first, group).of(key), getattr(second, group).of(key)
            assert a.count == b.count
            if a.count:
                assert a.change == pytest.approx(b.change)


@given(trajectories)
def test_the_mean_change_is_the_mean_of_each_businesss_change_and_shown_as_whole_points(found):
    pairs = [p for p in map(pair, found) if p is not None]
    figures = group_evolution(pairs, KEYS)
    for key in KEYS:
        changes = [
            p.after.scores[key] - p.before.scores[key]
            for p in pairs
            if p.before.scores[key] is not None and p.after.scores[key] is not None
        ]
        assert figures.of(key).count == len(changes)
        if changes:
            assert figures.of(key).change == pytest.approx(sum(changes) / len(changes))
            assert min(changes) - 1e-9 <= figures.of(key).change <= max(changes) + 1e-9
            # What the pages show: the difference of the two means as shown (whole numbers).
            shown = figures.of(key)
            assert shown.points == int(shown.after // 1) - int(shown.before // 1)
            assert abs(shown.points - shown.change) < 1
        else:
            assert figures.of(key).change is None and figures.of(key).points is None


@given(trajectories, st.integers(-20, 20))
def test_raising_every_later_score_raises_the_change_as_much(found, shift):
    pairs = [p for p in map(pair, found) if p is not None]
    raised = [
        type(p)(
            p.business,
            p.attendee,
            p.before,
            Measure(
                p.after.taken,
                {k: None if v is None else v + shift for k, v in p.after.scores.items()},
            ),
        )
        for p in pairs
    ]
    plain, moved = group_evolution(pairs, KEYS), group_evolution(raised, KEYS)
    for key in KEYS:
        if plain.of(key).count:
            assert moved.of(key).change == pytest.approx(plain.of(key).change + shift)
