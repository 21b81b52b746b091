"""A failing task never blocks the queue, keeps its error, and can be retried from the admin."""

import pytest
from django.contrib.auth.models import Group
from django_tasks_db.models import DBTaskResult

from tests.articles.roles import make_user

from . import jobs
from .workers import wait_until


def finished(*results):
    return lambda: all(
        DBTaskResult.objects.get(id=r.id).status in ("SUCCESSFUL", "FAILED") for r in results
    )


def test_a_failing_task_keeps_its_error_and_the_tasks_behind_it_still_run(start_worker):
    bad = jobs.explode.enqueue()
    good = jobs.nothing.enqueue()
    worker = start_worker()

    wait_until(finished(bad, good), what="both tasks to finish", logs=[worker])

    bad_row, good_row = DBTaskResult.objects.get(id=bad.id), DBTaskResult.objects.get(id=good.id)
    assert bad_row.status == "FAILED"
    assert bad_row.exception_class_path == "builtins.ValueError"
    assert "bad picture URL: htp://nowhere" in bad_row.traceback
    assert good_row.status == "SUCCESSFUL" and good_row.return_value == "done"


@pytest.fixture
def publisher_client(client, db):
    publisher = make_user("publisher")
    assert Group.objects.get(name="Publishers") in publisher.groups.all()
    client.force_login(publisher)
    return client


def test_a_failed_task_retried_from_the_admin_runs_again_on_a_worker(start_worker, publisher_client, tmp_path):
    needed = tmp_path / "needed.txt"
    first = jobs.needs_file.enqueue(str(needed))
    worker = start_worker()
    wait_until(finished(first), what="the first run", logs=[worker])
    assert DBTaskResult.objects.get(id=first.id).status == "FAILED"

    needed.write_text("now it is here")  # whatever made it fail is fixed
    response = publisher_client.post(
        "/admin/tasks/task/", {"action": "retry", "_selected_action": [first.id]}, follow=True
    )
    assert response.status_code == 200
    assert "1 task(s) queued again" in response.content.decode()

    retry = DBTaskResult.objects.exclude(id=first.id).get(task_path="tests.tasks.jobs.needs_file")
    wait_until(finished(retry), what="the retried task", logs=[worker])
    retry.refresh_from_db()
    assert retry.status == "SUCCESSFUL" and retry.return_value == "now it is here"
    assert retry.args_kwargs == {"args": [str(needed)], "kwargs": {}}
    # The failed run keeps its record and its error.
    assert "is missing" in DBTaskResult.objects.get(id=first.id).traceback
