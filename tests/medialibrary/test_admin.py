"""The library in the admin: upload, search, usage, and deletion refused while live articles show a picture."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import Article, Image
from medialibrary.models import Picture

from .conftest import picture_bytes, png_header_only

ADD = "admin:media_picture_add"


def upload(data, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def add_form(file, **fields):
    data = {"upload": file, "title": "Flooded high street", "alt_text": "Water up to the doors of shops",
            "caption": "", "credit": "Ana Ruiz", "licence": "Staff", "focal_x": "0.5", "focal_y": "0.5"}
    data.update(fields)
    return data


def stored_files(media):
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def test_an_editor_uploads_a_picture_with_its_renditions(editor_client, media):
    response = editor_client.post(reverse(ADD), add_form(upload(picture_bytes(1200, 900))))

    assert response.status_code == 302
    picture = Picture.objects.get()
    assert (picture.width, picture.height, picture.credit) == (1200, 900, "Ana Ruiz")
    assert picture.uploaded_by.username.startswith("editor")
    assert default_storage.exists(picture.file)
    assert any(r.get("crop") == "16:9" for r in picture.renditions)


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (upload(b"<?php system($_GET['c']); ?>", "shell.jpg"), "This file is not an image"),
        (upload(png_header_only(30_000, 30_000), "bomb.png", "image/png"), "This image has too many pixels"),
        (upload(picture_bytes(64, 64, "TIFF"), "scan.tif", "image/tiff"), "This image format is not accepted"),
    ],
    ids=["php", "pixel-bomb", "tiff"],
)
def test_a_hostile_upload_is_refused_with_a_clear_message_and_nothing_is_stored(editor_client, media, file, message):
    response = editor_client.post(reverse(ADD), add_form(file))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Picture.objects.exists()
    assert stored_files(media) == []


def test_alt_text_is_required(editor_client, media):
    response = editor_client.post(reverse(ADD), add_form(upload(picture_bytes()), alt_text=""))

    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not Picture.objects.exists()
    assert stored_files(media) == []


def test_the_list_searches_captions_and_credits_and_shows_thumbnails(superuser_client, make_picture):
    wanted = make_picture(title="Bridge", caption="The old bridge at low tide", credit="Port Authority")
    make_picture(title="Parliament", caption="Members arrive", credit="Staff")

    page = superuser_client.get(reverse("admin:media_picture_changelist"), {"q": "low tide"}).content.decode()

    assert "Bridge" in page and "Parliament" not in page
    assert f'src="{wanted.thumbnail_url()}"' in page
    by_credit = superuser_client.get(reverse("admin:media_picture_changelist"), {"q": "Port Authority"})
    assert "Bridge" in by_credit.content.decode()


def test_moving_the_focal_point_in_the_admin_updates_articles_using_the_picture(
    superuser_client, make_picture, make_article,
):
    picture = make_picture()
    image = Image.objects.create(article=make_article(), url="https://testserver/x.jpg", picture=picture,
                                 renditions=picture.renditions)
    form = {"title": picture.title, "alt_text": "New description", "caption": "", "credit": "",
            "licence": "", "focal_x": "0.1", "focal_y": "0.2"}

    response = superuser_client.post(reverse("admin:media_picture_change", args=[picture.pk]), form)

    assert response.status_code == 302
    picture.refresh_from_db()
    image.refresh_from_db()
    assert (picture.focal_x, picture.focal_y) == (0.1, 0.2)
    assert image.renditions == picture.renditions
    assert image.alt == "New description"
    assert any("wide-0100-0200" in r["name"] for r in image.renditions)


def test_the_change_page_has_the_focal_picker_and_lists_where_the_picture_is_used(
    superuser_client, make_picture, make_article,
):
    picture = make_picture()
    live = make_article(title="Storm hits the coast")
    make_article(title="Draft about bridges", status=Article.Status.DRAFT,
                 body=f"Text\n\n![x]({picture.url})")
    Image.objects.create(article=live, url="https://testserver/x.jpg", picture=picture)

    page = superuser_client.get(reverse("admin:media_picture_change", args=[picture.pk])).content.decode()

    assert "data-focal-picker" in page and "media/focal-point.js" in page
    assert 'name="focal_x"' in page and 'name="focal_y"' in page
    assert reverse("admin:articles_article_change", args=[live.pk]) in page
    assert "Storm hits the coast</a> — live" in page
    assert "Draft about bridges</a> — Draft (in the body)" in page


def test_deleting_a_picture_a_live_article_shows_is_refused_naming_the_article(
    superuser_client, make_picture, make_article,
):
    picture = make_picture()
    article = make_article(title="Election night")
    Image.objects.create(article=article, url="https://testserver/x.jpg", picture=picture)
    url = reverse("admin:media_picture_delete", args=[picture.pk])

    page = superuser_client.get(url).content.decode()
    response = superuser_client.post(url, {"post": "yes"})

    assert "Cannot delete" in page
    assert "Election night" in page and "live article" in page
    assert reverse("admin:articles_article_change", args=[article.pk]) in page
    assert "Yes, I’m sure" not in page
    assert "Cannot delete" in response.content.decode()
    assert Picture.objects.filter(pk=picture.pk).exists()


def test_the_bulk_delete_action_refuses_pictures_live_articles_show(superuser_client, make_picture, make_article):
    used, unused = make_picture(title="Used"), make_picture(title="Unused")
    Image.objects.create(article=make_article(title="Markets rally"), url="https://testserver/x.jpg", picture=used)

    page = superuser_client.post(
        reverse("admin:media_picture_changelist"),
        {"action": "delete_selected", "_selected_action": [used.pk, unused.pk], "post": "yes"},
    ).content.decode()

    assert "Markets rally" in page
    assert Picture.objects.filter(pk__in=[used.pk, unused.pk]).count() == 2


def test_a_live_article_body_showing_the_picture_also_blocks_deletion(superuser_client, make_picture, make_article):
    picture = make_picture()
    make_article(title="Body user", body=f"![a]({picture.url})")

    page = superuser_client.get(reverse("admin:media_picture_delete", args=[picture.pk])).content.decode()

    assert "Body user" in page and "Cannot delete" in page


def test_a_picture_only_unpublished_articles_use_is_deleted_and_they_keep_their_copy(
    superuser_client, make_picture, make_article, django_capture_on_commit_callbacks,
):
    picture = make_picture()
    draft = make_article(title="Unfinished piece", status=Article.Status.DRAFT)
    image = Image.objects.create(article=draft, url="https://testserver/x.jpg", picture=picture,
                                 file=picture.file, renditions=picture.renditions)
    url = reverse("admin:media_picture_delete", args=[picture.pk])

    page = superuser_client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = superuser_client.post(url, {"post": "yes"})

    assert "Unfinished piece" in page and "Cannot delete" not in page
    assert response.status_code == 302
    assert not Picture.objects.exists()
    image.refresh_from_db()
    assert image.picture is None and default_storage.exists(image.file)


def test_an_unused_picture_is_deleted_with_its_files(superuser_client, make_picture, django_capture_on_commit_callbacks):
    picture = make_picture()

    with django_capture_on_commit_callbacks(execute=True):
        superuser_client.post(reverse("admin:media_picture_delete", args=[picture.pk]), {"post": "yes"})

    assert not Picture.objects.exists()
    assert not default_storage.exists(picture.file)
    assert not any(default_storage.exists(r["name"]) for r in picture.renditions)


def test_editors_may_not_delete_pictures(editor_client, make_picture):
    picture = make_picture()

    response = editor_client.post(reverse("admin:media_picture_delete", args=[picture.pk]), {"post": "yes"})

    assert response.status_code == 403
    assert Picture.objects.filter(pk=picture.pk).exists()


def test_several_pictures_upload_at_once_and_a_refused_one_stores_none(editor_client, media):
    url = reverse("admin:media_picture_upload_many")
    good = [upload(picture_bytes(600, 400), f"street-{n}.jpg") for n in (1, 2)]

    refused = editor_client.post(url, {
        "files": [*good, upload(b"MZ\x90\x00 not a picture", "setup.jpg")], "alt_text": "Street scene",
    })

    assert "setup.jpg: This file is not an image" in refused.content.decode()
    assert not Picture.objects.exists() and stored_files(media) == []

    good = [upload(picture_bytes(600, 400), f"street-{n}.jpg") for n in (1, 2)]
    response = editor_client.post(url, {"files": good, "alt_text": "Street scene", "credit": "Desk"})

    assert response.status_code == 302
    assert sorted(Picture.objects.values_list("title", "alt_text", "credit")) == [
        ("street-1", "Street scene", "Desk"), ("street-2", "Street scene", "Desk"),
    ]
