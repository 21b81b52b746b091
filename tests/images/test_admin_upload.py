"""Uploading a picture in the article admin's image inline (articles/images/admin.py)."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import Article
from tests.articles.roles import make_user

from .conftest import picture_bytes, png_header_only


@pytest.fixture
def editor_client(client, db):
    client.force_login(make_user("superuser"))
    return client


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def post_upload(client, article, upload, **row):
    """Post the change form of a hand-made article with one new image row."""
    data = {
        "title": article.title, "excerpt": article.excerpt, "body": "",
        "provider": article.provider_id, "published_at_0": "2024-05-01", "published_at_1": "10:00:00",
        "category": "", "type": article.type, "topics": "", "quality": "", "heat": "",
        "version": article.version, "_continue": "Save and continue editing",
        "related_items-TOTAL_FORMS": 0, "related_items-INITIAL_FORMS": 0,
        "images-TOTAL_FORMS": 1, "images-INITIAL_FORMS": 0,
        "images-0-position": 0, "images-0-url": "", "images-0-title": "",
        "images-0-attribution": "",
    }
    if upload is not None:
        data["images-0-upload"] = upload
    data.update({f"images-0-{name}": value for name, value in row.items()})
    return client.post(change_url(article), data)


def upload_of(data, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_an_uploaded_picture_is_stored_with_renditions_and_an_absolute_url(editor_client, make_article, media):
    article = make_article(status=Article.Status.DRAFT)

    response = post_upload(editor_client, article, upload_of(picture_bytes(700, 350, "PNG"), "p.png"))

    assert response.status_code == 302
    image = article.images.get()
    assert (image.width, image.height) == (700, 350)
    assert image.url.startswith("http://testserver/media/images/")
    assert default_storage.exists(image.file)
    assert [r["width"] for r in image.renditions if r["format"] == "webp"] == [320, 640, 700]


def test_the_inline_previews_a_cached_picture_from_our_copy(editor_client, make_article, media):
    article = make_article(status=Article.Status.DRAFT)
    post_upload(editor_client, article, upload_of(picture_bytes(400, 300)))
    image = article.images.get()

    page = editor_client.get(change_url(article)).content.decode()

    smallest = next(r["name"] for r in image.renditions if r["format"] == "jpeg")
    assert f'<img src="/media/{smallest}"' in page


@pytest.mark.parametrize(
    ("data", "name", "code", "message"),
    [
        (b"Dear editor,\nthis is a letter.", "letter.jpg", "not_an_image", "not an image"),
        (picture_bytes(400, 300)[:1300], "cut.jpg", "corrupt", "damaged or incomplete"),
        (png_header_only(30_000, 30_000), "huge.png", "too_many_pixels", "too many pixels"),
    ],
    ids=["renamed-text", "truncated-jpeg", "30000-square-png"],
)
def test_bad_uploads_are_refused_with_a_clear_message(editor_client, make_article, media, data, name, code, message):
    article = make_article(status=Article.Status.DRAFT)

    response = post_upload(editor_client, article, upload_of(data, name))

    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.forms[0].errors.as_data()
    assert [e.code for e in errors["upload"]] == [code]
    assert message in response.content.decode()
    assert not article.images.exists()
    assert not media.exists() or not any(media.rglob("*.*"))


def test_a_row_needs_a_url_or_a_file(editor_client, make_article, media):
    article = make_article(status=Article.Status.DRAFT)

    response = post_upload(editor_client, article, None, title="Caption only")

    assert response.status_code == 200
    assert "Give an image URL, upload a file or choose a library picture." in response.content.decode()
    assert not article.images.exists()


def test_a_url_alone_still_works(editor_client, make_article, media):
    article = make_article(status=Article.Status.DRAFT)

    post_upload(editor_client, article, None, url="https://cdn.example.com/x.jpg", width=840, height=473)

    image = article.images.get()
    assert (image.url, image.file) == ("https://cdn.example.com/x.jpg", None)
