"""Run one background worker: ``manage.py run_worker`` (``make worker``).

Takes the options of django-tasks-db's ``db_worker`` (queues, interval, batch...)
and runs ``tasks.worker``'s worker: heartbeats, recurring jobs, recovery of
tasks whose worker died, database outages and a bounded shutdown. Start as many
as you like, on as many machines as you like, against the same database.
"""

from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from newsroom.priority import lower_cpu_priority
from tasks.worker import newsroom_worker_class


class Command(DatabaseWorkerCommand):
    help = (
        "Run a background worker: queued tasks and the recurring jobs, on the site's database. "
        "SIGTERM finishes the current task (or gives it back after TASKS_SHUTDOWN_SECONDS)."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--no-recurring", action="store_false", dest="recurring",
            help="Do not enqueue recurring jobs from this worker (other workers still do).",
        )

    def handle(self, *, verbosity, queue_name, interval, batch, backend_name, startup_delay, reload,
               max_tasks, worker_id, exclude_queues, recurring=True, **options):
        self.configure_logging(verbosity)
        # Imports and image caching run here: the web workers' readers come first.
        lower_cpu_priority("WORKER_NICE")
        worker_class = newsroom_worker_class()  # fails loudly if django-tasks-db changed
        queue_names = queue_name.split(",")
        excluded_queue_names = exclude_queues.split(",") if exclude_queues else []
        if excluded_queue_names and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = worker_class(
            queue_names=queue_names, interval=interval, batch=batch, backend_name=backend_name,
            startup_delay=startup_delay, max_tasks=max_tasks, worker_id=worker_id,
            excluded_queue_names=excluded_queue_names,
            # A --batch run empties the queue and exits; it does not add the recurring jobs to it.
            recurring=recurring and not batch,
        )
        if reload and not batch:
            import os

            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()  # only the reloaded child handles signals
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
