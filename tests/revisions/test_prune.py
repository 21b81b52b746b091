"""``manage.py prune_revisions``: old versions go, every version readers saw and every pending one stay."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from articles import editorial
from articles.models import Article
from revisions import pruning
from revisions.models import Revision

pytestmark = pytest.mark.django_db
S = Article.Status


def edit(article, **fields):
    article = Article.objects.get(pk=article.pk)
    content = editorial.editable_content(article)
    content.update(fields)
    return editorial.save_content(article, content).revision


def titles(article):
    return [r.content["title"] for r in Revision.objects.filter(article=article).order_by("created_at", "id")]


def prune(*args):
    out = StringIO()
    call_command("prune_revisions", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def live_article_with_history(make_article):
    """A published article with seven versions: v1 was live, v2-v6 were drafts, v7 is pending."""
    article = make_article(status=S.DRAFT, title="v1")
    editorial.ensure_baseline(article)
    Revision.objects.filter(article=article).update(was_live=True)  # it was live once
    for n in range(2, 7):
        edit(article, title=f"v{n}")
    article.status = S.PUBLISHED
    article.save()
    edit(article, title="v7")  # published: waits as the pending version
    assert Article.objects.get(pk=article.pk).pending_revision.content["title"] == "v7"
    return article


def test_prune_keeps_live_and_pending_versions_and_the_newest_others(live_article_with_history):
    article = live_article_with_history

    out = prune("--keep", "2")

    assert titles(article) == ["v1", "v5", "v6", "v7"]
    assert Article.objects.get(pk=article.pk).pending_revision.content["title"] == "v7"
    assert "deleted 3 of 1 articles" in out


def test_a_dry_run_says_what_it_would_delete_and_deletes_nothing(live_article_with_history):
    out = prune("--keep", "0", "--dry-run")

    assert "would delete 5" in out
    assert len(titles(live_article_with_history)) == 7


def test_nothing_goes_when_every_article_is_within_its_allowance(live_article_with_history):
    out = prune("--keep", "5")

    assert "deleted 0 of 0 articles" in out
    assert len(titles(live_article_with_history)) == 7


def test_keep_zero_leaves_only_what_readers_saw_and_the_pending_version(live_article_with_history, make_article):
    other = make_article(status=S.DRAFT, title="o1")
    for n in range(2, 5):
        edit(other, title=f"o{n}")

    run = pruning.prune(0, per_range=1)  # one article per range: the ranges walk every id

    assert titles(live_article_with_history) == ["v1", "v7"]
    assert titles(other) == []  # a draft never live: nothing readers saw to keep
    assert run.deleted == 5 + 4 and run.articles == {live_article_with_history.pk, other.pk}


def test_a_restore_of_a_pruned_version_keeps_its_own_content(make_article):
    article = make_article(status=S.DRAFT, title="a1")
    for n in range(2, 5):
        edit(article, title=f"a{n}")
    first = Revision.objects.filter(article=article).order_by("created_at", "id").first()
    restored = editorial.restore(Article.objects.get(pk=article.pk), first).revision

    prune("--keep", "1")

    restored.refresh_from_db()
    assert restored.restored_from is None and restored.content["title"] == "a1"
    assert Article.objects.get(pk=article.pk).title == "a1"


def test_keep_is_required_and_not_negative():
    with pytest.raises(CommandError):
        prune()
    with pytest.raises(CommandError, match="must be a number of at least 0"):
        prune("--keep", "-1")
