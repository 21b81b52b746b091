"""The tasks app's own task: one that does nothing.

It measures the queue's own cost (``make bench``: bench/bench_tasks.py) and checks that a
deployment's workers answer: ``manage.py shell -c "from tasks.tasks import noop; noop.enqueue()"``
then see it succeed on the admin's Tasks page.
"""

from tasks import task


@task()
def noop():
    return None
