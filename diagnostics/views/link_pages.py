"""Pages reached from a secret link rather than a login: a business's personal link
(business_link.py) and a session e-mail's link (session_link.py). The token opens its
link or a French refusal; no page of theirs is ever cached."""

from functools import wraps

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.cache import patch_cache_control

from diagnostics import services

# Unknown link: 400; a link that was good once (expired, revoked): 410 Gone.
REFUSAL_STATUS = {"invalid": 400, "expired": 410, "revoked": 410}


def refused(request, error: ValidationError):
    return render(
        request,
        "diagnostics/business_link/refused.html",
        {"message": error.messages[0]},
        status=REFUSAL_STATUS.get(error.code, 400),
    )


def link_page(open_link, office_of):
    """A view decorator: opens the token's link with `open_link(token=…)` (or refuses it),
    names the office that `office_of(link)` gives for the page's header, and keeps the
    response out of any cache. The view gets (request, link, token, …)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, token, *args, **kwargs):
            # A business is not a user: base.html shows no login nor account link here,
            # but the office that proposes the diagnostic or the workshop.
            request.business_page = True
            try:
                link = open_link(token=token)
            except services.ServiceError as error:
                response = refused(request, error)
            else:
                request.business_office = office_of(link)
                response = view(request, link, token, *args, **kwargs)
            patch_cache_control(response, private=True, no_store=True)
            return response

        return wrapper

    return decorator
