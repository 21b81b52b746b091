"""Importing article files from the admin: the same importer and the same report as the command.

The upload is imported by a background task; under the test settings tasks run
as they are queued, so the run's page (where the upload redirects) already shows
the final report. tests/tasks_upload/ runs the same with a real worker process.
"""

import io
import stat
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.importing import uploads
from articles.models import Article, ImportRun
from tests.conftest import article_text

from .roles import make_user

URL = reverse("admin:articles_article_import")


@pytest.fixture
def publisher_client(client, db, settings, tmp_path):
    settings.IMPORT_SPOOL_DIR = tmp_path / "spool"
    client.force_login(make_user("publisher"))
    return client


def post(client, files):
    """Upload ``files``; the answer is the run's page (or the form again, with its errors)."""
    return client.post(URL, {"files": files}, follow=True)


def upload(name, text):
    return SimpleUploadedFile(name, text.encode() if isinstance(text, str) else text)


def zipped(name, members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/zip")


def test_good_and_bad_files_give_the_commands_report(publisher_client):
    good = upload("good.md", article_text(title="Imported from the admin", webUrl="https://example.com/up/1"))
    bad = upload("bad.md", "title: no front matter here\n")

    response = post(publisher_client, [good, bad])

    assert response.status_code == 200
    result = response.context["run"]
    assert response.redirect_chain == [(reverse("admin:articles_article_import_progress", args=[result.pk]), 302)]
    assert (result.state, result.total, result.seen) == ("done", 2, 2)
    assert (result.created, result.updated, result.unchanged, result.rejected) == (1, 0, 0, 1)
    page = response.content.decode()
    assert "bad.md" in page and "no_front_matter" in page
    assert 'http-equiv="refresh"' not in page  # finished: the page stops reloading
    assert Article.objects.get().title == "Imported from the admin"
    run = ImportRun.objects.get()
    assert (run.source, run.created, run.rejected) == ("admin", 1, 1)


def test_uploading_the_same_file_again_reports_it_unchanged(publisher_client):
    text = article_text(webUrl="https://example.com/up/again")
    post(publisher_client, [upload("a.md", text)])

    response = post(publisher_client, [upload("a.md", text)])

    assert response.context["run"].unchanged == 1
    assert Article.objects.count() == 1


def test_rejections_name_the_field_and_escape_what_the_file_says(publisher_client):
    text = article_text(title="<script>x</script>", quality=500)

    response = post(publisher_client, [upload("<i>odd.md", text)])

    (error,) = response.context["rejections"]
    assert (error["kind"], error["field"]) == ("invalid_value", "quality")
    page = response.content.decode()
    assert "<i>odd" not in page and "&lt;i&gt;odd.md" in page
    assert "quality" in page


def test_a_zip_of_articles_is_imported_and_other_members_ignored(publisher_client):
    archive = zipped("batch.zip", {
        "batch/one.md": article_text(webUrl="https://example.com/z/1"),
        "batch/two.yaml": article_text(webUrl="https://example.com/z/2"),
        "batch/README.txt": "not an article",
        "__MACOSX/batch/._one.md": "resource fork",
    })

    response = post(publisher_client, [archive])

    assert response.context["run"].created == 2
    assert "README.txt" in response.content.decode()
    assert Article.objects.count() == 2


def test_a_symbolic_link_in_a_zip_is_not_imported_and_said_so(publisher_client):
    """A link member holds its target's path; it is listed as a link, never parsed (issue #16)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("batch/one.md", article_text(webUrl="https://example.com/z/link-1"))
        link = zipfile.ZipInfo("batch/passwd.md")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    upload_ = SimpleUploadedFile("links.zip", buffer.getvalue(), content_type="application/zip")

    response = post(publisher_client, [upload_])

    result = response.context["run"]
    assert (result.created, result.rejected) == (1, 0)
    assert "batch/passwd.md (a symbolic link, not read)" in response.content.decode()


def test_a_zip_that_climbs_out_of_its_folder_is_refused_whole(publisher_client):
    archive = zipped("evil.zip", {
        "fine.md": article_text(),
        "../../etc/evil.md": article_text(),
    })

    response = post(publisher_client, [archive])

    assert response.context["form"].errors.as_data()["files"][0].code == "zip_unsafe_path"
    assert not Article.objects.exists()


def test_a_zip_with_too_many_members_is_refused(publisher_client, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_ZIP_MEMBERS", 2)
    archive = zipped("many.zip", {f"{n}.md": article_text() for n in range(3)})

    response = post(publisher_client, [archive])

    assert response.context["form"].errors.as_data()["files"][0].code == "zip_too_many"


def test_a_zip_that_unpacks_too_big_is_refused(publisher_client, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_ZIP_UNCOMPRESSED", 1000)
    archive = zipped("big.zip", {"a.md": article_text(body="x" * 2000)})

    response = post(publisher_client, [archive])

    assert response.context["form"].errors.as_data()["files"][0].code == "zip_too_large"


def test_an_oversized_member_is_rejected_without_being_inflated(publisher_client):
    archive = zipped("huge.zip", {"huge.md": article_text(body="x" * (uploads.MAX_FILE_SIZE + 10))})

    response = post(publisher_client, [archive])

    (error,) = response.context["rejections"]
    assert (error["kind"], error["path"]) == ("too_large", "huge.zip/huge.md")


def test_a_file_that_is_not_a_zip_is_refused(publisher_client):
    response = post(publisher_client, [upload("broken.zip", b"PK not really")])

    assert response.context["form"].errors.as_data()["files"][0].code == "bad_zip"


def test_editors_may_not_import(client, db):
    client.force_login(make_user("editor"))

    assert client.get(URL).status_code == 403
    assert URL not in client.get(reverse("admin:articles_article_changelist")).content.decode()


def test_an_extreme_date_is_rejected_and_the_upload_still_answers(publisher_client):
    far = upload("far.md", article_text(publishedDateTime="9999-12-31T23:59:59Z"))
    early = upload("early.md", article_text(publishedDateTime="0001-01-01"))

    response = post(publisher_client, [far, early])

    assert response.status_code == 200
    assert response.context["run"].rejected == 2
    assert "publishedDateTime" in response.content.decode()
    assert not Article.objects.exists()
    assert ImportRun.objects.get().rejected == 2


def test_a_step_failing_after_the_writes_is_shown_instead_of_a_server_error(
    publisher_client, monkeypatch
):
    class QueueDown:
        def enqueue(self, *args):
            raise OverflowError("the task queue is unreachable")

    monkeypatch.setattr("stories.tasks.group_new_articles", QueueDown())
    good = upload("good.md", article_text(title="Written before the failure"))

    response = post(publisher_client, [good])

    assert response.status_code == 200
    page = response.content.decode()
    assert "did not finish cleanly" in page and "queueing story grouping failed" in page
    assert Article.objects.get().title == "Written before the failure"
    assert ImportRun.objects.get().created == 1


def test_an_empty_submission_asks_for_a_file(publisher_client):
    response = publisher_client.post(URL, {})

    assert response.context["form"].errors["files"] == ["Choose at least one file."]
    assert "None of these" not in response.content.decode()
    assert not ImportRun.objects.exists()


def test_a_selection_without_article_files_names_each_ignored_file(publisher_client):
    response = publisher_client.post(
        URL, {"files": [upload("notes.txt", "hello"), upload("<i>photo.jpg", b"\xff\xd8")]}
    )

    (error,) = response.context["form"].errors["files"]
    assert error == "None of these is an article file: notes.txt, <i>photo.jpg."
    assert "&lt;i&gt;photo.jpg" in response.content.decode()
    assert not ImportRun.objects.exists()
