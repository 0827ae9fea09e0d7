"""Whether an office may be named to its neighbours as sharing a need."""

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from diagnostics.access import is_director
from diagnostics.models import Office
from diagnostics.services.errors import ServiceError

POOLING_DIRECTOR_ONLY = gettext_noop(
    "Seule la direction de l’office peut choisir d’apparaître dans les pistes de mutualisation."
)


def office_pooling_set(*, office: Office, user, opt_in: bool) -> Office:
    """Whether the office may be named to its neighbours as sharing a need (off by default)."""
    if not is_director(user, office):
        raise ServiceError(_(POOLING_DIRECTOR_ONLY))
    with transaction.atomic():
        Office.objects.filter(pk=office.pk).update(pooling_opt_in=opt_in)
    office.pooling_opt_in = opt_in
    return office
