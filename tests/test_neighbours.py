"""Department adjacency: data, symmetric, and right for the borders pooling relies on."""

import pytest
from django.core.management import call_command

from diagnostics.models import Department

OVERSEAS = {"971", "972", "973", "974", "976"}


def adjacency() -> dict[str, set[str]]:
    pairs = Department.neighbours.through.objects.values_list(
        "from_department__code", "to_department__code"
    )
    found: dict[str, set[str]] = {}
    for code, other in pairs:
        found.setdefault(code, set()).add(other)
    return found


@pytest.mark.django_db
def test_every_metropolitan_department_has_its_neighbours_and_overseas_none():
    found = adjacency()
    codes = set(Department.objects.values_list("code", flat=True))
    assert set(found) == codes - OVERSEAS
    assert all(b in found[a] for a, others in found.items() for b in others)  # symmetric
    assert sum(len(v) for v in found.values()) == 2 * 239


@pytest.mark.django_db
@pytest.mark.parametrize(
    "code, neighbours",
    [
        ("33", {"17", "24", "40", "47"}),
        ("24", {"16", "17", "19", "33", "46", "47", "87"}),
        ("64", {"32", "40", "65"}),
        ("87", {"16", "19", "23", "24", "36", "86"}),  # Indre: across regions
        ("77", {"02", "10", "45", "51", "60", "89", "91", "93", "94", "95"}),
        ("13", {"04", "30", "83", "84"}),  # the points near Cadarache count
        ("57", {"54", "67"}),
        ("2A", {"2B"}),
    ],
)
def test_known_borders(code, neighbours):
    assert adjacency()[code] == neighbours


@pytest.mark.django_db(transaction=True)
def test_the_fixture_loads_the_same_borders_as_the_migration():
    migrated = adjacency()
    Department.neighbours.through.objects.all().delete()
    call_command("loaddata", "territoires", verbosity=0)
    assert adjacency() == migrated
