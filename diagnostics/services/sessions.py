"""An office's workshop sessions: scheduling one, inviting the businesses that need it,
the reminder two days before, cancelling, marking who came and asking them two questions.

E-mails leave through the task queue once the change is committed (services/mail.py),
each with its own session link keyed inside the task. The reminder is a task deferred to
two days before the session (`run_after`, with the database backend of production); it
checks when it runs that the session still starts then and was not cancelled.
"""

from datetime import timedelta
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_tasks import default_task_backend, task

from diagnostics.models import (
    Business,
    Office,
    SessionLink,
    SessionRegistration,
    Training,
    TrainingSession,
)
from diagnostics.selectors.trainings import business_workshops
from diagnostics.services.errors import ServiceError, ServiceForbidden
from diagnostics.services.registrations import session_links_issue

REMINDER_BEFORE = timedelta(days=2)

SESSION_NOT_OURS = gettext_noop("Cette session n’est pas organisée par votre office.")
WORKSHOP_NOT_OFFERED = gettext_noop(
    "Cet atelier n’est pas proposé à vos prestataires : choisissez-en un du programme."
)
SESSION_IN_PAST = gettext_noop("Choisissez une date à venir.")
SESSION_ENDS_BEFORE = gettext_noop("La fin doit venir après le début.")
SESSION_NO_PLACE = gettext_noop("Indiquez un lieu ou un lien de visioconférence.")
SESSION_ALREADY_CANCELLED = gettext_noop("Cette session est déjà annulée.")
SESSION_NOT_STARTED = gettext_noop("Les présences se notent une fois la session commencée.")
SESSION_OVER = gettext_noop("Cette session a déjà eu lieu : elle ne peut plus être annulée.")
NOBODY_TO_INVITE = gettext_noop(
    "Aucun prestataire à inviter : ceux qui en ont besoin sont déjà invités ou inscrits, ou "
    "n’ont pas d’adresse e-mail."
)
UNKNOWN_REGISTRATION = gettext_noop("Cette inscription n’appartient pas à cette session.")

Status = SessionRegistration.Status


def _own(office: Office, session: TrainingSession) -> None:
    if session.office_id != office.pk:
        raise ServiceForbidden(_(SESSION_NOT_OURS))


def session_schedule(
    *,
    office: Office,
    training: Training,
    starts,
    ends,
    place: str = "",
    video_link: str = "",
    capacity: int | None = None,
    facilitator: str = "",
    partner: str = "",
    user=None,
    base_url: str = "",
) -> TrainingSession:
    """Schedules a session of a workshop the office's businesses may be offered (its own
    or the network's), run by the office; defers its reminder."""
    if not business_workshops(office.pk).filter(pk=training.pk).exists():
        raise ServiceForbidden(_(WORKSHOP_NOT_OFFERED))
    if starts <= timezone.now():
        raise ServiceError(_(SESSION_IN_PAST))
    if ends <= starts:
        raise ServiceError(_(SESSION_ENDS_BEFORE))
    if not (place or "").strip() and not (video_link or "").strip():
        raise ServiceError(_(SESSION_NO_PLACE))
    with transaction.atomic():
        session = TrainingSession.objects.create(
            training=training,
            office=office,
            starts=starts,
            ends=ends,
            place=(place or "").strip(),
            video_link=(video_link or "").strip(),
            capacity=capacity,
            facilitator=(facilitator or "").strip(),
            partner=(partner or "").strip(),
            created_by=user,
        )
        transaction.on_commit(partial(_reminder_defer, session, base_url))
    return session


def _reminder_defer(session: TrainingSession, base_url: str) -> None:
    """Enqueues the reminder for two days before the session, when the task backend can
    defer a task (the database backend); the immediate backend of development cannot."""
    due = session.starts - REMINDER_BEFORE
    if due <= timezone.now() or not default_task_backend.supports_defer:
        return
    session_reminder_task.using(run_after=due).enqueue(session_id=session.pk, base_url=base_url)


@task()
def session_reminder_task(*, session_id: int, base_url: str) -> int:
    """Sends the reminder of a session (ids only; its links are keyed by the e-mails' task)."""
    return session_reminder_send(session_id=session_id, base_url=base_url)


def session_reminder_send(*, session_id: int, base_url: str, now=None) -> int:
    """Reminds the registered businesses, once, if the session is still on and starts
    within REMINDER_BEFORE (a task run early or late for a moved session does nothing);
    returns how many were reminded."""
    now = now or timezone.now()
    with transaction.atomic():
        session = TrainingSession.objects.select_for_update().filter(pk=session_id).first()
        if (
            session is None
            or session.cancelled_at is not None
            or session.reminder_sent_at is not None
            or not (now < session.starts <= now + REMINDER_BEFORE + timedelta(minutes=5))
        ):
            return 0
        business_ids = list(
            session.registrations.filter(
                status=Status.REGISTERED, business__email__gt=""
            ).values_list("business_id", flat=True)
        )
        session.reminder_sent_at = now
        session.save(update_fields=["reminder_sent_at"])
        session_links_issue(
            session=session,
            business_ids=business_ids,
            purpose=SessionLink.Purpose.REMINDER,
            base_url=base_url,
        )
    return len(business_ids)


def session_invite(
    *, office: Office, session: TrainingSession, business_ids: list[int], base_url: str
) -> tuple[int, str]:
    """Invites these businesses of the office (the view passes those the programme says
    need the workshop), but for those already invited to or registered for the session
    and those without an e-mail address: one batch. Returns (how many, the batch's id)."""
    _own(office, session)
    if session.is_cancelled or session.starts <= timezone.now():
        raise ServiceError(_(SESSION_ALREADY_CANCELLED if session.is_cancelled else SESSION_OVER))
    with transaction.atomic():
        already = set(
            SessionLink.objects.filter(
                session=session, purpose=SessionLink.Purpose.INVITATION
            ).values_list("business_id", flat=True)
        ) | set(
            session.registrations.exclude(status=Status.CANCELLED).values_list(
                "business_id", flat=True
            )
        )
        invited = list(
            Business.objects.filter(parent=office, pk__in=business_ids, email__gt="")
            .exclude(pk__in=already)
            .values_list("pk", flat=True)
        )
        if not invited:
            raise ServiceError(_(NOBODY_TO_INVITE))
        TrainingSession.objects.filter(pk=session.pk).update(invitations_sent_at=timezone.now())
        batch_id = session_links_issue(
            session=session,
            business_ids=invited,
            purpose=SessionLink.Purpose.INVITATION,
            base_url=base_url,
        )
    return len(invited), batch_id


def session_cancel(
    *, office: Office, session: TrainingSession, note: str = "", base_url: str
) -> int:
    """Cancels a session to come and tells its registered and waiting businesses (with an
    .ics that removes it from their calendar); returns how many were told."""
    _own(office, session)
    now = timezone.now()
    with transaction.atomic():
        locked = TrainingSession.objects.select_for_update().get(pk=session.pk)
        if locked.cancelled_at is not None:
            raise ServiceError(_(SESSION_ALREADY_CANCELLED))
        if locked.starts <= now:
            raise ServiceError(_(SESSION_OVER))
        locked.cancelled_at = now
        locked.cancellation_note = " ".join((note or "").replace("\x00", "").split())[:300]
        locked.save(update_fields=["cancelled_at", "cancellation_note"])
        told = list(
            locked.registrations.filter(
                status__in=[Status.REGISTERED, Status.WAITING], business__email__gt=""
            ).values_list("business_id", flat=True)
        )
        session_links_issue(
            session=locked,
            business_ids=told,
            purpose=SessionLink.Purpose.CANCELLATION,
            base_url=base_url,
        )
    session.cancelled_at = locked.cancelled_at
    return len(told)


def attendance_mark(
    *, office: Office, session: TrainingSession, present: set[int], base_url: str
) -> int:
    """Records who came among the session's registrations (ids in `present`; the other
    registered ones were absent) and sends the two questions to the attendees who have
    not had them; returns how many came. Marking again corrects the list."""
    _own(office, session)
    now = timezone.now()
    if session.starts > now:
        raise ServiceError(_(SESSION_NOT_STARTED))
    with transaction.atomic():
        locked = TrainingSession.objects.select_for_update().get(pk=session.pk)
        registrations = locked.registrations.exclude(status=Status.CANCELLED)
        known = set(registrations.values_list("pk", flat=True))
        if not present <= known:
            raise ServiceError(_(UNKNOWN_REGISTRATION))
        registrations.filter(pk__in=present).update(attended=True)
        # Only the registered were expected: someone on the waiting list who did not come
        # was not absent.
        registrations.exclude(pk__in=present).filter(status=Status.REGISTERED).update(
            attended=False
        )
        registrations.exclude(pk__in=present).filter(status=Status.WAITING).update(attended=None)
        locked.attendance_marked_at = now
        asked = SessionLink.objects.filter(
            session=locked, purpose=SessionLink.Purpose.SURVEY
        ).values_list("business_id", flat=True)
        to_ask = list(
            registrations.filter(pk__in=present, business__email__gt="")
            .exclude(business_id__in=asked)
            .values_list("business_id", flat=True)
        )
        if to_ask:
            locked.survey_sent_at = now
            session_links_issue(
                session=locked,
                business_ids=to_ask,
                purpose=SessionLink.Purpose.SURVEY,
                base_url=base_url,
            )
        locked.save(update_fields=["attendance_marked_at", "survey_sent_at"])
    return len(present)
