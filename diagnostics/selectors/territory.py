"""Read paths for an office's territory: its businesses' diagnostics and the workshops they need.

Everything reads the scores stored at submission, scoped to one office's business
campaign, in a fixed number of queries whatever the number of businesses. A
business that did not consent (Diagnostic.share_details) is never named: it only
counts inside aggregates, and aggregates over fewer than MIN_GROUP businesses are
not shown at all.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from diagnostics import charts
from diagnostics.collation import french_key
from diagnostics.formatting import shown
from diagnostics.models import (
    Audience,
    Axis,
    AxisScore,
    Business,
    BusinessLink,
    Campaign,
    Diagnostic,
    MaturityLevel,
    Office,
    Question,
    Training,
)
from diagnostics.selectors import regional
from diagnostics.selectors.statistics import latest_submitted
from diagnostics.selectors.structure import questionnaire_axes
from diagnostics.selectors.trainings import business_workshops, upcoming_sessions, weak_answers

MIN_GROUP = 5  # fewer submitted businesses would let the office single one out
PROGRAMME_SHOWN = 5  # workshops in the results page's and the report's section


def latest_business_campaign(office: Office) -> Campaign | None:
    """The office's most recent campaign for its businesses: one query."""
    return (
        Campaign.objects.filter(organiser=office, audience=Audience.BUSINESSES)
        .select_related("questionnaire")
        .order_by("-opens", "-pk")
        .first()
    )


@dataclass(frozen=True)
class Rates:
    businesses: int
    invited: int
    started: int
    submitted: int

    def percent(self, value: int) -> int:
        return round(100 * value / self.invited) if self.invited else 0

    @property
    def submitted_percent(self) -> int:
        return self.percent(self.submitted)

    @property
    def started_percent(self) -> int:
        return self.percent(self.started)


def response_rates(office: Office, campaign: Campaign) -> Rates:
    """Businesses, invited (a link), started (a diagnostic) and submitted: one query."""
    diagnostics = Diagnostic.objects.filter(
        organisation=OuterRef("pk"),
        campaign=campaign,
        status__in=[Diagnostic.Status.DRAFT, Diagnostic.Status.SUBMITTED],
    )
    counts = Business.objects.filter(parent=office).aggregate(
        businesses=Count("pk"),
        invited=Count(
            "pk",
            filter=Exists(BusinessLink.objects.filter(business=OuterRef("pk"), campaign=campaign)),
        ),
        started=Count("pk", filter=Exists(diagnostics)),
        submitted=Count(
            "pk", filter=Exists(diagnostics.filter(status=Diagnostic.Status.SUBMITTED))
        ),
    )
    return Rates(**counts)


@dataclass
class Respondent:
    """A business's latest submitted diagnostic of the campaign, with its stored scores."""

    diagnostic_id: int
    business_id: int
    name: str
    segment: str
    segment_label: str
    subtype: str
    commune: str
    email: str
    phone: str
    consents: bool
    score: float | None
    level_id: int | None
    level: str
    axes: dict[str, float | None] = field(default_factory=dict)  # axis code → score

    @property
    def shown_score(self) -> int | None:
        return None if self.score is None else shown(self.score)


def respondents(office: Office, campaign: Campaign) -> list[Respondent]:
    """Every business of the office with a submitted diagnostic of the campaign: two queries.

    Consent travels with each row: callers name only those with `consents`.
    """
    segments = dict(Business.Segment.choices)
    rows = (
        latest_submitted()
        .filter(campaign=campaign, organisation__parent=office)
        .values_list(
            "pk",
            "organisation_id",
            "organisation__name",
            "organisation__segment",
            "organisation__subtype",
            "organisation__commune",
            "organisation__email",
            "organisation__phone",
            "share_details",
            "overall_score",
            "overall_level_id",
            "overall_level__name",
        )
        .order_by("organisation__name", "pk")
    )
    found = {
        row[0]: Respondent(
            diagnostic_id=row[0],
            business_id=row[1],
            name=row[2],
            segment=row[3],
            segment_label=str(segments.get(row[3], row[3])),
            subtype=row[4],
            commune=row[5],
            email=row[6],
            phone=row[7],
            consents=row[8],
            score=None if row[9] is None else float(row[9]),
            level_id=row[10],
            level=row[11] or "",
        )
        for row in rows
    }
    scores = AxisScore.objects.filter(diagnostic_id__in=list(found)).values_list(
        "diagnostic_id", "axis__code", "score"
    )
    for diagnostic_id, code, score in scores:
        found[diagnostic_id].axes[code] = None if score is None else float(score)
    return list(found.values())


@dataclass
class Group:
    """Respondents of one activity segment (or all of them), with their distributions."""

    label: str
    count: int
    overall: regional.Distribution
    axes: list[tuple[Axis, regional.Distribution]]
    segment: str = ""

    @property
    def shown(self) -> bool:
        return self.count >= MIN_GROUP

    @property
    def axis_medians(self) -> list[tuple[Axis, int | None]]:
        return [(axis, None if d.median is None else shown(d.median)) for axis, d in self.axes]


def group(label: str, members: list[Respondent], axes: list[Axis], segment: str = "") -> Group:
    return Group(
        label=label,
        count=len(members),
        overall=regional.distribution([r.score for r in members if r.score is not None]),
        axes=[
            (
                axis,
                regional.distribution(
                    [r.axes[axis.code] for r in members if r.axes.get(axis.code) is not None]
                ),
            )
            for axis in axes
        ],
        segment=segment,
    )


@dataclass
class Territory:
    office: Office
    campaign: Campaign
    rates: Rates
    axes: list[Axis]
    levels: list[MaturityLevel]
    overall: Group
    segments: list[Group]
    weakest: list[regional.WeakQuestion]
    respondents: list[Respondent]
    boxplot: dict | None

    @property
    def named(self) -> list[Respondent]:
        """The respondents who let the office read their answers."""
        return [r for r in self.respondents if r.consents]

    @property
    def unnamed(self) -> int:
        return sum(1 for r in self.respondents if not r.consents)


def territory(office: Office, campaign: Campaign) -> Territory:
    """The office's picture of its businesses for one campaign: seven queries at most."""
    axes = regional.campaign_axes(campaign)
    levels = regional.campaign_levels(campaign)
    found = respondents(office, campaign)
    overall = group("", found, axes)
    # Read whatever the count, hidden below MIN_GROUP: the same queries for 3 or 3,000.
    weakest = regional.weakest_questions(campaign, axes)
    segments = [
        group(str(label), [r for r in found if r.segment == value], axes, segment=value)
        for value, label in Business.Segment.choices
        if value in Business.BUSINESS_SEGMENTS
    ]
    return Territory(
        office=office,
        campaign=campaign,
        rates=response_rates(office, campaign),
        axes=axes,
        levels=levels,
        overall=overall,
        segments=[s for s in segments if s.count],
        weakest=weakest if overall.shown else [],
        respondents=found,
        boxplot=charts.boxplot([(axis.name, d, None) for axis, d in overall.axes])
        if overall.shown
        else None,
    )


def filter_respondents(rows: list[Respondent], *, segment: str, level: str) -> list[Respondent]:
    """The consenting respondents, narrowed to an activity and a level (by id) when given."""
    rows = [r for r in rows if r.consents]
    if segment:
        rows = [r for r in rows if r.segment == segment]
    if level:
        rows = [r for r in rows if str(r.level_id) == level]
    return rows


# --- the workshop programme ------------------------------------------------------


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
    given `wishes` (diagnostic id → question codes, needs.business_preferences), a wish
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
    name_key = {r.diagnostic_id: french_key(r.name) for r in found}
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


# --- the office's results page and report ------------------------------------------


@dataclass
class Summary:
    """« Diagnostic territorial des prestataires », in the office's results and report."""

    campaign: Campaign
    rates: Rates
    overall: Group
    programme: list[ProposedWorkshop]


def contemporary_business_campaign(diagnostic: Diagnostic) -> Campaign | None:
    """The office's business campaign that goes with its diagnostic, one query.

    The latest business campaign with submissions, among those opened by the day the
    diagnostic was submitted once a later diagnostic of the office has been submitted
    (last year's report keeps last year's picture of the businesses); the current
    diagnostic (a draft, or the office's latest submitted) follows the latest one.
    """
    submitted = Diagnostic.objects.filter(
        campaign=OuterRef("pk"), status=Diagnostic.Status.SUBMITTED
    )
    campaigns = Campaign.objects.filter(
        organiser=diagnostic.organisation_id, audience=Audience.BUSINESSES
    ).filter(Exists(submitted))
    if diagnostic.submitted_at is not None:
        later = Diagnostic.objects.filter(
            organisation=diagnostic.organisation_id,
            status=Diagnostic.Status.SUBMITTED,
            campaign__audience=Audience.OFFICES,
            questionnaire__abbreviates__isnull=True,
            campaign__opens__gt=diagnostic.campaign.opens,
        )
        campaigns = campaigns.filter(
            Q(opens__lte=timezone.localdate(diagnostic.submitted_at)) | ~Exists(later)
        )
    return campaigns.select_related("questionnaire").order_by("-opens", "-pk").first()


def summary(diagnostic: Diagnostic) -> Summary | None:
    """The office diagnostic's business campaign (contemporary_business_campaign) summed
    up: none without one.

    Counts and medians only (none under MIN_GROUP) and workshop titles: no business is
    named, whatever it consented to, since the report travels beyond the office's team.
    """
    campaign = contemporary_business_campaign(diagnostic)
    if campaign is None:
        return None
    return campaign_summary(diagnostic.organisation, campaign)


def campaign_summary(office: Office, campaign: Campaign, rates: Rates | None = None) -> Summary:
    """`summary` of a business campaign already found (and its rates, if read)."""
    found = respondents(office, campaign)
    return Summary(
        campaign=campaign,
        rates=rates or response_rates(office, campaign),
        overall=group("", found, regional.campaign_axes(campaign)),
        programme=programme(office, campaign, found)[:PROGRAMME_SHOWN],
    )
