"""Onboarding by invitation: invite, resend, revoke, open the link, accept."""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from diagnostics import selectors
from diagnostics.models import Invitation, Membership, Office
from diagnostics.services.errors import ServiceError
from diagnostics.services.mail import invitation_email_enqueue
from diagnostics.services.team import (
    ALREADY_MEMBER,
    MEMBERSHIP_STAFF_REFUSED,
    check_role,
    membership_add,
    normalise_email,
)
from diagnostics.tokens import token_hash, unusable_hash

INVITATION_PENDING = gettext_noop(
    "Une invitation est déjà en attente pour {email} : renvoyez-la plutôt que d’en créer une autre."
)
INVITATION_NOT_OPEN = gettext_noop(
    "Cette invitation a déjà été acceptée ou révoquée : elle ne peut plus être renvoyée ni "
    "révoquée."
)
INVITATION_INVALID = gettext_noop(
    "Ce lien d’invitation n’est pas valide. Vérifiez que l’adresse a été copiée en entier, "
    "ou demandez une nouvelle invitation."
)
INVITATION_USED = gettext_noop(
    "Cette invitation a déjà été acceptée : connectez-vous avec votre adresse e-mail."
)
INVITATION_EXPIRED = gettext_noop(
    "Cette invitation a expiré. Demandez à la personne qui vous a invité de vous la renvoyer."
)
INVITATION_REVOKED = gettext_noop(
    "Cette invitation a été annulée. En cas de doute, contactez la direction de votre office "
    "ou votre réseau régional."
)
INVITATION_OTHER_ACCOUNT = gettext_noop(
    "Cette invitation est adressée à {email}, mais vous êtes connecté avec un autre compte. "
    "Déconnectez-vous, puis rouvrez le lien."
)
ACCOUNT_EXISTS = gettext_noop(
    "Un compte existe déjà pour {email} : connectez-vous pour accepter l’invitation."
)
NAME_REQUIRED = gettext_noop("Indiquez votre prénom et votre nom.")


def _invitation_send(invitation: Invitation, *, base_url: str, now) -> None:
    """Hands the e-mail to the task queue (retried there if the SMTP server refuses);
    `last_sent_at` records when it was handed over.

    The task receives the invitation's id only: it makes the link's token and
    stores its hash just before the message leaves, so that no token ever sits
    in the queue.
    """
    invitation_email_enqueue(
        invitation_id=invitation.pk,
        base_url=base_url,
        batch_id=f"invitation-{invitation.pk}-{now.timestamp()}",
    )
    Invitation.objects.filter(pk=invitation.pk).update(last_sent_at=now)
    invitation.last_sent_at = now


def _expiry(now: datetime) -> datetime:
    return now + timedelta(days=settings.INVITATION_MAX_AGE_DAYS)


def invitation_check(*, office: Office | None, email: str) -> str:
    """Validates an address before inviting it to `office`; returns it normalised.

    Also used by the admin's form, where the office may not exist yet (None).
    """
    email = normalise_email(email)
    account = get_user_model().objects.filter(email__iexact=email).first()
    if account is not None and account.is_staff:
        raise ServiceError(_(MEMBERSHIP_STAFF_REFUSED))
    if office is None or office.pk is None:
        return email
    if account is not None and Membership.objects.filter(office=office, user=account).exists():
        raise ServiceError(_(ALREADY_MEMBER).format(email=email))
    open_invitations = selectors.invitations_with_status(
        Invitation.objects.filter(office=office, email=email)
    )
    if open_invitations.filter(status=Invitation.Status.PENDING).exists():
        raise ServiceError(_(INVITATION_PENDING).format(email=email))
    return email


def invitation_create(
    *, office: Office, email: str, role: str, invited_by, base_url: str, now: datetime | None = None
) -> Invitation:
    """Invites `email` to join `office` with `role` and sends the link.

    The e-mail leaves through the task queue, retried there when the SMTP server
    refuses it; the invitation can be resent meanwhile.
    """
    check_role(role)
    now = now or timezone.now()
    try:
        invitation = _invitation_insert(office, email, role, invited_by, unusable_hash(), now)
    except IntegrityError:  # a colleague invited the same address at the same moment
        raise ServiceError(_(INVITATION_PENDING).format(email=email.strip().lower())) from None
    _invitation_send(invitation, base_url=base_url, now=now)
    return invitation


def _invitation_insert(office, email, role, invited_by, token_hash, now) -> Invitation:
    with transaction.atomic():
        Office.objects.select_for_update().filter(pk=office.pk).first()
        email = invitation_check(office=office, email=email)
        # An expired invitation to the same address gives way to the new one.
        Invitation.objects.filter(
            office=office, email=email, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=now)
        invitation = Invitation.objects.create(
            office=office,
            email=email,
            role=role,
            token_hash=token_hash,
            invited_by=invited_by,
            created_at=now,
            expires_at=_expiry(now),
        )
    return invitation


def _lock_open_invitation(invitation: Invitation) -> Invitation:
    # of=self: PostgreSQL cannot lock the nullable side of the invited_by outer join.
    locked = Invitation.objects.select_for_update(of=("self",)).select_related(
        "office", "invited_by"
    )
    locked = locked.get(pk=invitation.pk)
    if locked.accepted_at or locked.revoked_at:
        raise ServiceError(_(INVITATION_NOT_OPEN))
    return locked


def invitation_resend(
    *, invitation: Invitation, base_url: str, now: datetime | None = None
) -> Invitation:
    """Sends a new link (the previous one stops working), valid for the full period again."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_open_invitation(invitation)
        locked.token_hash = unusable_hash()  # the previous link stops working at once
        locked.expires_at = _expiry(now)
        locked.save(update_fields=["token_hash", "expires_at"])
    _invitation_send(locked, base_url=base_url, now=now)
    return locked


def invitation_revoke(*, invitation: Invitation, now: datetime | None = None) -> Invitation:
    """Cancels a pending or expired invitation: its link is refused from now on."""
    with transaction.atomic():
        locked = _lock_open_invitation(invitation)
        locked.revoked_at = now or timezone.now()
        locked.save(update_fields=["revoked_at"])
    return locked


# Codes of the link's refusals; the page answers 400 for "invalid", 410 for the rest.
LINK_REFUSALS = {
    Invitation.Status.ACCEPTED: ("used", INVITATION_USED),
    Invitation.Status.EXPIRED: ("expired", INVITATION_EXPIRED),
    Invitation.Status.REVOKED: ("revoked", INVITATION_REVOKED),
}


def invitation_for_link(
    *, slug: str, token: str, now: datetime | None = None, lock: bool = False
) -> Invitation:
    """The pending invitation that this link (office slug + token) opens, or a French refusal."""
    queryset = Invitation.objects.select_related("office", "invited_by")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    invitation = (
        selectors.invitations_with_status(queryset, now=now)
        .filter(token_hash=token_hash(token or ""), office__slug=slug)
        .first()
    )
    if invitation is None:
        raise ServiceError(_(INVITATION_INVALID), code="invalid")
    if invitation.status in LINK_REFUSALS:
        code, message = LINK_REFUSALS[invitation.status]
        raise ServiceError(_(message), code=code)
    return invitation


def invitation_account(invitation: Invitation):
    """The existing account the invitation is addressed to, if any."""
    User = get_user_model()
    return User.objects.filter(
        Q(email__iexact=invitation.email) | Q(username__iexact=invitation.email)
    ).first()


def invitation_accept(
    *,
    slug: str,
    token: str,
    user=None,
    first_name: str = "",
    last_name: str = "",
    password: str = "",
    now: datetime | None = None,
) -> Membership:
    """Accepts the invitation behind the link, once.

    With `user` (logged in, same address) it adds the membership; without, it
    creates the account (username = the e-mail) with a name and a password that
    passes Django's validators.
    """
    now = now or timezone.now()
    with transaction.atomic():
        invitation = invitation_for_link(slug=slug, token=token, now=now, lock=True)
        account = invitation_account(invitation)
        if user is not None:
            if account is None or account.pk != user.pk:
                raise ServiceError(
                    _(INVITATION_OTHER_ACCOUNT).format(email=invitation.email), code="other_account"
                )
        elif account is not None:
            raise ServiceError(
                _(ACCOUNT_EXISTS).format(email=invitation.email), code="account_exists"
            )
        else:
            first_name, last_name = first_name.strip(), last_name.strip()
            if not first_name or not last_name:
                raise ServiceError(_(NAME_REQUIRED))
            User = get_user_model()
            user = User(
                username=invitation.email,
                email=invitation.email,
                first_name=first_name,
                last_name=last_name,
            )
            try:
                password_validation.validate_password(password, user)
            except ValidationError as error:
                raise ServiceError(error.messages) from None
            user.set_password(password)
            user.save()
        membership = Membership.objects.filter(office=invitation.office, user=user).first()
        if membership is None:
            membership = membership_add(office=invitation.office, user=user, role=invitation.role)
        invitation.accepted_at, invitation.accepted_by = now, user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership
