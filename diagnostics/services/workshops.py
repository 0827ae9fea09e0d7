"""Use cases of an office's own workshops for its businesses."""

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from diagnostics.models import Audience, Office, Training
from diagnostics.services.errors import ServiceForbidden

WORKSHOP_NOT_OURS = gettext_noop(
    "Cet atelier appartient au catalogue du réseau ou à un autre office : vous ne pouvez pas le "
    "modifier."
)


def workshop_save(*, office: Office, workshop: Training, questions) -> Training:
    """Saves the office's workshop (new or its own) and its questions (its sessions are
    scheduled from the programme: services/sessions.py).

    The organiser and the audience are set here, whatever the form sent: an office
    never writes the network's catalogue or another office's workshops.
    """
    if workshop.pk and workshop.organiser_id != office.pk:
        raise ServiceForbidden(_(WORKSHOP_NOT_OURS))
    workshop.organiser = office
    workshop.audience = Audience.BUSINESSES
    with transaction.atomic():
        workshop.save()
        workshop.questions.set(questions)
    return workshop


def workshop_delete(*, office: Office, workshop: Training) -> None:
    if workshop.organiser_id != office.pk:
        raise ServiceForbidden(_(WORKSHOP_NOT_OURS))
    workshop.delete()


def office_appointments_set(*, office: Office, offers: bool) -> Office:
    """Whether the office offers the network's individual appointments to its businesses
    (off by default); the caller checked that the user manages the office's businesses."""
    with transaction.atomic():
        Office.objects.filter(pk=office.pk).update(offers_appointments=offers)
    office.offers_appointments = offers
    return office
