"""The demo, seeded once per test process (each pytest-xdist worker) and restored by every
test that wants it (tests/snapshot.py): the browser tests, the admin's accessibility sweep
and the HTML check all read the same demo, which took seconds to seed in each module."""

import pytest
from django.core.management import call_command

from diagnostics.management.commands.seed_demo import seed
from diagnostics.models import Questionnaire
from tests.factories import territories_loaded
from tests.snapshot import Snapshot


def seed_demo_data() -> Questionnaire:
    """The demo as `make demo` seeds it: last year on version 1, this year on version 2."""
    territories_loaded()
    call_command("snut_setup", "--all-versions", verbosity=0)
    first, second = (Questionnaire.objects.get(code="snut-ot", version=v) for v in (1, 2))
    seed(second, previous_questionnaire=first)
    return second


@pytest.fixture(scope="session")
def demo_snapshot(django_db_setup, django_db_blocker):
    """The demo's rows and this year's questionnaire's id. Seeded, copied, then emptied: the
    database is left as the tests before found it (the territories only, which come back
    after every flush), and each test that wants the demo restores the copy."""
    with django_db_blocker.unblock():
        questionnaire = seed_demo_data()
        snapshot = Snapshot.take()
        call_command("flush", interactive=False, verbosity=0)
    return snapshot, questionnaire.pk
