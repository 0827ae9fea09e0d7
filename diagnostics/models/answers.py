"""A diagnostic's answers, and what goes with them: the axis scores stored at submission,
how much each axis matters for the territory."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .diagnostics import Diagnostic, diagnostic_lookup
from .questionnaires import Axis, Choice, MaturityLevel, Question


class AnswerManager(models.Manager):
    def get_by_natural_key(self, *key):
        *diagnostic, code, version, question = key
        return self.get(
            **diagnostic_lookup("diagnostic__", *diagnostic),
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
            **diagnostic_lookup("diagnostic__", *diagnostic),
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
