"""The dashboard on the admin index: states, the next 24 hours, review queue, latest imports."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import publishing
from articles.models import Article, ImportRun

from .roles import make_user

S = Article.Status
INDEX = reverse("admin:index")


@pytest.fixture
def publisher_client(client, db):
    client.force_login(make_user("publisher"))
    return client


def test_counts_articles_by_state(publisher_client, make_article):
    for status in (S.DRAFT, S.DRAFT, S.IN_REVIEW, S.PUBLISHED, S.KILLED):
        make_article(status=status)

    states = {value: count for value, _, count in publisher_client.get(INDEX).context["states"]}

    assert states == {"draft": 2, "in_review": 1, "published": 1, "unpublished": 0, "archived": 0, "killed": 1}


def states_on_index(client):
    return {value: count for value, _, count in client.get(INDEX).context["states"]}


def test_counts_are_fresh_right_after_a_publish(publisher_client, make_article):
    article = make_article(status=S.IN_REVIEW)
    before = publisher_client.get(INDEX)
    assert "In review (1)" in before.content.decode()

    publishing.publish(article, by=before.wsgi_request.user)
    after = publisher_client.get(INDEX)

    assert "In review (0)" in after.content.decode()
    assert {value: count for value, _, count in after.context["states"]}["published"] == 1


def test_an_unchanged_desk_is_not_counted_again_on_every_view(publisher_client, make_article):
    make_article(status=S.IN_REVIEW)
    publisher_client.get(INDEX)

    with CaptureQueriesContext(connection) as queries:
        states = states_on_index(publisher_client)

    assert states["in_review"] == 1
    assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]


def test_a_new_import_run_shows_at_once(publisher_client, make_article):
    make_article()
    publisher_client.get(INDEX)
    # An import that changed nothing leaves the content version alone.
    ImportRun.objects.create(source="command", seen=4, unchanged=4)

    (run,) = publisher_client.get(INDEX).context["imports"]

    assert run["unchanged"] == 4


def test_lists_what_goes_live_or_expires_in_the_next_24_hours(publisher_client, make_article):
    now = timezone.now()
    soon = make_article(title="Goes live soon", go_live_at=now + timedelta(hours=3))
    make_article(title="Goes live next week", go_live_at=now + timedelta(days=7))
    lifting = make_article(title="Embargo lifts tonight", embargo_until=now + timedelta(hours=10))
    make_article(title="Embargo outlasts go-live", go_live_at=now + timedelta(hours=1),
                 embargo_until=now + timedelta(days=3))
    ending = make_article(title="Expires at noon", expire_at=now + timedelta(hours=5))

    response = publisher_client.get(INDEX)

    assert [row["pk"] for row in response.context["going_live"]] == [soon.pk, lifting.pk]
    assert [row["pk"] for row in response.context["expiring"]] == [ending.pk]
    page = response.content.decode()
    assert "Goes live soon" in page and "Expires at noon" in page and "embargo lifts" in page
    assert "Goes live next week" not in page


def test_shows_the_review_queue_and_latest_imports(publisher_client, make_article):
    make_article(status=S.IN_REVIEW, title="Waiting <for> review")
    ImportRun.objects.create(source="admin", seen=5, created=3, rejected=2)

    response = publisher_client.get(INDEX)

    page = response.content.decode()
    assert "Waiting &lt;for&gt; review" in page
    (run,) = response.context["imports"]
    assert (run["created"], run["rejected"]) == (3, 2)


def test_staff_without_article_rights_see_no_dashboard(client, db):
    client.force_login(make_user("staff"))

    assert 'id="editorial-dashboard"' not in client.get(INDEX).content.decode()
