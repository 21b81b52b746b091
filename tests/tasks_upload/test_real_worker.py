"""An admin upload imported by a real worker process (``manage.py run_worker``), not in the request.

The worker is a second process, so it needs a database it can open too:
PostgreSQL (``DATABASE_URL=postgres://...``) or a file-backed SQLite test
database. With the default in-memory SQLite test database the test is skipped
(.ci/run runs the suite on PostgreSQL as well).
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from articles.models import Article, ImportRun
from tests.conftest import article_text
from tests.production.servers import stop_group

from .conftest import upload, zipped

ROOT = Path(__file__).resolve().parents[2]
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A bound on waiting for a worker that never finishes; not a measure of speed.
GIVE_UP_AFTER = 120


def database_url():
    """A URL of this test's database that another process can open, or None."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        port = db.get("PORT") or 5432
        return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{port}/{db['NAME']}"
    name = str(db["NAME"])
    if connection.vendor == "sqlite" and "memory" not in name and name != ":memory:":
        return f"sqlite:///{Path(name).resolve()}"
    return None


def start_worker(spool):
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.tasks_upload.worker_settings", DATABASE_URL=database_url(),
        IMPORT_SPOOL_DIR=str(spool),
    )
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--interval", "0.1", "--no-startup-delay", "--no-reload"],
        cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )


@pytest.mark.django_db(transaction=True)
def test_an_upload_is_imported_by_a_worker_while_its_page_shows_progress(publisher_client, settings, spool):
    if database_url() is None:
        pytest.skip("a worker process cannot open an in-memory SQLite test database")
    settings.TASKS = DATABASE_QUEUE
    settings.IMPORT_SPOOL_DIR = spool
    archive = zipped("batch.zip", {f"batch/{n}.md": article_text(webUrl=f"https://example.com/bg/{n}") for n in range(30)})
    bad = upload("bad.md", article_text(quality=500))

    response = publisher_client.post(reverse("admin:articles_article_import"), {"files": [archive, bad]})

    # The request only stored and queued the files: nothing is imported before a worker runs.
    run = ImportRun.objects.get()
    progress_url = reverse("admin:articles_article_import_progress", args=[run.pk])
    assert response["Location"] == progress_url
    page = publisher_client.get(progress_url).content.decode()
    assert run.state == "queued" and "0 of 31" in page and 'http-equiv="refresh"' in page
    assert not Article.objects.exists()

    worker = start_worker(spool)
    try:
        pages = []
        deadline = time.monotonic() + GIVE_UP_AFTER
        while time.monotonic() < deadline:
            response = publisher_client.get(progress_url)
            pages.append(response.context["run"].state)
            if response.context["run"].finished:
                break
            assert worker.poll() is None, worker.stdout.read().decode(errors="replace")
            time.sleep(0.2)
    finally:
        stop_group(worker)
        output = worker.stdout.read().decode(errors="replace")

    run = response.context["run"]
    assert run.state == "done", output
    assert (run.total, run.seen, run.created, run.rejected) == (31, 31, 30, 1)
    page = response.content.decode()
    assert "31 of 31" in page and 'http-equiv="refresh"' not in page
    assert "bad.md" in page and "invalid_value" in page and "quality" in page
    assert Article.objects.count() == 30
    assert not any(spool.iterdir()), "the spooled upload is removed when the run ends"
    assert set(pages) <= {"queued", "running", "done"}
