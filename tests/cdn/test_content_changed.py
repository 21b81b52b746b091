"""Every way content changes reaches readers' caches: each write path sends ``content_changed``,
once it commits, saying what changed."""

from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from articles.models import Article, Image, Topic
from articles.signals import announce
from stories.building import build_stories
from stories.models import Membership, Story
from tests.articles.roles import make_user
from tests.conftest import article_text

from .conftest import change_form_data

S = Article.Status


def step(client, article, name, **fields):
    url = reverse("admin:articles_article_step", args=[article.pk, name])
    return client.post(url, {"note": "Checked", "version": article.version, **fields})


def bulk(client, action, articles, **extra):
    return client.post(reverse("admin:articles_article_changelist"), {
        "action": action, "index": 0, "_selected_action": [a.pk for a in articles],
        "_seen_version": [f"{a.pk}:{a.version}" for a in articles], **extra,
    }, follow=True)


# Each row sets the scene (committed, unheard), then returns what the person does: a
# callable giving the article readers' caches must hear of (or None), and what else
# the signal must name.


def publisher_publishes(w):
    article = w.make_article(status=S.IN_REVIEW)
    client = w.as_role("publisher")
    return lambda: step(client, article, "publish").status_code == 302 and article, {}


def publisher_kills(w):
    article = w.make_article()
    client = w.as_role("publisher")
    return lambda: step(client, article, "kill", note="Court order").status_code == 302 and article, {}


def publisher_unpublishes(w):
    article = w.make_article()
    client = w.as_role("publisher")
    return lambda: step(client, article, "unpublish").status_code == 302 and article, {}


def publisher_kills_a_selection(w):
    article, other = w.make_article(), w.make_article()
    client = w.as_role("publisher")

    def act():
        bulk(client, "kill_selected", [article, other], confirm="yes", note="Legal advice")
        assert Article.objects.get(pk=other.pk).status == S.KILLED
        return article

    return act, {"articles": {other.pk}}


def editor_saves_a_headline(w):
    article = w.make_article(status=S.DRAFT)
    client = w.as_role("editor")
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = {
        "title": "Better headline", "excerpt": article.excerpt, "body": article.body,
        "provider": article.provider_id, "published_at_0": "2024-05-01", "published_at_1": "10:00:00",
        "category": "", "type": article.type, "topics": "", "quality": "", "heat": "",
        "version": article.version, "_continue": "Save and continue editing",
    }
    for prefix in ("images", "related_items"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0,
                     f"{prefix}-MIN_NUM_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000})

    def act():
        assert client.post(url, data).status_code == 302
        assert Article.objects.get(pk=article.pk).title == "Better headline"
        return article

    return act, {}


def superuser_deletes_an_article(w):
    article = w.make_article(topics=["Harbour"])
    topic = Topic.objects.get(name="Harbour")

    def act():
        w.admin_client.post(reverse("admin:articles_article_changelist"), {
            "action": "delete_selected", "_selected_action": [article.pk], "post": "yes",
        })
        assert not Article.objects.filter(pk=article.pk).exists()
        return article

    return act, {"topics": {topic.pk}, "providers": {article.provider_id}}


def import_command_writes_a_file(w):
    path = w.write_article(title="Imported by the command")

    def act():
        call_command("import_articles", str(path), stdout=StringIO(), stderr=StringIO())
        return Article.objects.get(title="Imported by the command")

    return act, {"lists": True}


def publisher_uploads_a_file(w):
    upload = SimpleUploadedFile("a.md", article_text(title="Uploaded in the admin").encode())
    client = w.as_role("publisher")

    def act():
        client.post(reverse("admin:articles_article_import"), {"files": [upload]})
        return Article.objects.get(title="Uploaded in the admin")

    return act, {"lists": True}


def linked_pair(w):
    first = w.make_article(published_at=datetime(2024, 5, 1, 10, tzinfo=UTC))
    second = w.make_article(published_at=datetime(2024, 5, 1, 11, tzinfo=UTC))
    first.related_items.create(web_url=second.web_url, target=second, title="Earlier")
    return first


def story_build_groups_linked_articles(w):
    first = linked_pair(w)

    def act():
        build_stories()
        assert Membership.objects.get(article=first).story is not None
        return first

    return act, {"lists": True}


def superuser_deletes_a_story(w):
    linked_pair(w)
    build_stories()
    story = Story.objects.get()

    def act():
        response = w.admin_client.post(reverse("admin:stories_story_delete", args=[story.pk]), {"post": "yes"})
        assert response.status_code == 302 and not Story.objects.exists()

    return act, {"stories": {story.pk}, "lists": True}


def superuser_renames_a_provider(w):
    article = w.make_article()
    url = reverse("admin:providers_provider_change", args=[article.provider_id])
    data = change_form_data(w.admin_client, url, name="Renamed Outlet")

    def act():
        response = w.admin_client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:2000]

    return act, {"providers": {article.provider_id}}


def superuser_renames_an_author(w):
    from authors.models import Author

    author = Author.objects.create(name="Ann Writer", slug="ann-writer")
    url = reverse("admin:authors_author_change", args=[author.pk])
    data = change_form_data(w.admin_client, url, name="Ann Writer-Smith")

    def act():
        response = w.admin_client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:2000]

    return act, {"authors": {author.pk}}


def editor_edits_a_library_picture(w):
    article = w.make_article()
    picture = w.request.getfixturevalue("make_picture")()
    Image.objects.create(article=article, url="https://testserver/x.jpg", picture=picture,
                         renditions=picture.renditions)
    form = {"title": picture.title, "alt_text": "New description", "caption": "", "credit": "",
            "licence": "", "focal_x": "0.1", "focal_y": "0.2"}

    def act():
        response = w.admin_client.post(reverse("admin:media_picture_change", args=[picture.pk]), form)
        assert response.status_code == 302
        return article

    return act, {}


WRITE_PATHS = [
    publisher_publishes, publisher_kills, publisher_unpublishes, publisher_kills_a_selection,
    editor_saves_a_headline, superuser_deletes_an_article, import_command_writes_a_file,
    publisher_uploads_a_file, story_build_groups_linked_articles, superuser_deletes_a_story,
    superuser_renames_a_provider, superuser_renames_an_author, editor_edits_a_library_picture,
]


class World:
    """What a row needs: builders, clients per role, and what was heard so far."""

    def __init__(self, request):
        self.request = request
        self.make_article = request.getfixturevalue("make_article")
        self.write_article = request.getfixturevalue("write_article")
        self.admin_client = request.getfixturevalue("admin_client")
        self.heard = request.getfixturevalue("heard")
        self._client_class = type(request.getfixturevalue("client"))

    def as_role(self, role):
        client = self._client_class()
        client.force_login(make_user(role))
        return client


@pytest.mark.django_db
@pytest.mark.parametrize("write_path", WRITE_PATHS, ids=lambda f: f.__name__)
def test_every_write_path_tells_readers_caches(request, write_path, django_capture_on_commit_callbacks):
    """A publisher kills an article (and every other write) -> readers' caches hear of it, naming it."""
    world = World(request)
    with django_capture_on_commit_callbacks(execute=True):
        act, named = write_path(world)
    world.heard.clear()
    with django_capture_on_commit_callbacks(execute=True):
        article = act()
    assert world.heard, f"{write_path.__name__} changed content but sent no content_changed"
    changes = world.heard.all
    if article is not None:
        assert article.pk in changes.articles
    for kind, wanted in named.items():
        got = getattr(changes, kind)
        assert (wanted <= got) if isinstance(wanted, set) else got == wanted, (kind, wanted, got)


@pytest.mark.django_db
def test_a_transaction_is_announced_once_when_it_commits(heard, make_article, django_capture_on_commit_callbacks):
    """Fifty rows written in one transaction are one signal, sent at the commit, naming all fifty."""
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            articles = [make_article() for _ in range(50)]
            assert heard == []  # nothing before the commit
    assert len(heard) == 1
    assert {a.pk for a in articles} <= heard[0].articles


@pytest.mark.django_db
def test_a_rolled_back_write_is_not_announced(heard, make_article, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            make_article()
            raise RuntimeError("the import failed")
    assert heard == []


def test_a_change_outside_a_transaction_is_announced_at_once(heard, transactional_db):
    announce(None, topics=[7], lists=True)
    assert len(heard) == 1 and heard[0].topics == {7} and heard[0].lists


def test_an_unknown_kind_of_change_is_refused_by_name():
    with pytest.raises(TypeError, match="categories"):
        announce(None, categories=["x"])
