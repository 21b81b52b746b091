"""build_stories and the importer's increments: stable IDs, editors' decisions that survive rebuilds."""

from datetime import UTC, datetime
from io import StringIO
from itertools import pairwise

import pytest
from django.core.management import call_command

from stories import building
from stories.building import assign_stories, build_stories, merge_stories, move_out
from stories.models import Story

from .conftest import link, story_of

pytestmark = pytest.mark.django_db


def test_linked_articles_share_one_story_and_lone_ones_have_none(at):
    a, b, c, lone = at(0), at(5), at(9), at(1)
    link(a, b)
    link(c, b)
    build_stories()
    assert story_of(a) is not None
    assert story_of(a) == story_of(b) == story_of(c)
    assert story_of(lone) is None


def test_the_story_is_named_after_its_earliest_article(at):
    first, later = at(0, title="First report of the quake"), at(3)
    link(later, first)
    build_stories()
    story = story_of(first)
    assert story.title == "First report of the quake"
    assert story.slug.startswith("first-report-of-the-quake-")


def test_the_story_id_stays_when_a_new_article_joins(at):
    a, b = at(0), at(2)
    link(a, b)
    build_stories()
    before = story_of(a).pk
    c = at(4)
    link(c, a)
    build_stories()
    assert story_of(a).pk == story_of(c).pk == before
    assert Story.objects.count() == 1


def test_rebuilding_twice_changes_nothing(at):
    a, b = at(0), at(2)
    link(a, b)
    build_stories()
    again = build_stories()
    assert (again.created, again.moved, again.deleted) == (0, 0, 0)


def test_a_story_whose_links_are_gone_is_removed(at):
    a, b = at(0), at(2)
    related = link(a, b)
    build_stories()
    related.delete()
    build_stories()
    assert Story.objects.count() == 0
    assert story_of(a) is None


def test_an_editors_merge_survives_a_rebuild(at):
    a, b, c, d = at(0), at(1), at(200), at(201)
    link(a, b)
    link(c, d)
    build_stories()
    keep, gone = story_of(a), story_of(c)
    assert keep != gone
    merge_stories(keep, [gone])
    build_stories()
    assert story_of(a) == story_of(b) == story_of(c) == story_of(d) == keep
    gone.refresh_from_db()
    assert gone.merged_into == keep


def test_an_article_moved_out_stays_out_after_a_rebuild(at):
    a, b, c = at(0), at(1), at(2)
    link(a, b)
    link(c, a)
    build_stories()
    story = story_of(a)
    move_out([c.pk])
    build_stories()
    assert story_of(c) is None
    assert story_of(a) == story_of(b) == story


def test_moving_out_one_of_two_articles_ends_the_story(at):
    a, b = at(0), at(1)
    link(a, b)
    build_stories()
    move_out([b.pk])
    assert Story.objects.count() == 0


def test_the_importers_increment_joins_new_articles_to_the_existing_story(at):
    a, b = at(0), at(2)
    link(a, b)
    build_stories()
    story = story_of(a)
    c = at(5)
    link(c, b)
    assign_stories([c.web_url])
    assert story_of(c) == story


def test_the_increment_only_regroups_around_the_new_articles(at):
    old_a, old_b = at(0), at(1)
    link(old_a, old_b)
    new = at(24 * 30)
    assign_stories([new.web_url])
    # Far from the new article in time: left for the next full build.
    assert story_of(old_a) is None
    build_stories()
    assert story_of(old_a) == story_of(old_b)


def test_a_big_increment_taken_in_slices_still_makes_one_story_per_event(at, monkeypatch):
    # A large import is grouped a slice of new articles at a time; a chain of
    # links that crosses slices must still end in one story, not one per slice.
    monkeypatch.setattr(building, "SLICE", 2)
    chain = [at(hours) for hours in (0, 10, 20, 30, 40)]
    for earlier, later in pairwise(chain):
        link(later, earlier)
    far_a, far_b = at(24 * 365), at(24 * 365 + 1)
    link(far_b, far_a)

    assign_stories([a.web_url for a in [*chain, far_a, far_b]])

    assert len({story_of(a) for a in chain}) == 1
    assert story_of(far_a) == story_of(far_b) != story_of(chain[0])
    assert Story.objects.count() == 2


def test_the_command_reports_and_dry_run_writes_nothing(at):
    a, b = at(0), at(2)
    link(a, b)
    out = StringIO()
    call_command("build_stories", "--dry-run", stdout=out)
    assert "1 stories grouped: 1 new" in out.getvalue()
    assert Story.objects.count() == 0
    call_command("build_stories", stdout=StringIO())
    assert Story.objects.count() == 1


@pytest.mark.parametrize(
    "extreme", [datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC), datetime(1, 1, 1, tzinfo=UTC)]
)
def test_articles_stored_at_the_ends_of_the_calendar_are_grouped_without_overflow(
    make_article, extreme
):
    """A date written by the shell or an old import must not break the importer's grouping."""
    first = make_article(published_at=extreme, title="Calendar edge storm hits the coast")
    second = make_article(published_at=extreme, title="Calendar edge storm hits the coast")

    assign_stories([first.web_url, second.web_url])

    assert story_of(first) == story_of(second) is not None


def test_a_story_is_never_named_after_an_unpublished_article(at):
    """Its URL is public: an earlier draft's or embargoed headline must not be in it."""
    from datetime import timedelta

    from django.utils import timezone

    from articles.models import Article

    draft = at(0, title="Secret merger of two banks", status=Article.Status.DRAFT)
    embargoed = at(1, title="Embargoed results", embargo_until=timezone.now() + timedelta(days=1))
    live = at(2, title="Banks confirm talks")
    link(live, draft)
    link(embargoed, draft)
    build_stories()

    story = story_of(live)
    assert story.title == "Banks confirm talks"
    assert story.slug == f"banks-confirm-talks-{story.pk}"


def test_a_story_with_nothing_live_has_a_neutral_name(at):
    from articles.models import Article

    draft = at(0, title="Secret merger", status=Article.Status.DRAFT)
    link(at(1, title="Secret merger, day two", status=Article.Status.DRAFT), draft)
    build_stories()

    story = story_of(draft)
    assert (story.title, story.slug) == ("", f"story-{story.pk}")


def test_the_migration_renames_stories_named_after_a_draft(at):
    from importlib import import_module

    from django.apps import apps

    from articles.models import Article

    migration = import_module("stories.migrations.0003_story_names_from_live_articles")
    draft = at(0, title="Secret merger", status=Article.Status.DRAFT)
    live = at(1, title="Banks confirm talks")
    link(live, draft)
    build_stories()
    story = story_of(live)
    # As the builder used to name it.
    Story.objects.filter(pk=story.pk).update(title="Secret merger", slug=f"secret-merger-{story.pk}")

    migration.name_after_live_articles(apps, None)

    story.refresh_from_db()
    assert (story.title, story.slug) == ("Banks confirm talks", f"banks-confirm-talks-{story.pk}")
