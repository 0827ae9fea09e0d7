import pytest

from diagnostics import services
from diagnostics.models import Diagnostic
from tests import factories


@pytest.fixture
def staff(db):
    user = factories.make_user("mopa-test", is_staff=True)
    user.groups.add(services.network_group_sync())
    return user


@pytest.fixture
def submitted(diagnostic, director):
    factories.answer_all(diagnostic, pick=lambda choices: choices[1])
    return services.diagnostic_submit(diagnostic=diagnostic, user=director)


def submit_peers(campaign, count, *, segment, pick=lambda choices: choices[2]) -> list[Diagnostic]:
    """`count` other offices of `segment` that submitted in `campaign`."""
    result = []
    for _ in range(count):
        office = factories.make_office(segment=segment)
        user = factories.make_user(office=office)
        diagnostic = Diagnostic.objects.create(
            organisation=office, campaign=campaign, questionnaire=campaign.questionnaire
        )
        factories.answer_all(diagnostic, pick=pick)
        result.append(services.diagnostic_submit(diagnostic=diagnostic, user=user))
    return result
