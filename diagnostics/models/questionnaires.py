"""The questionnaire engine: questionnaires, maturity levels, axes, questions, choices.

Generic: the same engine diagnoses tourist offices and their local businesses.
Natural keys let a questionnaire live in a readable fixture without ids.
"""

import re

from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Where an axis's header ends when it has no short name (Axis.header).
SHORT_NAME_END = re.compile(r",|\s:| et | de | du | des ")


class Audience(models.TextChoices):
    """Who a questionnaire, a campaign or a training is for."""

    OFFICES = "offices", _("Équipes d’offices de tourisme")
    BUSINESSES = "businesses", _("Prestataires")


class QuestionnaireManager(models.Manager):
    def get_by_natural_key(self, code, version):
        return self.get(code=code, version=version)

    def latest(self, audience: str):
        """The newest published questionnaire for this audience, as a one-row queryset."""
        published = self.full().filter(status=Questionnaire.Status.PUBLISHED, audience=audience)
        return published.order_by("-version", "-pk")[:1]

    def full(self):
        """Questionnaires that abbreviate none: every one but the express ones."""
        return self.filter(abbreviates__isnull=True)

    def express(self):
        return self.filter(abbreviates__isnull=False)


class Questionnaire(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        PUBLISHED = "published", _("Publié")
        ARCHIVED = "archived", _("Archivé")

    code = models.SlugField(_("code"), max_length=50)
    version = models.PositiveIntegerField(_("version"), default=1)
    name = models.CharField(_("nom"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    audience = models.CharField(
        _("public"), max_length=10, choices=Audience.choices, default=Audience.OFFICES
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    # An express questionnaire abbreviates a full one: a few of its questions, same codes,
    # fitted by diagnostics/express.py. Its results are indicative and shown apart.
    abbreviates = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="abbreviations",
        verbose_name=_("version courte de"),
        help_text=_(
            "Pour un diagnostic express : le questionnaire complet dont il reprend quelques "
            "questions. Vide pour un questionnaire complet."
        ),
    )
    # Moved forward whenever a level, axis, question or choice is saved or deleted
    # (diagnostics/signals.py), by any process: the key of the structure memo.
    revised_at = models.DateTimeField(
        _("structure modifiée le"), default=timezone.now, editable=False
    )

    objects = QuestionnaireManager()

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="questionnaire_code_version")
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    def natural_key(self):
        return (self.code, self.version)

    @property
    def is_express(self) -> bool:
        return self.abbreviates_id is not None

    @property
    def is_frozen(self) -> bool:
        """Published and archived questionnaires may have answers: never edit them."""
        return self.status != self.Status.DRAFT


class QuestionnairePartManager(models.Manager):
    """Looks a questionnaire part up by its questionnaire's natural key and its own."""

    part_field = "code"

    def get_by_natural_key(self, code, version, part):
        return self.get(
            questionnaire__code=code, questionnaire__version=version, **{self.part_field: part}
        )


class MaturityLevelManager(QuestionnairePartManager):
    part_field = "lower_bound"


class MaturityLevel(models.Model):
    """A named band of scores; a level runs from its lower bound to the next one."""

    questionnaire = models.ForeignKey(
        Questionnaire,
        on_delete=models.CASCADE,
        related_name="levels",
        verbose_name=_("questionnaire"),
    )
    lower_bound = models.PositiveSmallIntegerField(
        _("borne inférieure"), validators=[MaxValueValidator(100)]
    )
    name = models.CharField(_("nom"), max_length=60)
    description = models.TextField(_("description"), blank=True)

    objects = MaturityLevelManager()

    class Meta:
        verbose_name = _("niveau de maturité")
        verbose_name_plural = _("niveaux de maturité")
        ordering = ["questionnaire", "lower_bound"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "lower_bound"], name="level_unique_bound"
            ),
            models.CheckConstraint(condition=Q(lower_bound__lte=100), name="level_bound_max_100"),
        ]

    def __str__(self) -> str:
        return self.name

    def natural_key(self):
        return (*self.questionnaire.natural_key(), self.lower_bound)

    natural_key.dependencies = ["diagnostics.questionnaire"]


class Axis(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire,
        on_delete=models.CASCADE,
        related_name="axes",
        verbose_name=_("questionnaire"),
    )
    code = models.SlugField(_("code"), max_length=50)
    name = models.CharField(_("nom"), max_length=120)
    short_name = models.CharField(
        _("nom court"),
        max_length=30,
        blank=True,
        help_text=_(
            "En-tête des colonnes étroites (liste des offices). À défaut, le nom jusqu’à sa "
            "première virgule, son deux-points ou son premier « et », « de », « du » ou « des »."
        ),
    )
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    weight = models.PositiveSmallIntegerField(_("poids"), default=1)
    # An express axis only: how far the full axis score may stand from the express estimate
    # (its 10th and 90th percentiles in the fit, diagnostics/express.py).
    margin_below = models.PositiveSmallIntegerField(
        _("marge sous l’estimation"),
        default=0,
        validators=[MaxValueValidator(100)],
        help_text=_("Diagnostic express : points que le score complet peut avoir en moins."),
    )
    margin_above = models.PositiveSmallIntegerField(
        _("marge au-dessus de l’estimation"),
        default=0,
        validators=[MaxValueValidator(100)],
        help_text=_("Diagnostic express : points que le score complet peut avoir en plus."),
    )
    shrinkage = models.PositiveSmallIntegerField(
        _("part prise aux autres axes"),
        default=0,
        validators=[MaxValueValidator(100)],
        help_text=_(
            "Diagnostic express : en centièmes, ce que l’estimation de l’axe emprunte à la "
            "moyenne des autres axes (trois réponses disent peu seules)."
        ),
    )

    objects = QuestionnairePartManager()

    class Meta:
        verbose_name = _("axe")
        verbose_name_plural = _("axes")
        ordering = ["questionnaire", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "code"], name="axis_unique_code")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def header(self) -> str:
        """A narrow column's header: the short name, or the name up to its first comma,
        colon, « et », « de » or « du » (« Mobilité », « Réseaux sociaux »)."""
        return self.short_name or (
            SHORT_NAME_END.split(self.name, maxsplit=1)[0].strip() or self.name
        )

    def natural_key(self):
        return (*self.questionnaire.natural_key(), self.code)

    natural_key.dependencies = ["diagnostics.questionnaire"]


class Question(models.Model):
    # The questionnaire is stored beside the axis so that codes are unique per
    # questionnaire in the database; validate_questionnaire checks they agree.
    questionnaire = models.ForeignKey(
        Questionnaire,
        on_delete=models.CASCADE,
        related_name="questions",
        verbose_name=_("questionnaire"),
    )
    axis = models.ForeignKey(
        Axis, on_delete=models.CASCADE, related_name="questions", verbose_name=_("axe")
    )
    code = models.SlugField(_("code"), max_length=50)
    text = models.CharField(_("question"), max_length=400)
    help_text = models.TextField(_("pourquoi c’est important"), blank=True)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    weight = models.PositiveSmallIntegerField(_("poids"), default=1)
    allow_not_applicable = models.BooleanField(_("« non concerné » possible"), default=False)
    # A business questionnaire asks each business only the questions of its activity
    # (Organisation.Segment codes); empty: every respondent. diagnostics/applicability.py
    # is the one place that reads it. A list in a JSONField works on SQLite and PostgreSQL.
    activities = models.JSONField(
        _("activités concernées"),
        default=list,
        blank=True,
        help_text=_(
            "Codes des activités de prestataires à qui la question est posée "
            "(hebergement, restauration, sites, activites, commerces) ; vide : à tous."
        ),
    )
    scored = models.BooleanField(
        _("compte dans le score"),
        default=True,
        help_text=_(
            "Décochée : question facultative sans points (besoins, disponibilités), "
            "qui renseigne l’office sans changer le score."
        ),
    )

    objects = QuestionnairePartManager()

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["axis__order", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "code"], name="question_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.text}"

    @property
    def best_points(self) -> int:
        """The points of its best choice (0 without choices): what « weak » and shares are
        measured against. Reads prefetched choices when there are."""
        return max((c.points for c in self.choices.all()), default=0)

    def natural_key(self):
        return (*self.questionnaire.natural_key(), self.code)

    natural_key.dependencies = ["diagnostics.axis"]


class ChoiceManager(models.Manager):
    def get_by_natural_key(self, code, version, question_code, order):
        return self.get(
            question__questionnaire__code=code,
            question__questionnaire__version=version,
            question__code=question_code,
            order=order,
        )


class Choice(models.Model):
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="choices", verbose_name=_("question")
    )
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    label = models.CharField(_("réponse"), max_length=300)
    points = models.PositiveSmallIntegerField(_("points"), default=0)
    recommendation = models.TextField(_("recommandation"), blank=True)
    effort = models.CharField(
        _("effort"),
        max_length=10,
        blank=True,
        choices=[
            ("quick", _("Action rapide")),
            ("worksite", _("Chantier")),
            ("project", _("Projet")),
        ],
        help_text=_(
            "Action rapide : quelques jours, sans budget. Chantier : quelques semaines, "
            "petit budget. Projet : plusieurs mois, avec un budget ou des partenaires."
        ),
    )
    scale = models.CharField(
        _("échelle"),
        max_length=12,
        blank=True,
        choices=[
            ("office", _("L’office seul")),
            ("local", _("Avec l’intercommunalité ou les offices voisins")),
            ("department", _("Avec le département (ADT/CDT)")),
            ("region", _("Avec la région (CRT, réseau régional)")),
        ],
        help_text=_("Qui porte la recommandation : l’office seul ou avec quels partenaires."),
    )

    objects = ChoiceManager()

    class Meta:
        verbose_name = _("choix")
        verbose_name_plural = _("choix")
        ordering = ["question", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["question", "order"], name="choice_unique_order"),
            models.CheckConstraint(condition=Q(points__gte=0), name="choice_points_positive"),
        ]

    def __str__(self) -> str:
        return self.label

    def natural_key(self):
        return (*self.question.natural_key(), self.order)

    natural_key.dependencies = ["diagnostics.question"]


class AxisNarrativeManager(models.Manager):
    def get_by_natural_key(self, code, version, axis_code, lower_bound):
        return self.get(
            axis__questionnaire__code=code,
            axis__questionnaire__version=version,
            axis__code=axis_code,
            level__lower_bound=lower_bound,
        )


class AxisNarrative(models.Model):
    """What an office at this level typically does on this axis, and its next step."""

    axis = models.ForeignKey(
        Axis, on_delete=models.CASCADE, related_name="narratives", verbose_name=_("axe")
    )
    level = models.ForeignKey(
        MaturityLevel,
        on_delete=models.CASCADE,
        related_name="narratives",
        verbose_name=_("niveau de maturité"),
    )
    text = models.TextField(_("texte"))

    objects = AxisNarrativeManager()

    class Meta:
        verbose_name = _("texte d’axe par niveau")
        verbose_name_plural = _("textes d’axe par niveau")
        ordering = ["axis__order", "level__lower_bound"]
        constraints = [
            models.UniqueConstraint(fields=["axis", "level"], name="axis_narrative_unique")
        ]

    def __str__(self) -> str:
        return f"{self.axis} — {self.level}"

    def natural_key(self):
        return (*self.axis.natural_key(), self.level.lower_bound)

    natural_key.dependencies = ["diagnostics.axis", "diagnostics.maturitylevel"]
