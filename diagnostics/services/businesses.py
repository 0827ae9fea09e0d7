"""Use cases of an office's business campaigns: personal links, and a business's submission."""

import secrets
import uuid
from datetime import date, datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from diagnostics.business_import import ImportRow, normalised, parse_businesses
from diagnostics.display import long_date
from diagnostics.models import (
    Audience,
    Business,
    BusinessLink,
    Campaign,
    Diagnostic,
    Organisation,
    Questionnaire,
)
from diagnostics.services.errors import ServiceError
from diagnostics.services.mail import business_invitations_enqueue
from diagnostics.tokens import new_token, token_hash, unusable_hash
from snut import table_stamps

LINK_INVALID = gettext_noop(
    "Ce lien n’est pas valide : vérifiez qu’il est complet, ou demandez-en un nouveau à votre "
    "office de tourisme."
)
LINK_EXPIRED = gettext_noop(
    "Ce lien a expiré : demandez-en un nouveau à votre office de tourisme, vos réponses déjà "
    "enregistrées sont conservées."
)
LINK_REVOKED = gettext_noop(
    "Ce lien a été désactivé par votre office de tourisme : demandez-lui un nouveau lien."
)
LINK_NOT_A_BUSINESS = gettext_noop(
    "Cette campagne s’adresse aux prestataires de l’office qui l’organise : ce lien ne peut pas "
    "être créé pour cette organisation."
)


def business_link_expiry(campaign: Campaign, now: datetime) -> datetime:
    """A link lives until the campaign closes, and at least LINK_MIN_AGE_DAYS from now."""
    closes = datetime.combine(
        campaign.closes + timedelta(days=1), datetime.min.time(), tzinfo=now.tzinfo
    )
    return max(closes, now + timedelta(days=settings.BUSINESS_LINK_MIN_AGE_DAYS))


def business_link_issue(
    *, business: Organisation, campaign: Campaign, now: datetime | None = None
) -> tuple[BusinessLink, str]:
    """A new personal link for the business (replacing its live one): the link and its token.

    Only the token's hash is stored: the caller puts the token in the e-mail and
    forgets it. The previous link of the business in this campaign stops working.
    """
    if campaign.audience != Audience.BUSINESSES or not campaign.admits(business):
        raise ServiceError(_(LINK_NOT_A_BUSINESS))
    now = now or timezone.now()
    token, hashed = new_token()
    with transaction.atomic(), table_stamps.office_writes(business.parent_id):
        BusinessLink.objects.select_for_update().filter(
            campaign=campaign, business=business, revoked_at__isnull=True
        ).update(revoked_at=now)
        link = BusinessLink.objects.create(
            campaign=campaign,
            business=business,
            token_hash=hashed,
            created_at=now,
            expires_at=business_link_expiry(campaign, now),
        )
    return link, token


def business_link_revoke(*, link: BusinessLink, now: datetime | None = None) -> BusinessLink:
    """Stops the link at once; the business's answers are kept."""
    with transaction.atomic():
        locked = BusinessLink.objects.select_for_update().get(pk=link.pk)
        if locked.revoked_at is None:
            locked.revoked_at = now or timezone.now()
            locked.save(update_fields=["revoked_at"])
    return locked


def business_link_open(*, token: str, now: datetime | None = None) -> BusinessLink:
    """The live link this token opens (its first opening recorded), or a French refusal.

    Refusals carry a code: "invalid" (unknown token), "expired", "revoked".
    """
    now = now or timezone.now()
    link = (
        BusinessLink.objects.select_related("business__parent", "campaign__questionnaire")
        .filter(token_hash=token_hash(token or ""))
        .first()
    )
    if link is None or not link.business.is_business:
        raise ServiceError(_(LINK_INVALID), code="invalid")
    if link.revoked_at is not None:
        raise ServiceError(_(LINK_REVOKED), code="revoked")
    if link.expires_at <= now:
        raise ServiceError(_(LINK_EXPIRED), code="expired")
    if link.opened_at is None:
        with table_stamps.office_writes(link.business.parent_id):
            BusinessLink.objects.filter(pk=link.pk, opened_at__isnull=True).update(opened_at=now)
        link.opened_at = now
    return link


def business_diagnostic(link: BusinessLink) -> Diagnostic | None:
    """The business's diagnostic of the link's campaign, if it has started one."""
    return Diagnostic.objects.filter(
        organisation=link.business_id,
        campaign=link.campaign_id,
        status__in=[Diagnostic.Status.DRAFT, Diagnostic.Status.SUBMITTED],
    ).first()


# --- the office's list of businesses ---------------------------------------------

BUSINESS_DUPLICATE_EMAIL = gettext_noop(
    "Un prestataire de l’office a déjà l’adresse {email} : « {name} »."
)
BUSINESS_DUPLICATE_NAME = gettext_noop(
    "Un prestataire de l’office s’appelle déjà « {name} » à {commune}."
)
BUSINESS_BAD_SEGMENT = gettext_noop("Choisissez l’activité du prestataire.")
IMPORT_LINE_DUPLICATE_FILE = gettext_noop("Ligne {line} : doublon de la ligne {first} du fichier.")
IMPORT_LINE_DUPLICATE_EXISTING = gettext_noop(
    "Ligne {line} : « {name} » figure déjà parmi vos prestataires."
)
BUSINESS_FIELDS = ("name", "segment", "subtype", "commune", "email", "phone", "website")


def _identity(name: str, commune: str) -> tuple[str, str]:
    return normalised(name), normalised(commune)


def business_duplicate(
    *, office: Organisation, name: str, commune: str, email: str, exclude_pk: int | None = None
) -> str:
    """The French reason why these details repeat one of the office's businesses, or ""."""
    others = Organisation.objects.filter(parent=office).exclude(pk=exclude_pk)
    email = email.strip().lower()
    identity = _identity(name, commune)
    for other in others.only("name", "commune", "email"):
        if email and other.email.lower() == email:
            return _(BUSINESS_DUPLICATE_EMAIL).format(email=email, name=other.name)
        if _identity(other.name, other.commune) == identity:
            return _(BUSINESS_DUPLICATE_NAME).format(name=other.name, commune=other.commune)
    return ""


def _business_slug(office: Organisation, name: str) -> str:
    base = slugify(f"{office.slug}-{name}")[:180] or f"{office.slug}-prestataire"
    return f"{base}-{secrets.token_hex(3)}"


def _business_fields(fields: dict) -> dict:
    values = {name: str(fields.get(name) or "").strip() for name in BUSINESS_FIELDS}
    values["email"] = values["email"].lower()
    if values["segment"] not in Organisation.BUSINESS_SEGMENTS:
        raise ServiceError(_(BUSINESS_BAD_SEGMENT))
    return values


def business_create(*, office: Organisation, **fields) -> Organisation:
    """A new business of the office's territory; refused when it repeats one (e-mail, or
    name and commune)."""
    values = _business_fields(fields)
    with transaction.atomic(), table_stamps.office_writes(office.pk):
        Organisation.objects.select_for_update().filter(pk=office.pk).first()
        duplicate = business_duplicate(office=office, **_identity_fields(values))
        if duplicate:
            raise ServiceError(duplicate, code="duplicate")
        return Business.objects.create(
            parent=office,
            department_id=office.department_id,
            slug=_business_slug(office, values["name"]),
            **values,
        )


def _identity_fields(values: dict) -> dict:
    return {"name": values["name"], "commune": values["commune"], "email": values["email"]}


def business_update(*, business: Organisation, **fields) -> Organisation:
    """Changes a business's details; refused when they would repeat another business."""
    values = _business_fields(fields)
    with transaction.atomic(), table_stamps.office_writes(business.parent_id):
        Organisation.objects.select_for_update().filter(pk=business.parent_id).first()
        duplicate = business_duplicate(
            office=business.parent, exclude_pk=business.pk, **_identity_fields(values)
        )
        if duplicate:
            raise ServiceError(duplicate, code="duplicate")
        for name, value in values.items():
            setattr(business, name, value)
        business.save(update_fields=list(values))
    return business


# --- importing a CSV of businesses ---------------------------------------------------


def businesses_import_preview(*, office: Organisation, content: bytes) -> list[ImportRow]:
    """The file's lines, each valid, invalid (its errors) or a duplicate (`duplicate_of`):
    of an existing business of the office or of an earlier line. Writes nothing.

    Raises ImportRefused for a file that cannot be used at all.
    """
    rows = parse_businesses(
        content,
        max_bytes=settings.BUSINESS_IMPORT_MAX_BYTES,
        max_lines=settings.BUSINESS_IMPORT_MAX_LINES,
    )
    _mark_duplicates(office, rows)
    return rows


def _mark_duplicates(office: Organisation, rows: list[ImportRow]) -> None:
    existing = list(Organisation.objects.filter(parent=office).values("name", "commune", "email"))
    by_email = {b["email"].lower(): b["name"] for b in existing if b["email"]}
    by_identity = {_identity(b["name"], b["commune"]): b["name"] for b in existing}
    seen_email: dict[str, int] = {}
    seen_identity: dict[tuple[str, str], int] = {}
    for row in rows:
        if not row.is_valid:
            continue
        identity = _identity(row.name, row.commune)
        known = by_email.get(row.email) or by_identity.get(identity)
        first = seen_email.get(row.email) or seen_identity.get(identity)
        if known:
            row.duplicate_of = _(IMPORT_LINE_DUPLICATE_EXISTING).format(line=row.line, name=known)
        elif first:
            row.duplicate_of = _(IMPORT_LINE_DUPLICATE_FILE).format(line=row.line, first=first)
        else:
            seen_email[row.email] = row.line
            seen_identity[identity] = row.line


def businesses_import(*, office: Organisation, rows: list[dict]) -> list[Organisation]:
    """Creates the businesses of a confirmed preview, all or none.

    Duplicates are checked again (the list may have changed since the preview):
    a line that now repeats a business is skipped, never created twice.
    """
    parsed = [ImportRow(**row) for row in rows]
    with transaction.atomic(), table_stamps.office_writes(office.pk):
        Organisation.objects.select_for_update().filter(pk=office.pk).first()
        for row in parsed:
            row.duplicate_of = ""
        _mark_duplicates(office, parsed)
        kept = [row for row in parsed if row.is_valid and not row.duplicate_of]
        created = [
            Business(
                parent=office,
                department_id=office.department_id,
                slug=_business_slug(office, row.name),
                **{name: getattr(row, name) for name in BUSINESS_FIELDS},
            )
            for row in kept
        ]
        for business in created:
            business.kind = Organisation.Kind.BUSINESS
        return Business.objects.bulk_create(created, batch_size=500)


# --- the office's business campaign and its invitations ------------------------------

CAMPAIGN_NO_QUESTIONNAIRE = gettext_noop(
    "Aucun questionnaire destiné aux prestataires n’est publié : le réseau doit d’abord en "
    "publier un."
)
CAMPAIGN_ALREADY_OPEN = gettext_noop(
    "La campagne « {name} » est déjà en cours jusqu’au {closes} : une seule campagne auprès "
    "des prestataires à la fois."
)
CAMPAIGN_DATES = gettext_noop("La date de clôture doit suivre la date d’ouverture.")
CAMPAIGN_PAST = gettext_noop("La date de clôture est déjà passée.")
INVITE_CAMPAIGN_CLOSED = gettext_noop(
    "La campagne « {name} » est close : elle n’accepte plus d’invitation."
)
INVITE_NO_EMAIL = gettext_noop("« {name} » n’a pas d’adresse e-mail : complétez sa fiche.")


def business_campaign_current(office: Organisation, today: date | None = None) -> Campaign | None:
    """The office's business campaign in progress (or yet to open), else its latest one."""
    today = today or timezone.localdate()
    campaigns = Campaign.objects.filter(organiser=office, audience=Audience.BUSINESSES)
    return (
        campaigns.filter(closes__gte=today).order_by("opens").first()
        or campaigns.order_by("-closes").first()
    )


def business_campaign_open(
    *, office: Organisation, name: str, opens: date, closes: date, today: date | None = None
) -> Campaign:
    """A campaign of the office towards its businesses, on the latest business questionnaire."""
    today = today or timezone.localdate()
    if closes < opens:
        raise ServiceError(_(CAMPAIGN_DATES), code="dates")
    if closes < today:
        raise ServiceError(_(CAMPAIGN_PAST), code="dates")
    questionnaire = Questionnaire.objects.latest(Audience.BUSINESSES).first()
    if questionnaire is None:
        raise ServiceError(_(CAMPAIGN_NO_QUESTIONNAIRE))
    with transaction.atomic():
        Organisation.objects.select_for_update().filter(pk=office.pk).first()
        running = Campaign.objects.filter(
            organiser=office, audience=Audience.BUSINESSES, closes__gte=today
        ).first()
        if running:
            raise ServiceError(
                _(CAMPAIGN_ALREADY_OPEN).format(name=running.name, closes=long_date(running.closes))
            )
        return Campaign.objects.create(
            questionnaire=questionnaire,
            name=name.strip(),
            opens=opens,
            closes=closes,
            audience=Audience.BUSINESSES,
            organiser=office,
        )


def business_invitations_batch_id(office_id: int) -> str:
    """A batch id that names its office, so that only this office reads its progress."""
    return f"businesses-{office_id}-{uuid.uuid4().hex}"


def business_invitations_send(
    *,
    campaign: Campaign,
    businesses: list[Organisation],
    base_url: str,
    now: datetime | None = None,
    rediagnosis: bool = False,
) -> str:
    """Gives each business a new personal link and e-mails it; returns the batch's id.

    With `rediagnosis`, the e-mail asks a business that came to a workshop to update its
    diagnostic (services/rediagnosis.py).

    Links are issued in one transaction (a previous link stops working: this is
    also the resend); once it is committed, the task queue renders the e-mails and
    sends them through one SMTP connection, so hundreds of them never hold the request.
    """
    now = now or timezone.now()
    businesses = list({business.pk: business for business in businesses}.values())
    if campaign.closes < timezone.localdate(now):
        raise ServiceError(_(INVITE_CAMPAIGN_CLOSED).format(name=campaign.name))
    for business in businesses:
        if not business.email:
            raise ServiceError(_(INVITE_NO_EMAIL).format(name=business.name))
    if campaign.audience != Audience.BUSINESSES or not all(map(campaign.admits, businesses)):
        raise ServiceError(_(LINK_NOT_A_BUSINESS))
    # In bulk, a fixed number of queries whatever the number of businesses (the
    # same effect as business_link_issue for each), for the campaign's office alone.
    with transaction.atomic(), table_stamps.office_writes(campaign.organiser_id):
        live = BusinessLink.objects.select_for_update().filter(
            campaign=campaign, business__in=businesses, revoked_at__isnull=True
        )
        previous = dict(live.values_list("business_id", "sent_count"))
        live.update(revoked_at=now)
        links = BusinessLink.objects.bulk_create(
            [
                BusinessLink(
                    campaign=campaign,
                    business=business,
                    # Keyed by the e-mail's task: no token is ever in the queue.
                    token_hash=unusable_hash(),
                    created_at=now,
                    expires_at=business_link_expiry(campaign, now),
                    last_sent_at=now,
                    sent_count=previous.get(business.pk, 0) + 1,
                    rediagnosis=rediagnosis,
                )
                for business in businesses
            ]
        )
    batch_id = business_invitations_batch_id(campaign.organiser_id)
    if links:
        # Once the links are stored: no e-mail ever carries a link that was rolled back.
        transaction.on_commit(
            partial(
                business_invitations_enqueue,
                link_ids=[link.pk for link in links],
                base_url=base_url,
                batch_id=batch_id,
            )
        )
    return batch_id
