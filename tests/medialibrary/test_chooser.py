"""The writing tool's picture chooser: search, upload-then-choose, and a Markdown snippet that cannot break out."""

import json
import re
from html import unescape
from html.parser import HTMLParser

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.rendering import render_markdown
from medialibrary import library
from medialibrary.models import Picture

from .conftest import picture_bytes

CHOOSER = "admin:media_picture_chooser"


def image_attributes(html):
    found = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag == "img":
                found.append(dict(attrs))

    Parser().feed(html)
    [attributes] = found
    return attributes


def messages_on(page):
    return [json.loads(unescape(m)) for m in re.findall(r'data-choose="([^"]*)"', page)]


def test_the_chooser_lists_and_searches_pictures_with_thumbnails(editor_client, make_picture):
    harbour = make_picture(title="Harbour", caption="Boats at dawn")
    make_picture(title="Parliament", alt_text="MPs on the benches")

    page = editor_client.get(reverse(CHOOSER), {"_popup": 1, "q": "dawn"}).content.decode()

    assert "Harbour" in page and "Parliament" not in page
    assert harbour.thumbnail_url() in page
    assert "media/chooser.js" in page
    assert "<script>" not in page  # only the static file: the CSP allows no inline script


def test_each_choice_carries_the_message_for_the_writing_tool(editor_client, make_picture):
    picture = make_picture(title="Harbour", caption="Boats at dawn")

    [message] = messages_on(editor_client.get(reverse(CHOOSER), {"_popup": 1}).content.decode())

    assert message == {
        "type": "newsroom:picture-chosen", "id": picture.pk, "url": picture.url,
        "alt": picture.alt_text, "title": "Harbour", "caption": "Boats at dawn",
        "markdown": f'![Fishing boats moored in a harbour at sunrise]({picture.url} "Boats at dawn")',
    }
    assert picture.url.startswith("/media/library/")


def test_without_javascript_choosing_shows_the_snippet_to_copy(editor_client, make_picture):
    picture = make_picture(caption="")

    page = editor_client.get(reverse(CHOOSER), {"chosen": picture.pk}).content.decode()

    assert "Markdown to paste into the body" in page
    assert f"![Fishing boats moored in a harbour at sunrise]({picture.url})</textarea>" in page


def test_uploading_in_the_chooser_adds_to_the_library_and_chooses_the_picture(editor_client, media):
    data = {"upload": SimpleUploadedFile("p.png", picture_bytes(900, 600, "PNG"), "image/png"),
            "title": "Market", "alt_text": "Stalls of fruit", "caption": "", "credit": "", "licence": "",
            "focal_x": "0.5", "focal_y": "0.5"}

    response = editor_client.post(f"{reverse(CHOOSER)}?_popup=1", data)

    picture = Picture.objects.get()
    assert response.status_code == 302
    assert f"chosen={picture.pk}" in response["Location"] and "_popup=1" in response["Location"]
    page = editor_client.get(response["Location"]).content.decode()
    assert "data-autochoose" in page and "Uploaded: Market" in page


def test_a_refused_upload_in_the_chooser_says_why(editor_client, media):
    data = {"upload": SimpleUploadedFile("x.jpg", b"not a picture", "image/jpeg"), "title": "X",
            "alt_text": "x", "focal_x": "0.5", "focal_y": "0.5"}

    page = editor_client.post(reverse(CHOOSER), data).content.decode()

    assert "This file is not an image" in page
    assert not Picture.objects.exists()


def test_hostile_alt_text_and_caption_stay_inside_the_markdown_image(make_picture):
    picture = make_picture(
        alt_text='x](javascript:alert(1)) ![y](https://evil.example/t.gif',
        caption='"><script>alert(1)</script> " onerror="alert(2)',
    )

    html = str(render_markdown(library.markdown_snippet(picture)))

    assert html.count("<img") == 1
    assert f'src="{picture.url}"' in html
    assert "javascript" not in html.split("alt=")[0]
    assert "evil.example" not in html.split("alt=")[0]
    assert "<script" not in html
    # The caption is the title attribute's text, quotes and all: no attribute of its own.
    assert ' title="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt; &quot; onerror=&quot;alert(2)" ' in html
    assert image_attributes(html) == {
        "src": picture.url, "alt": "x](javascript:alert(1)) ![y](https://evil.example/t.gif",
        "title": '"><script>alert(1)</script> " onerror="alert(2)', "loading": "lazy",
    }
    assert 'alt="x](javascript:alert(1)) ![y](https://evil.example/t.gif"' in html


def test_the_chooser_needs_the_library_permission(client, db):
    from tests.articles.roles import make_user

    client.force_login(make_user("staff"))

    assert client.get(reverse(CHOOSER)).status_code == 403
