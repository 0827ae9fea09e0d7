"""The task workers' heartbeats: how a task whose worker died is told from one still running."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """A running `manage.py worker` process, seen at `seen_at` (refreshed every few
    seconds by a thread of its own, so a long task does not hide its worker)."""

    worker_id = models.CharField(_("processus"), max_length=64, primary_key=True)
    seen_at = models.DateTimeField(_("vu le"))

    class Meta:
        verbose_name = _("processus de tâches")
        verbose_name_plural = _("processus de tâches")

    def __str__(self) -> str:
        return self.worker_id
