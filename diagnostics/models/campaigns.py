"""Campaigns: the network's of the offices, an office's of its businesses."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .questionnaires import Audience, Questionnaire

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
