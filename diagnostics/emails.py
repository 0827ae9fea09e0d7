"""French e-mails in plain text and HTML, from templates/emails/<name>{_subject.txt,.txt,.html}."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from diagnostics import ics
from diagnostics.display import when
from diagnostics.legal import legal_links
from diagnostics.models import Membership, SessionLink
from diagnostics.network import network_info


def build_email(
    name: str, context: dict, *, to: list[str], base_url: str
) -> EmailMultiAlternatives:
    """The message named `name`, rendered with the network, the absolute links of the legal
    pages (every e-mail's footer, from the site's `base_url`) and `context`, ready to send."""
    context = {"network": network_info(), "legal": legal_links(base_url), **context}
    subject = " ".join(render_to_string(f"emails/{name}_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"emails/{name}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
    )
    message.attach_alternative(render_to_string(f"emails/{name}.html", context), "text/html")
    return message


def business_link_url(token: str, base_url: str) -> str:
    return base_url.rstrip("/") + reverse("diagnostics:business_link_home", args=[token])


def business_invitation_message(*, link, token: str, base_url: str) -> EmailMultiAlternatives:
    """The e-mail that carries a business's personal link (a BusinessLink), from its office."""
    return build_email(
        "business_invitation",
        {
            "office": link.campaign.organiser,
            "business": link.business,
            "campaign": link.campaign,
            "link": business_link_url(token, base_url),
            "expires_at": link.expires_at,
            "rediagnosis": link.rediagnosis,
        },
        to=[link.business.email],
        base_url=base_url,
    )


def invitation_url(invitation, token: str, base_url: str) -> str:
    path = reverse(
        "diagnostics:invitation", kwargs={"slug": invitation.office.slug, "token": token}
    )
    return base_url.rstrip("/") + path


def invitation_message(*, invitation, token: str, base_url: str) -> EmailMultiAlternatives:
    """The e-mail that carries a team invitation's link (an Invitation)."""
    inviter = invitation.invited_by
    return build_email(
        "invitation",
        {
            "office": invitation.office,
            "role": invitation.get_role_display(),
            "is_director": invitation.role == Membership.Role.DIRECTOR,
            "inviter": (inviter.get_full_name() or inviter.username) if inviter else "",
            "inviter_is_staff": bool(inviter and inviter.is_staff),
            "link": invitation_url(invitation, token, base_url),
            "expires_at": invitation.expires_at,
        },
        to=[invitation.email],
        base_url=base_url,
    )


def opinion_link_url(token: str, base_url: str) -> str:
    return base_url.rstrip("/") + reverse("diagnostics:opinion_link", args=[token])


def opinion_invitation_message(*, respondent, token: str, base_url: str) -> EmailMultiAlternatives:
    """The e-mail that carries the personal link of a person invited to give their opinion
    (« Avis de l’équipe », a Respondent without an account)."""
    diagnostic = respondent.round.diagnostic
    director = respondent.round.opened_by
    return build_email(
        "opinion_invitation",
        {
            "office": diagnostic.organisation,
            "campaign": diagnostic.campaign,
            "respondent": respondent,
            "director": (director.get_full_name() or director.username) if director else "",
            "asks_importance": respondent.round.asks_importance,
            "link": opinion_link_url(token, base_url),
            "expires_at": respondent.expires_at,
        },
        to=[respondent.email],
        base_url=base_url,
    )


def session_link_url(token: str, base_url: str) -> str:
    return base_url.rstrip("/") + reverse("diagnostics:session_link", args=[token])


def session_message(*, link: SessionLink, token: str, base_url: str) -> EmailMultiAlternatives:
    """A session's e-mail to a business (its kind is the link's purpose), with the business's
    personal link and, but for the two questions after it, the session's .ics."""
    session = link.session
    office = session.office or link.business.parent
    url = session_link_url(token, base_url)
    message = build_email(
        "session",
        {
            "kind": link.purpose,
            "session": session,
            "training": session.training,
            "when": when(session.starts, session.ends),
            "office": office,
            "business": link.business,
            "link": url,
        },
        to=[link.business.email],
        base_url=base_url,
    )
    if link.purpose != SessionLink.Purpose.SURVEY:
        calendar = ics.session_calendar(
            session, organiser_name=office.name, organiser_email=office.email, url=url
        )
        method = "CANCEL" if session.is_cancelled else "PUBLISH"
        message.attach(ics.filename(session), calendar, f"text/calendar; method={method}")
    return message
