"""An office's team: memberships and their roles."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from diagnostics.models import Membership, Office
from diagnostics.services.errors import ServiceError

MEMBERSHIP_STAFF_REFUSED = gettext_noop(
    "Le personnel du réseau ne peut pas être membre d’un office : il consulte les offices "
    "depuis l’administration."
)
ALREADY_MEMBER = gettext_noop("{email} fait déjà partie de l’équipe de cet office.")


ROLE_INVALID = gettext_noop("Choisissez un rôle : direction ou membre de l’équipe.")
LAST_DIRECTOR = gettext_noop(
    "L’office doit garder au moins une personne à sa direction : confiez d’abord la direction "
    "à quelqu’un d’autre."
)
EMAIL_INVALID = gettext_noop("Saisissez une adresse e-mail valide, par exemple nom@office.fr.")


# Usernames are the invitee's e-mail address (lower case): people log in with it.
USERNAME_MAX_LENGTH = 150


def normalise_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ServiceError(_(EMAIL_INVALID)) from None
    if len(email) > USERNAME_MAX_LENGTH:
        raise ServiceError(_(EMAIL_INVALID))
    return email


def check_role(role: str) -> None:
    if role not in Membership.Role.values:
        raise ServiceError(_(ROLE_INVALID))


def _other_directors(membership: Membership):
    return Membership.objects.filter(
        office_id=membership.office_id, role=Membership.Role.DIRECTOR
    ).exclude(pk=membership.pk)


def membership_add(*, office: Office, user, role: str) -> Membership:
    """Makes `user` a member of `office`; the one way memberships are created in the app."""
    check_role(role)
    if user.is_staff:
        raise ServiceError(_(MEMBERSHIP_STAFF_REFUSED))
    with transaction.atomic():
        if Membership.objects.filter(office=office, user=user).exists():
            raise ServiceError(_(ALREADY_MEMBER).format(email=user.email or user.username))
        return Membership.objects.create(office=office, user=user, role=role)


def membership_role_change(*, membership: Membership, role: str) -> Membership:
    """Changes a member's role, never leaving the office without a director."""
    check_role(role)
    with transaction.atomic():
        Office.objects.select_for_update().filter(pk=membership.office_id).first()
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if (
            membership.role == Membership.Role.DIRECTOR
            and role != Membership.Role.DIRECTOR
            and not _other_directors(membership).exists()
        ):
            raise ServiceError(_(LAST_DIRECTOR))
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


def membership_remove(*, membership: Membership) -> None:
    """Removes a member from the team, never the office's last director."""
    with transaction.atomic():
        Office.objects.select_for_update().filter(pk=membership.office_id).first()
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if (
            membership.role == Membership.Role.DIRECTOR
            and not _other_directors(membership).exists()
        ):
            raise ServiceError(_(LAST_DIRECTOR))
        membership.delete()


def membership_businesses_allow(*, membership: Membership, allowed: bool) -> Membership:
    """Lets a member (or not) manage the office's businesses; a director always does."""
    membership.can_manage_businesses = allowed
    membership.save(update_fields=["can_manage_businesses"])
    return membership
