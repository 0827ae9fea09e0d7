"""Sessions of the catalogue's trainings and workshops, and who signs up, comes and says
what it was worth.

A session is a dated occurrence of a `Training`: the network's trainings for office
teams (dated by the network) and the workshops an office runs for its businesses
(`Training.organiser` = the office). For a workshop, businesses register (or wait for a
place), the office marks who came and attendees answer two questions.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .organisations import Organisation
from .plans import Training

# How long after a session its personal links still open (the satisfaction questions).
SESSION_LINK_DAYS_AFTER = 60


class TrainingSession(models.Model):
    """One dated occurrence of a training or workshop: when, where (a place or a video
    link), how many seats, who runs it.

    `office` is the office that runs it for its businesses (a session of its own workshop
    or of one of the network's); empty for a session the network dates for everyone.
    `capacity` empty means no limit. A cancelled session keeps its registrations (its
    businesses were told); `cancelled_at` says so.
    """

    training = models.ForeignKey(
        Training, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("formation")
    )
    office = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        limit_choices_to={"kind": "office"},
        related_name="workshop_sessions",
        verbose_name=_("office organisateur"),
        help_text=_("Vide pour une session du réseau, ouverte à tous."),
    )
    starts = models.DateTimeField(_("début"))
    ends = models.DateTimeField(_("fin"))
    place = models.CharField(_("lieu"), max_length=200, blank=True)
    video_link = models.URLField(_("lien de visioconférence"), blank=True)
    capacity = models.PositiveIntegerField(
        _("nombre de places"), null=True, blank=True, help_text=_("Vide : sans limite.")
    )
    facilitator = models.CharField(_("animé par"), max_length=160, blank=True)
    partner = models.CharField(_("partenaire"), max_length=160, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("programmée par"),
    )
    created_at = models.DateTimeField(_("programmée le"), default=timezone.now)
    invitations_sent_at = models.DateTimeField(_("invitations envoyées le"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("rappel envoyé le"), null=True, blank=True)
    attendance_marked_at = models.DateTimeField(_("présences notées le"), null=True, blank=True)
    survey_sent_at = models.DateTimeField(_("questions envoyées le"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("annulée le"), null=True, blank=True)
    cancellation_note = models.CharField(_("motif de l’annulation"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__gte=models.F("starts")),
                name="training_session_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(place="") | ~Q(video_link=""),
                name="training_session_place_or_link",
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                name="training_session_capacity_positive",
            ),
        ]
        indexes = [
            models.Index(fields=["training", "starts"], name="session_training_starts"),
            models.Index(fields=["office", "starts"], name="session_office_starts"),
        ]

    def __str__(self) -> str:
        local = timezone.localtime(self.starts)
        return f"{self.training} — {local:%d/%m/%Y %H:%M}, {self.where}"

    @property
    def where(self) -> str:
        return self.place or str(_("en visioconférence"))

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class SessionRegistration(models.Model):
    """A business's registration to a session: registered, on the waiting list or
    cancelled; then whether it came (null until the office marks it) and its answers to
    the two questions sent to attendees.

    One row per business and session: signing up again after cancelling reuses it
    (`registered_at` then dates the new sign-up, which orders the waiting list).
    """

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Inscrit")
        WAITING = "waiting", _("Sur liste d’attente")
        CANCELLED = "cancelled", _("Désinscrit")

    class Source(models.TextChoices):
        INVITATION = "invitation", _("Depuis l’invitation")
        PAGE = "page", _("Depuis sa page personnelle")
        OFFICE = "office", _("Ajouté par l’office")

    class Useful(models.TextChoices):
        YES = "yes", _("Oui, tout à fait")
        PARTLY = "partly", _("En partie")
        NO = "no", _("Non")

    class NextStep(models.TextChoices):
        FURTHER = "further", _("Un atelier pour aller plus loin sur ce sujet")
        OTHER_TOPIC = "other_topic", _("Un atelier sur un autre sujet")
        APPOINTMENT = "appointment", _("Un rendez-vous individuel avec l’office")
        ALONE = "alone", _("Rien pour l’instant : je mets en pratique")

    session = models.ForeignKey(
        TrainingSession,
        on_delete=models.CASCADE,
        related_name="registrations",
        verbose_name=_("session"),
    )
    business = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        limit_choices_to={"kind": "business"},
        related_name="session_registrations",
        verbose_name=_("prestataire"),
    )
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices)
    source = models.CharField(_("origine"), max_length=10, choices=Source.choices)
    registered_at = models.DateTimeField(_("inscrit le"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("désinscrit le"), null=True, blank=True)
    promoted_at = models.DateTimeField(
        _("place libérée le"),
        null=True,
        blank=True,
        help_text=_("Passé de la liste d’attente à une place qui s’est libérée."),
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ajouté par"),
    )
    attended = models.BooleanField(_("présent"), null=True, blank=True)
    useful = models.CharField(
        _("atelier utile ?"), max_length=10, choices=Useful.choices, blank=True
    )
    next_step = models.CharField(
        _("et maintenant ?"), max_length=12, choices=NextStep.choices, blank=True
    )
    comment = models.TextField(_("commentaire"), max_length=1000, blank=True)
    answered_at = models.DateTimeField(_("réponses reçues le"), null=True, blank=True)

    class Meta:
        verbose_name = _("inscription à une session")
        verbose_name_plural = _("inscriptions aux sessions")
        ordering = ["session", "registered_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "business"], name="session_registration_once"
            ),
        ]
        indexes = [
            models.Index(fields=["business", "session"], name="registration_business"),
        ]

    def __str__(self) -> str:
        return f"{self.business} — {self.session}"


class SessionLink(models.Model):
    """A secret link that e-mails a business about one session: it opens this business's
    registration to this session (sign up, cancel, answer the two questions) and nothing
    else. Only the SHA-256 of its token is stored; the token is made inside the task that
    sends the e-mail (diagnostics/services/mail.py). Each e-mail has its own link, so an
    earlier e-mail's link still works; every link closes SESSION_LINK_DAYS_AFTER days after
    the session.
    """

    class Purpose(models.TextChoices):
        INVITATION = "invitation", _("Invitation")
        CONFIRMATION = "confirmation", _("Confirmation")
        PROMOTION = "promotion", _("Place libérée")
        REMINDER = "reminder", _("Rappel")
        CANCELLATION = "cancellation", _("Annulation")
        SURVEY = "survey", _("Questions après l’atelier")

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="links", verbose_name=_("session")
    )
    business = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        limit_choices_to={"kind": "business"},
        related_name="session_links",
        verbose_name=_("prestataire"),
    )
    purpose = models.CharField(_("e-mail"), max_length=12, choices=Purpose.choices)
    token_hash = models.CharField(_("empreinte du jeton"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    expires_at = models.DateTimeField(_("expire le"))
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)

    class Meta:
        verbose_name = _("lien de session")
        verbose_name_plural = _("liens de session")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["session", "business"], name="session_link_pair")]

    def __str__(self) -> str:
        return f"{self.business} — {self.session} ({self.get_purpose_display()})"

    @staticmethod
    def expiry(session: TrainingSession):
        return session.ends + timedelta(days=SESSION_LINK_DAYS_AFTER)
