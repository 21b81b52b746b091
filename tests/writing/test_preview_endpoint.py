"""The admin's preview endpoint: the public page's rendering, for staff who may edit, within limits."""

from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import User
from django.test import Client

from articles.importing.frontmatter import MAX_FILE_SIZE
from articles.rendering import render_markdown
from tests.articles.roles import make_user

from .helpers import HOSTILE, PREVIEW_URL

pytestmark = pytest.mark.django_db


class Tags(HTMLParser):
    """Every element of a fragment, with its attributes."""

    def __init__(self):
        super().__init__()
        self.seen = []

    def handle_starttag(self, tag, attrs):
        self.seen.append((tag, attrs))


@pytest.fixture
def editor():
    return make_user("editor")


def preview(client, body):
    return client.post(PREVIEW_URL, {"body": body})


def test_the_preview_is_the_public_pages_rendering_of_hostile_markdown(client, editor, make_article):
    client.force_login(editor)

    response = preview(client, HOSTILE)

    assert response.status_code == 200
    html = response.json()["html"]
    assert html == str(render_markdown(HOSTILE))
    # What the sanitiser guarantees, whatever the renderer does.
    tags = Tags()
    tags.feed(html)
    assert not {"script", "style"} & {tag for tag, _ in tags.seen}
    for _, attrs in tags.seen:
        assert not [name for name, _ in attrs if name.startswith("on")]
        assert all(value.startswith("https://") for name, value in attrs if name in ("href", "src"))
    assert "&lt;script&gt;" in html  # raw HTML shows as text
    assert '<a href="https://example.org/a?b=1&amp;c=2" rel="nofollow noopener noreferrer">fine</a>' in html
    assert "<h2>Heading</h2>" in html and "<s>gone</s>" in html
    # ...and exactly what a reader gets on the article's page.
    article = make_article(body=HOSTILE)
    client.logout()
    assert html in client.get(article.get_absolute_url()).content.decode()


def test_the_preview_counts_words_and_minutes(client, editor):
    client.force_login(editor)

    data = preview(client, "Three short words and [a link](https://example.org/x).").json()

    assert (data["words"], data["minutes"], data["text"]) == (6, 1, "6 words · 1 min read")
    assert preview(client, "").json() == {"html": "", "words": 0, "minutes": 0, "text": "No words yet"}


def test_the_preview_is_never_cached(client, editor):
    client.force_login(editor)

    response = preview(client, "text")

    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_anonymous_people_are_sent_to_sign_in(client):
    response = preview(client, "**hello**")

    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_people_who_are_not_staff_are_refused(client):
    user = User.objects.create_user("reader", password="correct horse battery staple")
    client.force_login(user)

    response = preview(client, "**hello**")

    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert b"<strong>" not in response.content


def test_staff_who_may_not_change_articles_are_refused(client):
    client.force_login(make_user("staff"))

    assert preview(client, "**hello**").status_code == 403


def test_only_post_is_answered(client, editor):
    client.force_login(editor)

    response = client.get(PREVIEW_URL, {"body": "**hello**"})

    assert response.status_code == 405 and response["Allow"] == "POST"


def test_a_post_without_the_csrf_token_is_refused(editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)

    assert preview(client, "**hello**").status_code == 403


def test_a_body_larger_than_an_article_file_is_refused_clearly(client, editor):
    client.force_login(editor)

    too_long = preview(client, "é" * (MAX_FILE_SIZE // 2 + 1))  # two bytes each: just over
    just_right = preview(client, "a" * MAX_FILE_SIZE)

    assert too_long.status_code == 413
    assert "too long to preview" in too_long.json()["error"] and "1 MiB" in too_long.json()["error"]
    assert just_right.status_code == 200


def test_a_request_declaring_a_huge_body_is_refused_before_it_is_read(client, editor):
    client.force_login(editor)

    response = client.generic(
        "POST", PREVIEW_URL, b"body=x", content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(MAX_FILE_SIZE * 2),
    )

    assert response.status_code in (400, 413)
