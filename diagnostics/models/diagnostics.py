"""Diagnostics: an organisation's answers to a campaign, frozen once submitted, and the
record of their reopenings."""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .campaigns import Campaign
from .organisations import Organisation
from .questionnaires import MaturityLevel, Questionnaire


def diagnostic_lookup(prefix, slug, code, version, campaign, created):
    """Filters for the diagnostic whose natural key is given, its fields behind `prefix`.

    The key holds created_at to the millisecond, as Django's JSON encoder writes it.
    """
    start = datetime.fromisoformat(created)
    return {
        f"{prefix}organisation__slug": slug,
        f"{prefix}campaign__questionnaire__code": code,
        f"{prefix}campaign__questionnaire__version": version,
        f"{prefix}campaign__name": campaign,
        f"{prefix}created_at__gte": start,
        f"{prefix}created_at__lt": start + timedelta(milliseconds=1),
    }


class DiagnosticManager(models.Manager):
    def get_by_natural_key(self, slug, code, version, campaign, created):
        return self.get(**diagnostic_lookup("", slug, code, version, campaign, created))


class Diagnostic(models.Model):
    """One organisation's answers to a campaign's questionnaire; frozen once submitted.

    The scores are computed once, at submission, and stored here and in
    AxisScore: listings never recompute them and later edits never change them.
    So are the codes of the questions it answered weakly (`weak_questions`,
    scoring.weak_questions), which the staff's training needs and pooling read
    instead of every answer of the campaign; emptied when it is reopened. A JSON
    list of codes: a JSON column on SQLite, jsonb on PostgreSQL; read whole with
    its diagnostic and never searched by element, so no table of its own (that
    would be the answers' rows again); codes, as those pages match questions by
    code across versions of the questionnaire.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("En cours")
        SUBMITTED = "submitted", _("Soumis")
        # Only for diagnostics found beside another one of the same office and
        # campaign when « one per campaign » became a rule: kept, never shown.
        REPLACED = "replaced", _("Remplacé")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="diagnostics",
        verbose_name=_("organisation"),
    )
    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="diagnostics", verbose_name=_("campagne")
    )
    questionnaire = models.ForeignKey(
        Questionnaire,
        on_delete=models.PROTECT,
        related_name="diagnostics",
        verbose_name=_("questionnaire"),
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("créé par"),
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("soumis par"),
    )
    submitted_at = models.DateTimeField(_("soumis le"), null=True, blank=True)
    overall_score = models.DecimalField(
        _("score global"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    overall_level = models.ForeignKey(
        MaturityLevel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("niveau global"),
    )
    # A business chooses at submission whether its office may read its answers
    # one by one; without consent it counts only inside aggregates.
    share_details = models.BooleanField(
        _("l’office peut lire le détail des réponses"), default=True
    )
    weak_questions = models.JSONField(
        _("questions répondues faiblement"), default=list, blank=True, editable=False
    )

    objects = DiagnosticManager()

    class Meta:
        verbose_name = _("diagnostic")
        verbose_name_plural = _("diagnostics")
        ordering = ["-created_at"]
        # The admin's list, newest first, reads its page by index, not by sorting them all.
        indexes = [models.Index(fields=["-created_at", "-id"], name="diagnostic_newest_first")]
        constraints = [
            # One diagnostic per organisation and campaign: prepared, then submitted once.
            models.UniqueConstraint(
                fields=["organisation", "campaign"],
                condition=Q(status__in=["draft", "submitted"]),
                name="diagnostic_one_per_campaign",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False) | Q(status="replaced"),
                name="diagnostic_submitted_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.campaign}"

    def natural_key(self):
        # An office starts its diagnostics of a campaign one after the other.
        created = self.created_at.astimezone(UTC).isoformat(timespec="milliseconds")
        return (self.organisation.slug, *self.campaign.natural_key(), created)

    natural_key.dependencies = ["diagnostics.organisation", "diagnostics.campaign"]

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED


class DiagnosticReopening(models.Model):
    """A submitted diagnostic put back to draft by the network staff: who, when, why,
    and what it had scored. The only change a submitted diagnostic ever gets."""

    diagnostic = models.ForeignKey(
        Diagnostic,
        on_delete=models.CASCADE,
        related_name="reopenings",
        verbose_name=_("diagnostic"),
    )
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("rouvert par"),
    )
    reopened_at = models.DateTimeField(_("rouvert le"), default=timezone.now)
    reason = models.TextField(_("motif"))
    previous_submitted_at = models.DateTimeField(_("soumis le (avant réouverture)"))
    previous_overall_score = models.DecimalField(
        _("score global avant réouverture"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    # [{"axis": code, "name": …, "score": "62.50" or null, "level": name or null}, …]
    previous_axis_scores = models.JSONField(_("scores par axe avant réouverture"), default=list)

    class Meta:
        verbose_name = _("réouverture de diagnostic")
        verbose_name_plural = _("réouvertures de diagnostics")
        ordering = ["-reopened_at"]
        permissions = [("reopen_diagnostic", _("Peut rouvrir un diagnostic soumis"))]

    def __str__(self) -> str:
        return f"{self.diagnostic} — {timezone.localtime(self.reopened_at):%d/%m/%Y}"
