import pytest
from django.urls import reverse

URL = reverse("diagnostics:accessibility")


@pytest.mark.django_db
def test_it_is_public_and_states_the_measured_conformance(client):
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Déclaration d’accessibilité" in page
    assert "<strong>non conforme</strong>" in page
    assert "axe-core" in page and "Nu HTML Checker" in page


@pytest.mark.django_db
def test_it_is_linked_in_every_footer(client, director):
    client.force_login(director)
    page = client.get(reverse("login")).content.decode()
    assert f'href="{URL}"' in page
    assert "Accessibilité\u00a0: non conforme" in page  # the footer says what the page says


@pytest.mark.django_db
def test_it_gives_the_network_contact(client, settings):
    settings.SNUT_NETWORK_CONTACT = "accessibilite@reseau.example"
    assert 'href="mailto:accessibilite@reseau.example"' in client.get(URL).content.decode()


@pytest.mark.django_db
def test_without_a_contact_setting_it_points_to_the_network(client, settings):
    settings.SNUT_NETWORK_CONTACT = ""
    page = client.get(URL).content.decode()
    assert "mailto:" not in page
    assert "contactez le réseau régional" in page
