"""A business's pages, reached from its personal link: no account, the token in every URL.

The token opens this business's diagnostic of this campaign and nothing else
(services.business_link_open); every page checks it first.
"""

from django.core.exceptions import ValidationError
from django.shortcuts import render

from diagnostics import services

# Unknown link: 400; a link that was good once (expired, revoked): 410 Gone.
REFUSAL_STATUS = {"invalid": 400, "expired": 410, "revoked": 410}


def refused(request, error: ValidationError):
    return render(
        request,
        "diagnostics/business/refused.html",
        {"message": error.messages[0]},
        status=REFUSAL_STATUS.get(error.code, 400),
    )


def business_home(request, token):
    """The business's start page: its office, the campaign, its diagnostic's state."""
    try:
        link = services.business_link_open(token=token)
    except ValidationError as error:
        return refused(request, error)
    context = {
        "link": link,
        "token": token,
        "business": link.business,
        "office": link.business.parent,
        "campaign": link.campaign,
        "diagnostic": services.business_diagnostic(link),
    }
    return render(request, "diagnostics/business/home.html", context)
