"""django-tasks-db's app (the background tasks and their failures) under a French name in the admin."""

from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class BackgroundTasksConfig(TasksAppConfig):
    verbose_name = _("Tâches en arrière-plan")
