"""Read paths for an office's territory: its businesses' diagnostics (the workshops they
need: programme.py; its summary in the office's results: territory_summary.py).

Everything reads the scores stored at submission, scoped to one office's business
campaign, in a fixed number of queries whatever the number of businesses. A
business that did not consent (Diagnostic.share_details) is never named: it only
counts inside aggregates, and aggregates over fewer than MIN_GROUP businesses are
not shown at all.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef

from diagnostics import charts
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
)
from diagnostics.selectors import regional
from diagnostics.selectors.statistics import latest_submitted
from diagnostics.selectors.territory_rows import business_order

MIN_GROUP = 5  # fewer submitted businesses would let the office single one out


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
        .order_by()
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
    # In French order of the names, as the kept parts put their lists (territory_rows).
    return sorted(found.values(), key=lambda r: business_order(r.name, r.business_id))


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
