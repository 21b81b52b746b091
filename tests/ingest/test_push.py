"""POST /api/v1/ingest/: the importer over HTTP, with the command's per-file report."""

import pytest

from articles.models import Article, ImportRun
from tests.conftest import article_text

from .conftest import URL, bearer, post_file, post_multipart, zipped

pytestmark = pytest.mark.django_db


def test_one_file_is_created_and_reported(client, make_token):
    token, plain = make_token(name="Example News CMS")
    text = article_text(title="Pushed by a partner", webUrl="https://example.com/push/1")

    response = post_file(client, plain, text)

    assert response.status_code == 201
    body = response.json()
    assert body["summary"] == {"seen": 1, "created": 1, "updated": 0, "unchanged": 0, "rejected": 0}
    [entry] = body["files"]
    article = Article.objects.get()
    assert entry == {"path": "story.md", "outcome": "created", "article_id": article.pk}
    assert article.title == "Pushed by a partner"
    run = ImportRun.objects.get()
    assert (run.source, run.label, run.user, run.created) == ("api", "Example News CMS", None, 1)
    assert body["run"].endswith(f"/api/v1/ingest/runs/{run.pk}/")


def test_the_same_file_again_is_unchanged_and_answers_200(client, token):
    text = article_text(webUrl="https://example.com/push/again")
    post_file(client, token, text)

    response = post_file(client, token, text)

    assert response.status_code == 200
    assert [e["outcome"] for e in response.json()["files"]] == ["unchanged"]
    assert Article.objects.count() == 1


def test_a_changed_file_updates_its_article(client, token):
    post_file(client, token, article_text(title="First", webUrl="https://example.com/push/edit"))

    response = post_file(client, token, article_text(title="Second", webUrl="https://example.com/push/edit"))

    assert response.status_code == 200
    assert response.json()["files"][0]["outcome"] == "updated"
    assert Article.objects.get().title == "Second"


def test_several_files_as_multipart_each_all_or_nothing(client, token):
    files = {
        "good.md": article_text(title="Good one", webUrl="https://example.com/push/good"),
        "bad.md": article_text(webUrl="https://example.com/push/bad", quality=500),
        "notes.txt": "not an article",
    }

    response = post_multipart(client, token, files)

    assert response.status_code == 201
    body = response.json()
    entries = {e["path"]: e for e in body["files"]}
    assert entries["good.md"]["outcome"] == "created"
    bad = entries["bad.md"]
    assert (bad["outcome"], bad["kind"], bad["field"]) == ("rejected", "invalid_value", "quality")
    assert isinstance(bad["line"], int) and "quality" in bad["message"]
    assert body["ignored"] == ["notes.txt"]
    assert list(Article.objects.values_list("web_url", flat=True)) == ["https://example.com/push/good"]


def test_a_zip_of_articles_is_imported(client, token):
    archive = zipped({
        "batch/one.md": article_text(webUrl="https://example.com/push/z1"),
        "batch/two.md": article_text(webUrl="https://example.com/push/z2"),
        "batch/readme.txt": "ignored",
    })

    response = post_file(client, token, archive, name="batch.zip", content_type="application/zip")

    assert response.status_code == 201
    assert sorted((e["path"], e["outcome"]) for e in response.json()["files"]) == [
        ("batch.zip/batch/one.md", "created"), ("batch.zip/batch/two.md", "created"),
    ]
    assert Article.objects.count() == 2


def test_a_zip_that_climbs_out_of_its_folder_is_refused_whole(client, token):
    archive = zipped({
        "ok.md": article_text(webUrl="https://example.com/push/ok"),
        "../../etc/evil.md": article_text(),
    })

    response = post_file(client, token, archive, name="evil.zip", content_type="application/zip")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "zip_unsafe_path"
    assert "evil.zip" in error["message"] and "../../etc/evil.md" in error["message"]
    assert not Article.objects.exists() and not ImportRun.objects.exists()


def test_a_body_that_is_not_a_zip_is_refused(client, token):
    response = post_file(client, token, b"PK\x03\x04 broken", name="x.zip", content_type="application/zip")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_zip"
    assert not ImportRun.objects.exists()


def test_a_file_name_cannot_climb_out_of_anything(client, token):
    response = post_file(client, token, article_text(), name="../../secret/story.md")

    assert response.json()["files"][0]["path"] == "story.md"


def test_a_body_of_another_type_is_415(client, token):
    response = client.post(URL, data=b'{"title": "x"}', content_type="application/json", headers=bearer(token))

    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"
    assert not ImportRun.objects.exists()


def test_a_body_without_a_file_is_400(client, token):
    response = client.post(URL, {"note": "no file"}, headers=bearer(token))

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "no_files"


def test_untrusted_text_stays_data_in_the_json_answer(client, token):
    text = article_text(title="<script>alert(1)</script>", quality=500)

    response = post_file(client, token, text, name="<i>odd.md")

    assert response["Content-Type"] == "application/json"
    entry = response.json()["files"][0]
    assert entry["path"] == "<i>odd.md" and entry["kind"] == "invalid_value"


def test_control_characters_in_a_pushed_file_name_are_dropped_from_its_report(client, token):
    response = post_file(
        client, token, article_text(), name="ignored.md",
        **{"Content-Disposition": "attachment; filename*=UTF-8''sto%00ry%0a%1b.md"},
    )

    assert response.status_code == 201
    assert [entry["path"] for entry in response.json()["files"]] == ["story.md"]
    assert ImportRun.objects.get().written[0]["path"] == "story.md"


def test_a_failing_step_after_the_write_is_named_without_its_internals(client, token, monkeypatch):
    from articles.importing import loader

    def broken(*args):
        raise RuntimeError("connection to db-primary.internal:5432 lost")

    monkeypatch.setattr(loader, "resolve_related", broken)

    response = post_file(client, token, article_text())

    assert response.status_code == 201  # the file itself was imported
    assert response.json()["errors"] == ["linking related items failed (the details are in the site's log)"]
    assert "db-primary" not in response.content.decode()
