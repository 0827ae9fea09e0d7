"""The consensus of a team's opinions and the board's median importance: pure, property-tested."""

from hypothesis import given
from hypothesis import strategies as st

from diagnostics import consensus

BEST = 3
# An opinion: a choice (token "c<points>") with its points, or « non concerné ».
opinion = st.one_of(
    st.integers(0, BEST).map(lambda p: (f"c{p}", p)), st.just((consensus.NOT_APPLICABLE, None))
)
opinions = st.lists(opinion, min_size=1, max_size=40)
importance = st.sampled_from(consensus.IMPORTANCE_ORDER)


@given(opinions, st.randoms())
def test_the_consensus_does_not_depend_on_the_order(given_opinions, random):
    shuffled = list(given_opinions)
    random.shuffle(shuffled)
    assert consensus.consensus(shuffled, BEST) == consensus.consensus(given_opinions, BEST)


@given(opinions)
def test_agreement_and_spread_stay_in_their_bounds(given_opinions):
    found = consensus.consensus(given_opinions, BEST)
    assert found.count == len(given_opinions) == sum(n for _t, n in found.counts)
    assert 1 / len(given_opinions) <= found.agreement <= 1
    assert 0 <= found.spread <= BEST and 0 <= found.spread_percent <= 100
    points = [p for _t, p in given_opinions if p is not None]
    assert found.spread == (max(points) - min(points) if points else 0)
    # Unanimous exactly when everybody agrees, and then nothing to discuss.
    assert found.unanimous == (found.agreement == 1)
    if found.unanimous:
        assert found.spread == 0 and found.debate == 0


@given(opinions)
def test_the_majority_is_the_one_answer_given_most(given_opinions):
    found = consensus.consensus(given_opinions, BEST)
    top = max(n for _t, n in found.counts)
    leaders = [t for t, n in found.counts if n == top]
    if len(leaders) == 1:
        assert found.majority == leaders[0] and found.count_of(found.majority) == top
    else:
        assert found.majority is None  # a tie: the director chooses


@given(st.dictionaries(st.integers(1, 50), opinions, max_size=20))
def test_the_points_to_discuss_are_the_most_debated_never_unanimous(by_question):
    found = {pk: consensus.consensus(given, BEST) for pk, given in by_question.items()}
    debated = consensus.most_debated(found)
    assert len(debated) <= consensus.DEBATED_SHOWN and len(set(debated)) == len(debated)
    assert all(not found[pk].unanimous for pk in debated)
    left_out = [pk for pk in found if pk not in debated and not found[pk].unanimous]
    if debated and left_out:
        assert min(found[pk].debate for pk in debated) >= max(found[pk].debate for pk in left_out)
    debates = [found[pk].debate for pk in debated]
    assert debates == sorted(debates, reverse=True)


def test_no_opinion_no_consensus():
    assert consensus.consensus([], BEST) is None


@given(st.lists(importance, min_size=1, max_size=15), st.randoms())
def test_the_median_importance_lies_between_the_answers(answers, random):
    median = consensus.importance_median(answers)
    ranks = [consensus.IMPORTANCE_ORDER.index(a) for a in answers]
    rank = consensus.IMPORTANCE_ORDER.index(median)
    assert min(ranks) <= rank <= max(ranks)
    shuffled = list(answers)
    random.shuffle(shuffled)
    assert consensus.importance_median(shuffled) == median
    # As many answers above as below it, at most one more on a side.
    above = sum(r < rank for r in ranks)
    below = sum(r > rank for r in ranks)
    assert above <= len(ranks) / 2 and below <= len(ranks) / 2


def test_the_median_of_a_split_board_is_important():
    assert consensus.importance_median(["essential", "secondary"]) == "important"
    assert consensus.importance_median(["essential", "essential", "secondary"]) == "essential"
    assert consensus.importance_median([]) is None
