"""« Observé » in the demo: website addresses and checks « made earlier ».

The demo has no internet, so nothing is fetched: each demo office and business gets a
fictitious address (.example.org, a reserved domain) and one check seeded as if the
weekly task had run a few days ago, marked `seeded` and labelled as such on every page.
Indicators follow the activity (campsites book online, small restaurants seldom have
structured data); the demo office's own site disagrees with two of its answers
(accessibility statement, trackers), so that « Déclaré / observé » has something to flag.
Idempotent: an organisation that has a latest check keeps it.
"""

import random
from datetime import timedelta

from django.utils import timezone

from diagnostics.models import Business, Office, Organisation, WebsiteCheck
from diagnostics.services.websites import website_check_complete

DAYS_AGO = 3


def _address(organisation: Organisation) -> str:
    return f"https://www.{organisation.slug[:50].strip('-')}.example.org/"


def office_indicators(url: str, *, demo: bool) -> dict:
    """The demo office's site is modern but publishes no accessibility statement and loads
    Google Analytics before consent; other offices' sites are in a fair state."""
    return {
        "url": url,
        "https": True,
        "https_redirect": True,
        "certificate_expires": (timezone.localdate() + timedelta(days=80)).isoformat(),
        "page_weight": 186_000,
        "requests": 64,
        "viewport": True,
        "lang": "fr",
        "languages": ["de", "en", "fr"] if not demo else ["en", "fr"],
        "legal_notice": url + "mentions-legales",
        "privacy": url + "donnees-personnelles",
        "accessibility": {"url": "", "status": ""}
        if demo
        else {"url": url + "accessibilite", "status": "partiellement"},
        "booking_link": url + "reserver",
        "contact_link": url + "contact",
        "structured_data": {
            "types": ["TouristInformationCenter", "WebSite"],
            "fields": {"name": "Office de tourisme", "telephone": "05 53 00 00 00"},
        },
        "open_graph": ["og:image", "og:title", "og:type"],
        "trackers": ["Google Analytics"] if demo else [],
        "consent_manager": ["tarteaucitron"],
        "pages": {"legal_notice": "ok", "privacy": "ok"},
    }


def business_indicators(business: Business, rng: random.Random) -> dict:
    url = _address(business)
    books = business.segment in (Business.Segment.ACCOMMODATION, Business.Segment.ACTIVITIES)
    https = rng.random() < 0.8
    return {
        "url": url if https else url.replace("https://", "http://"),
        "https": https,
        "https_redirect": https,
        "certificate_expires": (timezone.localdate() + timedelta(days=40)).isoformat()
        if https
        else "",
        "page_weight": rng.randint(40_000, 900_000),
        "requests": rng.randint(15, 140),
        "viewport": rng.random() < 0.75,
        "lang": "fr",
        "languages": ["en", "fr"] if rng.random() < 0.3 else ["fr"],
        "legal_notice": url + "mentions-legales" if rng.random() < 0.7 else "",
        "privacy": url + "confidentialite" if rng.random() < 0.5 else "",
        "accessibility": {"url": "", "status": ""},
        "booking_link": url + "reservation" if books and rng.random() < 0.6 else "",
        "contact_link": url + "contact",
        "structured_data": {
            "types": ["LodgingBusiness"] if books else ["LocalBusiness"],
            "fields": {"name": business.name},
        }
        if rng.random() < 0.35
        else {"types": [], "fields": {}},
        "open_graph": ["og:title"] if rng.random() < 0.5 else [],
        "trackers": ["Meta Pixel"] if rng.random() < 0.2 else [],
        "consent_manager": [],
        "pages": {},
    }


def _seeded_check(organisation: Organisation, indicators: dict, failure: str = "") -> None:
    when = timezone.now() - timedelta(days=DAYS_AGO)
    check = WebsiteCheck.objects.create(
        organisation=organisation, url=organisation.website, requested_at=when
    )
    website_check_complete(check=check, indicators=indicators, failure=failure, seeded=True)
    WebsiteCheck.objects.filter(pk=check.pk).update(checked_at=when)


def seed_websites(offices: list[Office]) -> int:
    """Addresses and seeded checks for `offices` (the demo office first) and their
    businesses (every fifth has no website): the number of checks created."""
    created = 0
    for index, office in enumerate(offices):
        if not office.website:
            office.website = _address(office)
            office.save(update_fields=["website"])
        if not WebsiteCheck.objects.filter(organisation=office, latest=True).exists():
            _seeded_check(office, office_indicators(office.website, demo=index == 0))
            created += 1
        rng = random.Random(f"sites-{office.slug}")
        for position, business in enumerate(Business.objects.filter(parent=office).order_by("pk")):
            if position % 5 == 4:
                continue  # no website
            if not business.website:
                business.website = _address(business)
                business.save(update_fields=["website"])
            if WebsiteCheck.objects.filter(organisation=business, latest=True).exists():
                continue
            failure = "cert_expired" if position % 11 == 7 else ""
            _seeded_check(business, {} if failure else business_indicators(business, rng), failure)
            created += 1
    return created
