"""When a scheduled article goes live, the recurring job announces it once (the hook for side-effects)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles import going_live, tasks
from articles.models import Article
from articles.signals import content_changed

pytestmark = pytest.mark.django_db


@pytest.fixture
def scheduled(make_provider):
    """A published article of an import, going live at ``go_live_at``."""
    provider = make_provider()

    def make(go_live_at, **fields):
        n = Article.objects.count() + 1
        return Article.objects.create(
            title=f"Scheduled {n}", web_url=f"https://example.com/s/{n}", slug=f"scheduled-{n}",
            published_at=timezone.now() - timedelta(days=1), status=Article.Status.PUBLISHED,
            provider=provider, go_live_at=go_live_at, **fields,
        )

    return make


@pytest.fixture
def announced():
    ids = []

    def receiver(sender, article_ids, **kwargs):
        ids.append(article_ids)

    going_live.went_live.connect(receiver)
    yield ids
    going_live.went_live.disconnect(receiver)


def test_an_article_whose_go_live_time_passed_is_announced_once(scheduled, announced):
    now = timezone.now()
    going_live.announce(now - timedelta(minutes=5))  # the previous look
    due = scheduled(now - timedelta(minutes=1))
    scheduled(now + timedelta(hours=1))  # not yet
    scheduled(now - timedelta(days=2))  # live long before the previous look

    assert going_live.announce(now) == [due.pk]
    assert going_live.announce(now + timedelta(seconds=30)) == []
    assert announced == [[due.pk]]


def test_an_embargo_ending_counts_as_going_live_and_an_expired_article_does_not(scheduled, announced):
    now = timezone.now()
    going_live.announce(now - timedelta(minutes=5))
    embargoed = scheduled(None, embargo_until=now - timedelta(minutes=2))
    scheduled(now - timedelta(minutes=2), expire_at=now - timedelta(minutes=1))

    assert going_live.announce(now) == [embargoed.pk]


@pytest.fixture
def changes():
    """What ``content_changed`` said, in order (the page cache and the CDN purge listen to it)."""
    heard = []

    def receiver(sender, changes, **kwargs):
        heard.append(changes)

    content_changed.connect(receiver)
    yield heard
    content_changed.disconnect(receiver)


def test_going_live_is_announced_as_changed_content(scheduled, changes, django_capture_on_commit_callbacks):
    now = timezone.now()
    going_live.announce(now - timedelta(minutes=5))
    due = scheduled(now - timedelta(minutes=1))
    changes.clear()

    with django_capture_on_commit_callbacks(execute=True):
        tasks.announce_articles_gone_live.call()

    # (The batch also names the test's own earlier saves: their transaction never committed.)
    assert [due.pk in c.articles and c.lists for c in changes] == [True]


def test_an_expiry_passing_is_announced_so_caches_drop_the_article(
    scheduled, changes, announced, django_capture_on_commit_callbacks
):
    now = timezone.now()
    going_live.announce(now - timedelta(minutes=5))
    gone = scheduled(now - timedelta(days=1), expire_at=now - timedelta(minutes=1))
    changes.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert going_live.announce(now) == []

    assert [gone.pk in c.articles and c.lists for c in changes] == [True]
    assert announced == []  # going off is not going live


def test_a_draft_whose_go_live_time_passed_is_not_announced(scheduled):
    now = timezone.now()
    going_live.announce(now - timedelta(minutes=5))
    draft = scheduled(now - timedelta(minutes=1))
    Article.objects.filter(pk=draft.pk).update(status=Article.Status.DRAFT)

    assert going_live.announce(now) == []
