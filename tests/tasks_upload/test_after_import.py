"""After every import, story grouping and picture caching are queued, not run inside the import."""

from io import StringIO

import pytest
from django.core.management import call_command

try:
    from django.tasks import task_backends
except ImportError:  # Django 5.2: the backport
    from django_tasks import task_backends

from articles.images import fetching
from articles.importing.loader import import_paths
from articles.models import Article, Image
from stories.models import Membership
from tests.images.conftest import picture_bytes

pytestmark = pytest.mark.django_db

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def linked_pair(write_article):
    write_article(
        "b.md", title="Second outlet on the bridge closure", webUrl="https://b.example/2",
        related=[{"title": "Other coverage", "webUrl": "https://a.example/1"}],
        publishedDateTime="2024-05-01T12:00:00Z",
        images=[{"url": "https://pictures.example/bridge.jpg", "width": 800, "height": 600}],
    )
    return write_article(
        "a.md", title="Bridge closed after crash", webUrl="https://a.example/1",
        publishedDateTime="2024-05-01T10:00:00Z",
    )


def test_the_import_queues_grouping_and_picture_caching_and_does_neither_itself(write_article, settings):
    settings.TASKS = DUMMY
    settings.IMPORT_CACHE_IMAGES = True
    path = linked_pair(write_article)

    result = import_paths([path.parent])

    assert result.queued == ["grouping stories", "caching pictures"]
    assert not Membership.objects.exists()
    assert not Image.objects.filter(file__isnull=False).exists()
    queued = {r.task.name: r.args for r in task_backends["default"].results}
    assert sorted(queued["group_new_articles"][0]) == ["https://a.example/1", "https://b.example/2"]
    assert sorted(queued["cache_article_pictures"][0]) == sorted(Article.objects.values_list("pk", flat=True))


def test_the_queued_tasks_group_the_new_articles_and_cache_their_pictures(
    write_article, settings, monkeypatch, tmp_path
):
    settings.IMPORT_CACHE_IMAGES = True
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(fetching, "fetch", lambda url, policy=None: picture_bytes(400, 300))
    path = linked_pair(write_article)

    import_paths([path.parent])  # tasks run as they are queued under the test settings

    assert Membership.objects.values("story").distinct().count() == 1
    assert Membership.objects.count() == 2
    image = Image.objects.get()
    assert image.file and (image.width, image.height) == (400, 300)


def test_the_command_says_what_it_queued(write_article):
    out = StringIO()

    call_command("import_articles", str(write_article().parent), stdout=out)

    assert "Queued for the background workers: grouping stories." in out.getvalue()


def test_an_import_that_creates_nothing_queues_nothing(write_article, settings):
    settings.TASKS = DUMMY
    path = write_article()
    import_paths([path.parent])
    task_backends["default"].clear()

    result = import_paths([path.parent])  # unchanged the second time

    assert result.queued == [] and task_backends["default"].results == []
