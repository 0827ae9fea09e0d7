"""`manage.py worker`: django-tasks-db's `db_worker`, plus a heartbeat and lost-task recovery.

Run it instead of `db_worker` in production (same options). A thread records the
process's heartbeat every TASK_WORKER_HEARTBEAT_SECONDS and recovers the tasks
whose workers stopped beating (diagnostics/task_recovery.py).
"""

import logging
import threading

from django.conf import settings
from django.db import close_old_connections, connection
from django_tasks_db.management.commands import db_worker

from diagnostics import task_recovery

logger = logging.getLogger(__name__)


def _beat(worker_id: str, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            close_old_connections()
            task_recovery.heartbeat(worker_id=worker_id)
            task_recovery.lost_tasks_recover()
        except Exception:  # a database hiccup: the next beat tries again
            logger.exception("Battement du processus de tâches %s manqué", worker_id)
        finally:
            connection.close()
        stop.wait(settings.TASK_WORKER_HEARTBEAT_SECONDS)


class Command(db_worker.Command):
    help = "Exécute les tâches en arrière-plan (db_worker), signale sa présence et relance les tâches perdues."

    def handle(self, *args, worker_id: str, **options) -> None:
        stop = threading.Event()
        beating = threading.Thread(
            target=_beat, args=(worker_id, stop), name="snut-heartbeat", daemon=True
        )
        beating.start()
        try:
            super().handle(*args, worker_id=worker_id, **options)
        finally:
            stop.set()
            beating.join(timeout=5)
            task_recovery.heartbeat_end(worker_id=worker_id)
