"""« Observé », read: an organisation's latest website check beside its declared answers,
and an office's businesses' observed indicators counted. A fixed number of queries each."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from diagnostics import observed_questions
from diagnostics.models import Answer, Diagnostic, Organisation, Question, WebsiteCheck


@dataclass(frozen=True)
class ObservedRow:
    question: Question
    declared: str  # the answer's label, « Non concerné » or « Sans réponse »
    seen: observed_questions.Seen | None  # None when the site could not be read


@dataclass
class Observed:
    """The latest check of an organisation's website and the questions it informs."""

    website: str
    check: WebsiteCheck | None  # the latest completed one
    pending: bool  # a check is waiting or running
    rows: list[ObservedRow] = field(default_factory=list)

    @cached_property
    def by_code(self) -> dict[str, ObservedRow]:
        return {row.question.code: row for row in self.rows}

    @property
    def disagreements(self) -> int:
        return sum(1 for row in self.rows if row.seen and row.seen.disagrees)

    @property
    def failure(self) -> str:
        if self.check is None or not self.check.failure:
            return ""
        return self.check.get_failure_display()


# A check still pending after this long was lost (no worker?): not « en cours » any more.
PENDING_FOR = timedelta(hours=6)


def checks_of(organisation_id: int) -> tuple[WebsiteCheck | None, bool]:
    """The organisation's latest completed check and whether one is pending: one query."""
    recent = timezone.now() - PENDING_FOR
    pending = Q(status=WebsiteCheck.Status.PENDING, requested_at__gt=recent)
    checks = list(
        WebsiteCheck.objects.filter(
            Q(latest=True) | pending, organisation_id=organisation_id
        ).order_by("-requested_at")[:5]
    )
    latest = next((c for c in checks if c.latest), None)
    return latest, any(not c.latest for c in checks)


def _declared(answer: Answer | None) -> tuple[str, int | None]:
    if answer is None:
        return _("Sans réponse"), None
    if answer.not_applicable:
        return _("Non concerné"), None
    if answer.choice_id is None:
        return _("Sans réponse"), None
    return answer.choice.label, answer.choice.points


def declared_observed(
    diagnostic: Diagnostic, answered: Iterable[tuple[Question, Answer | None]]
) -> Observed | None:
    """The questions of the diagnostic that its organisation's website informs, each with its
    declared answer and what the latest check saw; None when the questionnaire has none of
    them, or the organisation neither has a website nor was ever checked. One query."""
    questionnaire = diagnostic.questionnaire
    rules = observed_questions.rules_for(questionnaire.code, questionnaire.version)
    informed = [(q, a) for q, a in answered if q.code in rules]
    organisation = diagnostic.organisation
    if not informed:
        return None
    check, pending = checks_of(organisation.pk)
    if check is None and not organisation.website:
        return None
    observed = Observed(organisation.website, check, pending)
    for question, answer in informed:
        label, points = _declared(answer)
        seen = None
        if check is not None and check.status == WebsiteCheck.Status.DONE:
            seen = rules[question.code](check.indicators, points)
        observed.rows.append(ObservedRow(question, label, seen))
    return observed


@dataclass(frozen=True)
class TerritoryObserved:
    """An office's businesses as their websites show them (latest checks): counts only."""

    businesses: int
    with_website: int
    checked: int  # businesses whose latest check read their home page
    failed: int  # … or could not
    https: int
    mobile: int
    structured_data: int
    booking_link: int
    trackers: int
    latest: object  # the newest check's date, or None
    seeded: bool  # some are the demo's, made earlier

    def lacking(self, count: int) -> int:
        return self.checked - count


def territory_observed(office: Organisation) -> TerritoryObserved:
    """Two queries: the businesses counted, and their latest checks' indicators."""
    totals = Organisation.objects.filter(parent=office).aggregate(
        businesses=Count("pk"), with_website=Count("pk", filter=~Q(website=""))
    )
    counts = dict.fromkeys(
        ("checked", "failed", "https", "mobile", "structured_data", "booking_link", "trackers"), 0
    )
    latest, seeded = None, False
    for status, indicators, checked_at, demo in WebsiteCheck.objects.filter(
        latest=True, organisation__parent=office
    ).values_list("status", "indicators", "checked_at", "seeded"):
        seeded = seeded or demo
        latest = max(latest, checked_at) if latest and checked_at else (checked_at or latest)
        if status != WebsiteCheck.Status.DONE:
            counts["failed"] += 1
            continue
        counts["checked"] += 1
        counts["https"] += bool(indicators.get("https"))
        counts["mobile"] += bool(indicators.get("viewport"))
        counts["structured_data"] += bool((indicators.get("structured_data") or {}).get("types"))
        counts["booking_link"] += bool(indicators.get("booking_link"))
        counts["trackers"] += bool(indicators.get("trackers"))
    return TerritoryObserved(**totals, **counts, latest=latest, seeded=seeded)


def observed_lacks(respondents, questionnaire) -> dict[int, set[str]]:
    """Diagnostic id → the question codes that the business's latest website check shows
    it lacks (observed_questions.lacking), for the workshop programme: one query."""
    by_business = {r.business_id: r.diagnostic_id for r in respondents}
    if not observed_questions.rules_for(questionnaire.code, questionnaire.version):
        return {}
    found = {}
    for business_id, indicators in WebsiteCheck.objects.filter(
        latest=True, status=WebsiteCheck.Status.DONE, organisation_id__in=list(by_business)
    ).values_list("organisation_id", "indicators"):
        codes = observed_questions.lacking(questionnaire.code, questionnaire.version, indicators)
        if codes:
            found[by_business[business_id]] = codes
    return found
