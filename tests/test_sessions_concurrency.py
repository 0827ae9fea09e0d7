"""Two businesses taking a session's last seat at the same moment, on PostgreSQL: the
session's row lock lets one have it and puts the other on the waiting list."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from diagnostics import services
from diagnostics.models import SessionRegistration, Training
from tests import factories
from tests.test_concurrency import run_together

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks need PostgreSQL; SQLite serialises writers anyway",
    ),
    pytest.mark.django_db(transaction=True),
]


def test_two_businesses_after_the_last_seat_one_gets_it_the_other_waits():
    office = factories.make_office()
    workshop = Training.objects.create(
        title="Répondre aux avis", format="workshop", audience="businesses", organiser=office
    )
    session = factories.make_session(workshop, days=10, capacity=2)
    first, second, third = (factories.make_business(office) for _ in range(3))
    services.registration_sign_up(session=session, business=first, source="page")

    def sign_up(business):
        return lambda: services.registration_sign_up(
            session=session, business=business, source="invitation"
        )

    results = run_together(sign_up(second), sign_up(third))

    assert not any(isinstance(r, Exception) for r in results), results
    statuses = sorted(r.status for r in results)
    assert statuses == [SessionRegistration.Status.REGISTERED, SessionRegistration.Status.WAITING]
    assert session.registrations.filter(status="registered").count() == 2
    assert session.starts > timezone.now() + timedelta(days=9)


def test_a_cancellation_and_a_sign_up_at_once_never_overbook():
    office = factories.make_office()
    workshop = Training.objects.create(
        title="Sécuriser ses comptes", format="workshop", audience="businesses", organiser=office
    )
    session = factories.make_session(workshop, days=10, capacity=1)
    holder, waiting, newcomer = (factories.make_business(office) for _ in range(3))
    services.registration_sign_up(session=session, business=holder, source="page")
    services.registration_sign_up(session=session, business=waiting, source="page")

    run_together(
        lambda: services.registration_cancel(session=session, business=holder, base_url=""),
        lambda: services.registration_sign_up(session=session, business=newcomer, source="page"),
    )

    registered = set(
        session.registrations.filter(status="registered").values_list("business", flat=True)
    )
    assert registered == {waiting.pk}  # the waiting list first, never two in one seat
