"""Score colours follow the questionnaire's own levels: the lowest level is red (t1), the
highest green (t4), whatever their bounds, on the pages and in the reports."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from diagnostics import report, services
from diagnostics.display import tone
from diagnostics.models import Audience, MaturityLevel
from diagnostics.results import build_results
from diagnostics.scoring import LevelSpec
from tests import factories

pytestmark = pytest.mark.django_db

# An element coloured as the second quarter (not the stylesheet's rule for it).
TONE_T2 = re.compile(r'class="[^"]*\btone-t2\b')


def bounds(*lower_bounds):
    return [LevelSpec(bound, f"niveau {bound}") for bound in lower_bounds]


@pytest.mark.parametrize(
    ("score", "expected"),
    [(None, "none"), (0, "t1"), (24.9, "t1"), (25, "t2"), (74, "t3"), (75, "t4")],
)
def test_four_levels_give_one_tone_each(score, expected):
    assert tone(score, bounds(0, 25, 50, 75)) == expected


@pytest.mark.parametrize(
    ("levels", "score", "expected"),
    [
        (bounds(0, 60), 55, "t1"),  # 55 was a « t3 » with fixed quarters
        (bounds(0, 60), 60, "t4"),
        (bounds(0, 30, 90), 33, "t3"),
        (bounds(0, 30, 90), 89, "t3"),
        (bounds(10, 40), 5, "none"),  # below the first level: no level, no colour
        (bounds(0), 80, "t3"),  # a single level is neither low nor high
    ],
)
def test_other_thresholds_change_the_tone(levels, score, expected):
    assert tone(score, levels) == expected


def replace_levels(questionnaire, levels):
    questionnaire.levels.all().delete()
    for bound, name in levels:
        MaturityLevel.objects.create(questionnaire=questionnaire, lower_bound=bound, name=name)


def test_the_office_results_and_report_follow_the_questionnaire_levels(
    client, director, diagnostic
):
    # Every answer choices[1], 1 point of 3: a score of 33, a « t2 » with fixed quarters.
    replace_levels(diagnostic.questionnaire, [(0, "Débutant"), (60, "Confirmé")])
    factories.answer_all(diagnostic, pick=lambda choices: choices[1])
    diagnostic = services.diagnostic_submit(diagnostic=diagnostic, user=director)
    client.force_login(director)
    page = client.get(reverse("diagnostics:results", args=[diagnostic.pk])).text
    assert '<span class="snut-level tone-t1">Débutant</span>' in page
    assert not TONE_T2.search(page)
    office = client.get(reverse("diagnostics:office", args=[diagnostic.organisation.slug])).text
    assert "snut-score-badge tone-t1" in office
    html = report.render_html(build_results(diagnostic))
    assert 'cover-level tone-t1">Débutant' in html and not TONE_T2.search(html)


def test_a_business_follows_its_own_questionnaire_levels(client, office):
    questionnaire = factories.build_questionnaire(audience=Audience.BUSINESSES)
    replace_levels(questionnaire, [(0, "Invisible"), (30, "Présent"), (90, "Relais")])
    campaign = factories.open_campaign(questionnaire, organiser=office)
    business = factories.make_business(office)
    token = services.business_link_issue(business=business, campaign=campaign)[1]
    diagnostic = services.diagnostic_start(organisation=business, campaign=campaign)
    factories.answer_all(diagnostic, pick=lambda choices: choices[1])  # 33: « Présent »
    diagnostic = services.diagnostic_submit(diagnostic=diagnostic, share_details=True)
    page = client.get(reverse("diagnostics:business_link_results", args=[token])).text
    assert '<span class="snut-level tone-t3">Présent</span>' in page
    assert not TONE_T2.search(page)
    html = report.render_html(build_results(diagnostic))
    assert 'cover-level tone-t3">Présent' in html and not TONE_T2.search(html)


def test_every_template_passes_the_levels_to_tone(settings):
    root = Path(settings.BASE_DIR, "templates")
    for path in root.rglob("*.html"):
        assert not re.search(r"\|tone\s*}}", path.read_text()), path
