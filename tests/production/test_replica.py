"""The read replica (DATABASE_REPLICA_URL): which database each kind of request reads.

In these tests a ``replica`` alias is a test mirror of ``default`` (the same
database through its own connection), as Django runs a replica under test.
Each alias keeps its own query log, so capturing both shows where a request's
queries went. The tests are transactional: the replica's connection cannot
see rows the test's own open transaction wrote, exactly like a real replica.
"""

import copy

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.db import connections, router, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article

from .servers import production_env
from .test_settings import settings_value


def _register_replica_alias():
    """What DATABASE_REPLICA_URL adds to DATABASES, pointed at the test database.

    Done when this module is collected, before the test databases are set up,
    so pytest-django makes ``replica`` a mirror of the test ``default``.
    """
    if "replica" in django_settings.DATABASES:
        return
    replica = copy.deepcopy(django_settings.DATABASES["default"])
    replica["TEST"] = {**replica.get("TEST", {}), "MIRROR": "default", "NAME": None}
    django_settings.DATABASES["replica"] = replica
    if "settings" in connections.__dict__:  # the handler already read DATABASES
        connections.settings["replica"] = replica


_register_replica_alias()

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@pytest.fixture
def replica_on(settings):
    """The settings DATABASE_REPLICA_URL gives: the router, and reads allowed on ``replica``."""
    settings.REPLICA_DATABASE = "replica"
    settings.DATABASE_ROUTERS = ["search.routers.SearchIndexRouter", "newsroom.routers.ReplicaRouter"]


class Queries:
    """The queries each database alias ran inside the block."""

    def __enter__(self):
        self.captures = {alias: CaptureQueriesContext(connections[alias]) for alias in ("default", "replica")}
        for capture in self.captures.values():
            capture.__enter__()
        return self

    def __exit__(self, *exc):
        for capture in self.captures.values():
            capture.__exit__(*exc)

    def count(self, alias):
        return len(self.captures[alias].captured_queries)

    def sql(self, alias):
        return [q["sql"] for q in self.captures[alias].captured_queries]


@pytest.fixture
def story(make_article):
    return make_article(title="Harbour bridge reopens", topics=["transport"], body="The harbour bridge is open.")


PUBLIC_PAGES = ["/", "story", "/topics/transport/", "/search/?q=harbour", "/rss/", "/topics/"]


def _path(page, story):
    return story.get_absolute_url() if page == "story" else page


@pytest.mark.parametrize("page", PUBLIC_PAGES)
def test_an_anonymous_reader_is_served_from_the_replica(client, replica_on, story, page):
    with Queries() as queries:
        response = client.get(_path(page, story))
    assert response.status_code == 200
    if page not in ("/topics/",):
        # Search marks the query word in the headline, so match the rest of it.
        assert "bridge reopens" in response.content.decode()
    assert queries.count("replica") > 0
    assert queries.count("default") == 0, queries.sql("default")


def test_a_signed_in_editor_reads_the_primary_on_public_pages_and_in_the_admin(client, replica_on, story):
    editor = User.objects.create_superuser("editor", "editor@example.com", "x")
    client.force_login(editor)
    with Queries() as queries:
        assert "Harbour bridge reopens" in client.get("/").content.decode()
        assert client.get(story.get_absolute_url()).status_code == 200
        assert client.get(reverse("admin:articles_article_changelist")).status_code == 200
        change = client.get(reverse("admin:articles_article_change", args=[story.pk]))
        assert "Harbour bridge reopens" in change.content.decode()
    assert queries.count("default") > 0
    assert queries.count("replica") == 0, queries.sql("replica")


def test_the_workflow_checks_and_claims_the_version_on_the_primary(client, replica_on, make_article):
    publisher = User.objects.create_superuser("publisher", "publisher@example.com", "x")
    draft = make_article(title="Quiet draft", status=Article.Status.IN_REVIEW)
    client.force_login(publisher)
    step = reverse("admin:articles_article_step", args=[draft.pk, "publish"])
    with Queries() as queries:
        response = client.post(step, {"note": "Checked", "version": draft.version})
        # A second publisher working from the same, now stale, version is refused.
        stale = client.post(step, {"note": "Again", "version": draft.version})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Article.Status.PUBLISHED and draft.version == 2
    assert stale.status_code in (200, 302)
    assert draft.transitions.filter(action="publish").count() == 1
    assert any("version" in sql for sql in queries.sql("default"))
    assert queries.count("replica") == 0, queries.sql("replica")


def test_anonymous_posts_share_links_and_the_admin_login_use_the_primary(client, replica_on, story):
    with Queries() as queries:
        assert client.get(reverse("admin:login")).status_code == 200
        client.post(reverse("admin:login"), {"username": "nobody", "password": "wrong"})
        assert client.get("/share/not-a-real-token/").status_code in (404, 410)
    assert queries.count("replica") == 0, queries.sql("replica")


def test_healthz_checks_the_primary_and_the_replica(client, replica_on):
    with Queries() as queries:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert queries.count("default") == 1 and queries.count("replica") == 1


def test_writes_and_reads_in_a_transaction_go_to_the_primary_even_during_a_replica_request(replica_on, story):
    from newsroom.routers import _read_alias

    token = _read_alias.set("replica")
    try:
        assert Article.objects.all().db == "replica"
        assert router.db_for_write(Article) == "default"
        assert Article.objects.select_for_update().db == "default"
        with transaction.atomic():
            assert Article.objects.all().db == "default"
        with Queries() as queries:
            Article.objects.filter(pk=story.pk).update(title="Harbour bridge reopens at last")
        assert queries.count("default") == 1 and queries.count("replica") == 0
    finally:
        _read_alias.reset(token)


def test_without_a_replica_every_request_reads_the_primary(client, story):
    assert django_settings.REPLICA_DATABASE is None
    with Queries() as queries:
        assert "Harbour bridge reopens" in client.get("/").content.decode()
        assert client.get("/search/?q=harbour").status_code == 200
    assert queries.count("default") > 0
    assert queries.count("replica") == 0


@pytest.mark.django_db(databases=[])
def test_database_replica_url_adds_the_alias_and_the_router_and_nothing_without_it():
    expression = "settings.DATABASES.get('replica', {}).get('NAME'), settings.DATABASE_ROUTERS, settings.REPLICA_DATABASE"
    without = production_env()
    without.pop("DATABASE_REPLICA_URL", None)
    assert settings_value(without, expression) == "None ['search.routers.SearchIndexRouter'] None"
    with_replica = production_env(DATABASE_REPLICA_URL="postgres://reader@replica.internal:5432/newsroom")
    assert settings_value(with_replica, expression) == (
        "newsroom ['search.routers.SearchIndexRouter', 'newsroom.routers.ReplicaRouter'] replica"
    )


def test_pages_rebuilt_just_after_a_write_are_kept_only_after_the_replica_lag(client, replica_on, settings, story):
    """A reader arriving within the replica's lag may see the old rows; that page must not be kept."""
    import time

    settings.REPLICA_LAG_SECONDS = 2
    client.get("/")
    story.title = "Harbour bridge closes again"
    story.save()  # commits at once: the test is transactional
    # Within the lag, every reader's page is rendered afresh and none is kept.
    assert client.get("/").wsgi_request.page_cache == "miss"
    assert client.get("/").wsgi_request.page_cache == "miss"
    time.sleep(2.2)
    later = client.get("/")
    assert later.wsgi_request.page_cache == "miss"
    assert "Harbour bridge closes again" in later.content.decode()
    assert client.get("/").wsgi_request.page_cache == "hit"


def test_without_a_replica_a_page_rendered_after_a_write_is_kept_at_once(client, story):
    client.get("/")
    story.title = "Harbour bridge closes again"
    story.save()
    assert client.get("/").wsgi_request.page_cache == "miss"
    again = client.get("/")
    assert again.wsgi_request.page_cache == "hit"
    assert "Harbour bridge closes again" in again.content.decode()
