"""An admin upload imported by a real worker process (``manage.py run_worker``), not in the request.

The worker is a second process on the test database (a file on SQLite, see
tests/settings.py; or PostgreSQL), started by tests/tasks' fixtures.
"""

import pytest
from django.urls import reverse

from articles.models import Article, ImportRun
from tests.conftest import article_text
from tests.tasks.workers import wait_until

from .conftest import upload, zipped

# A bound on waiting for a worker that never finishes; not a measure of speed.
GIVE_UP_AFTER = 120


@pytest.mark.django_db(transaction=True)
def test_an_upload_is_imported_by_a_worker_while_its_page_shows_progress(
    queue, start_worker, publisher_client, spool
):
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

    worker = start_worker(IMPORT_SPOOL_DIR=spool, IMPORT_CACHE_IMAGES=0)
    pages = []

    def finished():
        nonlocal response
        response = publisher_client.get(progress_url)
        pages.append(response.context["run"].state)
        assert worker.process.poll() is None, worker.log()
        return response.context["run"].finished

    wait_until(finished, timeout=GIVE_UP_AFTER, what="the run to finish", logs=[worker])
    output = worker.log()

    run = response.context["run"]
    assert run.state == "done", output
    assert (run.total, run.seen, run.created, run.rejected) == (31, 31, 30, 1)
    page = response.content.decode()
    assert "31 of 31" in page and 'http-equiv="refresh"' not in page
    assert "bad.md" in page and "invalid_value" in page and "quality" in page
    assert Article.objects.count() == 30
    assert not any(spool.iterdir()), "the spooled upload is removed when the run ends"
    assert set(pages) <= {"queued", "running", "done"}
