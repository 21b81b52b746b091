"""Background work: Django's Tasks API (django-tasks, ``django.tasks`` in Django 6) on a database queue.

A task is declared where its work lives, in ``<app>/tasks.py``, with the standard decorator::

    from tasks import task

    @task()
    def build_stories_for(article_ids): ...

and enqueued with ``build_stories_for.enqueue(ids)``. Recurring jobs are declared beside
them with :func:`tasks.recurring.every`. Workers (``manage.py run_worker``) run both.
"""

try:  # Django 6 ships the Tasks API itself; the backport is the same interface.
    from django.tasks import task
except ImportError:  # Django 5.2
    from django_tasks import task

__all__ = ["task"]
