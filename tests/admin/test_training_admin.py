"""The catalogue in the admin: who organises each training or workshop, and for whom."""

import pytest

from diagnostics.models import Audience, Training
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_catalogue_shows_and_filters_the_organiser_and_the_audience(client, network_staff):
    office = factories.make_office("Office de tourisme de Castelroc")
    Training.objects.create(title="Atelier du réseau", format="workshop", audience="businesses")
    Training.objects.create(
        title="Atelier de Castelroc",
        format="workshop",
        audience=Audience.BUSINESSES,
        organiser=office,
    )
    Training.objects.create(title="Formation des équipes", format="course")
    client.force_login(network_staff)
    url = "/admin/diagnostics/training/"

    everything = client.get(url)
    network = client.get(url, {"organisateur": "reseau"})
    offices = client.get(url, {"organisateur": "offices"})
    businesses = client.get(url, {"audience__exact": "businesses"})

    assert "Office de tourisme de Castelroc" in everything.text and "Réseau" in everything.text
    assert "Prestataires" in everything.text  # the audience column
    assert "Atelier de Castelroc" not in network.text and "Atelier du réseau" in network.text
    assert "Atelier du réseau" not in offices.text and "Atelier de Castelroc" in offices.text
    assert "Formation des équipes" not in businesses.text
