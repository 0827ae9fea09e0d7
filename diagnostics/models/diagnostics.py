"""Campaigns, diagnostics, answers and the scores stored at submission."""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .organisations import Organisation
from .questionnaires import Audience, Axis, Choice, MaturityLevel, Question, Questionnaire

CAMPAIGN_WRONG_QUESTIONNAIRE = _(
    "Ce questionnaire ne s’adresse pas au public de la campagne (offices ou prestataires)."
)


class CampaignManager(models.Manager):
    def get_by_natural_key(self, code, version, name):
        return self.get(questionnaire__code=code, questionnaire__version=version, name=name)

    def network(self):
        """The regional network's campaigns of full diagnostics, which the offices answer:
        the ones every list, comparison and median reads."""
        return self.filter(audience=Audience.OFFICES, questionnaire__abbreviates__isnull=True)

    def express(self):
        """The network's express campaigns: indicative results, always shown apart."""
        return self.filter(audience=Audience.OFFICES, questionnaire__abbreviates__isnull=False)


class Campaign(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire,
        on_delete=models.PROTECT,
        related_name="campaigns",
        verbose_name=_("questionnaire"),
    )
    name = models.CharField(_("nom"), max_length=120)
    opens = models.DateField(_("ouverture"))
    closes = models.DateField(_("clôture"))
    # The regional network (no organiser) asks the offices; an office asks its businesses.
    audience = models.CharField(
        _("public"), max_length=10, choices=Audience.choices, default=Audience.OFFICES
    )
    organiser = models.ForeignKey(
        "Organisation",
        limit_choices_to={"kind": "office"},
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organised_campaigns",
        verbose_name=_("office organisateur"),
        help_text=_("Vide pour une campagne du réseau régional auprès des offices."),
    )

    objects = CampaignManager()

    class Meta:
        verbose_name = _("campagne")
        verbose_name_plural = _("campagnes")
        ordering = ["-opens"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes__gte=models.F("opens")), name="campaign_dates"
            ),
            models.CheckConstraint(
                condition=Q(audience="offices", organiser__isnull=True)
                | Q(audience="businesses", organiser__isnull=False),
                name="campaign_organiser_audience",
                violation_error_message=_(
                    "Une campagne auprès des offices est organisée par le réseau ; une campagne "
                    "auprès des prestataires, par leur office."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def natural_key(self):
        return (*self.questionnaire.natural_key(), self.name)

    natural_key.dependencies = ["diagnostics.questionnaire"]

    def is_open(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.opens <= today <= self.closes

    def clean(self):
        if self.questionnaire_id and self.questionnaire.audience != self.audience:
            raise ValidationError({"questionnaire": CAMPAIGN_WRONG_QUESTIONNAIRE})

    @property
    def is_express(self) -> bool:
        return self.questionnaire.is_express

    def admits(self, organisation) -> bool:
        """Whether `organisation` belongs to this campaign's audience."""
        if self.audience == Audience.BUSINESSES:
            return organisation.is_business and organisation.parent_id == self.organiser_id
        return not organisation.is_business


class BusinessCampaignManager(CampaignManager):
    def get_queryset(self):
        return super().get_queryset().filter(audience=Audience.BUSINESSES)


class BusinessCampaign(Campaign):
    """A campaign an office runs among its businesses: the network staff read it in the admin."""

    objects = BusinessCampaignManager()

    class Meta:
        proxy = True
        verbose_name = _("campagne auprès des prestataires")
        verbose_name_plural = _("campagnes auprès des prestataires")
        ordering = ["-opens", "-pk"]


def _diagnostic_lookup(prefix, slug, code, version, campaign, created):
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
        return self.get(**_diagnostic_lookup("", slug, code, version, campaign, created))


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


class AnswerManager(models.Manager):
    def get_by_natural_key(self, *key):
        *diagnostic, code, version, question = key
        return self.get(
            **_diagnostic_lookup("diagnostic__", *diagnostic),
            question__questionnaire__code=code,
            question__questionnaire__version=version,
            question__code=question,
        )


class Answer(models.Model):
    """The answer to one question: a choice, « non concerné », or a comment alone."""

    diagnostic = models.ForeignKey(
        Diagnostic, on_delete=models.CASCADE, related_name="answers", verbose_name=_("diagnostic")
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="answers", verbose_name=_("question")
    )
    choice = models.ForeignKey(
        Choice,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="answers",
        verbose_name=_("choix"),
    )
    not_applicable = models.BooleanField(_("non concerné"), default=False)
    comment = models.TextField(_("commentaire"), blank=True, max_length=2000)
    # Pre-filled from the office's previous diagnostic: counts as unanswered
    # until a member confirms or changes it.
    carried_over = models.BooleanField(_("reprise à confirmer"), default=False)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("modifié par"),
    )

    objects = AnswerManager()

    class Meta:
        verbose_name = _("réponse")
        verbose_name_plural = _("réponses")
        constraints = [
            models.UniqueConstraint(
                fields=["diagnostic", "question"], name="answer_one_per_question"
            ),
            models.CheckConstraint(
                condition=Q(choice__isnull=True) | Q(not_applicable=False),
                name="answer_choice_or_not_applicable",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.diagnostic} — {self.question.code}"

    def natural_key(self):
        return (*self.diagnostic.natural_key(), *self.question.natural_key())

    natural_key.dependencies = ["diagnostics.diagnostic", "diagnostics.question"]

    @property
    def is_answered(self) -> bool:
        return (self.choice_id is not None or self.not_applicable) and not self.carried_over


class AxisScoreManager(models.Manager):
    def get_by_natural_key(self, *key):
        *diagnostic, code, version, axis = key
        return self.get(
            **_diagnostic_lookup("diagnostic__", *diagnostic),
            axis__questionnaire__code=code,
            axis__questionnaire__version=version,
            axis__code=axis,
        )


class AxisScore(models.Model):
    """An axis's score as computed when its diagnostic was submitted."""

    diagnostic = models.ForeignKey(
        Diagnostic,
        on_delete=models.CASCADE,
        related_name="axis_scores",
        verbose_name=_("diagnostic"),
    )
    axis = models.ForeignKey(
        Axis, on_delete=models.PROTECT, related_name="+", verbose_name=_("axe")
    )
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)
    level = models.ForeignKey(
        MaturityLevel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("niveau"),
    )
    answered = models.PositiveSmallIntegerField(_("questions répondues"), default=0)
    total = models.PositiveSmallIntegerField(_("questions"), default=0)

    objects = AxisScoreManager()

    class Meta:
        verbose_name = _("score par axe")
        verbose_name_plural = _("scores par axe")
        ordering = ["diagnostic", "axis__order"]
        constraints = [
            models.UniqueConstraint(fields=["diagnostic", "axis"], name="axis_score_unique"),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=100),
                name="axis_score_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.diagnostic} — {self.axis}"

    def natural_key(self):
        return (*self.diagnostic.natural_key(), *self.axis.natural_key())

    natural_key.dependencies = ["diagnostics.diagnostic", "diagnostics.axis"]


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


class AxisImportance(models.Model):
    """How much an axis matters for the office's territory, said by its team.

    It orders priorities and places the axis in the importance × performance
    matrix; it never changes a score, so comparisons stay fair.
    """

    class Importance(models.TextChoices):
        ESSENTIAL = "essential", _("Essentiel")
        IMPORTANT = "important", _("Important")
        SECONDARY = "secondary", _("Secondaire")

    diagnostic = models.ForeignKey(
        Diagnostic,
        on_delete=models.CASCADE,
        related_name="axis_importances",
        verbose_name=_("diagnostic"),
    )
    axis = models.ForeignKey(
        Axis, on_delete=models.PROTECT, related_name="+", verbose_name=_("axe")
    )
    importance = models.CharField(
        _("importance"),
        max_length=10,
        choices=Importance.choices,
        default=Importance.IMPORTANT,
    )

    class Meta:
        verbose_name = _("importance d’un axe")
        verbose_name_plural = _("importance des axes")
        ordering = ["diagnostic", "axis__order"]
        constraints = [
            models.UniqueConstraint(fields=["diagnostic", "axis"], name="axis_importance_unique")
        ]

    def __str__(self) -> str:
        return f"{self.diagnostic} — {self.axis} : {self.get_importance_display()}"
