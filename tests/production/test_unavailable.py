"""When the database or the cache is unreachable: a friendly 503, never a traceback."""

import pytest

from .servers import Browser, free_port, gunicorn, production_env


@pytest.fixture
def cache_down(settings):
    """The cache points at a Redis nobody listens to."""
    settings.CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }}


def test_healthz_reports_a_cache_that_is_down(client, db, cache_down):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.content == b"cache unavailable\n"


def test_healthz_is_ok_when_database_and_cache_answer(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")


def test_pages_are_still_served_when_only_the_cache_is_down(client, make_article, cache_down):
    article = make_article(title="Cache-free headline")
    assert "Cache-free headline" in client.get(article.get_absolute_url()).content.decode()


def test_a_site_without_its_database_answers_a_friendly_503(tmp_path):
    """Production settings, a database that cannot be opened: readers get the outage page."""
    env = production_env(
        # Nothing listens there (PostgreSQL), or the folder does not exist (SQLite).
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{free_port()}/none"
        if "postgres" in __import__("os").environ.get("DATABASE_URL", "")
        else f"sqlite:///{tmp_path}/missing/folder/db.sqlite3",
        CACHE_URL="locmemcache://unavailable",
    )
    reader = Browser()
    log = tmp_path / "server.log"
    with gunicorn(env, log_path=log) as port:
        response, text = reader.get(port, "/")
        health, health_text = reader.get(port, "/healthz")
    assert response.status == 503
    assert "back in a moment" in text
    assert "Traceback" not in text and "OperationalError" not in text
    assert response.headers["Retry-After"] == "30"
    assert response.headers["Cache-Control"] == "no-store"
    assert (health.status, health_text) == (503, "database unavailable\n")
    assert '"status": 503' in log.read_text()
