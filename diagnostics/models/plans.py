"""From diagnosis to action: the office's action plan and the training and workshop catalogue."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .diagnostics import Diagnostic
from .questionnaires import Audience, Axis, Question


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
        "Organisation",
        on_delete=models.CASCADE,
        limit_choices_to={"kind": "office"},
        related_name="actions",
        verbose_name=_("office"),
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

    title = models.CharField(_("intitulé"), max_length=200)
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    duration = models.CharField(_("durée"), max_length=60, blank=True)
    audience = models.CharField(
        _("public"), max_length=10, choices=Audience.choices, default=Audience.OFFICES
    )
    # The network's catalogue has no organiser; an office adds its own workshops.
    organiser = models.ForeignKey(
        "Organisation",
        limit_choices_to={"kind": "office"},
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="workshops",
        verbose_name=_("office organisateur"),
        help_text=_("Vide pour le catalogue du réseau."),
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

    @property
    def format_label(self) -> str:
        """The format, and the duration where it says more (« Atelier de 2 h » is
        enough; a course's duration says its days: « Formation, 2 jours », not
        « Formation d’un ou plusieurs jours, 2 jours »)."""
        label = str(self.get_format_display())
        # « 2 h » with a no-break space is the same duration as the label's « 2 h ».
        if self.duration and " ".join(self.duration.split()) not in " ".join(label.split()):
            if self.format == self.Format.COURSE:
                return str(_("Formation, %(duration)s") % {"duration": self.duration})
            return f"{label}, {self.duration}"
        return label
