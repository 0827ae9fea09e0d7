"""« Le niveau visé »: the maturity level an office's team aims at on an axis, and by when."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .diagnostics import Diagnostic
from .questionnaires import Axis, MaturityLevel


class AxisTarget(models.Model):
    """A target set after reading a submitted diagnostic's results, for the next period.

    It belongs to the office and to that diagnostic, as the plan's actions do, and
    never touches the diagnostic's answers or scores: a submitted diagnostic stays as
    it was. Members may change it until the office submits the diagnostic of a later
    campaign, whose axis score of the same code says whether it was reached (the
    level's lower bound, in points, so that it holds across questionnaire versions).
    """

    office = models.ForeignKey(
        "Organisation",
        on_delete=models.CASCADE,
        limit_choices_to={"kind": "office"},
        related_name="axis_targets",
        verbose_name=_("office"),
    )
    diagnostic = models.ForeignKey(
        Diagnostic,
        on_delete=models.CASCADE,
        related_name="axis_targets",
        verbose_name=_("diagnostic d’origine"),
    )
    axis = models.ForeignKey(
        Axis, on_delete=models.PROTECT, related_name="+", verbose_name=_("axe")
    )
    level = models.ForeignKey(
        MaturityLevel, on_delete=models.PROTECT, related_name="+", verbose_name=_("niveau visé")
    )
    due_date = models.DateField(_("échéance"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("fixé par"),
    )
    created_at = models.DateTimeField(_("fixé le"), auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("modifié par"),
    )
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("niveau visé")
        verbose_name_plural = _("niveaux visés")
        ordering = ["diagnostic", "axis__order"]
        constraints = [
            models.UniqueConstraint(fields=["diagnostic", "axis"], name="axis_target_unique")
        ]

    def __str__(self) -> str:
        return f"{self.diagnostic} — {self.axis} : {self.level}"
