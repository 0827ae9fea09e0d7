"""« Avis de l’équipe »: a draft opened to individual opinions before the team settles its answer.

The director opens a draft to opinions on the axes they choose; each team member, and
people invited by e-mail without an account (élus, the board, partners), gives their
own answer to each question of those axes. The scores are always those of the team's
answer (Answer): an opinion never counts in a score. Who reads what is one rule,
diagnostics/visibility.py (`opinions_shown`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .answers import AxisImportance
from .diagnostics import Diagnostic
from .questionnaires import Axis, Choice, Question


class OpinionRound(models.Model):
    """A draft opened to individual opinions on some of its axes (one per diagnostic)."""

    diagnostic = models.OneToOneField(
        Diagnostic,
        on_delete=models.CASCADE,
        related_name="opinion_round",
        verbose_name=_("diagnostic"),
    )
    axes = models.ManyToManyField(Axis, related_name="+", verbose_name=_("axes soumis à l’avis"))
    asks_importance = models.BooleanField(
        _("demander l’importance des axes aux personnes invitées"), default=True
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ouvert par"),
    )
    opened_at = models.DateTimeField(_("ouvert le"), default=timezone.now)

    class Meta:
        verbose_name = _("avis de l’équipe")
        verbose_name_plural = _("avis des équipes")
        ordering = ["-opened_at"]

    def __str__(self) -> str:
        return str(self.diagnostic)


class Respondent(models.Model):
    """Someone asked for their opinion: a team member (user), or a person invited by
    e-mail without an account, who answers through a personal link.

    The link's token is stored only as its SHA-256 (diagnostics/tokens.py), keyed by the
    e-mail's task just before it leaves; it opens this person's page and nothing else,
    until it expires or the director revokes it.
    """

    class Role(models.TextChoices):
        TEAM = "team", _("membre de l’équipe")
        ELECTED = "elected", _("élu·e")
        BOARD = "board", _("membre du conseil d’administration")
        PARTNER = "partner", _("partenaire")

    round = models.ForeignKey(
        OpinionRound,
        on_delete=models.CASCADE,
        related_name="respondents",
        verbose_name=_("avis de l’équipe"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("membre de l’équipe"),
    )
    role = models.CharField(_("rôle"), max_length=10, choices=Role.choices, default=Role.TEAM)
    name = models.CharField(_("nom"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    token_hash = models.CharField(
        _("empreinte du jeton"), max_length=64, unique=True, null=True, blank=True
    )
    created_at = models.DateTimeField(_("invité le"), default=timezone.now)
    expires_at = models.DateTimeField(_("le lien expire le"), null=True, blank=True)
    last_sent_at = models.DateTimeField(_("dernier envoi"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)
    answered_at = models.DateTimeField(_("a répondu le"), null=True, blank=True)
    # Name and e-mail of an invited person are erased with the retention period
    # (services/personal_data.py); the answers stay, without a name, in the counts.
    erased_at = models.DateTimeField(_("coordonnées effacées le"), null=True, blank=True)

    class Meta:
        verbose_name = _("personne consultée")
        verbose_name_plural = _("personnes consultées")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "user"],
                condition=Q(user__isnull=False),
                name="respondent_one_per_member",
            ),
            models.UniqueConstraint(
                fields=["round", "email"],
                condition=Q(user__isnull=True, revoked_at__isnull=True) & ~Q(email=""),
                name="respondent_one_live_per_email",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False, role="team")
                | Q(user__isnull=True) & ~Q(role="team"),
                name="respondent_member_or_invited",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_invited(self) -> bool:
        return self.user_id is None

    @property
    def display_name(self) -> str:
        if self.user_id is not None:
            return self.user.get_full_name() or self.user.get_username()
        return self.name or str(_("Personne invitée"))


class Opinion(models.Model):
    """One person's answer to one question: a choice or « non concerné »."""

    respondent = models.ForeignKey(
        Respondent,
        on_delete=models.CASCADE,
        related_name="opinions",
        verbose_name=_("personne consultée"),
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="+", verbose_name=_("question")
    )
    choice = models.ForeignKey(
        Choice,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("choix"),
    )
    not_applicable = models.BooleanField(_("non concerné"), default=False)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("avis")
        verbose_name_plural = _("avis")
        constraints = [
            models.UniqueConstraint(
                fields=["respondent", "question"], name="opinion_one_per_question"
            ),
            models.CheckConstraint(
                condition=Q(choice__isnull=False, not_applicable=False)
                | Q(choice__isnull=True, not_applicable=True),
                name="opinion_choice_xor_not_applicable",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.respondent} — {self.question.code}"


class ImportanceOpinion(models.Model):
    """How much an axis matters for the territory, said by a person invited (board,
    partners): their median feeds the importance × performance matrix."""

    respondent = models.ForeignKey(
        Respondent,
        on_delete=models.CASCADE,
        related_name="importances",
        verbose_name=_("personne consultée"),
    )
    axis = models.ForeignKey(
        Axis, on_delete=models.PROTECT, related_name="+", verbose_name=_("axe")
    )
    importance = models.CharField(
        _("importance"), max_length=10, choices=AxisImportance.Importance.choices
    )

    class Meta:
        verbose_name = _("importance d’un axe selon une personne invitée")
        verbose_name_plural = _("importance des axes selon les personnes invitées")
        constraints = [
            models.UniqueConstraint(
                fields=["respondent", "axis"], name="importance_opinion_one_per_axis"
            )
        ]

    def __str__(self) -> str:
        return f"{self.respondent} — {self.axis} : {self.get_importance_display()}"
