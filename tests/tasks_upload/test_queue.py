"""enqueue_import: uploads are checked, spooled, imported by a task, and the run shows its progress.

Under the test settings a task runs as it is queued; tests that need a queued
run that nobody has started yet use the Tasks API's dummy backend.
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from articles.importing import loader, queue
from articles.models import Article, ImportRun
from tests.conftest import article_text

from .conftest import upload, zipped

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def progress_url(run):
    return reverse("admin:articles_article_import_progress", args=[run.pk])


def test_a_queued_upload_is_imported_and_its_spool_folder_removed(publisher, spool):
    files = [
        upload("one.md", article_text(webUrl="https://example.com/q/1")),
        zipped("more.zip", {"a.md": article_text(webUrl="https://example.com/q/2"), "notes.txt": "x"}),
    ]

    run = queue.enqueue_import(files, user=publisher, label="my batch")

    assert (run.state, run.total, run.seen, run.created, run.rejected) == ("done", 2, 2, 2, 0)
    assert (run.source, run.label, run.user, run.ignored) == ("admin", "my batch", publisher, ["notes.txt"])
    assert Article.objects.count() == 2
    assert not any(spool.iterdir())


def test_a_bad_zip_is_refused_before_anything_is_stored(publisher, spool):
    with pytest.raises(ValidationError) as refused:
        queue.enqueue_import([upload("broken.zip", b"PK not really")], user=publisher)

    assert refused.value.code == "bad_zip" and "broken.zip" in refused.value.messages[0]
    assert not ImportRun.objects.exists()
    assert not spool.exists() or not any(spool.iterdir())


def test_progress_is_saved_once_per_chunk_not_per_file(publisher, spool, monkeypatch):
    seen_by_the_page = []
    save_progress = loader._save_progress

    def spy(run, result):
        save_progress(run, result)
        row = ImportRun.objects.get(pk=run.pk)
        seen_by_the_page.append((row.state, row.seen, row.created, row.rejected))

    monkeypatch.setattr(loader, "_save_progress", spy)
    files = [upload(f"{n}.md", article_text()) for n in range(4)] + [upload("bad.md", "no front matter")]

    run = queue.enqueue_import(files, user=publisher, chunk_size=2)

    assert seen_by_the_page == [("running", 2, 2, 0), ("running", 4, 4, 0)]
    assert (run.seen, run.created, run.rejected) == (5, 4, 1)


def test_a_queued_run_page_says_it_waits_and_refreshes_itself(publisher_client, publisher, settings):
    settings.TASKS = DUMMY

    response = publisher_client.post(
        reverse("admin:articles_article_import"), {"files": [upload("a.md", article_text())]}, follow=True
    )

    run = ImportRun.objects.get()
    assert run.state == "queued" and not Article.objects.exists()
    page = response.content.decode()
    assert "Waiting for a background worker" in page
    assert '<meta http-equiv="refresh" content="2">' in page
    assert "0 of 1" in page
    assert reverse("admin:articles_importrun_changelist") in page


def test_import_runs_list_links_each_run_to_its_progress_page(publisher_client, publisher, settings):
    settings.TASKS = DUMMY
    run = queue.enqueue_import([upload("a.md", article_text())], user=publisher)

    response = publisher_client.get(reverse("admin:articles_importrun_changelist"))

    page = response.content.decode()
    assert f'href="{progress_url(run)}">progress</a>' in page


def test_a_run_interrupted_mid_way_is_imported_again_to_the_same_result(publisher, spool, settings):
    settings.TASKS = DUMMY
    files = [upload("a.md", article_text(webUrl="https://example.com/q/again")), upload("b.md", "bad")]
    run = queue.enqueue_import(files, user=publisher)
    # A worker took it and died: the row says running, the spooled files are still there.
    ImportRun.objects.filter(pk=run.pk).update(state="running", seen=1, created=1)

    queue.run_queued_import(run.pk)
    queue.run_queued_import(run.pk)  # a second delivery of the same task changes nothing

    run.refresh_from_db()
    assert (run.state, run.seen, run.created, run.rejected) == ("done", 2, 1, 1)
    assert Article.objects.count() == 1


def test_a_run_whose_files_are_gone_fails_and_says_why(publisher, spool, settings):
    settings.TASKS = DUMMY
    run = queue.enqueue_import([upload("a.md", article_text())], user=publisher)
    queue.uploads.remove(queue.spool_folder(run.pk))

    queue.run_queued_import(run.pk)

    run.refresh_from_db()
    assert run.state == "failed" and run.finished_at is not None
    assert "gone from the spool folder" in run.rejections[-1]["message"]


def test_a_failed_run_page_shows_the_failure(publisher_client, publisher, settings):
    settings.TASKS = DUMMY
    run = queue.enqueue_import([upload("a.md", article_text())], user=publisher)
    queue.uploads.remove(queue.spool_folder(run.pk))
    queue.run_queued_import(run.pk)

    page = publisher_client.get(progress_url(run)).content.decode()

    assert "did not finish cleanly" in page and "gone from the spool folder" in page
    assert 'http-equiv="refresh"' not in page


def test_the_progress_page_is_for_importers_only(client, publisher, settings, spool):
    from tests.articles.roles import make_user

    settings.TASKS = DUMMY
    run = queue.enqueue_import([upload("a.md", article_text())], user=publisher)
    client.force_login(make_user("editor"))

    assert client.get(progress_url(run)).status_code == 403


ODD_REPORTS = [
    {"rejections": ["oops", None, 3]},
    {"rejections": {"a": 1}},
    {"rejections": [{"kind": "step_failed"}]},
    {"rejections": [{"path": ["x"], "kind": None, "message": {"nested": True}}]},
    {"written": ["x"]},
    {"written": [{"outcome": "created"}]},
    {"written": [{"outcome": "created", "article_id": ""}]},
    {"written": [{"outcome": "updated", "article_id": True}]},
    {"written": {"outcome": "created"}},
    {"ignored": "not a list"},
    {"ignored": [None, {"a": 1}]},
]


@pytest.mark.parametrize("stored", ODD_REPORTS, ids=repr)
def test_a_run_holding_an_odd_report_still_shows_its_pages(publisher_client, publisher, stored):
    """Whatever a run's stored report holds, its progress page and admin page answer."""
    run = ImportRun.objects.create(source="admin", user=publisher, state=ImportRun.State.DONE, **stored)

    assert publisher_client.get(progress_url(run)).status_code == 200
    assert publisher_client.get(reverse("admin:articles_importrun_change", args=[run.pk])).status_code == 200


def test_a_run_report_shows_hostile_names_as_text(publisher_client, publisher, make_article):
    article = make_article(title="Kept")
    run = ImportRun.objects.create(
        source="admin", user=publisher, state=ImportRun.State.DONE,
        rejections=[{"path": "<script>alert(1)</script>.md", "kind": "invalid_value", "field": "title",
                     "message": "<b>bad</b>"}],
        written=[{"path": "<img src=x onerror=alert(2)>.md", "outcome": "created", "article_id": article.pk}],
        ignored=["<i>notes</i>.txt"],
    )

    page = publisher_client.get(progress_url(run)).content.decode()

    for raw in ("<script>alert(1)", "<b>bad</b>", "<img src=x", "<i>notes</i>"):
        assert raw not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;.md" in page
    assert reverse("admin:articles_article_change", args=[article.pk]) in page
