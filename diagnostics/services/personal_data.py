"""Use cases of the data subjects' rights: a business's erasure, and the daily purge.

Erasure and purge delete rows; they never rewrite a figure. Every figure SNUT shows
about businesses (an office's « Mon territoire », the network's weak questions and
training needs) is computed from the rows that remain, and the cached ones are keyed on
the submitted diagnostics (their count and ids), so the next reading recomputes them
without the erased business: all the figures of a page keep agreeing with one another
(invited, started, submitted, medians, weak questions). Keeping « anonymous » scores
instead was set aside: a business's activity, commune and score single it out among
the few businesses of an office.
"""

import calendar
import logging
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from diagnostics.models import (
    Answer,
    Audience,
    Business,
    BusinessLink,
    Campaign,
    Diagnostic,
    Organisation,
    Respondent,
)
from diagnostics.tokens import unusable_hash

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Erased:
    """What an erasure or a purge removed (or would remove): counts only."""

    businesses: int = 0
    diagnostics: int = 0
    answers: int = 0
    links: int = 0
    respondents: int = 0  # people invited to give an opinion, their name and e-mail erased

    def __add__(self, other: "Erased") -> "Erased":
        return Erased(
            self.businesses + other.businesses,
            self.diagnostics + other.diagnostics,
            self.answers + other.answers,
            self.links + other.links,
            self.respondents + other.respondents,
        )


def _counts(businesses: int, diagnostics, links) -> Erased:
    return Erased(
        businesses=businesses,
        diagnostics=diagnostics.count(),
        answers=Answer.objects.filter(diagnostic__in=diagnostics).count(),
        links=links.count(),
    )


def business_erase(*, business: Organisation) -> Erased:
    """Deletes the business with its contact data, links (every token stops working),
    diagnostics, answers, comments and stored scores. Logged with counts only."""
    with transaction.atomic():
        business = Business.objects.select_for_update().get(pk=business.pk)
        erased = _counts(
            1,
            Diagnostic.objects.filter(organisation=business),
            BusinessLink.objects.filter(business=business),
        )
        office_id = business.parent_id
        business.delete()  # cascades to links, diagnostics, answers, scores, reopenings
    logger.info(
        "business erased: office %s, %s diagnostic(s), %s answer(s), %s link(s)",
        office_id,
        erased.diagnostics,
        erased.answers,
        erased.links,
    )
    return erased


def months_before(day: date, months: int) -> date:
    """The same day `months` months earlier (the month's last day when it has fewer)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def retention_cutoff(today: date | None = None, months: int | None = None) -> date:
    """Business campaigns that closed before this day are past their retention."""
    today = today or timezone.localdate()
    months = settings.SNUT_BUSINESS_RETENTION_MONTHS if months is None else months
    return months_before(today, months)


def personal_data_purge(*, today: date | None = None, dry_run: bool = False) -> Erased:
    """Purges what the retention period lets go (« Données personnelles », « Combien de
    temps elles sont gardées »): the diagnostics (answers, comments, scores) and links of
    business campaigns closed more than SNUT_BUSINESS_RETENTION_MONTHS ago; and the
    business itself (its contact data) when nothing of it remains in a more recent
    campaign. A business never invited stays: the office keeps its list. The people invited
    to give their opinion on an office's diagnostic (« Avis de l’équipe ») of a campaign
    closed as long ago lose their name, e-mail and link; their answers stay, without a name,
    in the counts. Logged with counts only; `dry_run` counts without deleting."""
    cutoff = retention_cutoff(today)
    expired = Campaign.objects.filter(audience=Audience.BUSINESSES, closes__lt=cutoff)
    kept = Campaign.objects.filter(audience=Audience.BUSINESSES, closes__gte=cutoff)
    in_expired = Q(
        Exists(Diagnostic.objects.filter(organisation=OuterRef("pk"), campaign__in=expired))
    ) | Q(Exists(BusinessLink.objects.filter(business=OuterRef("pk"), campaign__in=expired)))
    in_kept = Q(
        Exists(Diagnostic.objects.filter(organisation=OuterRef("pk"), campaign__in=kept))
    ) | Q(Exists(BusinessLink.objects.filter(business=OuterRef("pk"), campaign__in=kept)))
    with transaction.atomic():
        gone = Business.objects.filter(in_expired).exclude(in_kept)
        diagnostics = Diagnostic.objects.filter(
            Q(campaign__in=expired) | Q(organisation__in=gone),
            organisation__kind=Organisation.Kind.BUSINESS,
        )
        links = BusinessLink.objects.filter(Q(campaign__in=expired) | Q(business__in=gone))
        invited = Respondent.objects.filter(
            user__isnull=True,
            erased_at__isnull=True,
            round__diagnostic__campaign__audience=Audience.OFFICES,
            round__diagnostic__campaign__closes__lt=cutoff,
        )
        erased = _counts(gone.count(), diagnostics, links)
        erased = Erased(**{**erased.__dict__, "respondents": invited.count()})
        if not dry_run:
            people = list(invited)
            for respondent in people:
                respondent.name, respondent.email = "", ""
                respondent.token_hash = unusable_hash()
                respondent.erased_at = timezone.now()
            Respondent.objects.bulk_update(people, ["name", "email", "token_hash", "erased_at"])
            # The businesses first (their links, diagnostics, answers and scores go with
            # them): once their expired rows are deleted, `gone` would no longer find them.
            gone.delete()
            Diagnostic.objects.filter(campaign__in=expired).delete()
            BusinessLink.objects.filter(campaign__in=expired).delete()
    logger.info(
        "personal data purge%s: campaigns closed before %s, %s business(es), "
        "%s diagnostic(s), %s answer(s), %s link(s), %s person(s) consulted",
        " (dry run)" if dry_run else "",
        cutoff.isoformat(),
        erased.businesses,
        erased.diagnostics,
        erased.answers,
        erased.links,
        erased.respondents,
    )
    return erased
