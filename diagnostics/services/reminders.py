"""The campaign's reminder to the offices that have not submitted."""

from datetime import datetime

from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from diagnostics import selectors
from diagnostics.emails import build_email
from diagnostics.models import Campaign, Office, Reminder
from diagnostics.services.errors import ServiceError
from diagnostics.services.mail import messages_enqueue

REMINDER_CLOSED = gettext_noop(
    "La campagne « {campaign} » n’est pas ouverte : il n’y a personne à relancer."
)
REMINDER_NOBODY = gettext_noop(
    "Aucun office à relancer dans la campagne « {campaign} » : tous ont soumis, ou aucun "
    "n’a d’adresse e-mail (ni la direction, ni l’office)."
)


def campaign_reminder_messages(
    *, campaign: Campaign, base_url: str
) -> list[tuple[Office, EmailMultiAlternatives]]:
    """One message per office that has not submitted, to selectors.reminder_recipients
    (none for an office that has no address: the preview names those)."""
    messages = []
    for office in selectors.reminder_offices(campaign):
        to = selectors.reminder_recipients(office)
        if not to:
            continue
        link = base_url.rstrip("/") + reverse("diagnostics:office", kwargs={"slug": office.slug})
        context = {"office": office, "campaign": campaign, "link": link}
        messages.append((office, build_email("reminder", context, to=to, base_url=base_url)))
    return messages


def campaign_remind(
    *, campaign: Campaign, sent_by, base_url: str, now: datetime | None = None
) -> Reminder:
    """Reminds the directors of every office that has not submitted: one batch on the task
    queue, one SMTP connection; its progress is queue.messages_progress(batch_id=
    reminder_batch_id(reminder))."""
    now = now or timezone.now()
    if not campaign.is_open(timezone.localdate(now)):
        raise ServiceError(_(REMINDER_CLOSED).format(campaign=campaign.name))
    messages = [
        m for _office, m in campaign_reminder_messages(campaign=campaign, base_url=base_url)
    ]
    if not messages:
        raise ServiceError(_(REMINDER_NOBODY).format(campaign=campaign.name))
    reminder = Reminder.objects.create(
        campaign=campaign, sent_at=now, sent_by=sent_by, recipients=len(messages)
    )
    messages_enqueue(messages=messages, batch_id=reminder_batch_id(reminder))
    return reminder


def reminder_batch_id(reminder: Reminder) -> str:
    return f"reminder-{reminder.pk}"
