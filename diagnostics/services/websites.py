"""« Observé »: reading the offices' and businesses' websites, in the background only.

A check is asked (`website_check_request`: on demand, at most once per
SNUT_WEBSITE_CHECK_THROTTLE_MINUTES per organisation; or weekly by `websites_check_due`,
which `manage.py check_websites` runs from cron), recorded « en attente », and done by
`website_check_task` (its argument: the check's id). The task fetches, through
diagnostics/fetching.py only, the home page, then its legal notice, privacy policy and
accessibility statement, and records the indicators with their date, or why the site could
not be read. No page ever fetches: a request only enqueues.
"""

import ssl
from datetime import UTC, datetime, timedelta
from functools import partial
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_tasks import task

from diagnostics import website_indicators
from diagnostics.fetching import Fetcher, FetchFailed, fetch_page
from diagnostics.models import Organisation, WebsiteCheck
from diagnostics.services.errors import ServiceError
from diagnostics.services.queue import retry

NO_WEBSITE = gettext_noop("Aucune adresse de site web n’est enregistrée : rien à relever.")
CHECK_TOO_SOON = gettext_noop(
    "Un relevé du site a déjà été demandé il y a moins d’une heure : réessayez plus tard."
)
WEEKLY = timedelta(days=7)
KEPT_CHECKS = 12  # an organisation's history: its latest checks, older ones deleted
LINKED_PAGES = ("legal_notice", "privacy")


def website_check_request(
    *, organisation: Organisation, now: datetime | None = None, throttled: bool = True
) -> WebsiteCheck:
    """Records a pending check of the organisation's website and enqueues it (after commit).

    Refused without an address, and, when throttled, within the throttle of the last one."""
    now = now or timezone.now()
    if not organisation.website:
        raise ServiceError(_(NO_WEBSITE), code="no_website")
    with transaction.atomic():
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        since = now - timedelta(minutes=settings.SNUT_WEBSITE_CHECK_THROTTLE_MINUTES)
        recent = WebsiteCheck.objects.filter(organisation=organisation, requested_at__gt=since)
        if throttled and recent.exists():
            raise ServiceError(_(CHECK_TOO_SOON), code="throttled")
        check = WebsiteCheck.objects.create(
            organisation=organisation, url=organisation.website, requested_at=now
        )
        transaction.on_commit(partial(website_check_task.enqueue, check_id=check.pk), robust=True)
    return check


def websites_check_due(*, now: datetime | None = None) -> int:
    """Asks a check of every website not asked for a week: the weekly run. Returns how many."""
    now = now or timezone.now()
    recent = WebsiteCheck.objects.filter(requested_at__gt=now - WEEKLY).values("organisation_id")
    due = Organisation.objects.exclude(website="").exclude(pk__in=recent).order_by("pk")
    count = 0
    for organisation in due.only("pk", "website"):
        website_check_request(organisation=organisation, now=now, throttled=False)
        count += 1
    return count


@task()
def website_check_task(*, check_id: int, attempt: int = 1) -> str:
    """Reads the website of a pending check; returns its status."""
    check = WebsiteCheck.objects.filter(pk=check_id, status=WebsiteCheck.Status.PENDING).first()
    if check is None:  # done already, or deleted since
        return ""
    try:
        try:
            indicators, failure = observe(check.url), ""
        except FetchFailed as error:
            indicators, failure = {}, error.reason
        website_check_complete(check=check, indicators=indicators, failure=failure)
    except Exception:
        retry(website_check_task, attempt=attempt, check_id=check_id)
        raise
    return check.status


def website_check_complete(
    *, check: WebsiteCheck, indicators: dict, failure: str = "", seeded: bool = False
) -> WebsiteCheck:
    """Records what a check observed (or why it failed) as the organisation's latest."""
    with transaction.atomic():
        Organisation.objects.select_for_update().filter(pk=check.organisation_id).first()
        WebsiteCheck.objects.filter(organisation_id=check.organisation_id, latest=True).update(
            latest=False
        )
        check.status = WebsiteCheck.Status.FAILED if failure else WebsiteCheck.Status.DONE
        check.failure = failure
        check.indicators = indicators
        check.checked_at = timezone.now()
        check.latest = True
        check.seeded = seeded
        check.save()
        old = WebsiteCheck.objects.filter(organisation_id=check.organisation_id).order_by(
            "-requested_at", "-pk"
        )[KEPT_CHECKS:]
        WebsiteCheck.objects.filter(pk__in=list(old.values_list("pk", flat=True))).delete()
    return check


# --- what one check observes ----------------------------------------------------------


def _expiry(not_after: str) -> str:
    """The certificate's last day (ISO), from its notAfter (« Jun  1 12:00:00 2027 GMT »)."""
    if not not_after:
        return ""
    return datetime.fromtimestamp(ssl.cert_time_to_seconds(not_after), UTC).date().isoformat()


def _https_redirect(url: str, fetcher: Fetcher) -> bool | None:
    """Whether the site's plain-HTTP address leads to HTTPS (None: it does not answer)."""
    parts = urlsplit(url)
    plain = urlunsplit(("http", parts.netloc, parts.path or "/", parts.query, ""))
    try:
        page = fetcher.get(plain)
    except FetchFailed:
        return None
    return urlsplit(page.url).scheme == "https"


def _linked_page(fetcher: Fetcher, url: str):
    if urlsplit(url).scheme not in ("http", "https"):
        return None
    try:
        return fetch_page(fetcher, url)
    except FetchFailed as error:
        return error


def observe(url: str) -> dict:
    """The indicators of the website at `url`; FetchFailed if its home page cannot be read."""
    fetcher = Fetcher()
    home = fetch_page(fetcher, url)
    indicators = website_indicators.page_indicators(home.content, home.url, home.content_type)
    https = urlsplit(home.url).scheme == "https"
    indicators.update(
        url=home.url,
        https=https,
        certificate_expires=_expiry(home.certificate_expires),
        https_redirect=https if urlsplit(url).scheme == "http" else None,
        pages={},
    )
    if indicators["https_redirect"] is None:  # typed in https: does plain HTTP lead there?
        indicators["https_redirect"] = _https_redirect(url, fetcher)
    for key in LINKED_PAGES:
        if indicators[key]:
            page = _linked_page(fetcher, indicators[key])
            if isinstance(page, FetchFailed):
                indicators["pages"][key] = page.reason.value
                indicators[key] = ""
            elif page is not None:
                indicators["pages"][key] = "ok"
    statement = indicators["accessibility"]
    if statement["url"]:
        page = _linked_page(fetcher, statement["url"])
        if page is not None and not isinstance(page, FetchFailed):
            indicators["pages"]["accessibility"] = "ok"
            text = website_indicators.page_text(page.content, page.content_type)
            statement["status"] = (
                website_indicators.accessibility_status(text) or statement["status"]
            )
        elif isinstance(page, FetchFailed):
            indicators["pages"]["accessibility"] = page.reason.value
    return indicators


# --- the address itself -----------------------------------------------------------------

WEBSITE_INVALID = gettext_noop(
    "Saisissez l’adresse complète de votre site, par exemple https://www.gite-des-lilas.fr."
)


def website_set(*, organisation: Organisation, website: str) -> WebsiteCheck | None:
    """Records the organisation's website address and, if it has one, asks a check of it
    (unless one was asked within the throttle: the weekly run reads it then)."""
    website = website.strip()
    field = Organisation._meta.get_field("website")
    try:
        field.clean(website, organisation)
    except ValidationError as error:
        raise ServiceError(_(WEBSITE_INVALID), code="invalid") from error
    Organisation.objects.filter(pk=organisation.pk).update(website=website)
    organisation.website = website
    if not website:
        return None
    try:
        return website_check_request(organisation=organisation)
    except ServiceError:
        return None
