"""« Observé »: what SNUT read on an organisation's website, and when."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from diagnostics.fetching import Reason


class WebsiteCheck(models.Model):
    """One reading of an organisation's website by the background task.

    Created « en attente » when asked (weekly, or on demand), completed by the task:
    `indicators` then holds what the pages showed (diagnostics/website_indicators.py), or
    `failure` says in French why the site could not be read. The organisation's latest
    completed check is `latest`: the one every page shows.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("en attente")
        DONE = "done", _("relevé")
        FAILED = "failed", _("échec")

    organisation = models.ForeignKey(
        "Organisation",
        on_delete=models.CASCADE,
        related_name="website_checks",
        verbose_name=_("organisation"),
    )
    url = models.URLField(_("adresse relevée"), max_length=300)
    requested_at = models.DateTimeField(_("demandé le"))
    checked_at = models.DateTimeField(_("relevé le"), null=True, blank=True)
    status = models.CharField(
        _("état"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    failure = models.CharField(
        _("raison de l’échec"), max_length=12, choices=Reason.choices, blank=True
    )
    indicators = models.JSONField(_("indicateurs observés"), default=dict, blank=True)
    latest = models.BooleanField(_("dernier relevé"), default=False)
    # The demo has no internet: its observations are seeded, and say so.
    seeded = models.BooleanField(_("relevé de démonstration"), default=False)

    class Meta:
        verbose_name = _("relevé de site web")
        verbose_name_plural = _("relevés de sites web")
        ordering = ["-requested_at"]
        indexes = [
            models.Index(
                fields=["organisation", "-requested_at"], name="websitecheck_org_requested"
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"], condition=Q(latest=True), name="websitecheck_one_latest"
            )
        ]

    def __str__(self) -> str:
        return f"{self.url} ({self.get_status_display()})"
