"""The database goes away and comes back: the worker waits (without spinning), reconnects, loses nothing.

PostgreSQL only: the worker reaches the test database through a small TCP
proxy that the test cuts (every connection dropped, new ones refused) and restores.
"""

import time

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from . import jobs
from .workers import TcpProxy, database_url, wait_until

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL=postgres://...)"
)

UNAVAILABLE = "database unavailable"


@pytest.fixture
def proxy():
    settings_dict = connection.settings_dict
    proxy = TcpProxy((settings_dict.get("HOST") or "127.0.0.1", int(settings_dict.get("PORT") or 5432)))
    try:
        yield proxy
    finally:
        proxy.close()


def status_of(result):
    return DBTaskResult.objects.get(id=result.id).status


def test_a_worker_waits_out_a_database_outage_and_then_runs_every_task(start_worker, proxy, tmp_path):
    url = database_url(connection.settings_dict, "127.0.0.1", proxy.port)
    worker = start_worker(DATABASE_URL=url, TASKS_DATABASE_RETRY_MAX_SECONDS=1)
    go = tmp_path / "go"
    interrupted = jobs.wait_for_file.enqueue(str(go))
    wait_until(lambda: status_of(interrupted) == "RUNNING", what="the task to start", logs=[worker])

    proxy.cut()
    cut_at = time.monotonic()
    go.touch()  # the task finishes while its worker cannot record it
    queued = [jobs.nothing.enqueue() for _ in range(3)]  # enqueued by the site meanwhile
    wait_until(lambda: worker.log().count(UNAVAILABLE) >= 3, what="the worker to retry", logs=[worker])
    assert worker.process.poll() is None  # still there, waiting
    proxy.restore()
    outage = time.monotonic() - cut_at

    wait_until(lambda: all(status_of(r) == "SUCCESSFUL" for r in [interrupted, *queued]),
               what="every task to run after the outage", logs=[worker])
    # The interrupted task was queued again and run a second time, not lost.
    assert DBTaskResult.objects.get(id=interrupted.id).worker_ids == [worker.worker_id] * 2
    assert "was lost" in worker.log()
    # Backoff, not a busy loop: never more than one try per second (the shortest wait).
    assert worker.log().count(UNAVAILABLE) <= outage + 2
