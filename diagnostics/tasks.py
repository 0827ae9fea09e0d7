"""The import path that task rows queued before issue 21 still name.

django-tasks stores each queued task as the dotted path of its function
(`DBTaskResult.task_path`), and `manage.py db_worker` imports that path to run it.
Until issue 21 (December 2026) every task lived here, so rows queued then name `diagnostics.tasks.…`
(migration 0018 names them too). The tasks now live beside the services they run
(diagnostics.services.reports, .mail, .exports) and new rows name those modules;
this module re-exports them so that older rows still run. Remove it once no row of
the task table names `diagnostics.tasks.` (rows are kept until pruned: check
`DBTaskResult.objects.filter(task_path__startswith="diagnostics.tasks.")` is empty
on every database after its first deployment of this change). Import nothing from here.
"""

from diagnostics.services.exports import export_file_task
from diagnostics.services.mail import (
    business_invitations_task,
    invitation_email_task,
    send_messages_task,
)
from diagnostics.services.reports import dashboard_figures_task, report_pdf_task

__all__ = [
    "business_invitations_task",
    "dashboard_figures_task",
    "export_file_task",
    "invitation_email_task",
    "report_pdf_task",
    "send_messages_task",
]
