"""Recurring jobs, declared in code with their interval; the workers run them, no cron.

    from datetime import timedelta
    from tasks import task
    from tasks.recurring import every

    @every(timedelta(minutes=10))
    @task()
    def cache_new_images(): ...

Each job runs once per interval across every worker on every machine.
"""

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class RecurringJob:
    name: str  # the task's module path, stable across releases
    task: object  # a django-tasks Task, enqueued with no arguments
    interval: timedelta


JOBS: dict[str, RecurringJob] = {}


def every(interval: timedelta):
    """Declare ``task`` as a recurring job run every ``interval``."""
    if interval <= timedelta(0):
        raise ValueError("A recurring job needs a positive interval.")

    def register(task):
        name = task.module_path
        JOBS[name] = RecurringJob(name=name, task=task, interval=interval)
        return task

    return register
