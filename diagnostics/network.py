"""Who the regional network is, for e-mails and pages, read in one place.

Today from settings (SNUT_NETWORK_NAME, SNUT_NETWORK_CONTACT); callers only see
this small dict, so the source can move to the database without touching them.
"""

from django.conf import settings


def network_info() -> dict[str, str]:
    return {"name": settings.SNUT_NETWORK_NAME, "contact": settings.SNUT_NETWORK_CONTACT}


def context(request) -> dict:
    """Template context processor: {{ network.name }}, {{ network.contact }}."""
    return {"network": network_info()}
