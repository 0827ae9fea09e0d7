"""The admin's chrome is the project's too (issue 19, items 8 and 12): its stylesheet and script
on every admin page, named fields in tabular inlines, the background tasks in French, and staff
landing on their dashboard."""

import re

import pytest
from django.conf import settings
from django.contrib import admin
from django.urls import resolve, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, pgettext
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from diagnostics.models import Training
from tests import factories

pytestmark = pytest.mark.django_db
DASHBOARD = "/admin/diagnostics/office/tableau-de-bord/"


def field_tag(page: str, name: str) -> str:
    """The opening tag of the form field named `name` (input, select or textarea)."""
    match = re.search(rf'<(?:input|select|textarea)[^>]*name="{re.escape(name)}"[^>]*>', page)
    assert match, name
    return match.group(0)


@pytest.mark.parametrize(
    "url",
    ["/admin/", "/admin/auth/user/", "/admin/django_tasks_database/dbtaskresult/", DASHBOARD],
)
def test_every_admin_page_carries_the_projects_stylesheet_and_script(
    client, superuser, campaign, url
):
    client.force_login(superuser)
    page = client.get(url).text
    assert page.count("css/snut-admin.css") == 1  # once, not again from a ModelAdmin's Media
    assert "js/snut-admin.js" in page


def test_the_office_inlines_name_every_field_of_every_row(client, network_staff, office):
    factories.make_user("directrice", office=office)
    client.force_login(network_staff)
    page = client.get(reverse("admin:diagnostics_office_change", args=[office.pk])).text

    assert 'aria-label="Utilisateur"' in field_tag(page, "memberships-0-user")
    assert 'aria-label="Rôle"' in field_tag(page, "memberships-0-role")
    assert 'aria-label="Supprimer"' in field_tag(page, "memberships-0-DELETE")
    assert "aria-label=" in field_tag(page, "invitations-__prefix__-email")
    assert "aria-label=" in field_tag(page, "invitations-__prefix__-role")
    # The empty row the « Ajouter » link copies is named too.
    assert 'aria-label="Rôle"' in field_tag(page, "memberships-__prefix__-role")


def test_the_training_sessions_inline_names_its_fields(client, superuser):
    training = Training.objects.create(title="Atelier avis clients", format="workshop")
    factories.make_session(training, days=30, place="Castelroc")
    client.force_login(superuser)
    page = client.get(reverse("admin:diagnostics_training_change", args=[training.pk])).text

    assert 'aria-label="Début (date)"' in field_tag(page, "sessions-0-starts_0")
    assert 'aria-label="Début (heure)"' in field_tag(page, "sessions-0-starts_1")
    assert 'aria-label="Fin (heure)"' in field_tag(page, "sessions-0-ends_1")
    assert 'aria-label="Lieu"' in field_tag(page, "sessions-0-place")
    assert 'aria-label="Supprimer"' in field_tag(page, "sessions-0-DELETE")
    assert "aria-label" not in field_tag(page, "sessions-0-id")  # hidden: nothing to name


def make_task(status: str) -> DBTaskResult:
    return DBTaskResult.objects.create(
        status=status,
        args_kwargs={"args": [], "kwargs": {"export_id": 1}},
        task_path="diagnostics.tasks.export_build",
        backend_name="default",
        run_after=timezone.now(),
        exception_class_path="",
        traceback="",
    )


def test_the_background_tasks_read_in_french(client, network_staff):
    tasks = {status: make_task(status) for status in TaskResultStatus.values}
    client.force_login(network_staff)

    listing = client.get(reverse("admin:django_tasks_database_dbtaskresult_changelist")).text
    detail = client.get(
        reverse(
            "admin:django_tasks_database_dbtaskresult_change",
            args=[tasks[TaskResultStatus.FAILED].pk],
        )
    ).text

    for french in ("En attente", "En cours", "Échouée", "Terminée", "tâches", "Par statut"):
        assert french in listing
    for english in ("Task Result", "Ready", "Running", "Failed", "Successful", "Task name"):
        assert english not in listing
    for french in ("Statut", "Demandée le", "Pas avant le", "Trace de l’erreur"):
        assert french in detail
    assert "Run after" not in detail and "Traceback" not in detail
    # Arguments and return value stay out of both (the lead's rule, tests/test_task_secrets.py).
    assert "export_id" not in listing and "export_id" not in detail
    assert "Arguments" not in detail and "Valeur renvoyée" not in detail


def sidebar(page: str) -> str:
    start = page.index('<nav class="sticky" id="nav-sidebar"')
    return page[start : page.index("</nav>", start)]


def test_the_sidebar_written_once_marks_each_page_and_follows_the_permissions(
    client, rf, superuser, network_staff, page_memo_off
):
    """The sidebar is written once per page path and set of permissions (snut/admin_site.py):
    each page still marks itself, and each reader sees the models their permissions open."""
    links = {}
    for user in (network_staff, superuser, network_staff):
        client.force_login(user)
        for _ in range(2):
            tasks = sidebar(client.get("/admin/django_tasks_database/dbtaskresult/").text)
            diagnostics = sidebar(client.get("/admin/diagnostics/diagnostic/").text)
        current = 'href="/admin/diagnostics/diagnostic/" aria-current="page"'
        assert current in diagnostics and current not in tasks
        request = rf.get("/admin/")
        request.user = user
        apps = admin.site.get_app_list(request)
        links[user] = set(re.findall(r'<th scope="row"[^>]*>\s*<a href="([^"]+)"', diagnostics))
        assert links[user] == {model["admin_url"] for app in apps for model in app["models"]}
    assert links[network_staff] < links[superuser]


def test_staff_land_on_the_dashboard_from_the_admin_login(client, network_staff):
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "reseau", "password": "secret-pass"}
    )
    assert response.status_code == 302 and response.url == DASHBOARD
    # The admin's index stays reachable.
    assert client.get("/admin/").status_code == 200


def test_a_deeper_page_asked_for_at_login_is_kept(client, network_staff):
    campaigns = reverse("admin:diagnostics_campaign_changelist")
    response = client.post(
        f"/admin/login/?next={campaigns}", {"username": "reseau", "password": "secret-pass"}
    )
    assert response.status_code == 302 and response.url == campaigns


def test_staff_land_on_the_dashboard_from_the_sites_login(client, network_staff, campaign):
    response = client.post(
        "/comptes/login/", {"username": "reseau", "password": "secret-pass"}, follow=True
    )
    assert response.redirect_chain[-1][0] == DASHBOARD
    assert response.status_code == 200


def test_staff_who_may_not_read_offices_land_on_the_admin_index(client):
    factories.make_user("stagiaire", is_staff=True)
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "stagiaire", "password": "secret-pass"}
    )
    assert response.url == "/admin/"


def test_members_still_land_on_their_office(client, office):
    client.force_login(factories.make_user("directrice", office=office))
    response = client.get("/")
    assert response.status_code == 302 and response.url == f"/offices/{office.slug}/"


PO_ENTRY = re.compile(r'(?:msgctxt "([^"]*)"\n)?msgid "([^"]+)"\nmsgstr "([^"]*)"')


def test_the_compiled_locale_says_what_its_source_says():
    """locale/fr/LC_MESSAGES/django.mo is committed: recompile it (msgfmt) with its .po."""
    source = (settings.BASE_DIR / "locale/fr/LC_MESSAGES/django.po").read_text(encoding="utf-8")
    entries = PO_ENTRY.findall(source)
    assert len(entries) >= 19
    with translation.override("fr"):
        for context, msgid, msgstr in entries:
            said = pgettext(context, msgid) if context else gettext(msgid)
            assert said == msgstr, msgid


def test_every_admin_form_takes_a_web_address_typed_without_its_scheme_as_https(rf, superuser):
    """As the project's own forms do, and as Django 6 will (Django 5 assumes http, and
    warns: pyproject.toml makes its warning an error): every admin and inline whose model
    has a URLField."""
    from django.db import models

    request = rf.get("/admin/")
    request.user, request.resolver_match = superuser, resolve("/admin/")
    typed = {}
    for model_admin in admin.site._registry.values():
        for each in (model_admin, *model_admin.get_inline_instances(request)):
            if each is model_admin:
                fields = each.get_form(request).base_fields
            else:
                fields = each.get_formset(request).form.base_fields
            for field in each.model._meta.fields:
                if isinstance(field, models.URLField) and field.name in fields:
                    typed[(each.model.__name__, field.name)] = fields[field.name].clean(
                        "www.ot-castelroc.fr"
                    )
    assert set(typed) >= {
        ("Office", "website"),
        ("Training", "link"),
        ("TrainingSession", "video_link"),
    }
    assert set(typed.values()) == {"https://www.ot-castelroc.fr"}
