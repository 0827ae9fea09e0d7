"""Who reads a business's named answers, scores and priorities: one rule, written once.

- The business itself, through its personal link (views/business.py).
- The members of the office that runs its campaign, once it has submitted and only if
  it agreed at submission (Diagnostic.share_details): « Mon territoire »,
  « Prestataires » and the business's page and PDF (`business_diagnostic_for_office`).
- Nobody else by name. The network's staff read the businesses only in aggregates
  (counts, medians, weak questions, training needs): every staff-facing queryset of
  diagnostics, scores and answers goes through `named_for_staff`. Another office and
  an anonymous visitor never.

The business reads this before it starts (its start page, « Qui voit quoi ») and at
submission; « Données personnelles » says the same; tests/test_business_visibility.py
checks every surface for every party.
"""

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy

from diagnostics.models import Diagnostic, Organisation

NOT_SHARED = gettext_lazy(
    "Ce prestataire n’a pas accepté que l’office voie le détail de ses réponses : il compte "
    "seulement, sans son nom, dans les statistiques du territoire."
)


def named_for_staff(queryset: QuerySet, through: str = "") -> QuerySet:
    """The rows of `queryset` (diagnostics, or rows reaching one through `through`, e.g.
    "diagnostic__") that the network's staff may read by name: the offices' only."""
    return queryset.filter(**{f"{through}organisation__kind": Organisation.Kind.OFFICE})


def office_reads(diagnostic: Diagnostic) -> bool:
    """Whether the members of its office may read this business diagnostic in detail."""
    return diagnostic.is_submitted and diagnostic.share_details


def business_diagnostic_for_office(office, pk) -> Diagnostic:
    """A submitted diagnostic of one of `office`'s businesses, for its members: 404 for
    anything else whatever the id, 403 (with the reason) when the business did not agree."""
    diagnostic = get_object_or_404(
        Diagnostic.objects.select_related(
            "organisation__parent", "organisation__department", "campaign", "questionnaire"
        ),
        pk=pk,
        status=Diagnostic.Status.SUBMITTED,
        organisation__kind=Organisation.Kind.BUSINESS,
        organisation__parent=office,
    )
    if not office_reads(diagnostic):
        raise PermissionDenied(NOT_SHARED)
    return diagnostic


# --- « Avis de l’équipe »: who reads the individual opinions ---------------------------
#
# One rule, written once, for every page, the PDF, the exports and the admin:
# - the office's director reads them by name while fewer than OPINIONS_NAMED_BELOW people
#   answered (they know who answered), as counts from then on;
# - a colleague, and a person consulted once they have answered, read counts only, and only
#   from OPINIONS_NAMED_BELOW answers on (below, counts would name them);
# - a person who has not answered yet reads nothing of the others' (their own opinion first);
# - the network's staff read how many people answered per office, never the opinions;
#   another office and an anonymous visitor, nothing.
# The scores are always those of the team's answer: an opinion never counts in one.

OPINIONS_NAMED_BELOW = 3


class OpinionReader(StrEnum):
    DIRECTOR = "director"
    MEMBER = "member"  # a colleague, not the director
    ANSWERED = "answered"  # a person consulted who has given their opinion
    PENDING = "pending"  # a person consulted who has not yet
    STAFF = "staff"
    OUTSIDER = "outsider"  # another office, an anonymous visitor


class OpinionsShown(StrEnum):
    NONE = "none"
    COUNTS = "counts"
    NAMES = "names"


def opinions_shown(reader: OpinionReader, answered: int) -> OpinionsShown:
    """What `reader` reads of the opinions when `answered` people have answered."""
    if answered == 0:
        return OpinionsShown.NONE
    if reader == OpinionReader.DIRECTOR:
        return OpinionsShown.NAMES if answered < OPINIONS_NAMED_BELOW else OpinionsShown.COUNTS
    counted = reader in (OpinionReader.MEMBER, OpinionReader.ANSWERED)
    if counted and answered >= OPINIONS_NAMED_BELOW:
        return OpinionsShown.COUNTS
    return OpinionsShown.NONE
