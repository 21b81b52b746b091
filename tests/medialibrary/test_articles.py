"""Library pictures in articles: picked on the image inline, shown on the public pages, and in bodies."""

import os
import subprocess
import sys

from django.urls import reverse

from articles.models import Article, Image
from articles.rendering import render_markdown
from medialibrary import library
from tests.conftest import ROOT
from tests.images.test_admin_upload import post_upload


def test_an_editor_picks_a_library_picture_for_an_article(superuser_client, make_article, make_picture):
    picture = make_picture(caption="Boats at dawn", credit="Ana Ruiz")
    article = make_article(status=Article.Status.DRAFT)

    response = post_upload(superuser_client, article, None, picture=picture.pk)

    assert response.status_code == 302
    image = article.images.get()
    assert image.picture == picture
    assert image.url == f"http://testserver{picture.url}"
    assert image.renditions == picture.renditions and image.file == picture.file
    assert (image.alt, image.title, image.attribution) == (picture.alt_text, "Boats at dawn", "Ana Ruiz")


def test_the_article_page_shows_the_library_picture_with_its_alt_text_and_credit(client, make_article, make_picture):
    picture = make_picture(caption="Boats at dawn", credit="Ana Ruiz")
    article = make_article()
    Image.objects.create(article=article, position=0, url=f"http://testserver{picture.url}", picture=picture,
                         title="Boats at dawn", attribution="Ana Ruiz", **library.image_fields(picture))

    page = client.get(article.get_absolute_url()).content.decode()

    full_jpeg = max((r for r in picture.full_renditions() if r["format"] == "jpeg"), key=lambda r: r["width"])
    assert f'{full_jpeg["name"]} {full_jpeg["width"]}w' in page
    assert f'alt="{picture.alt_text}"' in page
    assert "Boats at dawn" in page and "Ana Ruiz" in page
    # The article page shows the whole picture, not the 16:9 crop.
    figure = page.split('class="figure figure--lead"')[1].split("</figure>")[0]
    assert "/wide-" not in figure


def test_the_front_page_lead_uses_the_crop_around_the_focal_point(client, make_article, make_picture):
    picture = make_picture(focal_x=0.9, focal_y=0.2)
    article = make_article()
    Image.objects.create(article=article, position=0, url=f"http://testserver{picture.url}", picture=picture,
                         **library.image_fields(picture))

    page = client.get(reverse("articles:index")).content.decode()

    lead = page.split('class="lead__image"')[0].rsplit("<picture>", 1)[1]
    assert "/wide-0900-0200-" in lead
    assert 'width="1200" height="675"' in lead + page.split('class="lead__image"')[1][:200]


def test_a_body_shows_library_pictures_and_keeps_other_relative_urls_out(make_picture):
    picture = make_picture()

    html = str(render_markdown(
        f"![ours]({picture.url})\n\n![relative](/admin/logout/)\n\n"
        f"![script](javascript:alert(1))\n\n![traversal]({picture.url.rsplit('/', 1)[0]}/../../../x.jpg)"
    ))

    assert f'<img src="{picture.url}" alt="ours"' in html
    assert html.count("<img") == 1
    assert "/admin/logout/" not in html


def test_usage_covers_pictures_in_bodies_and_image_rows(make_article, make_picture):
    picture = make_picture()
    make_article(title="A", body=f"Intro\n\n![x]({picture.url})")
    in_row = make_article(title="B", status=Article.Status.DRAFT)
    Image.objects.create(article=in_row, url="https://testserver/x.jpg", picture=picture)
    make_article(title="C", body="No pictures here")

    uses = {use.article.title: (use.live, use.how) for use in library.usage(picture)}

    assert uses == {"A": (True, "body"), "B": (False, "picture")}


def test_republishing_an_article_keeps_its_library_picture(make_article, make_picture):
    from articles import editorial

    picture = make_picture()
    article = make_article()
    Image.objects.create(article=article, url="https://testserver/p.jpg", picture=picture,
                         **library.image_fields(picture))

    editorial.write_live(article, {**editorial.live_content(article), "title": "New"}, images=True)

    image = article.images.get()
    assert image.picture == picture and image.alt == picture.alt_text


def settings_in_subprocess(**env):
    """What Django's default storage is under ``env``, in a fresh interpreter (settings are read once)."""
    code = (
        "import django; django.setup(); "
        "from django.core.files.storage import default_storage as s; "
        "print(type(s._wrapped if hasattr(s, '_wrapped') else s).__name__, end=' '); "
        "s._setup() if not hasattr(s, 'bucket_name') else None; "
        "w = s._wrapped; print(w.bucket_name, w.endpoint_url, w.querystring_auth)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", **env},
    )
    return result


def test_media_storage_s3_selects_the_s3_backend_from_the_environment():
    result = settings_in_subprocess(
        MEDIA_STORAGE="s3", AWS_STORAGE_BUCKET_NAME="newsroom-media",
        AWS_S3_ENDPOINT_URL="https://s3.example.net",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-3:] == ["newsroom-media", "https://s3.example.net", "False"]


def test_media_storage_s3_without_a_bucket_is_refused_at_start():
    result = settings_in_subprocess(MEDIA_STORAGE="s3", AWS_STORAGE_BUCKET_NAME="")

    assert result.returncode != 0
    assert "MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME" in result.stderr


def test_local_storage_is_the_default(settings):
    assert settings.STORAGES["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
