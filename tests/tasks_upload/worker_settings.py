"""Settings of a real worker process started by these tests: the suite's, with the database queue."""

from tests.settings import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
