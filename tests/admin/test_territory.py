"""Any region of France: departments are data, the network's territory and name are settings."""

from django.urls import reverse

from diagnostics.network import (
    NetworkDepartment,
    departments_named,
    network_department_list,
    network_departments,
)


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


def test_the_network_s_departments_are_kept_as_the_database_has_them(
    db, settings, django_assert_num_queries
):
    """network_department_list keeps records, not model instances: the database's codes,
    names and regions, one region object per region, named as the models name themselves;
    no query once kept, a department renamed read again."""
    from diagnostics.models import Department

    settings.SNUT_NETWORK_REGIONS = ["53", "75"]  # Bretagne, Nouvelle-Aquitaine

    def fields(departments):
        return [
            (d.code, d.name, d.region.code, d.region.name, str(d), str(d.region))
            for d in departments
        ]

    expected = fields(network_departments())
    kept = network_department_list()
    assert fields(kept) == expected and len(expected) == 16
    # Records, not model instances: a tenth of the time to keep and read back.
    assert all(isinstance(d, NetworkDepartment) for d in kept)
    with django_assert_num_queries(0):
        departments = network_department_list()
    assert fields(departments) == expected
    assert len({id(d.region) for d in departments}) == 2
    Department.objects.filter(code="29").update(name="Penn-ar-Bed")
    assert "Penn-ar-Bed (29)" in [str(d) for d in network_department_list()]


def test_departments_are_named_from_the_network_s_and_read_when_one_is_outside_it(
    db, settings, django_assert_num_queries
):
    """departments_named: what training needs and pooling show of a department. Inside the
    network's regions, from its kept records; an office outside them (a department the
    network does not cover) makes it read them all, as the same records, in code order."""
    settings.SNUT_NETWORK_REGIONS = ["53"]  # Bretagne
    network = network_department_list()
    with django_assert_num_queries(0):
        inside = departments_named({"56", "29"}, network)
    assert [str(d) for d in inside] == ["Finistère (29)", "Morbihan (56)"]
    with django_assert_num_queries(1):
        across = departments_named({"56", "33", "29"}, network)
    assert [(str(d), d.region.name) for d in across] == [
        ("Finistère (29)", "Bretagne"),
        ("Gironde (33)", "Nouvelle-Aquitaine"),
        ("Morbihan (56)", "Bretagne"),
    ]
    assert all(isinstance(d, NetworkDepartment) for d in across)
