"""French e-mails in plain text and HTML, from templates/emails/<name>{_subject.txt,.txt,.html}."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from diagnostics.network import network_info


def build_email(name: str, context: dict, *, to: list[str]) -> EmailMultiAlternatives:
    """The message named `name`, rendered with the network and `context`, ready to send."""
    context = {"network": network_info(), **context}
    subject = " ".join(render_to_string(f"emails/{name}_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"emails/{name}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
    )
    message.attach_alternative(render_to_string(f"emails/{name}.html", context), "text/html")
    return message
