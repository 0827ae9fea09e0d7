"""« Observé »: a site served from this machine read into indicators by the background task,
the throttle and the weekly run, and the rules that set « déclaré » beside « observé »."""

import io
import runpy
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.utils import timezone

from diagnostics import observed_questions, website_indicators
from diagnostics.business_import import parse_businesses
from diagnostics.fetching import Reason
from diagnostics.management.demo_websites import seed_websites
from diagnostics.models import WebsiteCheck
from diagnostics.services import websites
from diagnostics.services.errors import ServiceError
from tests import factories

PAGES = Path(__file__).parent / "web_pages"
HTML = "text/html; charset=utf-8"

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(httpserver, settings):
    """The office's website, served from 127.0.0.1 (allowed by the tests' setting only)."""
    settings.SNUT_FETCH_ALLOW_LOOPBACK = True
    settings.SNUT_FETCH_TIMEOUT = 2.0
    httpserver.no_handler_status_code = 404

    def page(path, name, **kwargs):
        content = (PAGES / name).read_bytes()
        httpserver.expect_request(path).respond_with_data(content, content_type=HTML, **kwargs)

    page("/", "accueil.html")
    page("/accessibilite", "accessibilite.html")
    httpserver.expect_request("/mentions-legales").respond_with_data("Éditeur…", content_type=HTML)
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nDisallow: /admin/\n")
    httpserver.page = page
    httpserver.home = f"http://127.0.0.1:{httpserver.port}/"
    return httpserver


def checked(organisation, django_capture_on_commit_callbacks) -> WebsiteCheck:
    """Asks a check and runs the queued task (the immediate backend, after commit)."""
    with django_capture_on_commit_callbacks(execute=True):
        check = websites.website_check_request(organisation=organisation)
    check.refresh_from_db()
    return check


def test_the_task_reads_every_indicator_of_the_home_page(
    site, office, django_capture_on_commit_callbacks
):
    office.website = site.home
    office.save()
    check = checked(office, django_capture_on_commit_callbacks)
    assert check.status == WebsiteCheck.Status.DONE and check.latest and check.checked_at
    seen = check.indicators
    assert seen["https"] is False and seen["https_redirect"] is False
    assert seen["viewport"] is True
    assert seen["lang"] == "fr" and seen["languages"] == ["de", "en", "fr"]
    assert seen["legal_notice"].endswith("/mentions-legales")
    assert seen["privacy"] == ""  # linked, but the page answers 404: not there
    assert seen["pages"] == {"legal_notice": "ok", "privacy": "http_error", "accessibility": "ok"}
    # The statement page says « non conforme », whatever the footer claims.
    assert seen["accessibility"]["status"] == "non"
    assert seen["booking_link"].endswith("/reserver/")
    assert seen["contact_link"].endswith("/nous-contacter")
    assert seen["structured_data"]["types"] == ["TouristInformationCenter", "WebSite"]
    assert seen["structured_data"]["fields"] == {
        "name": "Office de tourisme de Castelroc",
        "telephone": "05 53 00 00 00",
        "address": "1 place du Marché 24350 Castelroc",
        "openingHours": "Mo-Sa 09:30-18:00",
    }
    assert seen["open_graph"] == ["og:image", "og:title", "og:type"]
    assert seen["page_weight"] == len((PAGES / "accueil.html").read_bytes())
    # Three scripts (the parked one included), a stylesheet, an icon, two images, a frame.
    assert seen["requests"] == 8
    assert seen["trackers"] == ["Google Analytics"]  # the Meta Pixel waits for consent
    assert seen["consent_manager"] == ["tarteaucitron"]
    agents = {request.headers["User-Agent"] for request, _response in site.log}
    assert len(agents) == 1 and "SNUT" in agents.pop()


def test_broken_html_is_read_as_far_as_it_goes(site):
    site.page("/casse", "casse.html")
    seen = websites.observe(site.home + "casse")
    assert seen["viewport"] is True and seen["lang"] == "fr"
    assert seen["structured_data"]["types"] == ["Restaurant"]  # the broken block is skipped
    assert seen["structured_data"]["fields"]["telephone"] == "05 53 11 22 33"
    assert seen["contact_link"] == "mailto:bonjour@relaisdupont.test"
    assert seen["requests"] == 1


@pytest.mark.parametrize("content", [b"", b"\x00\xff\xfe garbage <<<", b"<html>" * 10])
def test_empty_or_garbage_pages_yield_no_indicator(content):
    seen = website_indicators.page_indicators(content, "https://www.gite.test/")
    assert seen["viewport"] is False and seen["structured_data"]["types"] == []


def test_a_site_that_fails_records_why_in_french(
    site, office, settings, django_capture_on_commit_callbacks
):
    site.expect_request("/lourd").respond_with_data("x" * 4000, content_type=HTML)
    settings.SNUT_FETCH_MAX_BYTES = 1000
    office.website = site.home + "lourd"
    office.save()
    check = checked(office, django_capture_on_commit_callbacks)
    assert check.status == WebsiteCheck.Status.FAILED and check.latest
    assert check.failure == Reason.TOO_LARGE and check.get_failure_display() == "page trop lourde"
    assert check.indicators == {}


def test_a_private_address_typed_as_the_website_is_never_reached(
    office, django_capture_on_commit_callbacks
):
    office.website = "http://169.254.169.254/latest/meta-data/"
    office.save()
    check = checked(office, django_capture_on_commit_callbacks)
    assert check.failure == Reason.PRIVATE
    assert check.get_failure_display() == "adresse non publique refusée"


def test_a_second_request_within_the_hour_is_refused(office, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    office.website = "https://www.castelroc-tourisme.test/"
    office.save()
    now = timezone.now()
    websites.website_check_request(organisation=office, now=now)
    with pytest.raises(ServiceError) as refused:
        websites.website_check_request(organisation=office, now=now + timedelta(minutes=59))
    assert refused.value.messages == [websites.CHECK_TOO_SOON]
    websites.website_check_request(organisation=office, now=now + timedelta(minutes=61))
    assert WebsiteCheck.objects.filter(organisation=office).count() == 2


def test_no_website_no_check(office):
    with pytest.raises(ServiceError) as refused:
        websites.website_check_request(organisation=office)
    assert refused.value.code == "no_website"


def test_the_weekly_run_asks_the_sites_not_read_for_a_week(
    office, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    fresh = factories.make_business(office, website="https://www.gite-frais.test/")
    stale = factories.make_business(office, website="https://www.gite-ancien.test/")
    factories.make_business(office)  # no website
    now = timezone.now()
    WebsiteCheck.objects.create(organisation=fresh, url=fresh.website, requested_at=now)
    WebsiteCheck.objects.create(
        organisation=stale, url=stale.website, requested_at=now - timedelta(days=8)
    )
    from django_tasks import default_task_backend

    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("check_websites", stdout=out)
    assert out.getvalue().startswith("1 relevé")
    queued = {r.kwargs["check_id"] for r in default_task_backend.results}
    assert WebsiteCheck.objects.filter(pk__in=queued).get().organisation == stale
    assert websites.websites_check_due(now=now) == 0  # asked now: not due again


def test_only_the_latest_completed_check_is_latest_and_history_is_bounded(office):
    office.website = "https://www.castelroc-tourisme.test/"
    office.save()
    start = timezone.now() - timedelta(days=100)
    for week in range(websites.KEPT_CHECKS + 3):
        check = WebsiteCheck.objects.create(
            organisation=office, url=office.website, requested_at=start + timedelta(weeks=week)
        )
        websites.website_check_complete(check=check, indicators={"viewport": week % 2 == 0})
    checks = WebsiteCheck.objects.filter(organisation=office)
    assert checks.count() == websites.KEPT_CHECKS
    assert checks.filter(latest=True).get() == check


# --- déclaré / observé --------------------------------------------------------------------

RULES = observed_questions.QUESTIONS


@pytest.mark.parametrize(
    "rule,indicators,points,disagrees",
    [
        (observed_questions.mobile, {"viewport": False}, 2, True),
        (observed_questions.mobile, {"viewport": False}, 0, False),
        (observed_questions.mobile, {"viewport": True}, 3, False),
        (observed_questions.accessibility_statement, {"accessibility": {"url": ""}}, 2, True),
        (observed_questions.accessibility_statement, {"accessibility": {"url": ""}}, 0, False),
        (
            observed_questions.accessibility_statement,
            {"accessibility": {"url": "/a", "status": "partiellement"}},
            3,
            True,
        ),
        (
            observed_questions.accessibility_statement,
            {"accessibility": {"url": "/a", "status": "partiellement"}},
            2,
            False,
        ),
        (observed_questions.languages, {"languages": ["fr"]}, 3, True),
        (observed_questions.languages, {"languages": ["en", "fr"]}, 0, True),
        (observed_questions.languages, {"languages": ["en", "fr"]}, 3, False),
        (observed_questions.page_weight, {"page_weight": 900_000, "requests": 20}, 2, True),
        (observed_questions.page_weight, {"page_weight": 90_000, "requests": 20}, 3, False),
        (
            observed_questions.privacy,
            {"https": True, "legal_notice": "/m", "privacy": "/p", "trackers": ["Hotjar"]},
            3,
            True,
        ),
        (
            observed_questions.privacy,
            {"https": True, "legal_notice": "/m", "privacy": "/p", "trackers": []},
            3,
            False,
        ),
        (observed_questions.structured_data, {"structured_data": {"types": []}}, 2, True),
        (observed_questions.booking, {"booking_link": ""}, 2, True),
        (observed_questions.business_booking, {"booking_link": "/r"}, 0, True),
        (observed_questions.business_booking, {"booking_link": ""}, 1, False),
        (observed_questions.own_site, {"viewport": True}, 0, True),
        (observed_questions.own_site, {"viewport": False}, 3, True),
        (observed_questions.own_site, {"viewport": True}, 3, False),
    ],
)
def test_each_rule_flags_what_contradicts_the_answer(rule, indicators, points, disagrees):
    seen = rule(indicators, points)
    assert seen.disagrees is disagrees and seen.text.endswith(".")


def test_no_answer_is_never_a_disagreement():
    for rules in RULES.values():
        for rule in rules.values():
            assert rule({}, None).disagrees is False


def test_every_rule_reads_indicators_the_checks_record(site):
    """The mapping names real indicators: every key it reads is one a check records."""
    recorded = set(websites.observe(site.home))
    for rules in RULES.values():
        for rule in rules.values():
            assert set(observed_questions.INDICATORS[rule]) <= recorded


def test_the_mapped_codes_exist_in_the_official_questionnaires():
    import json

    fixtures = Path(__file__).resolve().parent.parent / "fixtures"
    codes = {}
    for name in (
        "questionnaire_snut_v2.json",
        "questionnaire_snut_v3.json",
        "questionnaire_prestataires_v2.json",
    ):
        for row in json.loads((fixtures / name).read_text(encoding="utf-8")):
            if row["model"] == "diagnostics.question":
                key = tuple(row["fields"]["questionnaire"])
                codes.setdefault(key, set()).add(row["fields"]["code"])
    for key, rules in RULES.items():
        assert set(rules) <= codes[key]


# --- the address, the settings, the demo ------------------------------------------------


def test_the_import_reads_a_website_column():
    content = (
        "nom;activité;commune;e-mail;site web\n"
        "Gîte des Lilas;gîte;Castelroc;a@gite.test;www.gite-des-lilas.test\n"
        "Le Relais;restaurant;Castelroc;b@relais.test;javascript:alert(1)\n"
        "Le Moulin;camping;Castelroc;c@moulin.test;\n"
    ).encode()
    rows = parse_businesses(content, max_bytes=10_000, max_lines=10)
    assert rows[0].website == "https://www.gite-des-lilas.test" and rows[0].is_valid
    assert not rows[1].is_valid and "site web" in rows[1].errors[0]
    assert rows[2].website == "" and rows[2].is_valid


def test_production_refuses_to_start_with_loopback_allowed(monkeypatch):
    settings_file = Path(__file__).resolve().parent.parent / "snut" / "settings.py"
    monkeypatch.setenv("DEBUG", "0")
    monkeypatch.setenv("SECRET_KEY", "k9#Qv2!pX7@wLr4$Zt8^Hn3&Bd6*Fy1(Jm5)Cs0+Ge_Ua-Wo=Ti")
    monkeypatch.setenv("SNUT_FETCH_ALLOW_LOOPBACK", "1")
    with pytest.raises(ImproperlyConfigured, match="SNUT_FETCH_ALLOW_LOOPBACK"):
        runpy.run_path(str(settings_file))
    monkeypatch.setenv("SNUT_FETCH_ALLOW_LOOPBACK", "0")
    assert runpy.run_path(str(settings_file))["SNUT_FETCH_ALLOW_LOOPBACK"] is False


def test_the_tests_own_settings_keep_loopback_refused():
    code = "from snut import settings_test as s; print(s.SNUT_FETCH_ALLOW_LOOPBACK)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "False", result.stderr


def test_the_demo_seeds_checks_made_earlier_and_says_so(office):
    businesses = [factories.make_business(office) for _ in range(6)]
    assert seed_websites([office]) == 1 + 5  # every fifth business has no website
    assert seed_websites([office]) == 0  # idempotent
    checks = WebsiteCheck.objects.filter(latest=True)
    assert all(c.seeded for c in checks)
    assert all(c.checked_at < timezone.now() - timedelta(days=2) for c in checks)
    assert businesses[4].website_checks.count() == 0
    demo = checks.get(organisation=office)
    assert demo.indicators["trackers"] and not demo.indicators["accessibility"]["url"]
