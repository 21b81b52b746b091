"""The watched folder: dropped files are imported, then moved to done/ or rejected/ with a report."""

import io
import json
import os
import time
import zipfile

import pytest

from articles import tasks
from articles.importing import watch
from articles.models import Article, ImportRun
from tests.conftest import article_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def folder(settings, tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    settings.IMPORT_WATCH_DIR = str(folder)
    settings.IMPORT_WATCH_SETTLE_SECONDS = 10
    return folder


def drop(folder, name, data, *, age=60):
    """A file written ``age`` seconds ago."""
    path = folder / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    then = time.time() - age
    os.utime(path, (then, then))
    return path


def report(path):
    return json.loads(path.with_name(path.name + ".report.json").read_text())


def test_a_good_file_is_imported_and_moved_to_done_with_its_report(folder):
    drop(folder, "good.md", article_text(title="From the inbox", webUrl="https://example.com/w/1"))

    tasks.import_watched_folder.call()

    done = folder / "done" / "good.md"
    assert done.exists() and not (folder / "good.md").exists()
    (entry,) = report(done)
    assert (entry["path"], entry["outcome"]) == ("good.md", "created")
    assert Article.objects.get().title == "From the inbox"
    run = ImportRun.objects.get()
    assert (run.source, run.label, run.state, run.created) == ("folder", "good.md", "done", 1)


def test_a_bad_file_is_moved_to_rejected_with_the_reason_in_its_report(folder):
    drop(folder, "bad.md", article_text(quality=500))

    tasks.import_watched_folder.call()

    rejected = folder / "rejected" / "bad.md"
    assert rejected.exists()
    (entry,) = report(rejected)
    assert (entry["outcome"], entry["kind"], entry["field"]) == ("rejected", "invalid_value", "quality")
    assert not Article.objects.exists()


def test_a_zip_with_one_bad_member_imports_the_rest_and_goes_to_rejected(folder):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("ok.md", article_text(webUrl="https://example.com/w/zip"))
        archive.writestr("bad.md", "no front matter")
    drop(folder, "batch.zip", buffer.getvalue())

    tasks.import_watched_folder.call()

    entries = report(folder / "rejected" / "batch.zip")
    assert [(e["path"], e["outcome"]) for e in entries] == [("batch.zip/ok.md", "created"), ("batch.zip/bad.md", "rejected")]
    assert Article.objects.filter(web_url="https://example.com/w/zip").exists()


def test_a_damaged_zip_is_rejected_with_the_uploads_error(folder):
    drop(folder, "broken.zip", b"PK not really")

    tasks.import_watched_folder.call()

    (entry,) = report(folder / "rejected" / "broken.zip")
    assert entry["kind"] == "bad_zip" and "broken.zip is not a readable zip file" in entry["message"]


def test_a_file_still_being_written_is_left_for_a_later_look(folder):
    drop(folder, "fresh.md", article_text(), age=0)

    tasks.import_watched_folder.call()

    assert (folder / "fresh.md").exists() and not Article.objects.exists()


def test_other_files_and_the_folders_own_subfolders_are_left_alone(folder):
    drop(folder, "notes.txt", "not an article")
    drop(folder, ".hidden.md", article_text())
    (folder / "done").mkdir()
    drop(folder / "done", "old.md", article_text())

    tasks.import_watched_folder.call()

    assert (folder / "notes.txt").exists() and (folder / ".hidden.md").exists()
    assert not Article.objects.exists()


def test_a_file_claimed_by_another_worker_is_not_imported_twice(folder):
    path = drop(folder, "a.md", article_text())
    ready = watch.settled(folder, settle_seconds=10)
    first = watch.claim(path)  # the other worker renames it into processing/ first

    assert ready == [path]
    assert watch.claim(path) is None
    assert first.parent == folder / "processing" and first.exists()


def test_a_second_file_of_the_same_name_keeps_the_first_in_done(folder):
    drop(folder, "same.md", article_text(webUrl="https://example.com/w/same"))
    tasks.import_watched_folder.call()
    drop(folder, "same.md", article_text(webUrl="https://example.com/w/same", title="Changed"))

    tasks.import_watched_folder.call()

    assert {p.name for p in (folder / "done").iterdir()} == {
        "same.md", "same.md.report.json", "same-2.md", "same-2.md.report.json",
    }


def test_without_a_watched_folder_the_job_does_nothing(settings):
    settings.IMPORT_WATCH_DIR = ""

    assert tasks.import_watched_folder.call() == []


def test_the_recurring_jobs_are_declared_for_the_workers():
    from tasks.recurring import JOBS

    assert JOBS[tasks.announce_articles_gone_live.module_path].interval.total_seconds() == 60
    # The suite's settings watch no folder: then the workers do not look every 30 s.
    assert tasks.import_watched_folder.module_path not in JOBS


def test_an_import_that_breaks_rejects_the_file_naming_the_error_and_fails_its_run(folder, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(watch, "import_sources", broken)
    drop(folder, "doomed.md", article_text())

    tasks.import_watched_folder.call()

    rejected = folder / "rejected" / "doomed.md"
    assert rejected.exists() and not any((folder / "processing").iterdir())
    (entry,) = report(rejected)
    assert (entry["path"], entry["kind"]) == ("doomed.md", "import_failed")
    assert entry["message"] == "The import failed: RuntimeError: database went away"
    run = ImportRun.objects.get()
    assert run.state == "failed" and "RuntimeError: database went away" in run.rejections[-1]["message"]


def left_by_a_dead_worker(folder, name, data, *, age):
    """A file a worker claimed and started importing ``age`` seconds ago, then died."""
    claimed = watch.claim(drop(folder, name, data))
    run = ImportRun.objects.create(source="folder", label=name, total=1)
    watch._run_file(claimed).write_text(str(run.pk))
    then = time.time() - age
    os.utime(claimed, (then, then))
    return claimed, run


def test_a_file_left_in_processing_by_a_dead_worker_is_imported_again(folder, settings):
    settings.IMPORT_WATCH_STALE_SECONDS = 120
    claimed, dead_run = left_by_a_dead_worker(
        folder, "orphan.md", article_text(webUrl="https://example.com/w/orphan"), age=121
    )

    tasks.import_watched_folder.call()

    assert (folder / "done" / "orphan.md").exists()
    assert not any((folder / "processing").iterdir())
    assert Article.objects.filter(web_url="https://example.com/w/orphan").count() == 1
    dead_run.refresh_from_db()
    assert dead_run.state == "failed" and "worker importing it stopped" in dead_run.rejections[-1]["message"]
    assert ImportRun.objects.exclude(pk=dead_run.pk).get().state == "done"


def test_a_file_a_worker_is_still_importing_is_left_in_processing(folder, settings):
    settings.IMPORT_WATCH_STALE_SECONDS = 120
    claimed, run = left_by_a_dead_worker(folder, "busy.md", article_text(), age=60)

    tasks.import_watched_folder.call()

    assert claimed.exists() and not (folder / "done").exists()
    assert ImportRun.objects.get().state == "running" and not Article.objects.exists()
