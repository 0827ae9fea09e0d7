"""E-mails sent in the background: batches of built messages, and the e-mails that carry a
secret link (business invitations, team invitations, invitations to give an opinion,
workshop sessions), keyed just before they leave."""

from contextlib import nullcontext

from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.utils import timezone
from django_tasks import task

from diagnostics.emails import (
    business_invitation_message,
    invitation_message,
    opinion_invitation_message,
    session_message,
)
from diagnostics.models import BusinessLink, Invitation, Respondent, SessionLink
from diagnostics.services.queue import (
    RETRY_DELAYS,
    batch_enqueue,
    messages_progress,
    progress_update,
    retry,
)
from diagnostics.tokens import new_token
from snut import table_stamps

_DESCRIBED = ("subject", "body", "from_email", "to", "cc", "bcc", "reply_to")


def message_description(message: EmailMessage) -> dict:
    """What send_messages_task needs of a built message, in JSON."""
    description = {name: getattr(message, name) for name in _DESCRIBED}
    for content, mimetype in getattr(message, "alternatives", ()):
        if mimetype == "text/html":
            description["html"] = content
    return description


def _message(description: dict, connection) -> EmailMultiAlternatives:
    fields = {name: value for name, value in description.items() if name != "html"}
    message = EmailMultiAlternatives(connection=connection, **fields)
    if description.get("html"):
        message.attach_alternative(description["html"], "text/html")
    return message


def messages_enqueue(*, messages: list[EmailMessage | dict], batch_id: str = "") -> str:
    """Sends a batch of e-mails in the background, one SMTP connection for the batch;
    returns the batch's id for messages_progress().

    Call it once the decision to send is committed (the immediate backend of
    development sends at once).
    """
    descriptions = [m if isinstance(m, dict) else message_description(m) for m in messages]
    return batch_enqueue(
        send_messages_task, batch_id=batch_id, total=len(descriptions), messages=descriptions
    )


def _send_batch(
    task_, name: str, items: list, build, *, batch_id: str, attempt: int, **kwargs
) -> int:
    """Sends the message `build(item, connection)` of each item (None: nothing to send)
    through one connection, recording the batch's progress; returns how many items this
    attempt went through.

    When one fails, the next attempt of `task_` gets it and those after it (as its
    argument `name`, beside `kwargs`); those sent are not sent again.
    """
    progress = messages_progress(batch_id=batch_id) if batch_id else None
    done_before = progress["sent"] if progress else 0
    progress_update(batch_id, state="sending", attempt=attempt)
    done = 0
    try:
        with get_connection() as connection:
            for item in items:
                message = build(item, connection)
                if message is not None:
                    message.send()
                done += 1
                progress_update(batch_id, sent=done_before + done)
    except Exception as error:
        state = "retrying" if attempt <= len(RETRY_DELAYS) else "failed"
        progress_update(batch_id, state=state, error=str(error)[:200])
        retry(task_, attempt=attempt, batch_id=batch_id, **{name: items[done:]}, **kwargs)
        raise
    progress_update(batch_id, state="sent", error="")
    return done


@task()
def send_messages_task(*, messages: list[dict], batch_id: str = "", attempt: int = 1) -> int:
    """Sends a batch of message descriptions through one connection; returns how many
    this attempt sent.

    When one fails, it and those after it are retried (RETRY_DELAYS); those sent are not
    sent again. Prefer messages_enqueue(), which also records the batch's progress.
    """
    return _send_batch(
        send_messages_task, "messages", messages, _message, batch_id=batch_id, attempt=attempt
    )


def _rekeyed(model, links: dict) -> dict[int, str]:
    """A new token for each open link of `links` ({pk: BusinessLink or Invitation}), their
    hashes stored in one query; {pk: token}. A link revoked, accepted or expired
    meanwhile gets no token: its hash would open nothing anyway, its status is checked."""
    tokens = {}
    for link in links.values():
        if link.revoked_at is None and getattr(link, "accepted_at", None) is None:
            tokens[link.pk], link.token_hash = new_token()
    # A batch of one office's business links writes for that office alone (table_stamps).
    offices = {
        getattr(getattr(link, "business", None), "parent_id", None) for link in links.values()
    }
    office = offices.pop() if len(offices) == 1 else None
    with table_stamps.office_writes(office) if office else nullcontext():
        model.objects.bulk_update([links[pk] for pk in tokens], ["token_hash"])
    return tokens


def business_invitations_enqueue(*, link_ids: list[int], base_url: str, batch_id: str) -> str:
    """E-mails each business link its personal link in the background; returns the
    batch's id for messages_progress()."""
    return batch_enqueue(
        business_invitations_task,
        batch_id=batch_id,
        total=len(link_ids),
        link_ids=list(link_ids),
        base_url=base_url,
    )


def _send_keyed(task_, name: str, links, render, *, ids: list[int], **kwargs) -> int:
    """Keys the open links among `links` (a queryset) with the ids `ids`, renders each
    one's e-mail as `render(link, token)` and sends them as a batch (_send_batch)."""
    found = links.in_bulk(ids)
    tokens = _rekeyed(links.model, found)

    def build(pk: int, connection) -> EmailMessage | None:
        if pk not in tokens:
            return None
        message = render(found[pk], tokens[pk])
        message.connection = connection
        return message

    return _send_batch(task_, name, ids, build, **kwargs)


@task()
def business_invitations_task(
    *, link_ids: list[int], base_url: str, batch_id: str = "", attempt: int = 1
) -> int:
    """Keys, renders and sends each business's invitation through one connection;
    returns how many this attempt went through.

    A link revoked or deleted since the request (resent, revoked) is skipped.
    Retries as send_messages_task does.
    """
    return _send_keyed(
        business_invitations_task,
        "link_ids",
        BusinessLink.objects.select_related("business", "campaign__organiser"),
        lambda link, token: business_invitation_message(link=link, token=token, base_url=base_url),
        ids=link_ids,
        batch_id=batch_id,
        attempt=attempt,
        base_url=base_url,
    )


def invitation_email_enqueue(*, invitation_id: int, base_url: str, batch_id: str) -> str:
    """E-mails a team invitation its link in the background; returns the batch's id."""
    return batch_enqueue(
        invitation_email_task,
        batch_id=batch_id,
        total=1,
        invitation_ids=[invitation_id],
        base_url=base_url,
    )


@task()
def invitation_email_task(
    *, invitation_ids: list[int], base_url: str, batch_id: str = "", attempt: int = 1
) -> int:
    """Keys, renders and sends team invitations; an invitation accepted or revoked
    since is skipped. Retries as send_messages_task does."""
    return _send_keyed(
        invitation_email_task,
        "invitation_ids",
        Invitation.objects.select_related("office", "invited_by"),
        lambda invitation, token: invitation_message(
            invitation=invitation, token=token, base_url=base_url
        ),
        ids=invitation_ids,
        batch_id=batch_id,
        attempt=attempt,
        base_url=base_url,
    )


def opinion_invitations_enqueue(*, respondent_ids: list[int], base_url: str, batch_id: str) -> str:
    """E-mails each person invited to give their opinion their personal link in the
    background; returns the batch's id."""
    return batch_enqueue(
        opinion_invitations_task,
        batch_id=batch_id,
        total=len(respondent_ids),
        respondent_ids=list(respondent_ids),
        base_url=base_url,
    )


@task()
def opinion_invitations_task(
    *, respondent_ids: list[int], base_url: str, batch_id: str = "", attempt: int = 1
) -> int:
    """Keys, renders and sends the invitations to give an opinion (« Avis de l’équipe »);
    a person revoked since is skipped. Retries as send_messages_task does."""
    return _send_keyed(
        opinion_invitations_task,
        "respondent_ids",
        Respondent.objects.filter(user__isnull=True).select_related(
            "round__diagnostic__organisation", "round__diagnostic__campaign", "round__opened_by"
        ),
        lambda respondent, token: opinion_invitation_message(
            respondent=respondent, token=token, base_url=base_url
        ),
        ids=respondent_ids,
        batch_id=batch_id,
        attempt=attempt,
        base_url=base_url,
    )


def session_emails_enqueue(*, link_ids: list[int], base_url: str, batch_id: str) -> str:
    """E-mails each session link (SessionLink) its message in the background: invitation,
    confirmation, a seat freed, reminder, cancellation or the two questions; returns the
    batch's id."""
    return batch_enqueue(
        session_emails_task,
        batch_id=batch_id,
        total=len(link_ids),
        link_ids=list(link_ids),
        base_url=base_url,
    )


@task()
def session_emails_task(
    *, link_ids: list[int], base_url: str, batch_id: str = "", attempt: int = 1
) -> int:
    """Keys, renders (with the session's .ics) and sends session e-mails through one
    connection. Retries as send_messages_task does."""
    done = _send_keyed(
        session_emails_task,
        "link_ids",
        SessionLink.objects.select_related(
            "session__training", "session__office", "business__parent"
        ),
        lambda link, token: session_message(link=link, token=token, base_url=base_url),
        ids=link_ids,
        batch_id=batch_id,
        attempt=attempt,
        base_url=base_url,
    )
    SessionLink.objects.filter(pk__in=link_ids, sent_at__isnull=True).update(sent_at=timezone.now())
    return done
