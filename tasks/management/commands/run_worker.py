"""Run one background worker: ``manage.py run_worker`` (``make worker``).

Takes the options of django-tasks-db's ``db_worker``; tasks/ adds what a newsroom needs on top.
"""

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand


class Command(DatabaseWorkerCommand):
    help = "Run a background worker: queued tasks and the recurring jobs, on the site's database."
