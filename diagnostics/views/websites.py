"""« Observé », on demand: an office member asks its website to be read again.

The page only enqueues the check (diagnostics/services/websites.py); the task queue
fetches. Throttled per organisation: a second request within the hour is refused in French.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from diagnostics import access
from diagnostics.services import websites
from diagnostics.services.errors import ServiceError

CHECK_ASKED = gettext_noop(
    "Relevé demandé : il se fait en arrière-plan, revenez dans quelques minutes."
)


def back_to(request, default: str):
    """The page the form came from, if it is one of this site's, else `default`."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


@login_required
@require_POST
def website_check(request, slug):
    office = access.office_for_member(request.user, slug)
    try:
        websites.website_check_request(organisation=office)
    except ServiceError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _(CHECK_ASKED))
    return back_to(request, reverse("diagnostics:office", args=[office.slug]))
