"""A task for the worker-death test: long on its first attempt, quick on the next."""

import time

from django_tasks import task


@task()
def nap_task(*, seconds: float, attempt: int = 1) -> int:
    if attempt == 1:
        time.sleep(seconds)
    return attempt
