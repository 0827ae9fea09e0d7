"""How a campaign reaches who answers: reminders to the offices, personal links to businesses."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .campaigns import Campaign
from .organisations import Organisation


class Reminder(models.Model):
    """One batch of reminders sent to the offices that had not submitted in a campaign."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("campagne")
    )
    sent_at = models.DateTimeField(_("envoi demandé le"), default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("envoyée par"),
    )
    recipients = models.PositiveIntegerField(_("destinataires"), default=0)

    class Meta:
        verbose_name = _("relance")
        verbose_name_plural = _("relances")
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"{self.campaign} — {self.sent_at:%d/%m/%Y}"


class BusinessLink(models.Model):
    """A business's personal link to its diagnostic of one campaign: no account, no password.

    The link carries a random token of which only the SHA-256 is stored; it
    opens this business's diagnostic of this campaign and nothing else, until it
    expires or the office revokes it. Resending issues a new token.
    """

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="links", verbose_name=_("campagne")
    )
    business = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        limit_choices_to={"kind": "business"},
        related_name="links",
        verbose_name=_("prestataire"),
    )
    token_hash = models.CharField(_("empreinte du jeton"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    expires_at = models.DateTimeField(_("expire le"))
    last_sent_at = models.DateTimeField(_("dernier envoi"), null=True, blank=True)
    sent_count = models.PositiveIntegerField(_("envois"), default=0)
    opened_at = models.DateTimeField(_("première ouverture"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)
    # Sent to a business that came to a workshop, to update its earlier diagnostic: the
    # e-mail says so, and its answers are carried over « à confirmer » as an office's are.
    rediagnosis = models.BooleanField(_("re-diagnostic après un atelier"), default=False)

    class Meta:
        verbose_name = _("lien prestataire")
        verbose_name_plural = _("liens prestataires")
        ordering = ["-created_at"]
        constraints = [
            # One live link per business and campaign: a resend replaces the token.
            models.UniqueConstraint(
                fields=["campaign", "business"],
                condition=Q(revoked_at__isnull=True),
                name="business_link_one_live",
            )
        ]

    def __str__(self) -> str:
        return f"{self.business} — {self.campaign}"
