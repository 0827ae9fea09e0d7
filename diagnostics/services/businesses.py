"""Use cases of an office's business campaigns: personal links, and a business's submission."""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from diagnostics.models import Audience, BusinessLink, Campaign, Diagnostic, Organisation

from . import _new_token, _token_hash

LINK_INVALID = gettext_noop(
    "Ce lien n’est pas valide : vérifiez qu’il est complet, ou demandez-en un nouveau à votre "
    "office de tourisme."
)
LINK_EXPIRED = gettext_noop(
    "Ce lien a expiré : demandez-en un nouveau à votre office de tourisme, vos réponses déjà "
    "enregistrées sont conservées."
)
LINK_REVOKED = gettext_noop(
    "Ce lien a été désactivé par votre office de tourisme : demandez-lui un nouveau lien."
)
LINK_NOT_A_BUSINESS = gettext_noop(
    "Cette campagne s’adresse aux prestataires de l’office qui l’organise : ce lien ne peut pas "
    "être créé pour cette organisation."
)


def business_link_expiry(campaign: Campaign, now: datetime) -> datetime:
    """A link lives until the campaign closes, and at least LINK_MIN_AGE_DAYS from now."""
    closes = datetime.combine(
        campaign.closes + timedelta(days=1), datetime.min.time(), tzinfo=now.tzinfo
    )
    return max(closes, now + timedelta(days=settings.BUSINESS_LINK_MIN_AGE_DAYS))


def business_link_issue(
    *, business: Organisation, campaign: Campaign, now: datetime | None = None
) -> tuple[BusinessLink, str]:
    """A new personal link for the business (replacing its live one): the link and its token.

    Only the token's hash is stored: the caller puts the token in the e-mail and
    forgets it. The previous link of the business in this campaign stops working.
    """
    if campaign.audience != Audience.BUSINESSES or not campaign.admits(business):
        raise ValidationError(_(LINK_NOT_A_BUSINESS))
    now = now or timezone.now()
    token, token_hash = _new_token()
    with transaction.atomic():
        BusinessLink.objects.select_for_update().filter(
            campaign=campaign, business=business, revoked_at__isnull=True
        ).update(revoked_at=now)
        link = BusinessLink.objects.create(
            campaign=campaign,
            business=business,
            token_hash=token_hash,
            created_at=now,
            expires_at=business_link_expiry(campaign, now),
        )
    return link, token


def business_link_revoke(*, link: BusinessLink, now: datetime | None = None) -> BusinessLink:
    """Stops the link at once; the business's answers are kept."""
    with transaction.atomic():
        locked = BusinessLink.objects.select_for_update().get(pk=link.pk)
        if locked.revoked_at is None:
            locked.revoked_at = now or timezone.now()
            locked.save(update_fields=["revoked_at"])
    return locked


def business_link_open(*, token: str, now: datetime | None = None) -> BusinessLink:
    """The live link this token opens (its first opening recorded), or a French refusal.

    Refusals carry a code: "invalid" (unknown token), "expired", "revoked".
    """
    now = now or timezone.now()
    link = (
        BusinessLink.objects.select_related("business__parent", "campaign__questionnaire")
        .filter(token_hash=_token_hash(token or ""))
        .first()
    )
    if link is None or not link.business.is_business:
        raise ValidationError(_(LINK_INVALID), code="invalid")
    if link.revoked_at is not None:
        raise ValidationError(_(LINK_REVOKED), code="revoked")
    if link.expires_at <= now:
        raise ValidationError(_(LINK_EXPIRED), code="expired")
    if link.opened_at is None:
        BusinessLink.objects.filter(pk=link.pk, opened_at__isnull=True).update(opened_at=now)
        link.opened_at = now
    return link


def business_diagnostic(link: BusinessLink) -> Diagnostic | None:
    """The business's diagnostic of the link's campaign, if it has started one."""
    return Diagnostic.objects.filter(
        organisation=link.business_id,
        campaign=link.campaign_id,
        status__in=[Diagnostic.Status.DRAFT, Diagnostic.Status.SUBMITTED],
    ).first()
