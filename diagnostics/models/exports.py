"""A staff member's export of the offices' scores or answers, written by a background task."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .campaigns import Campaign


class Export(models.Model):
    """Who asked for which file, and where the task stands.

    The file sits in Django's default storage under EXPORTS_DIR, which no web
    server serves: it is only downloaded through the admin's checked view.
    """

    class Kind(models.TextChoices):
        SCORES = "scores", _("Scores")
        ANSWERS = "reponses", _("Réponses")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        RUNNING = "running", _("En cours")
        READY = "ready", _("Prêt")
        FAILED = "failed", _("Échec")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="exports",
        verbose_name=_("demandé par"),
    )
    kind = models.CharField(_("contenu"), max_length=10, choices=Kind.choices)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="exports", verbose_name=_("campagne")
    )
    filters = models.CharField(_("filtres"), max_length=500, blank=True)
    # The offices selected by the list's filters and search when asked, in the list's order.
    office_ids = models.JSONField(_("offices"), default=list)
    status = models.CharField(
        _("état"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    rows = models.PositiveIntegerField(_("lignes"), null=True, blank=True)
    size = models.PositiveBigIntegerField(_("taille (octets)"), null=True, blank=True)
    file = models.CharField(_("fichier"), max_length=200, blank=True)
    error = models.TextField(_("erreur"), blank=True)
    created_at = models.DateTimeField(_("demandé le"), auto_now_add=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        indexes = [models.Index(fields=["requested_by", "-created_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.get_format_display()} — {self.campaign_id}"
