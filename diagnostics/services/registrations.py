"""A business's registration to a workshop session: sign up, cancel, the waiting list, the
office adding a business that phoned, and the two questions after the session.

Capacity holds under concurrent sign-ups: every change of a session's registrations takes
the session's row lock first (select_for_update), then counts. Two businesses after the
last seat: one gets it, the other the waiting list. When a registered business cancels,
the first on the waiting list (earliest sign-up) takes the seat and is told by e-mail.
"""

from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from diagnostics.models import Organisation, SessionLink, SessionRegistration, TrainingSession
from diagnostics.services.errors import ServiceError, ServiceForbidden
from diagnostics.services.mail import session_emails_enqueue
from diagnostics.tokens import token_hash, unusable_hash

SESSION_CANCELLED = gettext_noop("Cette session est annulée : les inscriptions sont fermées.")
SESSION_STARTED = gettext_noop("Cette session a déjà eu lieu : les inscriptions sont fermées.")
NOT_THIS_OFFICE = gettext_noop("Ce prestataire n’est pas l’un des vôtres.")
NOT_OPEN_TO_BUSINESS = gettext_noop("Cette session n’est pas proposée à votre établissement.")
NOT_REGISTERED = gettext_noop("Vous n’êtes pas inscrit à cette session.")
NOT_ATTENDED = gettext_noop("Les questions sont pour les participants à l’atelier.")
ANSWER_INVALID = gettext_noop("Choisissez une réponse à chacune des deux questions.")
COMMENT_TOO_LONG = gettext_noop("Votre commentaire dépasse 1 000 caractères.")
SESSION_LINK_INVALID = gettext_noop(
    "Ce lien n’est pas valide : vérifiez qu’il est complet, ou demandez-en un nouveau à "
    "votre office de tourisme."
)
SESSION_LINK_EXPIRED = gettext_noop(
    "Ce lien a expiré : demandez à votre office de tourisme de vous inscrire."
)

Status = SessionRegistration.Status
Source = SessionRegistration.Source


def session_link_open(*, token: str, now=None) -> SessionLink:
    """The session link this token opens, or a French refusal ("invalid", "expired")."""
    now = now or timezone.now()
    link = (
        SessionLink.objects.select_related(
            "session__training", "session__office", "business__parent"
        )
        .filter(token_hash=token_hash(token or ""))
        .first()
    )
    if link is None or link.revoked_at is not None or not link.business.is_business:
        raise ServiceError(_(SESSION_LINK_INVALID), code="invalid")
    if link.expires_at <= now:
        raise ServiceError(_(SESSION_LINK_EXPIRED), code="expired")
    return link


def session_links_issue(
    *, session: TrainingSession, business_ids: list[int], purpose: str, base_url: str
) -> str:
    """A new link for each business (keyed by the e-mail's task: no token is ever in the
    queue), e-mailed once the transaction commits; returns the batch's id."""
    now = timezone.now()
    links = SessionLink.objects.bulk_create(
        [
            SessionLink(
                session=session,
                business_id=business_id,
                purpose=purpose,
                token_hash=unusable_hash(),
                created_at=now,
                expires_at=SessionLink.expiry(session),
            )
            for business_id in dict.fromkeys(business_ids)
        ]
    )
    batch_id = f"sessions-{session.office_id}-{session.pk}-{now:%Y%m%d%H%M%S%f}"
    if links:
        transaction.on_commit(
            partial(
                session_emails_enqueue,
                link_ids=[link.pk for link in links],
                base_url=base_url,
                batch_id=batch_id,
            )
        )
    return batch_id


def _locked(session: TrainingSession, now, *, started_too: bool = False) -> TrainingSession:
    """The session's row, locked until the transaction ends; refuses a cancelled session,
    and one that has started unless `started_too` (the office adds who came at the door)."""
    locked = TrainingSession.objects.select_for_update().get(pk=session.pk)
    if locked.cancelled_at is not None:
        raise ServiceError(_(SESSION_CANCELLED))
    if locked.starts <= now and not started_too:
        raise ServiceError(_(SESSION_STARTED))
    return locked


def _seats_left(session: TrainingSession) -> bool:
    if session.capacity is None:
        return True
    taken = SessionRegistration.objects.filter(session=session, status=Status.REGISTERED).count()
    return taken < session.capacity


def registration_sign_up(
    *,
    session: TrainingSession,
    business: Organisation,
    source: str,
    user=None,
    base_url: str = "",
    now=None,
) -> SessionRegistration:
    """Registers the business (or puts it on the waiting list when the session is full).
    Signing up again while registered or waiting changes nothing. The office adding a
    business by hand (`user`, source OFFICE) sends it a confirmation with its link."""
    now = now or timezone.now()
    if not business.is_business or session.office_id not in (None, business.parent_id):
        raise ServiceForbidden(_(NOT_OPEN_TO_BUSINESS))
    with transaction.atomic():
        locked = _locked(session, now, started_too=source == Source.OFFICE)
        registration = SessionRegistration.objects.filter(session=locked, business=business).first()
        if registration is not None and registration.status != Status.CANCELLED:
            return registration
        registration = registration or SessionRegistration(session=locked, business=business)
        registration.status = Status.REGISTERED if _seats_left(locked) else Status.WAITING
        registration.source = source
        registration.registered_at = now
        registration.cancelled_at = None
        registration.promoted_at = None
        registration.added_by = user if source == Source.OFFICE else None
        registration.save()
        if source == Source.OFFICE and business.email and base_url and locked.starts > now:
            session_links_issue(
                session=locked,
                business_ids=[business.pk],
                purpose=SessionLink.Purpose.CONFIRMATION,
                base_url=base_url,
            )
    return registration


def registration_cancel(
    *, session: TrainingSession, business: Organisation, base_url: str, now=None
) -> SessionRegistration:
    """Cancels the business's registration (or its place on the waiting list); a seat it
    frees goes to the first on the waiting list, told by e-mail."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked(session, now)
        registration = SessionRegistration.objects.filter(
            session=locked, business=business, status__in=[Status.REGISTERED, Status.WAITING]
        ).first()
        if registration is None:
            raise ServiceError(_(NOT_REGISTERED))
        freed = registration.status == Status.REGISTERED
        registration.status = Status.CANCELLED
        registration.cancelled_at = now
        registration.save(update_fields=["status", "cancelled_at"])
        if freed:
            _promote(locked, base_url=base_url, now=now)
    return registration


def _promote(session: TrainingSession, *, base_url: str, now) -> None:
    """Gives the seats left to the waiting list, earliest sign-up first (session locked)."""
    waiting = SessionRegistration.objects.filter(session=session, status=Status.WAITING)
    if session.capacity is not None:
        taken = SessionRegistration.objects.filter(
            session=session, status=Status.REGISTERED
        ).count()
        waiting = waiting.order_by("registered_at", "pk")[: max(session.capacity - taken, 0)]
    promoted = list(waiting.select_related("business"))
    if not promoted:
        return
    SessionRegistration.objects.filter(pk__in=[r.pk for r in promoted]).update(
        status=Status.REGISTERED, promoted_at=now
    )
    session_links_issue(
        session=session,
        business_ids=[r.business_id for r in promoted if r.business.email],
        purpose=SessionLink.Purpose.PROMOTION,
        base_url=base_url,
    )


def survey_answer(
    *, registration: SessionRegistration, useful: str, next_step: str, comment: str = ""
) -> SessionRegistration:
    """Records an attendee's two answers (and a comment); answering again replaces them."""
    if registration.attended is not True:
        raise ServiceForbidden(_(NOT_ATTENDED))
    if (
        useful not in SessionRegistration.Useful.values
        or next_step not in SessionRegistration.NextStep.values
    ):
        raise ServiceError(_(ANSWER_INVALID))
    comment = (comment or "").replace("\x00", "").strip()
    if len(comment) > 1000:
        raise ServiceError(_(COMMENT_TOO_LONG))
    registration.useful, registration.next_step, registration.comment = useful, next_step, comment
    registration.answered_at = timezone.now()
    registration.save(update_fields=["useful", "next_step", "comment", "answered_at"])
    return registration
