"""« Tâches en arrière-plan » for the network staff: what ran, when, and why it failed.

A task's arguments and return value are never shown: they are ids and counts
today, and nothing a future task passes must become readable by staff
(tests/test_task_secrets.py).
"""

from django.contrib import admin
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

HIDDEN_FIELDS = ("args_kwargs", "return_value")

admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(DBTaskResultAdmin):
    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return [name for name in fields if name not in HIDDEN_FIELDS]
