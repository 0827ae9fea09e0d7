"""Sign-in and password reset, throttled so that nobody can lock a director out.

django-axes locks a user name from one address after a few failures (settings);
here: an address-only limit on failed logins (password spraying, a password
hashed for every invented name), the French lockout page that says when to
retry, and a password reset that answers in the same time whether the address
is known or not, with limits per address and per account (django-ratelimit).
"""

import logging
import math
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import timedelta

from axes.helpers import get_client_ip_address, get_cool_off
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.contrib.auth.hashers import make_password
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMultiAlternatives
from django.core.validators import MaxLengthValidator
from django.dispatch import receiver
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django_ratelimit.core import get_usage, is_ratelimited

logger = logging.getLogger(__name__)

LOGIN_ADDRESS_GROUP = "snut-login-address"
RESET_ADDRESS_GROUP = "snut-reset-address"
RESET_ACCOUNT_GROUP = "snut-reset-account"


def client_address(request) -> str:
    """The client's address as django-axes reads it (django-ipware, AXES_PROXY_COUNT)."""
    return get_client_ip_address(request) or request.META.get("REMOTE_ADDR", "")


class UsernameLengthChecked:
    """Django's login forms give the user name's field its model's length (150) for the
    browser only (`maxlength`): a longer name posted by hand reached `authenticate`, and
    django-axes then recorded the failure in a column of 255 characters, which PostgreSQL
    refused (a 500). Checked here, the form says so in French and nothing is recorded."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))


class LoginForm(UsernameLengthChecked, AuthenticationForm):
    """The sign-in form of /comptes/login/."""


class AdminLoginForm(UsernameLengthChecked, AdminAuthenticationForm):
    """The sign-in form of /admin/login/."""


def _login_rate() -> str:
    return (
        f"{settings.LOGIN_ADDRESS_FAILURE_LIMIT}/{int(settings.AXES_COOLOFF_TIME.total_seconds())}s"
    )


def _address_usage(request) -> dict | None:
    return get_usage(
        request, group=LOGIN_ADDRESS_GROUP, key="ip", rate=_login_rate(), increment=False
    )


def _address_locked(request) -> bool:
    usage = _address_usage(request)  # None when the cache is out of reach: axes still counts
    return bool(usage) and usage["count"] >= settings.LOGIN_ADDRESS_FAILURE_LIMIT


class AddressThrottleBackend:
    """Refuses every login from an address that failed too often, before any hashing."""

    def authenticate(self, request, **credentials):
        if request is not None and _address_locked(request):
            request.snut_address_locked = True
            request.axes_locked_out = True  # AxesMiddleware answers with lockout_response
            raise PermissionDenied
        return None


@receiver(user_login_failed, dispatch_uid="snut-count-address-failures")
def _count_address_failure(sender, credentials, request=None, **kwargs):
    if request is not None:
        is_ratelimited(
            request, group=LOGIN_ADDRESS_GROUP, key="ip", rate=_login_rate(), increment=True
        )


def lockout_response(request, original_response=None, credentials=None):
    """The French lockout page, with the time from which a new attempt is accepted."""
    by_address = getattr(request, "snut_address_locked", False)
    if by_address:
        wait = timedelta(seconds=(_address_usage(request) or {}).get("time_left", 0))
    else:
        # Every failure during a lockout starts the cool-off again (django-axes).
        wait = get_cool_off(request)
    minutes = max(1, math.ceil(wait.total_seconds() / 60))
    context = {
        "by_address": by_address,
        "retry_at": timezone.localtime() + timedelta(minutes=minutes),
        "minutes": minutes,
    }
    return render(request, "registration/locked.html", context, status=429)


# Password reset ---------------------------------------------------------------

# One thread sends the reset mails after the answer has left: the time an SMTP
# server takes never tells whether the address has an account.
_mailer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="snut-mail")


def _send(message: EmailMultiAlternatives) -> None:
    try:
        message.send()
    except Exception:
        logger.exception("Password reset mail not sent")


def mail_sent(timeout: float = 10) -> None:
    """Waits until every mail handed to the sending thread so far has gone (tests, shutdown)."""
    _mailer.submit(lambda: None).result(timeout=timeout)


class ConstantTimePasswordResetForm(PasswordResetForm):
    """Does the same work for an unknown address: a stand-in account gets a link that is never sent."""

    silenced = False  # set when the account's limit is reached: same work, nothing sent

    def get_users(self, email):
        users = list(super().get_users(email))
        self.stand_in = not users
        if users:
            return users
        UserModel = get_user_model()
        return [
            UserModel(**{UserModel.get_email_field_name(): email}, password=make_password(None))
        ]

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ) -> Future | None:
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        message = EmailMultiAlternatives(subject, body, from_email, [to_email])
        if html_email_template_name is not None:
            html = loader.render_to_string(html_email_template_name, context)
            message.attach_alternative(html, "text/html")
        if self.stand_in or self.silenced:
            return None
        return _mailer.submit(_send, message)


def _account_key(group, request) -> str:
    return request.POST.get("email", "").strip().lower()


def _reset_limited(request, group, key, limit) -> bool:
    return is_ratelimited(
        request, group=group, key=key, rate=f"{limit}/h", method="POST", increment=True
    )


class PasswordResetView(auth_views.PasswordResetView):
    form_class = ConstantTimePasswordResetForm

    def post(self, request, *args, **kwargs):
        if _reset_limited(
            request, RESET_ADDRESS_GROUP, "ip", settings.PASSWORD_RESET_ADDRESS_LIMIT
        ):
            return render(request, "registration/password_reset_limited.html", status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        # Past the account's limit the answer is the same, but no more mail goes out:
        # a mailbox cannot be flooded and the limit says nothing about the account.
        form.silenced = _reset_limited(
            self.request, RESET_ACCOUNT_GROUP, _account_key, settings.PASSWORD_RESET_ACCOUNT_LIMIT
        )
        return super().form_valid(form)
