"""Write stories to the database: full rebuilds, the importer's increments, editors' decisions.

The grouping itself is ``stories.grouping`` (pure); this module loads what it
needs, asks it, and writes the difference, keeping story IDs stable.
"""

import uuid
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, OuterRef, Subquery

from articles.dates import shifted
from articles.models import Article, Related
from articles.signals import announce

from . import grouping
from .models import Membership, Story

CHUNK = 500
# New articles grouped per pass of assign_stories (see there).
SLICE = 2000


@dataclass
class BuildResult:
    stories: int = 0
    created: int = 0
    deleted: int = 0
    moved: int = 0

    def summary(self):
        return (
            f"{self.stories} stories grouped: {self.created} new, {self.deleted} removed, "
            f"{self.moved} article(s) assigned or moved"
        )


def build_stories(*, dry_run=False, window=grouping.WINDOW):
    """Regroup every article; stories continue under their IDs, editors' decisions hold."""
    with transaction.atomic():
        items = [grouping.Item(*row) for row in Article.objects.values_list("id", "published_at", "title")]
        links = Related.objects.filter(target__isnull=False).values_list("article_id", "target_id")
        result = _regroup(items, list(links), Membership.objects.all(), touching=None, window=window)
        if dry_run:
            transaction.set_rollback(True)
    return result


def assign_stories(web_urls):
    """Group the articles with these web URLs (new in an import) with their neighbours in time.

    Only groups that contain one of them change, and no story is removed
    unless it is left with fewer than two articles: cheap enough to run after
    every import, while ``build_stories`` remains the full answer.

    The new articles are taken in date order, ``SLICE`` at a time, each slice
    with the articles within the window around it, so memory stays bounded
    however many an import brings and however many years they span. A story
    that runs across two slices continues as it would across two imports:
    the later slice sees the earlier one's stories and joins them.
    """
    new = {}
    for start in range(0, len(web_urls), CHUNK):
        new.update(Article.objects.filter(web_url__in=web_urls[start:start + CHUNK]).values_list("id", "published_at"))
    ordered = sorted(new.items(), key=lambda pair: (pair[1], pair[0]))
    total = BuildResult()
    for start in range(0, len(ordered), SLICE):
        result = _assign_slice(dict(ordered[start:start + SLICE]))
        for name in ("stories", "created", "deleted", "moved"):
            setattr(total, name, getattr(total, name) + getattr(result, name))
    return total


def _assign_slice(new):
    """``assign_stories`` for new articles {id: published_at} close together in time."""
    # Saturating: a stored date near the year 1 or 9999 must not overflow the window.
    lo = shifted(min(new.values()), -grouping.WINDOW)
    hi = shifted(max(new.values()), grouping.WINDOW)
    with transaction.atomic():
        nearby = Article.objects.filter(published_at__range=(lo, hi))
        items = [grouping.Item(*row) for row in nearby.values_list("id", "published_at", "title")]
        links = Related.objects.filter(
            article__published_at__range=(lo, hi), target__published_at__range=(lo, hi)
        ).values_list("article_id", "target_id")
        members = Membership.objects.filter(article__published_at__range=(lo, hi))
        return _regroup(items, list(links), members, touching=set(new))


def _regroup(items, links, memberships, *, touching, window=grouping.WINDOW):
    current, pinned, alone = {}, {}, set()
    together = defaultdict(set)
    for article_id, story_id, is_pinned in memberships.values_list("article_id", "story_id", "pinned"):
        if story_id:
            current[article_id] = story_id
        if is_pinned:
            if story_id:
                pinned[article_id] = story_id
                together[story_id].add(article_id)
            else:
                alone.add(article_id)
    found = grouping.group(items, links, together=together.values(), alone=alone, window=window)
    groups = found.groups
    if touching is not None:
        groups = [ids for ids in groups if touching.intersection(ids)]
    labelled = grouping.label(groups, current, pinned)

    result = BuildResult(stories=len(labelled))
    created = set()
    wanted = {}  # article id -> story id, for articles the algorithm places
    for story_id, ids in labelled:
        if story_id is None:
            # Named once its members are in (name_stories below). The slug ends
            # in the id, known only once saved: a unique placeholder until then.
            story_id = Story.objects.create(title="", slug=f"new-{uuid.uuid4().hex}").pk
            created.add(story_id)
            result.created += 1
        for article_id in ids:
            if article_id not in pinned:
                wanted[article_id] = story_id

    moves, left = defaultdict(list), set()
    for article_id, story_id in wanted.items():
        if current.get(article_id) != story_id:
            moves[story_id].append(article_id)
            left.add(current.get(article_id))
            result.moved += 1
    had_row = set(current) | set(pinned) | alone
    for story_id, ids in moves.items():
        for start in range(0, len(ids), CHUNK):
            Membership.objects.filter(article_id__in=ids[start:start + CHUNK]).update(story_id=story_id)
        Membership.objects.bulk_create(
            [Membership(article_id=i, story_id=story_id) for i in ids if i not in had_row],
            batch_size=CHUNK,
        )
    if touching is None:
        # A full build: whatever the algorithm no longer groups leaves its story.
        stale = [i for i in current if i not in wanted and i not in pinned]
        result.moved += len(stale)
        for start in range(0, len(stale), CHUNK):
            Membership.objects.filter(article_id__in=stale[start:start + CHUNK]).delete()
    # A full build checks every story; an increment only those it took articles from.
    result.deleted = remove_small_stories(None if touching is None else left - {None})
    name_stories(None if touching is None else created | set(moves) | (left - {None}))
    if result.moved or result.created or result.deleted:
        announce(Story, articles=[i for ids in moves.values() for i in ids], stories=created | set(moves) | left,
                 lists=True)
    return result


def name_stories(story_ids=None):
    """Name stories (title and slug) after their earliest live article; returns how many changed.

    Public names come only from what is live: a story whose articles are all
    drafts, embargoed or withdrawn is ``story-<id>``, with no title. Called
    wherever members change (builds, merges, move-outs) and when an article's
    state or headline changes (``stories.signals``). An old URL keeps working:
    the view finds the story by the id its slug ends in and redirects.
    """
    stories = Story.objects.all()
    if story_ids is not None:
        stories = stories.filter(pk__in=list(story_ids))
    earliest = (
        Article.objects.live().filter(story_membership__story=OuterRef("pk"))
        .order_by("published_at", "pk").values("title")[:1]
    )
    changed = []
    for story in stories.annotate(live_title=Subquery(earliest)).only("pk", "title", "slug"):
        title = (story.live_title or "")[:1000]
        slug = Story.slug_for(title, story.pk)
        if (story.title, story.slug) != (title, slug):
            story.title, story.slug = title, slug
            changed.append(story)
    Story.objects.bulk_update(changed, ["title", "slug"], batch_size=CHUNK)
    if changed:
        announce(Story, stories=[story.pk for story in changed], lists=True)
    return len(changed)


def remove_small_stories(among=None):
    """Delete stories left with fewer than two articles (not the records of merged ones)."""
    stories = Story.objects.filter(merged_into__isnull=True)
    if among is not None:
        stories = stories.filter(pk__in=among)
    small = list(
        stories.annotate(n=Count("memberships")).filter(n__lt=2).values_list("pk", flat=True)
    )
    Story.objects.filter(pk__in=small).delete()
    return len(small)


# --- Editors' decisions ----------------------------------------------------------


def merge_stories(target, others):
    """Put every article of ``others`` into ``target``, for good; returns how many moved.

    Every article of the merged story is pinned, so a rebuild keeps them
    together; the other stories stay as records whose URLs redirect to ``target``.
    """
    others = [story for story in others if story.pk != target.pk]
    ids = [story.pk for story in others]
    with transaction.atomic():
        moved = Membership.objects.filter(story_id__in=ids).update(story=target, pinned=True)
        Membership.objects.filter(story=target).update(pinned=True)
        Story.objects.filter(merged_into_id__in=ids).update(merged_into=target)
        Story.objects.filter(pk__in=ids).update(merged_into=target)
        name_stories([target.pk, *ids])
        announce(Story, stories=[target.pk, *ids], lists=True)
    return moved


def move_out(article_ids):
    """Take these articles out of their stories, for good; returns how many were in one."""
    article_ids = list(article_ids)
    with transaction.atomic():
        old = Membership.objects.filter(article_id__in=article_ids, story__isnull=False).values_list("story_id", flat=True)
        old = list(old)
        Membership.objects.filter(article_id__in=article_ids).update(story=None, pinned=True)
        known = set(Membership.objects.filter(article_id__in=article_ids).values_list("article_id", flat=True))
        Membership.objects.bulk_create(
            [Membership(article_id=i, story=None, pinned=True) for i in article_ids if i not in known]
        )
        remove_small_stories(among=set(old))
        name_stories(set(old))
        announce(Story, articles=article_ids, stories=old, lists=True)
    return len(old)


def release(article_ids):
    """Forget editors' decisions on these articles: the next build places them again."""
    with transaction.atomic():
        Membership.objects.filter(article_id__in=list(article_ids), story__isnull=True).delete()
        Membership.objects.filter(article_id__in=list(article_ids)).update(pinned=False)

