"""Junk in what staff send (ids, filters, dates) is refused politely, never a 500."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ShareLink, Topic
from providers.models import Provider
from stories.models import Story

from .roles import make_user
from .test_admin_workflow import edit_data

pytestmark = pytest.mark.django_db

BIG = "9" * 25
JUNK_IDS = ["abc", "²", BIG, "-1", "1.5", ""]
LIST_URL = reverse("admin:articles_article_changelist")


@pytest.fixture
def publisher(client, db):
    client.force_login(make_user("superuser"))
    return client


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize("revoke", JUNK_IDS)
def test_revoking_a_share_link_by_a_junk_id_revokes_nothing(publisher, make_article, revoke):
    article = make_article(status=Article.Status.DRAFT)
    link = ShareLink.objects.create(article=article, expires_at=timezone.now() + timezone.timedelta(days=1))

    response = publisher.post(
        reverse("admin:articles_article_share", args=[article.pk]), {"revoke": revoke}
    )

    assert response.status_code in (200, 302)
    link.refresh_from_db()
    assert link.revoked_at is None


@pytest.mark.parametrize("selected", ["abc", "²", BIG])
@pytest.mark.parametrize(
    "url, action",
    [
        (LIST_URL, "publish_selected"),
        (reverse("admin:articles_topic_changelist"), "delete_selected"),
        (reverse("admin:providers_provider_changelist"), "delete_selected"),
        (reverse("admin:stories_story_changelist"), "delete_selected"),
    ],
)
def test_a_bulk_action_on_ids_that_cannot_exist_changes_nothing(publisher, make_article, url, action, selected):
    article = make_article(status=Article.Status.DRAFT, topics=["Weather"])

    response = publisher.post(url, {"action": action, "_selected_action": [str(article.pk), selected]})

    assert response.status_code == 302
    assert "Nothing was changed" in " ".join(messages_of(response))
    assert Article.objects.get().status == Article.Status.DRAFT
    assert Topic.objects.count() == 1 and Provider.objects.count() == 1


def test_a_junk_seen_version_does_not_stop_a_bulk_action(publisher, make_article):
    article = make_article(status=Article.Status.DRAFT)

    response = publisher.post(LIST_URL, {
        "action": "publish_selected", "_selected_action": [str(article.pk)],
        "_seen_version": ["²:1", f"{article.pk}:{BIG}", "abc"],
    })

    assert response.status_code == 302
    assert Article.objects.get().status == Article.Status.PUBLISHED


@pytest.mark.parametrize(
    "query",
    [
        f"topic={BIG}",
        "topic=²",
        "published_at__year=²",
        "published_at__gte=junk",
        "published_at__lt=0001-01-01",
        "published_at__gte=9999-12-31+23:59:59",
    ],
)
def test_junk_list_filters_are_an_invalid_filter_not_an_error(publisher, make_article, settings, query):
    settings.TIME_ZONE = "Asia/Tokyo"
    make_article(topics=["Weather"])

    response = publisher.get(f"{LIST_URL}?{query}")

    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert response["Location"].endswith("?e=1")


def test_the_audit_trail_date_filter_refuses_junk(publisher, make_article):
    response = publisher.get(f"{reverse('admin:articles_transition_changelist')}?at__gte=0001-01-01")

    assert response.status_code == 302 and response["Location"].endswith("?e=1")


def test_the_date_filters_own_links_still_work(publisher, make_article, settings):
    settings.TIME_ZONE = "Asia/Tokyo"
    make_article(published_at=timezone.now())
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    tomorrow = today + timezone.timedelta(days=1)

    response = publisher.get(
        LIST_URL, {"published_at__gte": str(today), "published_at__lt": str(tomorrow)}
    )

    assert response.status_code == 200
    assert response.context["cl"].result_count == 1


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1899-12-30"])
def test_the_article_form_refuses_a_publication_date_out_of_range(publisher, make_article, settings, day):
    settings.TIME_ZONE = "America/New_York"
    article = make_article()

    response = publisher.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        edit_data(article, published_at_0=day, published_at_1="23:59:59"),
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors.as_data()
    assert errors["published_at"][0].code == "date_out_of_range"


def test_a_merged_story_admin_action_with_junk_is_refused(publisher, make_article):
    Story.objects.create(title="S", slug="s-1")

    response = publisher.post(
        reverse("admin:stories_story_changelist"),
        {"action": "delete_selected", "_selected_action": ["abc"], "post": "yes"},
    )

    assert response.status_code == 302
    assert Story.objects.count() == 1
