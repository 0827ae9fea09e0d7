"""Who may see what: the « X for this user » lookups and role tests, used by views, admin and
services alike."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from diagnostics.models import Diagnostic, Membership, Office


def parse_id(value: str | None) -> int | None:
    """A database id from a query string or a form, or None for anything else."""
    if value is None or not value.isascii() or not value.isdigit():
        return None
    return int(value)


# --- scoping ----------------------------------------------------------------


def offices_for_user(user) -> QuerySet[Office]:
    return (
        Office.objects.filter(memberships__user=user).select_related("department").order_by("name")
    )


def diagnostic_for_member(user, pk) -> Diagnostic:
    """The diagnostic if the user is a member of its office; 404 otherwise, whatever the id."""
    queryset = Diagnostic.objects.select_related(
        "organisation__department", "campaign", "questionnaire", "overall_level"
    )
    return get_object_or_404(queryset, pk=pk, organisation__memberships__user=user)


def diagnostic_for_reader(user, pk) -> Diagnostic:
    """Members read their office's diagnostics; network staff read every one."""
    if user.is_staff and user.has_perm("diagnostics.view_diagnostic"):
        queryset = Diagnostic.objects.select_related(
            "organisation__department", "campaign", "questionnaire", "overall_level"
        )
        return get_object_or_404(queryset, pk=pk)
    return diagnostic_for_member(user, pk)


def is_director(user, office: Office) -> bool:
    return Membership.objects.filter(
        user=user, office=office, role=Membership.Role.DIRECTOR
    ).exists()
