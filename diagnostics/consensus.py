"""How much a team agrees, from its members' individual opinions. Pure Python: no ORM, no Django.

Rules (also in the README, « Avis de l’équipe »):
- an opinion is an answer token, as the pages send it (a choice's id, or « na » for
  « non concerné »), with the choice's points (None for « non concerné »);
- agreement = the share of opinions on the answer given most often (« non concerné »
  is an answer like another); 1 when everybody agrees;
- spread = the highest minus the lowest points among the opinions that chose, in points
  of the question (0 with fewer than two of them); `spread_percent` says it out of the
  question's best points;
- majority = the answer given by more opinions than any other; none on a tie, where the
  director chooses;
- debate = (1 − agreement) + spread / best points: the questions with the highest are the
  points to discuss first; a unanimous question is never one;
- the board's importance of an axis = the median of the answers, ranked essential <
  important < secondary; between two middle answers, the one nearer « important ».
"""

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

NOT_APPLICABLE = "na"
IMPORTANCE_ORDER = ("essential", "important", "secondary")
DEBATED_SHOWN = 5  # how many points to discuss the pages list at most


@dataclass(frozen=True)
class Consensus:
    count: int  # opinions given
    counts: tuple[tuple[str, int], ...]  # answer token → opinions, most given first
    agreement: float  # 0–1
    spread: int  # points between the highest and the lowest opinion
    best_points: int
    majority: str | None  # the answer token most given, None on a tie

    @property
    def agreement_percent(self) -> int:
        return round(100 * self.agreement)

    @property
    def spread_percent(self) -> int:
        return round(100 * self.spread / self.best_points) if self.best_points else 0

    @property
    def debate(self) -> float:
        relative = self.spread / self.best_points if self.best_points else 0.0
        return (1 - self.agreement) + relative

    @property
    def unanimous(self) -> bool:
        return len(self.counts) == 1

    def count_of(self, token: str) -> int:
        return dict(self.counts).get(token, 0)


def consensus(opinions: Iterable[tuple[str, int | None]], best_points: int) -> Consensus | None:
    """The consensus of a question's opinions ((token, points) pairs); None without any."""
    opinions = list(opinions)
    if not opinions:
        return None
    tally = Counter(token for token, _points in opinions)
    # Most given first; ties in a stable order (by token) so every page agrees.
    counts = tuple(sorted(tally.items(), key=lambda item: (-item[1], item[0])))
    top = counts[0][1]
    leaders = [token for token, n in counts if n == top]
    points = [p for _token, p in opinions if p is not None]
    spread = max(points) - min(points) if len(points) >= 2 else 0
    return Consensus(
        count=len(opinions),
        counts=counts,
        agreement=top / len(opinions),
        spread=spread,
        best_points=best_points,
        majority=leaders[0] if len(leaders) == 1 else None,
    )


def most_debated(
    consensuses: Mapping[int, Consensus | None], limit: int = DEBATED_SHOWN
) -> list[int]:
    """The keys of the questions the team disagrees on most (never a unanimous one), the
    highest debate first; ties keep the mapping's order (the questionnaire's)."""
    rank = {key: i for i, key in enumerate(consensuses)}
    debated = [k for k, c in consensuses.items() if c is not None and not c.unanimous]
    debated.sort(key=lambda k: (-consensuses[k].debate, rank[k]))
    return debated[:limit]


def importance_median(answers: Sequence[str]) -> str | None:
    """The median importance of an axis (see the module's rules); None without answers."""
    ranks = sorted(IMPORTANCE_ORDER.index(a) for a in answers if a in IMPORTANCE_ORDER)
    if not ranks:
        return None
    middle = len(ranks) // 2
    if len(ranks) % 2:
        return IMPORTANCE_ORDER[ranks[middle]]
    low, high = ranks[middle - 1], ranks[middle]
    important = IMPORTANCE_ORDER.index("important")
    nearest = min(range(low, high + 1), key=lambda r: (abs(r - important), r))
    return IMPORTANCE_ORDER[nearest]
