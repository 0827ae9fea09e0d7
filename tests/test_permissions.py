"""The permissions kept per user (snut/permissions.py): read once until they change, taken
away at once, never another user's; the sessions signed in before still open; a password
checked once."""

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from diagnostics.services import network_group_sync
from snut import permissions
from tests import factories

VIEW_OFFICE = "diagnostics.view_office"
OFFICES = "admin:diagnostics_office_changelist"


@pytest.fixture
def staff(db):
    user = factories.make_user("reseau", is_staff=True)
    user.groups.add(network_group_sync())
    return user


@pytest.fixture
def shared(settings):
    """The cache taken as shared by every process (CACHE_URL): the only one the
    permissions are kept in. Here the test's own process is every process."""
    settings.CACHE_URL = "redis://127.0.0.1:6379/3"


def as_loaded(user):
    """The user as a request loads them: a new object, read from its row."""
    return get_user_model().objects.get(pk=user.pk)


@pytest.mark.usefixtures("shared")
def test_a_user_s_permissions_are_read_once_then_kept(staff):
    with CaptureQueriesContext(connection) as first:
        assert as_loaded(staff).has_perm(VIEW_OFFICE)
    reader = as_loaded(staff)
    with CaptureQueriesContext(connection) as again:
        assert reader.has_perm(VIEW_OFFICE)
        assert not reader.has_perm("auth.delete_user")
    assert len(first) == 3  # the user's row, their own permissions, their groups'
    assert len(again) == 0


@pytest.mark.usefixtures("shared")
@pytest.mark.parametrize(
    "taken_away",
    ["group left", "group's permission", "own permission", "superuser no more", "inactive"],
)
def test_a_permission_taken_away_is_refused_on_the_next_request(staff, taken_away):
    own = Permission.objects.get(codename="delete_user")
    staff.user_permissions.add(own)
    if taken_away == "superuser no more":
        get_user_model().objects.filter(pk=staff.pk).update(is_superuser=True)
    loaded = as_loaded(staff)
    # Read through the backend (a superuser's has_perm never asks it), then kept.
    assert {VIEW_OFFICE, "auth.delete_user"} <= loaded.get_all_permissions()
    assert loaded.has_perm(VIEW_OFFICE) and loaded.has_perm("auth.delete_user")
    group = Group.objects.get(name=network_group_sync().name)
    if taken_away == "group left":
        staff.groups.remove(group)
    elif taken_away == "group's permission":
        group.permissions.remove(Permission.objects.get(codename="view_office"))
    elif taken_away == "own permission":
        staff.user_permissions.remove(own)
    elif taken_away == "superuser no more":
        get_user_model().objects.filter(pk=staff.pk).update(is_superuser=False)
        staff.groups.clear()
    else:
        get_user_model().objects.filter(pk=staff.pk).update(is_active=False)
    refused = "auth.delete_user" if taken_away == "own permission" else VIEW_OFFICE
    assert not as_loaded(staff).has_perm(refused)


@pytest.mark.usefixtures("shared")
def test_one_user_s_permissions_are_never_another_s(staff):
    assert as_loaded(staff).has_perm(VIEW_OFFICE)
    other = factories.make_user("stagiaire", is_staff=True)  # staff, in no group
    assert not as_loaded(other).has_perm(VIEW_OFFICE)
    assert as_loaded(other).get_all_permissions() == set()


@pytest.mark.usefixtures("shared")
def test_a_session_signed_in_by_django_s_backend_before_stays_open(client, staff):
    client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(reverse(OFFICES)).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse(OFFICES)).status_code == 200
    assert not [q for q in queries if "auth_permission" in q["sql"]]  # read kept here


@pytest.mark.parametrize("password", ["secret-pass", "wrong-pass"])
def test_a_login_checks_the_password_once(client, staff, monkeypatch, password):
    checked = []
    user_model = get_user_model()
    check = user_model.check_password
    monkeypatch.setattr(
        user_model, "check_password", lambda user, raw: checked.append(raw) or check(user, raw)
    )
    response = client.post(reverse("login"), {"username": "reseau", "password": password})
    assert checked == [password]
    if password == "secret-pass":
        assert response.status_code == 302
        assert client.session[BACKEND_SESSION_KEY] == permissions.PATH
    else:
        assert response.status_code == 200 and BACKEND_SESSION_KEY not in client.session


@pytest.mark.usefixtures("shared")
@pytest.mark.parametrize("half", ["get_user_permissions", "get_group_permissions"])
def test_a_half_read_first_still_leaves_the_kept_set_following_both(staff, half):
    """A request that asks for the user's own permissions (or their groups') first fills
    that half on the user: the kept set is still drawn from both tables, and follows
    either's change."""
    own = Permission.objects.get(codename="delete_user")
    staff.user_permissions.add(own)
    loaded = as_loaded(staff)
    getattr(loaded, half)()
    assert loaded.has_perm("auth.delete_user") and loaded.has_perm(VIEW_OFFICE)
    if half == "get_user_permissions":
        staff.user_permissions.remove(own)
        refused = "auth.delete_user"
    else:
        staff.groups.clear()
        refused = VIEW_OFFICE
    assert not as_loaded(staff).has_perm(refused)


def test_without_a_shared_cache_they_are_read_on_each_request(staff, settings):
    """Each process's own memory cannot see a permission taken away by another process (a
    shell, a command, another worker): the set is read from the database every time."""
    settings.CACHE_URL = ""
    assert as_loaded(staff).has_perm(VIEW_OFFICE)
    reader = as_loaded(staff)
    with CaptureQueriesContext(connection) as again:
        assert reader.has_perm(VIEW_OFFICE)
    assert len(again) == 2  # their own permissions, their groups'
