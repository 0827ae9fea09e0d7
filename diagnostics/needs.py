"""« Besoins et disponibilités »: what an office's businesses said they want, for « Mon
territoire ». Read path only (the selectors' layer): counts per answer of the unscored
questions of a business campaign, never a name.

Counts only from territory.MIN_GROUP submitted answers to a question: fewer would let
the office tell who asked for what.
"""

from dataclasses import dataclass
from datetime import time

from django.db.models import Count
from django.utils.translation import gettext as _

from diagnostics import selectors
from diagnostics.models import Answer, Campaign, Diagnostic, Office, Question
from diagnostics.selectors import programme, territory, websites
from diagnostics.selectors.preferences import Availability, business_preferences
from diagnostics.selectors.territory import MIN_GROUP


@dataclass(frozen=True)
class NeedRow:
    label: str
    count: int


@dataclass(frozen=True)
class Need:
    question: Question
    answered: int  # submitted businesses that answered it with a choice
    rows: tuple[NeedRow, ...]  # every choice in order, most wanted first

    @property
    def shown(self) -> bool:
        return self.answered >= MIN_GROUP


def campaign_needs(office: Office, campaign: Campaign) -> list[Need]:
    """The unscored questions of the campaign's questionnaire with, for each choice, how
    many of the office's submitted businesses chose it. One query (none more for the
    questionnaire once frozen)."""
    structure = selectors.questionnaire_axes(campaign.questionnaire)
    questions = [q for axis in structure for q in axis.questions.all() if not q.scored]
    if not questions:
        return []
    counts = dict(
        Answer.objects.filter(
            diagnostic__campaign=campaign,
            diagnostic__status=Diagnostic.Status.SUBMITTED,
            diagnostic__organisation__parent=office,
            question__in=[q.pk for q in questions],
            choice__isnull=False,
        )
        .values_list("choice_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    needs = []
    for question in questions:
        choices = sorted(question.choices.all(), key=lambda c: c.order)
        rows = [NeedRow(c.label, counts.get(c.pk, 0)) for c in choices]
        rows.sort(key=lambda r: -r.count)  # stable: ties keep the questionnaire's order
        needs.append(Need(question, sum(r.count for r in rows), tuple(rows)))
    return needs


@dataclass(frozen=True)
class ObservedNeeds:
    """What the office's businesses' websites show they lack (their latest checks), as needs
    the workshop programme counts: observed, never asked."""

    observed: websites.TerritoryObserved
    rows: tuple[NeedRow, ...]  # most frequent first

    @property
    def shown(self) -> bool:
        return self.observed.checked > 0


def observed_needs(office: Office) -> ObservedNeeds:
    """Two queries (selectors.websites.territory_observed)."""
    seen = websites.territory_observed(office)
    rows = [
        NeedRow(_("Site sans connexion sécurisée (HTTPS)"), seen.lacking(seen.https)),
        NeedRow(_("Site non adapté aux téléphones"), seen.lacking(seen.mobile)),
        NeedRow(_("Aucune donnée structurée (schema.org)"), seen.lacking(seen.structured_data)),
        NeedRow(
            _("Aucun lien de réservation sur la page d’accueil"), seen.lacking(seen.booking_link)
        ),
        NeedRow(_("Traceurs chargés avant tout consentement"), seen.trackers),
    ]
    rows.sort(key=lambda r: -r.count)
    return ObservedNeeds(seen, tuple(rows))


# --- when a session suits the businesses ------------------------------------------------
#
# Their wishes and availability are read by selectors/preferences.py.

# The availability's choice (by its order) → the time a session starts, or None: at a
# distance, recorded (a video link rather than a room).
AVAILABILITY_HOURS = {0: time(9, 30), 1: time(14), 2: time(18), 3: None}


def preferred_times(
    diagnostic_ids, availability: dict[int, Availability]
) -> list[tuple[Availability, int]]:
    """How many of these diagnostics chose each availability, most chosen first."""
    counts: dict[Availability, int] = {}
    for d in diagnostic_ids:
        if d in availability:
            counts[availability[d]] = counts.get(availability[d], 0) + 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0].order))


@dataclass
class Programme:
    """The office's workshop programme for a business campaign."""

    proposed: list[programme.ProposedWorkshop]
    availability: dict[int, Availability]  # diagnostic id → when the business prefers
    respondents: int  # businesses whose latest submitted diagnostic it reads


def workshop_programme(office: Office, campaign: Campaign) -> Programme:
    """Who needs each workshop: weak answers, wishes, and what their site lacks
    (selectors.websites.observed_lacks). The one rule of the programme page, a session's
    invitations and the contacts' export."""
    found = territory.respondents(office, campaign)
    preferences = business_preferences(office, campaign)
    proposed = programme.needed_workshops(office, campaign, found, preferences.wishes)
    return Programme(proposed, preferences.availability, len(found))
