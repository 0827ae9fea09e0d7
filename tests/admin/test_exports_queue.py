"""The staff's exports on the task queue: written into private storage, listed in
« Mes exports », downloaded by their requester only, retried, pruned."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.contrib import admin
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from diagnostics import services, spreadsheets
from diagnostics.models import Diagnostic, Export, Office
from diagnostics.selectors import regional
from tests import factories
from tests.admin.conftest import bulk_region, exported
from tests.test_tasks import DATABASE_TASKS, run_worker

EXPORTS = "admin:diagnostics_office_exports"
# The office list filtered on a department, searched and sorted on the overall score.
QUERY = {"department__code__exact": "64", "q": "Office", "o": "-4"}


def export_url(kind, fmt, query=None):
    url = reverse("admin:diagnostics_office_export", args=[kind, fmt])
    return f"{url}?{urlencode(query or {})}"


def download_url(export):
    return reverse("admin:diagnostics_office_export_download", args=[export.pk])


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def campaign(questionnaire):
    return factories.open_campaign(questionnaire, name="Campagne 2026")


@pytest.fixture
def region(campaign, office, director):
    """Offices in two departments, and one with answers (a comment that looks like a formula)."""
    bulk_region(campaign, 3, department="33")
    bulk_region(campaign, 4, start=10, department="64")
    diagnostic = Diagnostic.objects.create(
        organisation=office, campaign=campaign, questionnaire=campaign.questionnaire
    )
    factories.answer_all(diagnostic, pick=lambda choices: choices[1])
    diagnostic.answers.update(comment="=1+1")
    services.diagnostic_submit(diagnostic=diagnostic, user=director)
    return campaign


def streamed(user, campaign, kind, fmt, query) -> bytes:
    """What the export streamed inside the request before the queue: the office list's
    queryset for this query, written straight into the response."""
    model_admin = admin.site._registry[Office]
    request = RequestFactory().get("/", query)
    request.user = user
    offices = model_admin.get_changelist_instance(request).get_queryset(request)
    axes = regional.campaign_axes(campaign)
    if kind == "scores":
        # The list sorts by the axis scores but reads a page's after pagination.
        offices = list(offices)
        regional.with_axis_scores(offices, axes)
        rows = spreadsheets.score_rows(campaign, iter(offices), axes)
    else:
        rows = spreadsheets.answer_rows(campaign, list(offices.values_list("pk", flat=True)), axes)
    if fmt == "csv":
        response = spreadsheets.csv_response(rows, "x.csv")
    else:
        response = spreadsheets.xlsx_response(
            rows, "x.xlsx", "Scores" if kind == "scores" else "Réponses"
        )
    return b"".join(response.streaming_content)


def sheet_cells(content: bytes):
    sheet = load_workbook(io.BytesIO(content)).active
    cells = [[(c.value, c.number_format, c.data_type) for c in row] for row in sheet.iter_rows()]
    return cells, sheet.freeze_panes, sheet.auto_filter.ref


@pytest.mark.parametrize("kind", ["scores", "reponses"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_file_is_what_the_streamed_export_gave_with_the_filters(
    client, network_staff, region, kind, fmt
):
    client.force_login(network_staff)
    query = QUERY if kind == "scores" else {}
    content = b"".join(exported(client, kind, fmt, query).streaming_content)
    expected = streamed(network_staff, region, kind, fmt, query)
    if fmt == "csv":
        assert content == expected
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
        if kind == "scores":  # department 64 only, best overall score first
            assert [row[0] for row in rows[1:]] == [f"Office {i:04d}" for i in (13, 12, 11, 10)]
        else:
            assert rows[1][-1] == "'=1+1"  # never a formula
    else:
        assert sheet_cells(content) == sheet_cells(expected)
    export = Export.objects.get()
    assert export.rows == (4 if kind == "scores" else 6) and export.size == len(content)
    assert export.finished_at and export.requested_by == network_staff


def test_the_export_is_ready_when_the_redirect_lands_and_listed(client, network_staff, region):
    client.force_login(network_staff)
    response = client.post(export_url("scores", "xlsx", QUERY), follow=True)
    page = response.content.decode()
    export = Export.objects.get()
    assert export.status == Export.Status.READY
    assert "Votre export est prêt." in page and "Mes exports" in page
    assert "<strong>Prêt</strong>" in page and download_url(export) in page
    assert "Département\u00a0: Pyrénées-Atlantiques (64)" in export.filters
    assert "recherche «\u00a0Office\u00a0»" in export.filters and "4 offices" in export.filters
    assert export.filters in page
    assert 'http-equiv="refresh"' not in page  # nothing pending: no reloading
    assert (private_files := list(default_storage.listdir("exports")[1])) == [
        export.file.split("/")[-1]
    ], private_files


def test_the_download_is_private_and_named_in_french(client, network_staff, region):
    client.force_login(network_staff)
    response = exported(client, "reponses", "csv")
    day = timezone.localdate().isoformat()
    disposition = response["Content-Disposition"]
    assert disposition == f'attachment; filename="snut-reponses-campagne-2026-{day}.csv"'
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert {"private", "no-store"} <= {
        part.strip() for part in response["Cache-Control"].split(",")
    }


def test_the_private_folder_is_not_served(client, network_staff, region, settings):
    client.force_login(network_staff)
    exported(client, "scores", "csv")
    export = Export.objects.get()
    for prefix in ("/media/", "/", "/static/", settings.MEDIA_URL or "/"):
        assert client.get(prefix + export.file).status_code == 404


def test_a_staff_member_downloads_only_their_own_exports(
    client, network_staff, superuser, director, region
):
    client.force_login(network_staff)
    exported(client, "scores", "csv")
    export = Export.objects.get()
    colleague = factories.make_user("collegue", is_staff=True)
    colleague.groups.add(services.network_group_sync())
    client.force_login(colleague)
    response = client.get(download_url(export), follow=True)
    assert "Cet export n’existe pas ou n’est pas prêt." in response.content.decode()
    assert not response.get("Content-Disposition")
    assert download_url(export) not in client.get(reverse(EXPORTS)).content.decode()
    client.force_login(superuser)
    assert client.get(download_url(export)).status_code == 200
    client.force_login(director)  # an office's director: no admin at all
    response = client.get(download_url(export))
    assert response.status_code == 302 and "/admin/login/" in response.url
    assert "/admin/login/" in client.get(reverse(EXPORTS)).url
    client.logout()
    response = client.get(download_url(export))
    assert response.status_code == 302 and "/admin/login/" in response.url


def test_an_export_is_asked_with_a_post_only(client, network_staff, region):
    client.force_login(network_staff)
    assert client.get(export_url("scores", "csv")).status_code == 405
    assert not Export.objects.exists()


@DATABASE_TASKS
def test_with_the_database_backend_the_worker_writes_it_and_the_page_reloads_meanwhile(
    client, network_staff, region
):
    client.force_login(network_staff)
    response = client.post(export_url("reponses", "xlsx"), follow=True)
    page = response.content.decode()
    export = Export.objects.get()
    assert export.status == Export.Status.PENDING and not export.file
    assert "Export demandé\u00a0: il apparaîtra ci-dessous" in page
    assert '<meta http-equiv="refresh" content="5">' in page
    assert "cette page se recharge toutes les 5 secondes" in page and "En attente" in page
    assert "Arrêter le rechargement automatique" in page
    assert client.get(download_url(export)).status_code == 302  # not ready: no file
    # The reloading can be stopped (WCAG 2.2.1): the page then offers to reload by hand.
    page = client.get(reverse(EXPORTS), {"actualiser": "non"}).content.decode()
    assert 'http-equiv="refresh"' not in page and "Actualiser la page" in page
    run_worker()
    export.refresh_from_db()
    assert export.status == Export.Status.READY and export.rows == 6
    page = client.get(reverse(EXPORTS)).content.decode()
    assert 'http-equiv="refresh"' not in page and "<strong>Prêt</strong>" in page
    response = client.get(download_url(export))
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    assert len(list(workbook.active.iter_rows())) == 7


@DATABASE_TASKS
def test_a_failed_export_is_retried_then_shown_as_failed(
    client, network_staff, region, monkeypatch, private_storage
):
    def broken(*args, **kwargs):
        raise OSError("disque plein")

    monkeypatch.setattr(spreadsheets, "write", broken)
    client.force_login(network_staff)
    client.post(export_url("scores", "csv"))
    run_worker()
    export = Export.objects.get()
    assert export.status == Export.Status.PENDING and export.attempts == 1
    page = client.get(reverse(EXPORTS)).content.decode()
    assert "la tentative 1 a échoué\u00a0: OSError: disque plein" in page
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.args_kwargs["kwargs"] == {"export_id": export.pk, "attempt": 2}
    for _attempt in (2, 3):
        DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
        run_worker()
    export.refresh_from_db()
    assert export.status == Export.Status.FAILED and export.attempts == 3
    assert not DBTaskResult.objects.filter(status="READY").exists()  # no fourth attempt
    page = client.get(reverse(EXPORTS)).content.decode()
    assert "Échec" in page and "après 3 tentatives\u00a0: OSError: disque plein" in page
    assert 'http-equiv="refresh"' not in page
    assert not any(private_storage.rglob("*.*"))  # nothing half-written left


def test_a_flaky_export_succeeds_on_its_next_attempt(client, network_staff, region, monkeypatch):
    real_write, calls = spreadsheets.write, []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OSError("réseau coupé")
        return real_write(*args, **kwargs)

    monkeypatch.setattr(spreadsheets, "write", flaky)
    client.force_login(network_staff)
    client.post(export_url("scores", "csv"))
    export = Export.objects.get()
    assert export.status == Export.Status.READY and export.attempts == 2 and not export.error


def test_ready_is_set_only_once_the_file_is_stored(client, network_staff, region, monkeypatch):
    seen = []

    def save(self, name, content, **kwargs):
        seen.append(Export.objects.get().status)
        raise OSError("stockage indisponible")

    monkeypatch.setattr(FileSystemStorage, "save", save)
    client.force_login(network_staff)
    client.post(export_url("scores", "csv"))
    assert seen == [Export.Status.RUNNING] * 3  # three attempts, none acknowledged
    export = Export.objects.get()
    assert export.status == Export.Status.FAILED and not export.file and export.rows is None


def test_old_exports_are_pruned_with_their_files(client, network_staff, region, private_storage):
    client.force_login(network_staff)
    exported(client, "scores", "csv")
    exported(client, "scores", "xlsx")
    old, recent = Export.objects.order_by("pk")
    Export.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    out = io.StringIO()
    call_command("prune_exports", stdout=out)
    assert "1 export(s) supprimé(s)." in out.getvalue()
    assert list(Export.objects.all()) == [recent]
    assert not default_storage.exists(old.file) and default_storage.exists(recent.file)
    # A new request prunes too.
    Export.objects.filter(pk=recent.pk).update(created_at=timezone.now() - timedelta(days=8))
    exported(client, "reponses", "csv")
    assert not Export.objects.filter(pk=recent.pk).exists()
    assert not default_storage.exists(recent.file)


@pytest.mark.parametrize("count", [3, 30])
def test_my_exports_runs_a_constant_number_of_queries(
    client, network_staff, campaign, count, django_assert_num_queries
):
    other = factories.make_user("autre", is_staff=True)
    Export.objects.bulk_create(
        Export(
            requested_by=user,
            kind=Export.Kind.SCORES,
            format=Export.Format.CSV,
            campaign=campaign,
            status=status,
            error="OSError: disque plein" if status == Export.Status.FAILED else "",
        )
        for user in (network_staff, other)
        for index in range(count)
        for status in [list(Export.Status)[index % 4]]
    )
    client.force_login(network_staff)
    # The session, the user, their permissions (two), how many exports, the page of them,
    # whether one is being written (on any page).
    with django_assert_num_queries(7):
        page = client.get(reverse(EXPORTS)).content.decode()
    assert page.count('<tr id="export-') == min(count, 20)


def forty_five_ready_exports(user, campaign) -> list[int]:
    """Three pages of a staff member's exports: their ids, newest first, as listed."""
    Export.objects.bulk_create(
        Export(
            requested_by=user,
            kind=Export.Kind.SCORES,
            format=Export.Format.CSV,
            campaign=campaign,
            status=Export.Status.READY,
        )
        for _ in range(45)
    )
    return list(Export.objects.order_by("-created_at", "-pk").values_list("pk", flat=True))


def test_my_exports_come_twenty_a_page_newest_first(client, network_staff, campaign):
    newest_first = forty_five_ready_exports(network_staff, campaign)
    client.force_login(network_staff)
    Export.objects.filter(pk=newest_first[-1]).update(status=Export.Status.RUNNING)

    def shown(**query):
        page = client.get(reverse(EXPORTS), query).content.decode()
        return [int(pk) for pk in re.findall(r'<tr id="export-(\d+)"', page)], page

    rows, page = shown()
    assert rows == newest_first[:20]
    assert "Page 1 sur 3" in page and 'href="?page=2"' in page and "Page précédente" not in page
    # The oldest is still being written, two pages further: this page says so and reloads.
    assert 'http-equiv="refresh"' in page
    rows, page = shown(page="3", actualiser="non")
    assert rows == newest_first[40:]
    assert 'href="?page=2&amp;actualiser=non"' in page and "Page suivante" not in page
    assert 'http-equiv="refresh"' not in page
    for typed, number in (("abc", 1), ("-1", 3), ("99", 3)):
        rows, page = shown(page=typed)
        assert f"Page {number} sur 3" in page, typed
    assert client.get(reverse(EXPORTS), {"page": "\x00"}).status_code == 400  # as any NUL byte


def test_the_reload_links_keep_the_page_being_read(client, network_staff, campaign):
    """Reading page 3 while an export is written: turning the reload off (WCAG 2.2.1), or
    reloading by hand once it is off, stays on page 3."""
    newest = forty_five_ready_exports(network_staff, campaign)[0]
    Export.objects.filter(pk=newest).update(status=Export.Status.RUNNING)  # on page 1
    client.force_login(network_staff)

    def status_links(**query):
        page = client.get(reverse(EXPORTS), query).content.decode()
        status = re.search(r'role="status">(.*?)</p>', page, re.S).group(1)
        return re.findall(r'href="([^"]*)"', status)

    assert status_links(page="3") == ["?page=3&amp;actualiser=non"]
    assert status_links(page="3", actualiser="non") == ["?page=3"]
