"""Task rows queued by earlier code carried secret links in their arguments (a business
invitation's token, a team invitation's rendered e-mail), readable by the network's
staff. This rewrites them into what today's tasks take: ids only. A row still waiting
is run by the new task, which makes a fresh token; a finished row keeps its ids and
loses its secret.
"""

import re

from django.db import migrations

BUSINESS = "diagnostics.tasks.business_invitations_task"
MESSAGES = "diagnostics.tasks.send_messages_task"
TEAM = "diagnostics.tasks.invitation_email_task"
BATCH = re.compile(r"^invitation-(\d+)-")
# The base of the link in an invitation's body: everything before "/offices/<slug>/invitation/".
BASE = re.compile(r"(https?://\S+?)/offices/[^/\s]+/invitation/")


def _base_url(messages: list) -> str:
    for message in messages:
        found = BASE.search(message.get("body", "") if isinstance(message, dict) else "")
        if found:
            return found.group(1)
    return ""


def forward(apps, schema_editor):
    TaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
    rows = TaskResult.objects.filter(task_path__in=[BUSINESS, MESSAGES])
    for row in rows.iterator():
        args_kwargs = row.args_kwargs or {}
        kwargs = dict(args_kwargs.get("kwargs") or {})
        if row.task_path == BUSINESS and "invitations" in kwargs:
            kwargs["link_ids"] = [pair[0] for pair in kwargs.pop("invitations")]
        elif row.task_path == MESSAGES and BATCH.match(kwargs.get("batch_id", "")):
            kwargs = {
                "invitation_ids": [int(BATCH.match(kwargs["batch_id"]).group(1))],
                "base_url": _base_url(kwargs.get("messages") or []),
                "batch_id": kwargs["batch_id"],
                "attempt": kwargs.get("attempt", 1),
            }
            row.task_path = TEAM
        else:
            continue
        row.args_kwargs = {**args_kwargs, "kwargs": kwargs}
        row.save(update_fields=["args_kwargs", "task_path"])


class Migration(migrations.Migration):
    dependencies = [
        ("diagnostics", "0017_exports"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
