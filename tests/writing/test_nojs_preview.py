"""The form's Preview button, for browsers without JavaScript: the form comes back, previewed, unsaved."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from articles.importing.loader import import_paths
from articles.models import Article, Transition
from articles.rendering import render_markdown
from revisions.models import Revision
from tests.articles.roles import make_user

from .helpers import HOSTILE, change_url, edit_data

pytestmark = pytest.mark.django_db

TYPED = "Typed **here** but not saved."


@pytest.fixture
def editor():
    return make_user("editor")


def snapshot(article):
    stored = Article.objects.get(pk=article.pk)
    return {
        "body": stored.body, "title": stored.title, "version": stored.version,
        "pending": stored.pending_revision_id, "status": stored.status,
        "revisions": Revision.objects.count(), "transitions": Transition.objects.count(),
    }


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_preview_shows_the_typed_body_and_saves_nothing(client, editor, make_article):
    article = make_article(status=Article.Status.DRAFT, body="Stored body.")
    client.force_login(editor)
    client.get(change_url(article))
    before = snapshot(article)

    response = client.post(change_url(article), edit_data(article, body=TYPED, title="New title", _preview="body"))

    assert response.status_code == 200
    html = response.content.decode()
    assert str(render_markdown(TYPED)) in html
    assert "5 words · 1 min read" in html
    assert "Typed **here** but not saved.</textarea>" in html  # the form keeps what was typed
    assert 'value="New title"' in html
    assert any(m.startswith("Preview only: nothing has been saved") for m in messages_of(response))
    assert snapshot(article) == before


def test_preview_then_save_saves_what_was_previewed(client, editor, make_article):
    article = make_article(status=Article.Status.DRAFT, body="Stored body.")
    client.force_login(editor)
    client.post(change_url(article), edit_data(article, body=TYPED, _preview="body"))

    response = client.post(change_url(article), edit_data(article, body=TYPED, _continue="1"))

    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).body == TYPED


def test_preview_of_a_live_article_makes_no_pending_version(client, editor, write_article):
    path = write_article("live.md", body="Source body.", title="Live one", webUrl="https://example.com/live")
    assert not import_paths([path]).rejected
    article = Article.objects.get(web_url="https://example.com/live")
    client.force_login(editor)
    page = client.get(change_url(article))
    data = {name: value for name, value in _posted(page).items()}
    before = snapshot(article)

    response = client.post(change_url(article), {**data, "body": "Edited **live** body.", "_preview": "body"})

    assert response.status_code == 200
    assert "<strong>live</strong>" in response.content.decode()
    assert snapshot(article) == before
    assert before["pending"] is None


def test_preview_on_the_add_form_creates_nothing(client, editor, make_provider):
    provider = make_provider()
    client.force_login(editor)
    data = edit_data(Article(provider=provider, title="Not yet", type="article"),
                     web_url="https://example.com/not-yet", body=HOSTILE, _preview="body")
    count, transitions = Article.objects.count(), Transition.objects.count()

    response = client.post(reverse("admin:articles_article_add"), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert str(render_markdown(HOSTILE)) in html
    assert '<script>alert("raw")</script>' not in html
    assert (Article.objects.count(), Transition.objects.count()) == (count, transitions)


def test_preview_still_shows_mistakes_in_the_form(client, editor, make_article):
    article = make_article(status=Article.Status.DRAFT, body="Stored body.")
    client.force_login(editor)

    response = client.post(change_url(article), edit_data(article, title="", body=TYPED, _preview="body"))

    assert response.status_code == 200
    assert "title" in response.context["adminform"].form.errors
    assert str(render_markdown(TYPED)) in response.content.decode()
    assert Article.objects.get(pk=article.pk).body == "Stored body."


def _posted(response):
    """What the change form on ``response`` posts as it stands (the editorial tests' helper)."""
    from tests.articles.test_admin_editorial import form_data

    return form_data(response)
