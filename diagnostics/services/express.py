"""Going on from an express diagnostic to the full one: the office's full diagnostic of the
open network campaign, created or opened, its unanswered questions pre-filled with the express
answers of the same code, each « à confirmer » as any answer carried over."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from diagnostics.models import Diagnostic
from diagnostics.selectors.express import continuation
from diagnostics.services.diagnostics import (
    answers_carry_over,
    check_open,
    diagnostic_start,
    lock_draft,
)
from diagnostics.services.errors import ServiceError

NOT_EXPRESS = gettext_noop("Ce diagnostic n’est pas un diagnostic express.")
EXPRESS_NOT_SUBMITTED = gettext_noop(
    "Terminez d’abord le diagnostic express : ses réponses seront reprises une fois soumis."
)
NO_FULL_CAMPAIGN = gettext_noop(
    "Aucune campagne du diagnostic complet n’est ouverte en ce moment : votre réseau régional "
    "vous préviendra de la prochaine, et vos réponses express y seront reprises."
)
FULL_ALREADY_SUBMITTED = gettext_noop(
    "Votre office a déjà soumis son diagnostic complet de la campagne « {campaign} »."
)


def express_continue(*, diagnostic: Diagnostic, user, now=None) -> tuple[Diagnostic, int]:
    """The office's full diagnostic of the open network campaign, with the express answers
    carried over where it has no answer yet; and how many were carried."""
    if not diagnostic.questionnaire.is_express:
        raise ServiceError(_(NOT_EXPRESS))
    if not diagnostic.is_submitted:
        raise ServiceError(_(EXPRESS_NOT_SUBMITTED))
    today = timezone.localdate(now) if now else timezone.localdate()
    found = continuation(diagnostic.organisation_id, today)
    if found.campaign is None:
        raise ServiceError(_(NO_FULL_CAMPAIGN))
    if found.diagnostic is not None and found.diagnostic.is_submitted:
        raise ServiceError(_(FULL_ALREADY_SUBMITTED).format(campaign=found.campaign.name))
    with transaction.atomic():
        if found.diagnostic is None:
            full = diagnostic_start(
                organisation=diagnostic.organisation, campaign=found.campaign, user=user, now=now
            )
        else:
            full = lock_draft(found.diagnostic)
            check_open(full.campaign, now)
        # Fresher than last year's answers still « à confirmer »: they give way.
        carried = answers_carry_over(
            source=diagnostic, diagnostic=full, user=user, over_unconfirmed=True
        )
    return full, carried
