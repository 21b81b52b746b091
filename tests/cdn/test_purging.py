"""On a content change the configured CDN is asked to drop exactly the changed pages, once per
commit, retrying when it fails; tested against a local fake of each API."""

import logging

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from articles import workflow
from articles.models import Article, Topic
from cdn import backends, keys
from tests.articles.roles import make_user

from .fake_http import fake_server


@pytest.fixture
def committing(django_capture_on_commit_callbacks):
    """Run what the block's commits would run (the test's transaction never commits)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def use(settings, server, backend):
    settings.CDN_PURGE_BACKEND = backend
    settings.CDN_PURGE_BACKOFF_SECONDS = 0
    settings.CDN_PURGE_RETRIES = 3
    settings.CDN_PURGE_URL = server.url + "/"
    settings.CLOUDFLARE_API_URL, settings.CLOUDFLARE_ZONE_ID, settings.CLOUDFLARE_API_TOKEN = (
        server.url + "/client/v4", "zone9", "cf-token")
    settings.FASTLY_API_URL, settings.FASTLY_SERVICE_ID, settings.FASTLY_API_TOKEN = (
        server.url, "svc7", "fastly-token")


def purged_keys(request, backend):
    if backend == "cloudflare":
        return set(request.json()["tags"])
    if backend == "fastly":
        return set(request.headers["Surrogate-Key"].split(" "))
    return set(request.headers["X-Ban-Keys"].split(" "))


@pytest.mark.parametrize("backend", ["varnish", "cloudflare", "fastly"])
def test_a_kill_purges_the_article_and_the_lists_it_is_on_and_nothing_else(
    settings, committing, make_article, backend,
):
    with committing():  # the scene is set and committed before the CDN is in place
        article = make_article(topics=["Harbours"])
        bystander = make_article(topics=["Weather"])
    topic = Topic.objects.get(name="Harbours")
    with fake_server() as server:
        use(settings, server, backend)
        with committing():
            workflow.kill(article, by=make_user("publisher"), note="Court order")

    assert len(server.requests) == 1
    sent = server.requests[0]
    assert purged_keys(sent, backend) == {
        f"article-{article.pk}", keys.topic_list(topic.slug), keys.provider_list(article.provider.slug), "lists",
    }
    assert not any(str(bystander.pk) in key for key in purged_keys(sent, backend) if key.startswith("article"))
    if backend == "cloudflare":
        assert (sent.method, sent.path) == ("POST", "/client/v4/zones/zone9/purge_cache")
        assert sent.headers["Authorization"] == "Bearer cf-token"
    elif backend == "fastly":
        assert (sent.method, sent.path, sent.headers["Fastly-Key"]) == ("POST", "/service/svc7/purge", "fastly-token")
    else:
        assert (sent.method, sent.path) == ("BAN", "/")


def test_a_transaction_of_many_writes_is_one_purge(settings, committing, make_article):
    with committing():
        articles = [make_article() for _ in range(40)]
    with fake_server() as server:
        use(settings, server, "fastly")
        with committing(), transaction.atomic():
            for article in articles:
                article.title += " (updated)"
                article.save()
    assert len(server.requests) == 1
    assert {f"article-{a.pk}" for a in articles} <= purged_keys(server.requests[0], "fastly")


def test_cloudflare_gets_at_most_thirty_tags_a_call(settings, committing, make_article):
    with committing():
        articles = [make_article() for _ in range(40)]
    with fake_server() as server:
        use(settings, server, "cloudflare")
        with committing(), transaction.atomic():
            for article in articles:
                article.save()
    assert len(server.requests) > 1 and all(len(r.json()["tags"]) <= 30 for r in server.requests)
    assert {f"article-{a.pk}" for a in articles} <= set().union(*(purged_keys(r, "cloudflare") for r in server.requests))


def test_a_failing_cdn_is_retried_until_it_purges(settings, committing, make_article):
    with committing():
        article = make_article()
    with fake_server((503, "busy"), (502, "bad gateway"), (200, '{"success": true}')) as server:
        use(settings, server, "cloudflare")
        with committing():
            article.save()
    assert len(server.requests) == 3
    assert server.requests[0].json() == server.requests[2].json()


def test_cloudflare_saying_no_is_a_failure_too(settings, committing, make_article):
    with committing():
        article = make_article()
    with fake_server((200, '{"success": false, "errors": [{"code": 1134}]}'), (200, '{"success": true}')) as server:
        use(settings, server, "cloudflare")
        with committing():
            article.save()
    assert len(server.requests) == 2


def test_a_cdn_that_stays_down_is_logged_and_the_write_is_kept(settings, committing, make_article, caplog):
    with committing():
        article = make_article(title="Before")
    with fake_server((500, "down")) as server:
        use(settings, server, "fastly")
        with caplog.at_level(logging.ERROR), committing():
            article.title = "After"
            article.save()
    assert len(server.requests) == 4  # the first attempt and CDN_PURGE_RETRIES=3 more
    assert Article.objects.get(pk=article.pk).title == "After"
    assert any("CDN purge" in record.getMessage() for record in caplog.records)


def test_no_backend_no_purge(settings, committing, make_article):
    with fake_server() as server:
        settings.CDN_PURGE_URL = server.url
        with committing():
            make_article().save()
    assert server.requests == []


@pytest.mark.parametrize("name, missing", [
    ("akamai", "not one of: varnish, cloudflare, fastly"),
    ("cloudflare", "CLOUDFLARE_ZONE_ID and CLOUDFLARE_API_TOKEN"),
    ("fastly", "FASTLY_SERVICE_ID and FASTLY_API_TOKEN"),
    ("varnish", "CDN_PURGE_URL"),
])
def test_a_misconfigured_backend_says_what_is_missing(settings, name, missing):
    settings.CDN_PURGE_BACKEND = name
    settings.CDN_PURGE_URL = settings.CLOUDFLARE_ZONE_ID = settings.FASTLY_SERVICE_ID = ""
    with pytest.raises(ImproperlyConfigured, match=missing):
        backends.configured()
