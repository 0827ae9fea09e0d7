"""The facts of the legal pages (« Mentions légales », « Données personnelles »), read in one place.

They come from settings (SNUT_PUBLISHER_*, SNUT_PUBLICATION_DIRECTOR, SNUT_DPO_CONTACT,
SNUT_HOST_*, the retention periods): each network states its own. A fact left empty shows
as « (à renseigner) »; with DEBUG off the system check `legal_facts_check` warns at every
`manage.py` command (migrate, check), so a production never goes live without noticing.
"""

from django.conf import settings
from django.core import checks
from django.urls import reverse
from django.utils.translation import gettext as _

# The settings a network must fill before going live, in the order the warning lists them.
REQUIRED = (
    "SNUT_PUBLISHER_NAME",
    "SNUT_PUBLISHER_ADDRESS",
    "SNUT_PUBLISHER_PHONE",
    "SNUT_PUBLICATION_DIRECTOR",
    "SNUT_DPO_CONTACT",
    "SNUT_HOST_NAME",
    "SNUT_HOST_ADDRESS",
    "SNUT_HOST_PHONE",
)
UNSET_FACTS = "snut.W001"


def legal_facts() -> dict:
    """The publisher, the person in charge of data protection, the host and the retention
    periods, as the pages show them (`unset` stands in for an empty fact)."""
    return {
        "publisher_name": settings.SNUT_PUBLISHER_NAME,
        "publisher_address": settings.SNUT_PUBLISHER_ADDRESS,
        "publisher_phone": settings.SNUT_PUBLISHER_PHONE,
        "publisher_registration": settings.SNUT_PUBLISHER_REGISTRATION,
        "publication_director": settings.SNUT_PUBLICATION_DIRECTOR,
        "dpo_contact": settings.SNUT_DPO_CONTACT,
        "dpo_is_email": "@" in settings.SNUT_DPO_CONTACT and " " not in settings.SNUT_DPO_CONTACT,
        "host_name": settings.SNUT_HOST_NAME,
        "host_address": settings.SNUT_HOST_ADDRESS,
        "host_phone": settings.SNUT_HOST_PHONE,
        "business_retention_months": settings.SNUT_BUSINESS_RETENTION_MONTHS,
        "log_retention_days": settings.SNUT_LOG_RETENTION_DAYS,
        "export_retention_days": settings.EXPORT_MAX_AGE_DAYS,
        "unset": _("(à renseigner)"),
    }


def legal_links(base_url: str) -> dict[str, str]:
    """Absolute addresses of both pages, for the footer of every e-mail."""
    root = base_url.rstrip("/")
    return {
        "personal_data": root + reverse("diagnostics:personal_data"),
        "legal_notice": root + reverse("diagnostics:legal_notice"),
    }


def legal_facts_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Warns, with DEBUG off, about every legal fact the network has not set."""
    if settings.DEBUG:
        return []
    missing = [name for name in REQUIRED if not getattr(settings, name, "").strip()]
    if not missing:
        return []
    return [
        checks.Warning(
            "The legal pages (/mentions-legales/, /donnees-personnelles/) lack "
            f"{', '.join(missing)}: they show '(à renseigner)' in their place.",
            hint="Set these variables (README, Configuration) before opening SNUT to the public.",
            id=UNSET_FACTS,
        )
    ]
