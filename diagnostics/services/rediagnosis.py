"""Re-diagnosis: some months after a business came to a workshop, its office invites it to
update its diagnostic, starting from its previous answers, each « à confirmer » (the offices'
carry-over, services/diagnostics.py), in the office's current business campaign."""

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from diagnostics.display import long_date
from diagnostics.models import Business, Office, Organisation
from diagnostics.selectors.impact import rediagnosis_due
from diagnostics.services.businesses import business_campaign_current, business_invitations_send
from diagnostics.services.errors import ServiceError

REDIAGNOSIS_BAD_DELAY = gettext_noop("Choisissez un délai de 3, 6, 9 ou 12 mois.")
REDIAGNOSIS_NO_CAMPAIGN = gettext_noop(
    "Aucune campagne auprès de vos prestataires n’est ouverte aujourd’hui : ouvrez-en une "
    "(page « Prestataires ») pour les inviter à mettre à jour leur diagnostic."
)
REDIAGNOSIS_NOT_YET_OPEN = gettext_noop(
    "La campagne « {name} » ouvre le {opens} : vous pourrez inviter vos prestataires à partir "
    "de cette date."
)
REDIAGNOSIS_NONE_CHOSEN = gettext_noop(
    "Choisissez au moins un prestataire à inviter parmi ceux qui attendent leur re-diagnostic."
)
REDIAGNOSIS_UNKNOWN = gettext_noop(
    "Un des prestataires choisis n’attend pas de re-diagnostic : rechargez la page et "
    "choisissez parmi la liste."
)
REDIAGNOSIS_NOT_DUE = gettext_noop(
    "« {name} » a déjà commencé ou soumis son diagnostic de la campagne en cours : il mettra "
    "le sien à jour dans la suivante."
)


def rediagnosis_delay_set(*, office: Office, months: int) -> Office:
    """How many months after a workshop its attendees are due a re-diagnosis; the caller
    checked that the user manages the office's businesses."""
    allowed = {
        value for value, _label in Organisation._meta.get_field("rediagnosis_months").choices
    }
    if months not in allowed:
        raise ServiceError(_(REDIAGNOSIS_BAD_DELAY))
    with transaction.atomic():
        Office.objects.filter(pk=office.pk).update(rediagnosis_months=months)
    office.rediagnosis_months = months
    return office


def rediagnosis_invite(
    *,
    office: Office,
    business_ids: list[int],
    base_url: str,
    now: datetime | None = None,
) -> tuple[str, int]:
    """E-mails the chosen due businesses a personal link of the office's open business
    campaign, flagged as a re-diagnosis; returns the batch's id and how many.

    All or nothing: an id that is not a due business of this office (another office's,
    already re-diagnosed, started) refuses the whole batch.
    """
    now = now or timezone.now()
    today: date = timezone.localdate(now)
    campaign = business_campaign_current(office, today)
    if campaign is None or campaign.closes < today:
        raise ServiceError(_(REDIAGNOSIS_NO_CAMPAIGN), code="campaign")
    if campaign.opens > today:
        raise ServiceError(
            _(REDIAGNOSIS_NOT_YET_OPEN).format(name=campaign.name, opens=long_date(campaign.opens)),
            code="campaign",
        )
    wanted = set(business_ids)
    if not wanted:
        raise ServiceError(_(REDIAGNOSIS_NONE_CHOSEN))
    due = {d.pk: d for d in rediagnosis_due(office, campaign, today)}
    for pk in sorted(wanted):
        if pk not in due:
            raise ServiceError(_(REDIAGNOSIS_UNKNOWN), code="not_due")
        if not due[pk].can_invite:
            raise ServiceError(_(REDIAGNOSIS_NOT_DUE).format(name=due[pk].name), code="not_due")
    businesses = list(Business.objects.filter(pk__in=wanted, parent=office))
    batch_id = business_invitations_send(
        campaign=campaign, businesses=businesses, base_url=base_url, now=now, rediagnosis=True
    )
    return batch_id, len(businesses)
