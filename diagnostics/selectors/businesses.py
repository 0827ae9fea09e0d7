"""An office's businesses and their invitations (issue 11)."""

from django.db.models import Case, CharField, F, OuterRef, QuerySet, Subquery, Value, When

from diagnostics.collation import french
from diagnostics.models import BusinessLink, Diagnostic, Office, Organisation

# --- an office's businesses and their invitations (issue 11) -----------------------

BUSINESS_STATUSES = ("none", "invited", "opened", "started", "submitted", "revoked")
BUSINESS_ORDERINGS = {
    "nom": (french("name"), "pk"),
    "commune": (french("commune"), french("name"), "pk"),
    "activite": ("segment", french("name"), "pk"),
}


def office_businesses(
    office: Office, campaign=None, *, segment: str = "", status: str = "", order: str = "nom"
) -> QuerySet[Organisation]:
    """The office's businesses with, for `campaign`, their live link and diagnostic, in
    the order `order` (a key of BUSINESS_ORDERINGS).

    Each carries `status` (a key of BUSINESS_STATUSES, computed in SQL so that the
    database filters and paginates by it) and the dates behind it: `link_id`, `sent_at`,
    `sent_count`, `opened_at`, `revoked_at`, `started_at`, `submitted_at`, and
    `shared_diagnostic_id` (a submitted diagnostic whose detail it shares). One query
    whatever the number of businesses.
    """
    businesses = Organisation.objects.filter(parent=office, kind=Organisation.Kind.BUSINESS)
    if segment:
        businesses = businesses.filter(segment=segment)
    if campaign is None:
        businesses = businesses.annotate(status=Value("none", output_field=CharField()))
    else:
        link = BusinessLink.objects.filter(campaign=campaign, business=OuterRef("pk")).order_by(
            F("revoked_at").desc(nulls_first=True), "-created_at"
        )
        diagnostic = Diagnostic.objects.filter(
            campaign=campaign,
            organisation=OuterRef("pk"),
            status__in=[Diagnostic.Status.DRAFT, Diagnostic.Status.SUBMITTED],
        )
        businesses = businesses.annotate(
            link_id=Subquery(link.values("pk")[:1]),
            sent_at=Subquery(link.values("last_sent_at")[:1]),
            sent_count=Subquery(link.values("sent_count")[:1]),
            opened_at=Subquery(link.values("opened_at")[:1]),
            revoked_at=Subquery(link.values("revoked_at")[:1]),
            started_at=Subquery(diagnostic.values("created_at")[:1]),
            submitted_at=Subquery(diagnostic.values("submitted_at")[:1]),
            # The office reads the detail of a submitted diagnostic it was allowed to
            # (diagnostics/visibility.py): its id, or None.
            shared_diagnostic_id=Subquery(
                diagnostic.filter(status=Diagnostic.Status.SUBMITTED, share_details=True).values(
                    "pk"
                )[:1]
            ),
        ).annotate(
            status=Case(
                When(submitted_at__isnull=False, then=Value("submitted")),
                When(started_at__isnull=False, then=Value("started")),
                When(link_id__isnull=True, then=Value("none")),
                When(revoked_at__isnull=False, then=Value("revoked")),
                When(opened_at__isnull=False, then=Value("opened")),
                default=Value("invited"),
                output_field=CharField(),
            )
        )
    if status:
        businesses = businesses.filter(status=status)
    return businesses.order_by(*BUSINESS_ORDERINGS.get(order, BUSINESS_ORDERINGS["nom"]))
