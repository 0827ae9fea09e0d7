"""An office's team, its invitations and the offices that a campaign's reminder reaches."""

from django.db.models import (
    Case,
    CharField,
    Exists,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from diagnostics.collation import french
from diagnostics.models import Answer, Diagnostic, Invitation, Membership, Office


def invitations_with_status(queryset: QuerySet, *, now=None) -> QuerySet:
    """Annotates `status` (Invitation.Status) from the dates: the one rule for it."""
    now = now or timezone.now()
    return queryset.annotate(
        status=Case(
            When(accepted_at__isnull=False, then=Value(Invitation.Status.ACCEPTED)),
            When(revoked_at__isnull=False, then=Value(Invitation.Status.REVOKED)),
            When(expires_at__lte=now, then=Value(Invitation.Status.EXPIRED)),
            default=Value(Invitation.Status.PENDING),
            output_field=CharField(),
        )
    )


def office_team(office: Office) -> list[Membership]:
    """The office's members with `last_activity`: their last login or last answer saved here.

    One query whatever the size of the team.
    """
    last_answer = (
        Answer.objects.filter(diagnostic__organisation=office, updated_by=OuterRef("user"))
        .order_by("-updated_at")
        .values("updated_at")[:1]
    )
    memberships = (
        Membership.objects.filter(office=office)
        .select_related("user")
        .annotate(last_answer=Subquery(last_answer))
        .order_by("user__last_name", "user__first_name", "user__email")
    )
    result = list(memberships)
    for membership in result:
        moments = [m for m in (membership.user.last_login, membership.last_answer) if m]
        membership.last_activity = max(moments) if moments else None
    return result


def office_open_invitations(office: Office, *, now=None) -> list[Invitation]:
    """Invitations neither accepted nor revoked (pending or expired), newest first."""
    queryset = Invitation.objects.filter(
        office=office, accepted_at__isnull=True, revoked_at__isnull=True
    ).select_related("invited_by")
    return list(invitations_with_status(queryset, now=now).order_by("-created_at"))


def reminder_recipients(office: Office) -> list[str]:
    """Where an office's reminder goes: its directors' addresses; without any, the
    office's own address (which staff edit on the office's page); else nowhere.
    `office` comes from reminder_offices (its `directors` prefetched)."""
    return [m.user.email for m in office.directors if m.user.email] or (
        [office.email] if office.email else []
    )


def unreachable_offices() -> QuerySet[Office]:
    """Offices a reminder cannot reach: no director with an address, no address of their own."""
    reachable = Membership.objects.filter(
        office=OuterRef("pk"), role=Membership.Role.DIRECTOR
    ).exclude(user__email="")
    return Office.objects.filter(~Exists(reachable), email="")


def reminder_offices(campaign) -> list[Office]:
    """Offices with no submitted diagnostic in `campaign`, each with its `directors`.

    Two queries whatever the number of offices.
    """
    submitted = Diagnostic.objects.filter(
        organisation=OuterRef("pk"), campaign=campaign, status=Diagnostic.Status.SUBMITTED
    )
    directors = Prefetch(
        "memberships",
        queryset=Membership.objects.filter(role=Membership.Role.DIRECTOR)
        .select_related("user")
        .order_by("user__email"),
        to_attr="directors",
    )
    return list(
        Office.objects.filter(~Exists(submitted))
        .prefetch_related(directors)
        .order_by(french("name"))
    )
