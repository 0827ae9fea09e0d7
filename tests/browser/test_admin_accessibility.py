"""The staff's pages, the admin's own included (issue 19, item 12): every changelist, a change
form of each model with inlines, the dashboard and the staff's own pages pass axe at 1366 and
320 px with WCAG 2.2's target size on, and the widest lists fit a 1366 px laptop (item 8).

The demo is seeded once for the module and committed, and the tests read it through the live
server; none asks for a transactional database, which would be emptied after each test. The
module runs after every other database test (marker `seeded_once`, tests/browser/conftest.py)
and empties the database at its end, as a transactional test leaves it.
"""

import threading
import time

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import modify_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from diagnostics.management.demo_offices import DEMO_STAFF
from diagnostics.models import Diagnostic, Office
from diagnostics.services import network_group_sync
from tests import factories
from tests.browser.axe import TARGET_SIZE, check, login

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.seeded_once,
    pytest.mark.browser,
    pytest.mark.xdist_group("browser-admin-accessibility"),
]
User = get_user_model()
LAPTOP = {"width": 1366, "height": 900}


@pytest.fixture
def browser_context_args(browser_context_args):
    """The Content-Security-Policy forbids inline scripts: axe is injected past it, as a tool."""
    return {**browser_context_args, "bypass_csp": True}


def staff_can_view(staff, model) -> bool:
    return staff.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}")


def readable(staff):
    return [(m, a) for m, a in admin.site._registry.items() if staff_can_view(staff, m)]


def admin_pages_changelists(staff) -> list[str]:
    return [
        reverse(f"admin:{m._meta.app_label}_{m._meta.model_name}_changelist")
        for m, _ in readable(staff)
    ]


def admin_pages(staff) -> dict[str, list[str]]:
    """The admin paths staff open, by kind, read from the admin's own registry."""
    registry = readable(staff)
    changelists = admin_pages_changelists(staff)
    with_inlines = [
        reverse(f"admin:{m._meta.app_label}_{m._meta.model_name}_change", args=[first.pk])
        for m, model_admin in registry
        if model_admin.inlines and (first := m._default_manager.order_by("pk").first())
    ]
    offices = list(Office.objects.order_by("pk").values_list("pk", flat=True)[:3])
    submitted = Diagnostic.objects.filter(status="submitted", organisation__in=Office.objects.all())
    failed = DBTaskResult.objects.get(status=TaskResultStatus.FAILED)
    office = "/admin/diagnostics/office"
    staff_pages = [
        "/admin/",
        f"{office}/tableau-de-bord/",
        f"{office}/comparer/?offices={','.join(map(str, offices))}",
        f"{office}/comparer/?evolution={offices[0]}",
        "/admin/diagnostics/training/besoins/",
        "/admin/diagnostics/training/besoins/?region=75",
        "/admin/diagnostics/action/mutualisation/",
        # A region's clusters, a page at a time, and a filter refused with its message.
        "/admin/diagnostics/action/mutualisation/?region=75",
        "/admin/diagnostics/action/mutualisation/?region=75&departement=67",
        "/admin/diagnostics/businesscampaign/points-faibles/",
        f"/admin/diagnostics/diagnostic/{submitted.order_by('pk').first().pk}/change/",
        # « Mes exports » with one export pending, its reloading stopped: axe flags any
        # timed <meta refresh> (rule meta-refresh); the page's link stops it (WCAG 2.2.1).
        f"{office}/exports/?actualiser=non",
        # « Tâches en arrière-plan »: a failed task, as staff open it to read why.
        reverse("admin:django_tasks_database_dbtaskresult_change", args=[failed.pk]),
        # Staff read every office's results and answers.
        f"/diagnostics/{submitted.order_by('pk').first().pk}/resultats/",
        f"/diagnostics/{submitted.order_by('pk').first().pk}/reponses/",
        # And the express profiles, apart (the demo's express campaign).
        f"/diagnostics/{submitted.filter(questionnaire__abbreviates__isnull=False).first().pk}/express/",
    ]
    return {"changelists": changelists, "with_inlines": with_inlines, "staff": staff_pages}


def requests_closed(timeout: float = 5) -> None:
    """Waits for the live server's request threads to end. Each closes the database
    connection the server shares with the tests as it ends (in-memory SQLite): once the
    server is stopped, that connection may no longer be used from another thread, and a
    thread still closing after the last browser context (its keep-alive connection closed
    with it) raised in the middle of whatever test ran then."""
    deadline = time.monotonic() + timeout
    for thread in threading.enumerate():
        if thread.name.endswith("(process_request_thread)"):
            thread.join(max(0.0, deadline - time.monotonic()))


@pytest.fixture(scope="module")
def seeded(demo_snapshot, django_db_blocker):
    """The demo, one export in each state and a task in each status, and a live server of the
    module's own that reads it: a test that asks for pytest-django's `live_server` gets a
    transactional database, emptied after it."""
    with django_db_blocker.unblock():
        demo_snapshot[0].restore()
        staff = User.objects.get(username=DEMO_STAFF)
        factories.staff_exports(staff)
        for status in TaskResultStatus.values:
            DBTaskResult.objects.create(
                status=status,
                args_kwargs={"args": [], "kwargs": {}},
                task_path="diagnostics.tasks.export_build",
                backend_name="default",
                run_after=timezone.now(),
                exception_class_path="",
                traceback="",
            )
        pages = admin_pages(staff)
        server = LiveServer("localhost")
        with modify_settings(ALLOWED_HOSTS={"append": server.thread.host}):
            yield server.url, pages
        requests_closed()
        server.stop()
        call_command("flush", interactive=False, verbosity=0)


def test_the_sweep_covers_every_admin_list_staff_may_read():
    """The pages come from the admin's registry: a new ModelAdmin joins the sweep by itself."""
    staff = factories.make_user("reseau", is_staff=True)
    staff.groups.add(network_group_sync())
    changelists = admin_pages_changelists(staff)
    for expected in ("office", "diagnostic", "answer", "membership", "training", "dbtaskresult"):
        assert any(f"/{expected}/" in path for path in changelists), expected


def test_every_changelist_has_no_serious_violation(page: Page, seeded):
    base, pages = seeded
    assert len(pages["changelists"]) >= 15
    login(page, base, DEMO_STAFF)
    check(page, [base + path for path in pages["changelists"]], TARGET_SIZE)


def test_every_change_form_with_inlines_has_no_serious_violation(page: Page, seeded):
    base, pages = seeded
    assert any("/office/" in path for path in pages["with_inlines"])
    assert any("/training/" in path for path in pages["with_inlines"])
    login(page, base, DEMO_STAFF)
    check(page, [base + path for path in pages["with_inlines"]], TARGET_SIZE)


def test_the_dashboard_and_the_staff_pages_have_no_serious_violation(page: Page, seeded):
    base, pages = seeded
    login(page, base, DEMO_STAFF)
    check(page, [base + path for path in pages["staff"]], TARGET_SIZE)


@pytest.mark.parametrize(
    "path",
    [
        "/admin/diagnostics/diagnostic/",
        "/admin/diagnostics/business/",
        "/admin/diagnostics/answer/",
        "/admin/diagnostics/office/",
        "/admin/diagnostics/campaign/",
        "/admin/django_tasks_database/dbtaskresult/",
    ],
)
def test_the_widest_lists_fit_a_laptop(page: Page, seeded, path):
    """At 1366 px neither the page nor the list's own box scrolls sideways: on « Réponses »
    the answer itself was off-screen."""
    base, _ = seeded
    login(page, base, DEMO_STAFF)
    page.set_viewport_size(LAPTOP)
    page.goto(base + path)
    assert page.url == base + path
    widths = page.evaluate(
        """() => {
          const box = document.querySelector('#changelist .results');
          return {page: document.documentElement.scrollWidth,
                  list: box.scrollWidth, shown: box.clientWidth}
        }"""
    )
    assert widths["page"] <= LAPTOP["width"], widths
    assert widths["list"] <= widths["shown"], widths


def test_staff_land_on_the_dashboard(page: Page, seeded):
    base, _ = seeded
    login(page, base, DEMO_STAFF)
    assert page.url == base + "/admin/diagnostics/office/tableau-de-bord/"
    page.goto(base + "/admin/")
    assert page.get_by_role("link", name="Tableau de bord régional").is_visible()
