"""The staff's exports, written by a background task into private storage.

A request records an Export and enqueues export_file_task; the task writes the
file into a temporary file, copies it into Django's default storage (under
EXPORTS_DIR, never served) and only then marks the export « prête ». Exports
older than EXPORT_MAX_AGE_DAYS are deleted with their file at each new request
and by `manage.py prune_exports`.
"""

import logging
import tempfile
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django_tasks import task

from diagnostics import spreadsheets
from diagnostics.models import Export
from diagnostics.selectors import regional
from diagnostics.services.queue import RETRY_DELAYS, retry

logger = logging.getLogger(__name__)


def export_request(
    *, user, kind: str, fmt: str, campaign, office_ids: list[int], filters: str = ""
) -> Export:
    """Records a staff member's export and enqueues its writing (done at once with
    the immediate backend of development and tests)."""
    exports_prune()
    export = Export.objects.create(
        requested_by=user,
        kind=kind,
        format=fmt,
        campaign=campaign,
        office_ids=office_ids,
        filters=filters[: Export._meta.get_field("filters").max_length],
    )
    export_file_task.enqueue(export_id=export.pk)
    return export


def export_write(*, export_id: int, attempt: int = 1) -> int:
    """Writes the export's file (the task's work); returns its data rows.

    Raises on failure, after recording it on the export: « en attente » again when
    an attempt is left (the task retries), « échec » after the last one.
    """
    export = Export.objects.select_related("campaign__questionnaire").filter(pk=export_id).first()
    if export is None or export.status == Export.Status.READY:  # pruned, or done already
        return 0
    Export.objects.filter(pk=export.pk).update(status=Export.Status.RUNNING, attempts=attempt)
    name = f"{settings.EXPORTS_DIR}/{export.pk}-{uuid.uuid4().hex}.{export.format}"
    try:
        axes = regional.campaign_axes(export.campaign)
        with tempfile.TemporaryFile() as handle:
            rows = spreadsheets.write(
                export.kind, export.format, export.campaign, export.office_ids, axes, handle
            )
            size = handle.tell()
            handle.seek(0)
            name = default_storage.save(name, File(handle, name=name))
    except Exception as error:
        last = attempt > len(RETRY_DELAYS)
        Export.objects.filter(pk=export.pk).update(
            status=Export.Status.FAILED if last else Export.Status.PENDING,
            error=f"{type(error).__name__}: {error}"[:1000],
            finished_at=timezone.now() if last else None,
        )
        if default_storage.exists(name):
            default_storage.delete(name)
        raise
    # Acknowledged only now that the whole file is stored.
    Export.objects.filter(pk=export.pk).update(
        status=Export.Status.READY,
        file=name,
        rows=rows,
        size=size,
        error="",
        finished_at=timezone.now(),
    )
    return rows


def exports_prune(*, days: int | None = None) -> int:
    """Deletes the exports older than `days` (EXPORT_MAX_AGE_DAYS) and their files;
    returns how many."""
    days = settings.EXPORT_MAX_AGE_DAYS if days is None else days
    old = Export.objects.filter(created_at__lt=timezone.now() - timedelta(days=days))
    count = 0
    for pk, name in old.values_list("pk", "file").iterator():
        if name:
            default_storage.delete(name)
        Export.objects.filter(pk=pk).delete()
        count += 1
    return count


def exports_of(user) -> QuerySet[Export]:
    """The exports a staff member asked for, newest first."""
    return (
        Export.objects.filter(requested_by=user)
        .select_related("campaign")
        .defer("office_ids")
        .order_by("-created_at", "-pk")
    )


def export_for_download(*, user, export_id: int) -> Export | None:
    """The ready export, if this user may download it: their own, or any for a superuser."""
    exports = Export.objects.select_related("campaign").defer("office_ids")
    if not user.is_superuser:
        exports = exports.filter(requested_by=user)
    return exports.filter(pk=export_id, status=Export.Status.READY).first()


def export_filename(export: Export) -> str:
    """The file's French name: its content, the campaign's slug and the day it was asked for."""
    kind = "scores" if export.kind == Export.Kind.SCORES else "reponses"
    day = timezone.localdate(export.created_at).isoformat()
    return f"snut-{kind}-{slugify(export.campaign.name)}-{day}.{export.format}"


@task()
def export_file_task(*, export_id: int, attempt: int = 1) -> int:
    """Writes a staff member's export into private storage; returns its data rows.

    The export records each failure (diagnostics.services.exports.export_write)."""
    try:
        return export_write(export_id=export_id, attempt=attempt)
    except Exception:
        retry(export_file_task, attempt=attempt, export_id=export_id)
        raise
