"""The pending version on the public page: staff preview it, a share link may show it, readers never do."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import editorial, sharing
from articles.models import Article

from .roles import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(make_article):
    """A live article with pending changes: headline, topics and a picture caption."""
    article = make_article(title="Live headline", source_hash="abc", topics=["Politics"], body="Live body.")
    article.images.create(position=0, url="https://img.example.com/a.jpg", title="Live caption")
    content = editorial.editable_content(article)
    content.update(title="Pending <headline>", topics=["Brand new topic"], editor_note="Note *pending*")
    content["images"][0]["title"] = "Pending caption"
    editorial.save_content(article, content)
    return Article.objects.get(pk=article.pk)


def test_readers_get_the_live_version(client, article):
    page = client.get(article.get_absolute_url()).content.decode()

    assert "Live headline" in page and "Live caption" in page and "Politics" in page
    assert "Pending" not in page and "awaiting review" not in page


def test_staff_preview_the_pending_version_with_a_banner_without_saving_it(client, article):
    client.force_login(make_user("editor"))

    response = client.get(article.get_absolute_url())

    page = response.content.decode()
    assert "changes awaiting review" in page
    assert "Pending &lt;headline&gt;" in page and "Pending caption" in page and "Brand new topic" in page
    assert "<em>pending</em>" in page  # the editor's note, rendered like the body
    assert "no-store" in response["Cache-Control"]
    stored = Article.objects.get(pk=article.pk)
    assert stored.title == "Live headline" and list(stored.topics.names()) == ["Politics"]


def test_a_share_link_shows_the_live_or_the_pending_version_as_chosen(client, article):
    publisher = make_user("publisher")
    expires = timezone.now() + timedelta(days=1)
    live = sharing.create_link(article, by=publisher, expires_at=expires)
    pending = sharing.create_link(article, by=publisher, expires_at=expires, pending=True)

    live_page = client.get(sharing.url_for(live)).content.decode()
    pending_page = client.get(sharing.url_for(pending)).content.decode()

    assert "Live headline" in live_page and "Pending" not in live_page
    assert "Pending &lt;headline&gt;" in pending_page and "changes awaiting review" in pending_page


def test_the_share_page_offers_the_choice_when_there_are_pending_changes(client, article):
    client.force_login(make_user("publisher"))
    url = reverse("admin:articles_article_share", args=[article.pk])
    assert "The changes awaiting review" in client.get(url).content.decode()
    expires = timezone.localtime() + timedelta(days=1)

    client.post(url, {"create": "1", "shows": "pending", "expires_at_0": expires.strftime("%Y-%m-%d"),
                      "expires_at_1": expires.strftime("%H:%M:%S")})

    assert article.share_links.get().shows_pending


def test_the_editors_note_is_shown_above_the_body_escaped(client, make_article):
    article = make_article(editor_note="Updated <script>alert(1)</script> with **care**", body="The body.")

    page = client.get(article.get_absolute_url()).content.decode()

    assert "Editor’s note" in page and "<strong>care</strong>" in page
    assert "<script>alert(1)" not in page
    assert page.index("article__editor-note") < page.index("article__body")
