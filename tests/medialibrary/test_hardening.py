"""The library under odd stored values, odd URLs and the desk's rights: never a 500, never a silent live change."""

import pytest
from django.urls import reverse

from articles.models import Article, Image
from medialibrary.models import Picture
from tests.articles.roles import make_user
from tests.conftest import SignedInClient

FORM = {"caption": "", "credit": "", "licence": "", "focal_x": "0.5", "focal_y": "0.5"}


def signed_in(role):
    client = SignedInClient()
    client.force_login(make_user(role))
    return client


def form_of(picture, **changes):
    return {**FORM, "title": picture.title, "alt_text": picture.alt_text, **changes}


def test_an_editor_cannot_change_a_picture_a_live_article_shows_but_a_publisher_can(make_picture, make_article):
    picture = make_picture(alt_text="Boats in the harbour")
    Image.objects.create(article=make_article(), url="https://testserver/x.jpg", picture=picture)
    url = reverse("admin:media_picture_change", args=[picture.pk])

    editor = signed_in("editor")
    page = editor.get(url)
    assert page.status_code == 200
    assert "only a publisher can change it" in page.content.decode()
    assert editor.post(url, form_of(picture, alt_text="Changed by an editor")).status_code == 403
    picture.refresh_from_db()
    assert picture.alt_text == "Boats in the harbour"

    publisher = signed_in("publisher")
    assert publisher.post(url, form_of(picture, alt_text="Changed by a publisher")).status_code == 302
    picture.refresh_from_db()
    assert picture.alt_text == "Changed by a publisher"


def test_an_editor_may_still_change_a_picture_only_drafts_use(make_picture, make_article):
    picture = make_picture()
    Image.objects.create(
        article=make_article(status=Article.Status.DRAFT), url="https://testserver/x.jpg", picture=picture
    )
    url = reverse("admin:media_picture_change", args=[picture.pk])
    assert signed_in("editor").post(url, form_of(picture, alt_text="Better words")).status_code == 302


@pytest.mark.parametrize("stored", [
    {"not": "a list"}, ["a string"], [{"width": "wide", "name": 3}], [{"format": "jpeg"}], 42,
])
def test_pictures_with_odd_stored_renditions_still_list_open_and_choose(superuser_client, make_picture, stored):
    picture = make_picture(title="Odd renditions")
    Picture.objects.filter(pk=picture.pk).update(renditions=stored)

    assert superuser_client.get(reverse("admin:media_picture_changelist")).status_code == 200
    assert superuser_client.get(reverse("admin:media_picture_change", args=[picture.pk])).status_code == 200
    chooser = reverse("admin:media_picture_chooser")
    assert superuser_client.get(chooser).status_code == 200
    assert superuser_client.get(f"{chooser}?chosen={picture.pk}").status_code == 200


def test_a_new_focal_point_for_a_picture_whose_file_is_gone_is_a_form_error(superuser_client, make_picture, media):
    picture = make_picture()
    (media / picture.file).unlink()

    response = superuser_client.post(
        reverse("admin:media_picture_change", args=[picture.pk]), form_of(picture, focal_x="0.2"),
    )

    assert response.status_code == 200
    assert "cannot be read" in response.content.decode()
    picture.refresh_from_db()
    assert picture.focal_x == 0.5


@pytest.mark.parametrize("value", ["²", "abc", "-1", "9" * 40, "1e3"])
def test_odd_ids_in_the_chooser_and_pin_form_urls_are_ignored(superuser_client, value):
    assert superuser_client.get(f"{reverse('admin:media_picture_chooser')}?chosen={value}").status_code == 200
    assert superuser_client.get(f"{reverse('admin:curation_pin_add')}?topic={value}").status_code == 200
