"""The PDF view with background printing: served from the cache, « en préparation » while pending."""

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from diagnostics import services
from tests.test_tasks import DATABASE_TASKS, run_worker


def report_task() -> DBTaskResult:
    """The report's task (the submission also queues the dashboard's)."""
    return DBTaskResult.objects.get(task_path=services.report_pdf_task.module_path)


def test_with_the_immediate_backend_the_first_download_is_served_from_the_cache(
    client, complete, director, printed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.diagnostic_submit(diagnostic=complete, user=director)
    assert len(printed) == 1  # printed at submission
    client.force_login(director)
    response = client.get(reverse("diagnostics:report_pdf", args=[complete.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert len(printed) == 1  # not printed again


@DATABASE_TASKS
def test_while_the_task_is_pending_the_page_says_so_and_refreshes_itself(
    client, complete, director, printed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.diagnostic_submit(diagnostic=complete, user=director)
    assert report_task().status == "READY"
    client.force_login(director)
    url = reverse("diagnostics:report_pdf", args=[complete.pk])
    response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 202 and printed == []
    assert "Rapport en préparation…" in page and 'role="status"' in page
    assert '<meta http-equiv="refresh" content="3">' in page
    assert reverse("diagnostics:results", args=[complete.pk]) in page  # never a dead end
    assert "no-store" in response["Cache-Control"]
    run_worker()
    assert report_task().status == "SUCCESSFUL" and len(printed) == 1
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert len(printed) == 1


@DATABASE_TASKS
def test_the_reader_can_stop_the_reloading_and_still_try_again(
    client, complete, director, django_capture_on_commit_callbacks
):
    """WCAG 2.2.1: a page that reloads itself says how to stop it, and stays stopped."""
    with django_capture_on_commit_callbacks(execute=True):
        services.diagnostic_submit(diagnostic=complete, user=director)
    client.force_login(director)
    url = reverse("diagnostics:report_pdf", args=[complete.pk])
    page = client.get(url).content.decode()
    assert '<a href="?actualiser=non">Arrêter le rechargement automatique</a>' in page
    response = client.get(url, {"actualiser": "non"})
    page = response.content.decode()
    assert response.status_code == 202 and "Rapport en préparation…" in page
    assert 'http-equiv="refresh"' not in page
    assert "Rechargement automatique arrêté" in page
    assert f'href="{url}?actualiser=non">Réessayer maintenant' in page  # still stopped
    assert f'<a href="{url}">Reprendre le rechargement automatique</a>' in page


@DATABASE_TASKS
def test_pending_page_is_for_readers_only(
    client, complete, director, stranger, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.diagnostic_submit(diagnostic=complete, user=director)
    url = reverse("diagnostics:report_pdf", args=[complete.pk])
    assert client.get(url).status_code == 302
    client.force_login(stranger)
    assert client.get(url).status_code == 404
    client.force_login(staff)
    assert client.get(url).status_code == 202


@pytest.mark.slow
@DATABASE_TASKS
def test_a_stalled_task_never_blocks_the_download(
    client, complete, director, printed, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    with django_capture_on_commit_callbacks(execute=True):
        services.diagnostic_submit(diagnostic=complete, user=director)
    DBTaskResult.objects.update(
        enqueued_at=timezone.now() - timedelta(seconds=services.REPORT_PENDING_SECONDS + 1)
    )
    client.force_login(director)
    response = client.get(reverse("diagnostics:report_pdf", args=[complete.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert len(printed) == 1


@pytest.mark.slow
def test_without_a_task_the_report_is_printed_inline(client, complete, director, printed):
    services.diagnostic_submit(diagnostic=complete, user=director)  # no on_commit run
    client.force_login(director)
    response = client.get(reverse("diagnostics:report_pdf", args=[complete.pk]))
    assert response.status_code == 200 and len(printed) == 1


@DATABASE_TASKS
def test_network_staff_see_the_tasks_in_the_admin_directors_do_not(
    client, complete, director, staff
):
    services.report_pdf_enqueue(diagnostic_id=complete.pk)
    url = reverse("admin:django_tasks_database_dbtaskresult_changelist")
    client.force_login(staff)
    response = client.get(url)
    assert response.status_code == 200 and "report_pdf_task" in response.content.decode()
    client.force_login(director)
    assert client.get(url).status_code == 302
