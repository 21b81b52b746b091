"""A worker killed with kill -9 in the middle of a task: another worker finishes it, once."""

import signal
import threading

from django_tasks_db.models import DBTaskResult

from articles.models import Image
from articles.tasks import cache_images
from tests.images.conftest import picture_bytes, serve

from . import jobs
from .workers import wait_until


def status_of(result):
    return DBTaskResult.objects.get(id=result.id).status


def test_a_worker_killed_mid_task_leaves_it_to_another_which_caches_the_picture_exactly_once(
    start_worker, image_server, make_article, media
):
    fetching = threading.Event()
    requests = []

    def first_hangs(handler):
        requests.append(handler.path)
        if len(requests) == 1:
            fetching.set()
            image_server.stall.wait(30)  # the first worker is killed while it waits here
            return
        serve(picture_bytes(900, 600))(handler)

    image_server.routes["/lead.jpg"] = first_hangs
    image = Image.objects.create(article=make_article(), url=image_server.url("/lead.jpg"))
    result = cache_images.enqueue()

    first = start_worker(IMAGE_FETCH_ALLOW_PRIVATE=1)
    wait_until(fetching.is_set, what="the first worker to be fetching the picture", logs=[first])
    first.signal(signal.SIGKILL)
    first.wait(timeout=10)
    assert status_of(result) == "RUNNING"  # left behind by the dead worker

    second = start_worker(IMAGE_FETCH_ALLOW_PRIVATE=1)
    wait_until(lambda: status_of(result) == "SUCCESSFUL", what="the task to finish on the second worker",
               logs=[first, second])

    row = DBTaskResult.objects.get(id=result.id)
    assert row.worker_ids == [first.worker_id, second.worker_id]
    assert row.return_value == "1 images: 1 cached, 0 failed"
    # Exactly what one run leaves: one attempt recorded, one folder of files.
    image.refresh_from_db()
    assert image.file and image.cached_at and image.fetch_error is None
    assert image.fetch_attempts == 1
    folders = {path.parent for path in (media / "images").rglob("*") if path.is_file()}
    assert len(folders) == 1
    stored = {str(path.relative_to(media)) for path in (media / "images").rglob("*") if path.is_file()}
    assert stored == {image.file, *(r["name"] for r in image.renditions)}


def test_a_task_whose_worker_dies_too_often_is_failed_with_a_clear_error(start_worker, tmp_path):
    result = jobs.wait_for_file.enqueue(str(tmp_path / "never-created"))
    first = start_worker(TASKS_MAX_ATTEMPTS=1)
    wait_until(lambda: status_of(result) == "RUNNING", what="the task to start", logs=[first])
    first.signal(signal.SIGKILL)
    first.wait(timeout=10)

    second = start_worker(TASKS_MAX_ATTEMPTS=1)
    wait_until(lambda: status_of(result) == "FAILED", what="the task to be failed", logs=[second])

    row = DBTaskResult.objects.get(id=result.id)
    assert row.exception_class_path == "tasks.recovery.WorkerLost"
    assert f"worker {first.worker_id} stopped sending heartbeats" in row.traceback
    assert "Started 1 times (TASKS_MAX_ATTEMPTS=1)" in row.traceback
    assert row.worker_ids == [first.worker_id]  # the second worker never started it
