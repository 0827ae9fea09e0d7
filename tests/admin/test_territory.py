"""Any region of France: departments are data, the network's territory and name are settings."""

from django.urls import reverse

from diagnostics.network import network_departments


def test_the_network_territory_limits_the_departments_offered(client, network_staff, settings):
    settings.SNUT_NETWORK_REGIONS = ["53"]  # Bretagne
    assert sorted(network_departments().values_list("code", flat=True)) == ["22", "29", "35", "56"]
    client.force_login(network_staff)
    page = client.get(reverse("admin:diagnostics_office_add")).content.decode()
    assert "Finistère (29)" in page and "Gironde (33)" not in page


def test_without_a_territory_every_department_is_offered(client, network_staff, settings):
    settings.SNUT_NETWORK_REGIONS = []
    assert network_departments().count() == 101
    client.force_login(network_staff)
    page = client.get(reverse("admin:diagnostics_office_add")).content.decode()
    assert "Finistère (29)" in page and "Gironde (33)" in page and "Mayotte (976)" in page


def test_the_network_is_named_from_the_settings(client, network_staff, settings):
    settings.SNUT_NETWORK_NAME = "Réseau des offices de tourisme de Bretagne"
    settings.SNUT_NETWORK_CONTACT = "contact@reseau-ot-bretagne.example"
    page = client.get(reverse("login")).content.decode()
    assert "Réseau des offices de tourisme de Bretagne" in page
    assert 'href="mailto:contact@reseau-ot-bretagne.example"' in page
    client.force_login(network_staff)
    assert "Réseau des offices de tourisme de Bretagne" in client.get("/admin/").content.decode()
