"""Several processes on one machine with the default settings (SQLite, no Redis) are one site.

Each gunicorn worker keeps pages in its own local memory; the importer and
``manage.py shell`` are processes of their own. A change made by any of them
must show on every worker's next request, not when its cached page expires.
"""

import pytest

from .servers import Browser, gunicorn, manage, production_env

SETUP = """
from datetime import UTC, datetime
from articles.models import Article
from providers.models import Provider
provider = Provider.objects.create(name="Example News", domain="example.com", slug="example-news")
Article.objects.create(
    title="Harbour scoop", slug="harbour-scoop", web_url="https://example.com/scoop",
    provider=provider, status="published", published_at=datetime(2024, 5, 1, 10, tzinfo=UTC),
    excerpt="Harbour scoop",
)
"""

KILL = """
from django.contrib.auth.models import User
from articles import publishing
from articles.models import Article
publisher = User.objects.create_superuser("publisher", "publisher@example.com", "pw")
publishing.kill(Article.objects.get(slug="harbour-scoop"), by=publisher, note="Legal")
"""


@pytest.fixture
def site(tmp_path):
    """A migrated SQLite site with one live article, on the default (local-memory) cache."""
    env = production_env(DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3", CACHE_URL="")
    env.pop("CACHE_URL")
    manage(env, "migrate", "--noinput", timeout=180)
    manage(env, "shell", "-v", "0", "-c", SETUP)
    return env


def test_a_kill_from_the_shell_leaves_every_worker_at_once(site):
    reader = Browser()
    with gunicorn(site) as a, gunicorn(site) as b:
        for port in (a, b):
            for _ in range(2):  # the second answer comes from that worker's cache
                response, text = reader.get(port, "/")
                assert response.status == 200 and "Harbour scoop" in text

        manage(site, "shell", "-v", "0", "-c", KILL)

        for port in (a, b):
            response, text = reader.get(port, "/")
            assert "Harbour scoop" not in text
            response, _ = reader.get(port, "/articles/harbour-scoop/")
            assert response.status == 410
