"""The questionnaire engine, offices and their diagnostics.

A questionnaire (axes → questions → choices, plus maturity levels) is generic:
the same engine can diagnose tourist offices today and local businesses later.
Natural keys let the questionnaire live in a readable fixture without ids.
"""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class QuestionnaireManager(models.Manager):
    def get_by_natural_key(self, code, version):
        return self.get(code=code, version=version)


class Questionnaire(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        PUBLISHED = "published", _("Publié")
        ARCHIVED = "archived", _("Archivé")

    code = models.SlugField(_("code"), max_length=50)
    version = models.PositiveIntegerField(_("version"), default=1)
    name = models.CharField(_("nom"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.DRAFT
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
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    weight = models.PositiveSmallIntegerField(_("poids"), default=1)

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


class CodeManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Region(models.Model):
    """A French region (INSEE code): data, so that any region's network can use SNUT."""

    code = models.CharField(_("code INSEE"), max_length=3, unique=True)
    name = models.CharField(_("nom"), max_length=80)

    objects = CodeManager()

    class Meta:
        verbose_name = _("région")
        verbose_name_plural = _("régions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def natural_key(self):
        return (self.code,)


class Department(models.Model):
    code = models.CharField(_("code"), max_length=3, unique=True)
    name = models.CharField(_("nom"), max_length=80)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="departments", verbose_name=_("région")
    )
    # Land borders, cross-region ones included: pooling looks this far.
    neighbours = models.ManyToManyField(
        "self", symmetrical=True, blank=True, verbose_name=_("départements voisins")
    )

    objects = CodeManager()

    class Meta:
        verbose_name = _("département")
        verbose_name_plural = _("départements")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def natural_key(self):
        return (self.code,)


class OfficeManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Office(models.Model):
    class Category(models.TextChoices):
        CAT_1 = "cat1", _("Catégorie I")
        CAT_2 = "cat2", _("Catégorie II")
        UNCLASSIFIED = "none", _("Non classé")

    class LegalForm(models.TextChoices):
        ASSOCIATION = "association", _("Association")
        EPIC = "epic", _("EPIC")
        REGIE = "regie", _("Régie")
        SPL = "spl", _("SPL")
        SEM = "sem", _("SEM")

    class StaffBand(models.TextChoices):
        XS = "1-2", _("1 à 2 ETP")
        S = "3-5", _("3 à 5 ETP")
        M = "6-10", _("6 à 10 ETP")
        L = "11-20", _("11 à 20 ETP")
        XL = "21+", _("plus de 20 ETP")

    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=200, unique=True)
    # Keyed by the department's code, in the column that held the code before
    # departments became data: existing offices keep their department as is.
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        to_field="code",
        db_column="department",
        related_name="offices",
        verbose_name=_("département"),
    )
    commune = models.CharField(_("commune"), max_length=120)
    category = models.CharField(_("classement"), max_length=5, choices=Category.choices)
    legal_form = models.CharField(_("forme juridique"), max_length=12, choices=LegalForm.choices)
    staff_band = models.CharField(_("effectif"), max_length=5, choices=StaffBand.choices)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Membership",
        related_name="offices",
        verbose_name=_("membres"),
    )
    # Off by default: an office is named to its neighbours in « Pistes de mutualisation »
    # only once its direction agreed; otherwise it is only counted.
    pooling_opt_in = models.BooleanField(
        _("apparaître dans les pistes de mutualisation"), default=False
    )

    objects = OfficeManager()

    class Meta:
        verbose_name = _("office de tourisme")
        verbose_name_plural = _("offices de tourisme")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def natural_key(self):
        return (self.slug,)


STAFF_NEVER_MEMBER = _(
    "Un membre de l’équipe du réseau ne peut pas être membre d’un office : il lit tous les "
    "offices depuis l’administration, il ne remplit pas leurs diagnostics."
)
MEMBER_NEVER_STAFF = _(
    "Ce compte est membre d’un office : retirez-le d’abord de ses offices avant d’en faire un "
    "membre de l’équipe du réseau."
)


class MembershipManager(models.Manager):
    def get_by_natural_key(self, username, slug):
        username_field = self.model._meta.get_field("user").related_model.USERNAME_FIELD
        return self.get(**{f"user__{username_field}": username}, office__slug=slug)


class Membership(models.Model):
    class Role(models.TextChoices):
        DIRECTOR = "director", _("Direction")
        MEMBER = "member", _("Membre de l’équipe")

    # Network staff read every office from the admin; making them members would
    # let them fill and submit an office's diagnostic.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        limit_choices_to={"is_staff": False},
        verbose_name=_("utilisateur"),
    )
    office = models.ForeignKey(
        Office, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("office")
    )
    role = models.CharField(_("rôle"), max_length=10, choices=Role.choices, default=Role.MEMBER)

    objects = MembershipManager()

    class Meta:
        verbose_name = _("membre")
        verbose_name_plural = _("membres")
        constraints = [models.UniqueConstraint(fields=["user", "office"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} — {self.office}"

    def save(self, *args, **kwargs):
        # Enforced wherever a membership is written, not only in the admin's form.
        users = Membership._meta.get_field("user").related_model._default_manager
        if self.user_id and users.filter(pk=self.user_id, is_staff=True).exists():
            raise ValidationError(STAFF_NEVER_MEMBER)
        super().save(*args, **kwargs)

    def clean(self):
        if self.user_id and self.user.is_staff:
            raise ValidationError({"user": STAFF_NEVER_MEMBER})

    def natural_key(self):
        return (*self.user.natural_key(), self.office.slug)

    natural_key.dependencies = ["diagnostics.office", settings.AUTH_USER_MODEL]


class CampaignManager(models.Manager):
    def get_by_natural_key(self, code, version, name):
        return self.get(questionnaire__code=code, questionnaire__version=version, name=name)


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

    objects = CampaignManager()

    class Meta:
        verbose_name = _("campagne")
        verbose_name_plural = _("campagnes")
        ordering = ["-opens"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes__gte=models.F("opens")), name="campaign_dates"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def natural_key(self):
        return (*self.questionnaire.natural_key(), self.name)

    natural_key.dependencies = ["diagnostics.questionnaire"]

    def is_open(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.opens <= today <= self.closes


def _diagnostic_lookup(prefix, slug, code, version, campaign, created):
    """Filters for the diagnostic whose natural key is given, its fields behind `prefix`.

    The key holds created_at to the millisecond, as Django's JSON encoder writes it.
    """
    start = datetime.fromisoformat(created)
    return {
        f"{prefix}office__slug": slug,
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
    """One office's answers to a campaign's questionnaire; frozen once submitted.

    The scores are computed once, at submission, and stored here and in
    AxisScore: listings never recompute them and later edits never change them.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("En cours")
        SUBMITTED = "submitted", _("Soumis")
        # Only for diagnostics found beside another one of the same office and
        # campaign when « one per campaign » became a rule: kept, never shown.
        REPLACED = "replaced", _("Remplacé")

    office = models.ForeignKey(
        Office, on_delete=models.CASCADE, related_name="diagnostics", verbose_name=_("office")
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

    objects = DiagnosticManager()

    class Meta:
        verbose_name = _("diagnostic")
        verbose_name_plural = _("diagnostics")
        ordering = ["-created_at"]
        constraints = [
            # One diagnostic per office and campaign: prepared, then submitted once.
            models.UniqueConstraint(
                fields=["office", "campaign"],
                condition=Q(status__in=["draft", "submitted"]),
                name="diagnostic_one_per_campaign",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False) | Q(status="replaced"),
                name="diagnostic_submitted_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.office} — {self.campaign}"

    def natural_key(self):
        # An office starts its diagnostics of a campaign one after the other.
        created = self.created_at.astimezone(UTC).isoformat(timespec="milliseconds")
        return (self.office.slug, *self.campaign.natural_key(), created)

    natural_key.dependencies = ["diagnostics.office", "diagnostics.campaign"]

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


class Invitation(models.Model):
    """An e-mail invitation to join an office; the only way an account is created.

    The link carries a random token of which only the SHA-256 is stored: a copy
    of the database opens no door, and a resend issues a new token so the
    previous link stops working.
    """

    class Status(models.TextChoices):
        """Derived from the dates (selectors.invitations_with_status), never stored."""

        PENDING = "pending", _("en attente")
        ACCEPTED = "accepted", _("acceptée")
        EXPIRED = "expired", _("expirée")
        REVOKED = "revoked", _("révoquée")

    office = models.ForeignKey(
        Office, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("office")
    )
    email = models.EmailField(_("adresse e-mail"))
    role = models.CharField(
        _("rôle"),
        max_length=10,
        choices=Membership.Role.choices,
        default=Membership.Role.MEMBER,
    )
    token_hash = models.CharField(_("empreinte du jeton"), max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invité par"),
    )
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    expires_at = models.DateTimeField(_("expire le"))
    last_sent_at = models.DateTimeField(_("dernier envoi"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("acceptée le"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acceptée par"),
    )
    revoked_at = models.DateTimeField(_("révoquée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["office", "email"],
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_address",
                violation_error_message=_(
                    "Une invitation est déjà ouverte pour cette adresse : renvoyez-la ou "
                    "révoquez-la."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} — {self.office}"


class Reminder(models.Model):
    """One batch of reminders sent to the offices that had not submitted in a campaign."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("campagne")
    )
    sent_at = models.DateTimeField(_("envoyée le"), default=timezone.now)
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


class Action(models.Model):
    """An action of the office's plan: a priority of a diagnostic turned into work, or a free one.

    The office follows it from one campaign to the next: the results of its next
    diagnostic tell whether the related answer improved.
    """

    class Status(models.TextChoices):
        TODO = "todo", _("À faire")
        DOING = "doing", _("En cours")
        DONE = "done", _("Fait")
        DROPPED = "dropped", _("Abandonné")

    office = models.ForeignKey(
        Office, on_delete=models.CASCADE, related_name="actions", verbose_name=_("office")
    )
    diagnostic = models.ForeignKey(
        Diagnostic,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("diagnostic d’origine"),
    )
    axis = models.ForeignKey(
        Axis,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("axe"),
    )
    question = models.ForeignKey(
        Question,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("question"),
    )
    title = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsable (membre de l’équipe)"),
    )
    owner_name = models.CharField(_("responsable (autre)"), max_length=120, blank=True)
    due_date = models.DateField(_("échéance"), null=True, blank=True)
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.TODO
    )
    note = models.TextField(_("note"), blank=True, max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("créée par"),
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("modifiée par"),
    )
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("action du plan")
        verbose_name_plural = _("actions des plans")
        ordering = ["office", "due_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["diagnostic", "question"],
                condition=Q(diagnostic__isnull=False, question__isnull=False),
                name="action_once_per_priority",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.TODO, self.Status.DOING)


class Training(models.Model):
    """A training or a workshop of the catalogue, for office teams or for local businesses.

    One catalogue for both audiences: the network's trainings for office teams and
    the workshops offices run for their businesses. It addresses axes and
    questions; a priority is matched by their codes, so the catalogue outlives
    questionnaire versions.
    """

    class Format(models.TextChoices):
        WORKSHOP = "workshop", _("Atelier de 2 h")
        COURSE = "course", _("Formation d’un ou plusieurs jours")
        WEBINAR = "webinar", _("Webinaire")
        COACHING = "coaching", _("Accompagnement individuel")

    class Audience(models.TextChoices):
        OFFICE_TEAMS = "offices", _("Équipes d’offices de tourisme")
        BUSINESSES = "businesses", _("Prestataires")

    title = models.CharField(_("intitulé"), max_length=200)
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    duration = models.CharField(_("durée"), max_length=60, blank=True)
    audience = models.CharField(
        _("public"), max_length=10, choices=Audience.choices, default=Audience.OFFICE_TEAMS
    )
    description = models.TextField(_("description"), blank=True)
    link = models.URLField(_("lien"), blank=True)
    axes = models.ManyToManyField(
        Axis, blank=True, related_name="+", verbose_name=_("axes traités")
    )
    questions = models.ManyToManyField(
        Question, blank=True, related_name="+", verbose_name=_("questions traitées")
    )

    class Meta:
        verbose_name = _("formation ou atelier")
        verbose_name_plural = _("catalogue des formations et ateliers")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class TrainingSession(models.Model):
    training = models.ForeignKey(
        Training, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("formation")
    )
    starts = models.DateField(_("début"))
    ends = models.DateField(_("fin"), null=True, blank=True)
    place = models.CharField(_("lieu"), max_length=160)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__isnull=True) | Q(ends__gte=models.F("starts")),
                name="training_session_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.training} — {self.starts:%d/%m/%Y}, {self.place}"
