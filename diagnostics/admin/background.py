"""« Tâches en arrière-plan » for the network staff: what ran, when, and why it failed.

A task's arguments and return value are never shown: they are ids and counts
today, and nothing a future task passes must become readable by staff
(tests/test_task_secrets.py).

In French: the model's names and the statuses come from locale/fr (django-tasks ships no
French); the columns django-tasks-db names in code are named here.
"""

from datetime import datetime

from django.contrib import admin
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

HIDDEN_FIELDS = ("args_kwargs", "return_value")

admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(DBTaskResultAdmin):
    # The id, priority and queue are the same for every SNUT task: the list keeps what staff
    # read (which task, where it stands, when) and fits a 1366 px laptop.
    list_display = ("task", "status", "enqueued_at", "started_at", "finished_at")
    list_display_links = ("task",)
    list_filter = ("status",)

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return [name for name in fields if name not in HIDDEN_FIELDS]

    @admin.display(description=_("tâche"), ordering="task_path")
    def task(self, obj):
        return obj.task_name

    @admin.display(description=_("trace de l’erreur"))
    def formatted_traceback(self, obj):
        return super().formatted_traceback(obj)

    @admin.display(description=_("pas avant le"))
    def display_run_after(self, obj):
        value = super().display_run_after(obj)
        if isinstance(value, datetime):  # a read-only method's value is printed as is: ISO 8601
            return date_format(localtime(value), "DATETIME_FORMAT")
        return value

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # DBTaskResult has no __str__ of its own: the title and breadcrumbs name the task instead.
        task = self.get_object(request, object_id)
        if task is not None:
            extra_context = {**(extra_context or {}), "subtitle": task.task_name}
        return super().change_view(request, object_id, form_url, extra_context)
