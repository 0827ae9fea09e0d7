"""The daily purge of the businesses' data past SNUT_BUSINESS_RETENTION_MONTHS, with
frozen time (django.utils.timezone.now mocked), its dry run included."""

import io
import logging
from datetime import UTC, date, datetime, timedelta
from unittest import mock

import pytest
from django.core.management import call_command

from diagnostics.models import (
    Answer,
    Audience,
    AxisScore,
    BusinessLink,
    Campaign,
    Diagnostic,
    Organisation,
)
from diagnostics.services.personal_data import months_before, personal_data_purge
from tests import factories

pytestmark = pytest.mark.django_db


def frozen(day: date):
    """timezone.now() (and so localdate()) at noon, UTC, on that day."""
    return mock.patch(
        "django.utils.timezone.now",
        return_value=datetime(day.year, day.month, day.day, 12, tzinfo=UTC),
    )


def _campaign(office, questionnaire, closes: date, name: str) -> Campaign:
    return Campaign.objects.create(
        questionnaire=questionnaire,
        name=name,
        opens=closes - timedelta(days=60),
        closes=closes,
        audience=Audience.BUSINESSES,
        organiser=office,
    )


def _took_part(business, campaign, token: str) -> Diagnostic:
    """A link and a submitted diagnostic with every answer and a comment."""
    BusinessLink.objects.create(
        campaign=campaign,
        business=business,
        token_hash=token * 64,
        expires_at=datetime(campaign.closes.year, 12, 31, tzinfo=UTC),
    )
    diagnostic = Diagnostic.objects.create(
        organisation=business,
        campaign=campaign,
        questionnaire=campaign.questionnaire,
        status=Diagnostic.Status.SUBMITTED,
        submitted_at=datetime(campaign.closes.year, campaign.closes.month, 1, tzinfo=UTC),
        overall_score=50,
    )
    factories.answer_all(diagnostic)
    diagnostic.answers.update(comment="Un commentaire")
    for axis in campaign.questionnaire.axes.all():
        AxisScore.objects.create(diagnostic=diagnostic, axis=axis, score=50, answered=3, total=3)
    return diagnostic


@pytest.fixture
def world(settings):
    """Campaign « 2022 » closed on 10 January 2023, « 2025 » on 1 June 2025; with 36
    months, the first is past on 11 January 2026. « Ancien » took part in 2022 only,
    « Fidèle » in both, « Jamais invité » in none; another office's office diagnostic
    is not a business's."""
    settings.SNUT_BUSINESS_RETENTION_MONTHS = 36
    office = factories.make_office("Office de tourisme de Castelroc")
    questionnaire = factories.build_questionnaire(audience=Audience.BUSINESSES)
    old = _campaign(office, questionnaire, date(2023, 1, 10), "2022")
    recent = _campaign(office, questionnaire, date(2025, 6, 1), "2025")
    former = factories.make_business(office, "Ancien")
    loyal = factories.make_business(office, "Fidèle")
    never = factories.make_business(office, "Jamais invité")
    return {
        "office": office,
        "former": former,
        "loyal": loyal,
        "never": never,
        "former_old": _took_part(former, old, "a"),
        "loyal_old": _took_part(loyal, old, "b"),
        "loyal_recent": _took_part(loyal, recent, "c"),
    }


def test_months_before():
    assert months_before(date(2026, 1, 11), 36) == date(2023, 1, 11)
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert months_before(date(2026, 1, 15), 13) == date(2024, 12, 15)


def test_nothing_goes_on_the_last_day_of_the_period(world):
    with frozen(date(2026, 1, 10)):
        erased = personal_data_purge()
    assert erased.diagnostics == erased.businesses == 0
    assert Diagnostic.objects.count() == 3


def test_the_dry_run_counts_and_deletes_nothing(world, caplog):
    out = io.StringIO()
    with frozen(date(2026, 1, 11)), caplog.at_level(logging.INFO):
        call_command("purge_personal_data", "--dry-run", stdout=out)

    assert out.getvalue().strip() == (
        "Campagnes de prestataires closes avant le 11/01/2023\u00a0: 1 prestataire(s), "
        "2 diagnostic(s), 12 réponse(s) et 2 lien(s) seraient effacés."
    )
    assert Diagnostic.objects.count() == 3
    assert Answer.objects.count() == 18
    assert Organisation.objects.filter(name="Ancien").exists()
    (record,) = [r for r in caplog.records if "purge" in r.getMessage()]
    assert "dry run" in record.getMessage()
    assert "Ancien" not in record.getMessage() and "@" not in record.getMessage()


def test_the_purge_erases_past_campaigns_and_keeps_the_rest(world, caplog):
    out = io.StringIO()
    with frozen(date(2026, 1, 11)), caplog.at_level(logging.INFO):
        call_command("purge_personal_data", stdout=out)

    assert "1 prestataire(s), 2 diagnostic(s), 12 réponse(s) et 2 lien(s) effacés." in (
        out.getvalue()
    )
    # « Ancien » had nothing more recent: its contact data goes.
    assert not Organisation.objects.filter(pk=world["former"].pk).exists()
    assert not Organisation.objects.filter(email=world["former"].email).exists()
    # « Fidèle » keeps its contact data and its 2025 diagnostic, loses 2022.
    assert not Diagnostic.objects.filter(pk=world["loyal_old"].pk).exists()
    assert Answer.objects.filter(diagnostic=world["loyal_recent"]).count() == 6
    assert set(BusinessLink.objects.values_list("campaign__name", flat=True)) == {"2025"}
    assert not Answer.objects.filter(diagnostic__campaign__name="2022").exists()
    assert not AxisScore.objects.filter(diagnostic__campaign__name="2022").exists()
    # A business never invited stays in the office's list; the campaign itself stays.
    assert Organisation.objects.filter(pk=world["never"].pk).exists()
    assert Campaign.objects.filter(name="2022").exists()
    messages = " ".join(r.getMessage() for r in caplog.records)
    assert "1 business(es), 2 diagnostic(s), 12 answer(s), 2 link(s)" in messages
    assert "Fidèle" not in messages and "Ancien" not in messages and "@" not in messages

    # The next day, nothing more.
    with frozen(date(2026, 1, 12)):
        assert personal_data_purge().diagnostics == 0


def test_the_purge_leaves_the_offices_own_diagnostics(world):
    network = factories.closed_campaign(factories.build_questionnaire())
    Campaign.objects.filter(pk=network.pk).update(opens=date(2019, 1, 1), closes=date(2019, 2, 1))
    Diagnostic.objects.create(
        organisation=world["office"], campaign=network, questionnaire=network.questionnaire
    )
    with frozen(date(2026, 1, 11)):
        personal_data_purge()
    assert Diagnostic.objects.filter(organisation=world["office"]).count() == 1


def test_the_period_is_the_setting(world, settings):
    settings.SNUT_BUSINESS_RETENTION_MONTHS = 48
    with frozen(date(2026, 1, 11)):
        assert personal_data_purge().diagnostics == 0
    settings.SNUT_BUSINESS_RETENTION_MONTHS = 6
    with frozen(date(2026, 1, 11)):
        assert personal_data_purge(dry_run=True).diagnostics == 3
