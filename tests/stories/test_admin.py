"""Editors merge stories and move articles out from the admin; rebuilds keep their decisions."""

import pytest
from django.urls import reverse

from stories.building import build_stories
from stories.models import Membership, Story
from tests.articles.roles import make_user

from .conftest import link, story_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, db):
    client.force_login(make_user("superuser"))
    return client


@pytest.fixture
def two_stories(at):
    a, b, c, d, e = at(0), at(1), at(2), at(300), at(301)
    link(a, b)
    link(c, a)
    link(d, e)
    build_stories()
    return a, b, c, d, e


def test_merging_from_the_list_keeps_the_bigger_story_and_survives_a_rebuild(admin_client, two_stories):
    a, b, c, d, e = two_stories
    big, small = story_of(a), story_of(d)
    response = admin_client.post(reverse("admin:stories_story_changelist"), {
        "action": "merge_selected", "_selected_action": [big.pk, small.pk],
    })
    assert response.status_code == 302
    build_stories()
    assert {story_of(x) for x in two_stories} == {big}


def test_moving_an_article_out_from_the_admin_survives_a_rebuild(admin_client, two_stories):
    a, b, c, *_ = two_stories
    story = story_of(a)
    admin_client.post(reverse("admin:stories_membership_changelist"), {
        "action": "move_out", "_selected_action": [c.pk],
    })
    build_stories()
    assert story_of(c) is None
    assert story_of(a) == story_of(b) == story


def test_releasing_a_moved_out_article_lets_the_next_build_regroup_it(admin_client, two_stories):
    a, b, c, *_ = two_stories
    admin_client.post(reverse("admin:stories_membership_changelist"), {"action": "move_out", "_selected_action": [c.pk]})
    admin_client.post(reverse("admin:stories_membership_changelist"), {"action": "release", "_selected_action": [c.pk]})
    build_stories()
    assert story_of(c) == story_of(a)


def test_the_story_list_shows_counts(admin_client, two_stories):
    rows = admin_client.get(reverse("admin:stories_story_changelist")).context["cl"].result_list
    assert sorted(story.article_count for story in rows) == [2, 3]
    assert Membership.objects.filter(pinned=True).count() == 0
    assert Story.objects.count() == 2


def test_the_story_change_page_lists_its_articles(admin_client, two_stories):
    story = story_of(two_stories[0])
    html = admin_client.get(reverse("admin:stories_story_change", args=[story.pk])).content.decode()
    assert two_stories[2].title in html


def test_editors_may_merge_stories(client, two_stories):
    client.force_login(make_user("editor"))
    a, *_, d, _e = two_stories
    response = client.post(reverse("admin:stories_story_changelist"), {
        "action": "merge_selected", "_selected_action": [story_of(a).pk, story_of(d).pk],
    })
    assert response.status_code == 302
    assert story_of(a) == story_of(d)
