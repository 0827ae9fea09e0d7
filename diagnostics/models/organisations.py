"""Who answers: organisations (tourist offices and their businesses), regions and departments,
memberships."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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


class OrganisationManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Organisation(models.Model):
    """Who answers a diagnostic: a tourist office, or a business of an office's territory.

    One model for every respondent, as one engine serves both: offices answer the
    network's campaigns, businesses answer their office's. Peers are compared
    within a segment (an office's classement, a business's activity).
    """

    class Kind(models.TextChoices):
        OFFICE = "office", _("Office de tourisme")
        BUSINESS = "business", _("Prestataire")

    class Segment(models.TextChoices):
        # An office's segment is its classement…
        CAT_1 = "cat1", _("Catégorie I")
        CAT_2 = "cat2", _("Catégorie II")
        UNCLASSIFIED = "none", _("Non classé")
        # … a business's, its activity.
        ACCOMMODATION = "hebergement", _("Hébergement")
        FOOD = "restauration", _("Restauration")
        ACTIVITIES = "activites", _("Activités et loisirs")
        SITES = "sites", _("Sites de visite et culture")
        SHOPS = "commerces", _("Commerces et services")

    OFFICE_SEGMENTS = (Segment.CAT_1, Segment.CAT_2, Segment.UNCLASSIFIED)
    BUSINESS_SEGMENTS = (
        Segment.ACCOMMODATION,
        Segment.FOOD,
        Segment.ACTIVITIES,
        Segment.SITES,
        Segment.SHOPS,
    )

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

    kind = models.CharField(_("type"), max_length=8, choices=Kind.choices, default=Kind.OFFICE)
    # A business belongs to the office of its territory, which invites and reads it.
    parent = models.ForeignKey(
        "Organisation",
        limit_choices_to={"kind": "office"},
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="businesses",
        verbose_name=_("office de rattachement"),
    )
    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=200, unique=True)
    # Keyed by the department's code, in the column that held the code before
    # departments became data: existing offices keep their department as is.
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        to_field="code",
        db_column="department",
        related_name="organisations",
        verbose_name=_("département"),
    )
    commune = models.CharField(_("commune"), max_length=120)
    segment = models.CharField(_("segment"), max_length=12, choices=Segment.choices)
    subtype = models.CharField(
        _("précision"),
        max_length=80,
        blank=True,
        help_text=_("Par exemple : gîte, camping, hôtel."),
    )
    legal_form = models.CharField(
        _("forme juridique"), max_length=12, choices=LegalForm.choices, blank=True
    )
    staff_band = models.CharField(
        _("effectif"), max_length=5, choices=StaffBand.choices, blank=True
    )
    email = models.EmailField(_("adresse e-mail"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    # Its public website, which « Observé » reads weekly (diagnostics/services/websites.py).
    website = models.URLField(
        _("site web"),
        max_length=300,
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("L’adresse de la page d’accueil, par exemple https://www.gite-des-lilas.fr"),
    )
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
    # Off by default: the network's individual appointment (« Rendez-vous numérique
    # individuel », an « Accompagnement individuel ») depends on the office's advisers'
    # time, which a two-person office with 300 businesses cannot promise to all of them
    # (review of questionnaire v2, workshop 1012): each office decides to offer it.
    offers_appointments = models.BooleanField(
        _("proposer les rendez-vous individuels à ses prestataires"), default=False
    )
    # How long after a business came to a workshop the office re-invites it to update its
    # diagnostic (« re-diagnostic »): six months by default, the time for a change to show.
    rediagnosis_months = models.PositiveSmallIntegerField(
        _("re-diagnostic des participants, en mois après l’atelier"),
        default=6,
        choices=[(3, _("3 mois")), (6, _("6 mois")), (9, _("9 mois")), (12, _("12 mois"))],
    )

    objects = OrganisationManager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        # Offices and businesses are listed by name, each apart (50,000 businesses).
        indexes = [models.Index(fields=["kind", "name"], name="organisation_kind_name")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="office", parent__isnull=True, segment__in=["cat1", "cat2", "none"])
                    | Q(
                        kind="business",
                        parent__isnull=False,
                        segment__in=[
                            "hebergement",
                            "restauration",
                            "activites",
                            "sites",
                            "commerces",
                        ],
                    )
                ),
                name="organisation_kind_parent_segment",
                violation_error_message=_(
                    "Un office n’a pas d’office de rattachement et se classe par catégorie ; "
                    "un prestataire est rattaché à un office et se classe par activité."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def natural_key(self):
        return (self.slug,)

    @property
    def is_business(self) -> bool:
        return self.kind == self.Kind.BUSINESS


class OfficeManager(OrganisationManager):
    def get_queryset(self):
        return super().get_queryset().filter(kind=Organisation.Kind.OFFICE)


class BusinessManager(OrganisationManager):
    def get_queryset(self):
        return super().get_queryset().filter(kind=Organisation.Kind.BUSINESS)


class Office(Organisation):
    """A tourist office: answers the network's campaigns, runs its businesses' campaigns."""

    objects = OfficeManager()

    class Meta:
        proxy = True
        verbose_name = _("office de tourisme")
        verbose_name_plural = _("offices de tourisme")
        ordering = ["name"]

    def save(self, *args, **kwargs):
        self.kind = self.Kind.OFFICE
        super().save(*args, **kwargs)


class Business(Organisation):
    """A local tourism business (prestataire) of an office's territory."""

    objects = BusinessManager()

    class Meta:
        proxy = True
        verbose_name = _("prestataire")
        verbose_name_plural = _("prestataires")
        ordering = ["name"]

    def save(self, *args, **kwargs):
        self.kind = self.Kind.BUSINESS
        super().save(*args, **kwargs)


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
        "Organisation",
        on_delete=models.CASCADE,
        limit_choices_to={"kind": "office"},
        related_name="memberships",
        verbose_name=_("office"),
    )
    role = models.CharField(_("rôle"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    # A director always manages the office's businesses; a member only once a director allows it.
    can_manage_businesses = models.BooleanField(_("gère les prestataires"), default=False)

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

    natural_key.dependencies = ["diagnostics.organisation", settings.AUTH_USER_MODEL]


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
        "Organisation",
        on_delete=models.CASCADE,
        limit_choices_to={"kind": "office"},
        related_name="invitations",
        verbose_name=_("office"),
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
