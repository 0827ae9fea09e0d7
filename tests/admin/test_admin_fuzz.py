"""The staff's admin answers bad input with a French 400/403/404, never a 500: a NUL byte
(which PostgreSQL refuses) or a word where an id is expected, in any list filter of any
list, in the search box, and in the autocompletes (issue 19, item 4)."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from tests import factories

BAD_VALUES = ["\x00", "abc", "1\x00", "-1", "9" * 30]
# The superuser reads every list with every bad value; the network staff, whose permissions
# take other paths (a list they may not change, a page they may not open), with a NUL byte,
# which PostgreSQL refuses, in each of their lists' parameters.
VALUES_FOR = {"superuser": BAD_VALUES, "network_staff": ["\x00"]}


def changelists(user):
    """(url, the list filters' query parameters) of every list the user may view."""
    request = RequestFactory().get("/")
    request.user = user
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_view_permission(request):
            continue
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        changelist = model_admin.get_changelist_instance(request)
        parameters = {
            parameter
            for spec in changelist.filter_specs
            for parameter in spec.expected_parameters()
        }
        yield url, sorted(parameters)


@pytest.mark.parametrize("who", ["network_staff", "superuser"])
def test_every_list_filter_survives_bad_values(db, client, who, request):
    user = request.getfixturevalue(who)
    client.force_login(user)
    seen = 0
    for url, parameters in changelists(user):
        for parameter in [*parameters, "q", "o", "p", "campagne"]:
            for value in VALUES_FOR[who]:
                response = client.get(url, {parameter: value})
                seen += 1
                assert response.status_code in (200, 302, 400, 404), (url, parameter, value)
    assert seen > 100


@pytest.mark.parametrize(
    "params",
    [
        {"app_label": "diagnostics", "model_name": "membership", "field_name": "user"},
        {
            "app_label": "diagnostics",
            "model_name": "membership",
            "field_name": "user",
            "term": "\x00",
        },
        {"app_label": "diagnostics", "model_name": "membership", "field_name": "\x00"},
        {"app_label": "\x00", "model_name": "membership", "field_name": "user"},
    ],
)
def test_the_autocomplete_survives_bad_values(client, network_staff, params):
    client.force_login(network_staff)
    response = client.get(reverse("admin:autocomplete"), params)
    assert response.status_code in (200, 400, 403, 404)


@pytest.mark.parametrize("value", ["abc", "\x00", "1\x00"])
def test_a_change_page_with_a_bad_id_answers_404_or_redirects(client, network_staff, value):
    client.force_login(network_staff)
    for model in admin.site._registry:
        opts = model._meta
        url = f"/admin/{opts.app_label}/{opts.model_name}/{value}/change/"
        response = client.get(url)
        assert response.status_code in (302, 400, 403, 404), url


def test_staff_without_the_permission_get_403_on_the_businesses_weak_spots(client, db):
    outsider = factories.make_user("stagiaire", is_staff=True)  # staff, in no group
    client.force_login(outsider)
    response = client.get(reverse("admin:diagnostics_businesscampaign_weakest"))
    assert response.status_code == 403
