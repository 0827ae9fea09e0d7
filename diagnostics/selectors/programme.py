"""The workshop programme of an office's territory: the workshops of the catalogue (the
network's and its own) that its businesses' weak answers, wishes and websites call for,
ranked by how many businesses need them. A business that did not consent
(Diagnostic.share_details) is never named (`ProposedWorkshop.named`)."""

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from diagnostics.models import Audience, Axis, Campaign, Office, Question, Training
from diagnostics.selectors.preferences import business_preferences
from diagnostics.selectors.structure import questionnaire_axes
from diagnostics.selectors.territory import Respondent
from diagnostics.selectors.territory_rows import business_order
from diagnostics.selectors.trainings import business_workshops, upcoming_sessions, weak_answers
from diagnostics.selectors.websites import observed_lacks

# Workshops in the office's results page's and report's section, and in the bilan.
PROGRAMME_SHOWN = 5


@dataclass
class ProposedWorkshop:
    """A workshop of the catalogue and the businesses whose weak answers it addresses."""

    training: Training
    businesses: list[Respondent]  # every respondent concerned; name only `named`
    gain: float  # missing weighted points on its questions, summed over those businesses
    questions: list[Question]
    wished_by: frozenset[int] = frozenset()  # diagnostics whose wishes it meets (needs.py)
    seen_by: frozenset[int] = frozenset()  # diagnostics whose website shows what it treats

    @property
    def count(self) -> int:
        return len(self.businesses)

    @property
    def named(self) -> list[Respondent]:
        return [r for r in self.businesses if r.consents]

    @property
    def unnamed(self) -> int:
        return sum(1 for r in self.businesses if not r.consents)

    @property
    def is_own(self) -> bool:
        return self.training.organiser_id is not None


def office_workshops(office: Office) -> QuerySet[Training]:
    """The workshops an office can run for its businesses: the network's and its own, as
    its businesses may be offered them (`business_workshops`)."""
    return business_workshops(office.pk)


def network_appointments() -> QuerySet[Training]:
    """The network's individual appointments for businesses, offered by the offices that
    choose to (the choice on the workshop programme; `business_workshops`)."""
    return Training.objects.filter(
        organiser__isnull=True, audience=Audience.BUSINESSES, format=Training.Format.COACHING
    )


def programme(
    office: Office,
    campaign: Campaign,
    found: list[Respondent],
    wishes: dict[int, set[str]] | None = None,
    observed: dict[int, set[str]] | None = None,
) -> list[ProposedWorkshop]:
    """Workshops ranked by how many businesses need them, then by what they would gain.

    A need is a weak answer (under scoring.WEAK_SHARE of the question's best points) on a
    question the workshop addresses, or on any question of an axis it addresses; or,
    given `wishes` (diagnostic id → question codes, preferences.business_preferences), a wish
    for one of these questions; given `observed` (diagnostic id → question codes,
    selectors.websites.observed_lacks), what its website shows it lacks. Five queries (none
    more for the questionnaire once frozen).
    """
    wishes = wishes or {}
    observed = observed or {}
    structure = questionnaire_axes(campaign.questionnaire)
    questions = {q.code: q for axis in structure for q in axis.questions.all()}
    axis_codes = {axis.code: [q.code for q in axis.questions.all()] for axis in structure}
    best = {q.code: q.best_points for q in questions.values()}
    points = {c.pk: c.points for q in questions.values() for c in q.choices.all()}
    choices, rows = weak_answers(
        campaign.questionnaire,
        campaign.pk,
        questions,
        "diagnostic_id",
        organisation__parent=office,
    )
    by_diagnostic = {r.diagnostic_id: r for r in found}
    # Each workshop lists its businesses in French order: each name's key computed once.
    name_key = {r.diagnostic_id: business_order(r.name, r.business_id) for r in found}
    # question code → diagnostic id → missing weighted points
    missing: dict[str, dict[int, float]] = {}
    for choice, diagnostic_id in rows:
        code = choices[choice]
        missing.setdefault(code, {})[diagnostic_id] = questions[code].weight * (
            best[code] - points[choice]
        )
    upcoming = upcoming_sessions(office.pk)
    workshops = office_workshops(office).prefetch_related(
        Prefetch("sessions", queryset=upcoming, to_attr="upcoming"),
        Prefetch("questions", queryset=Question.objects.only("code")),
        Prefetch("axes", queryset=Axis.objects.only("code")),
    )
    proposed = []
    for training in workshops:
        codes = {q.code for q in training.questions.all()}
        for axis in training.axes.all():
            codes.update(axis_codes.get(axis.code, ()))
        codes &= set(questions)
        gains: dict[int, float] = {}
        for code in codes:
            for diagnostic_id, value in missing.get(code, {}).items():
                gains[diagnostic_id] = gains.get(diagnostic_id, 0) + value
        wished_by = frozenset(
            d for d, wished in wishes.items() if wished & codes and d in by_diagnostic
        )
        seen_by = frozenset(
            d for d, lacks in observed.items() if lacks & codes and d in by_diagnostic
        )
        concerned = [by_diagnostic[d] for d in {*gains, *wished_by, *seen_by} if d in by_diagnostic]
        if not concerned:
            continue
        proposed.append(
            ProposedWorkshop(
                training=training,
                businesses=sorted(concerned, key=lambda r: name_key[r.diagnostic_id]),
                gain=float(sum(gains.values())),
                questions=sorted((questions[c] for c in codes), key=lambda q: (q.axis_id, q.order)),
                wished_by=wished_by,
                seen_by=seen_by,
            )
        )
    proposed.sort(key=lambda p: (-p.count, -p.gain, p.training.title))
    return proposed


def needed_workshops(
    office: Office, campaign: Campaign, found: list[Respondent], wishes=None
) -> list[ProposedWorkshop]:
    """`programme` from all it reads: the weak answers, the businesses' wishes
    (selectors/preferences.py, unless the caller read them: `wishes`) and what their
    websites lack (selectors.websites). The one ranking and count of the programme page
    (needs.workshop_programme), its summary on the results page and in the report, and the
    bilan. Seven queries."""
    if wishes is None:
        wishes = business_preferences(office, campaign).wishes
    return programme(office, campaign, found, wishes, observed_lacks(found, campaign.questionnaire))
