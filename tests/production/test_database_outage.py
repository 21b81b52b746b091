"""PostgreSQL really stopped while the site serves, then started again.

A private, throw-away PostgreSQL cluster (its own folder and port; the shared
server on 5432 is never touched) is migrated and given the sample articles,
and gunicorn serves it with production settings. ``pg_ctl stop -m fast``
takes the database away: readers must get the friendly 503 page (no
traceback, no debug page) and ``/healthz`` must say so. ``pg_ctl start``
brings it back on the same port: the same gunicorn, never restarted, serves
every page again.
"""

import os
import re
import time

import pytest

from .servers import (
    ROOT,
    Browser,
    gunicorn,
    manage,
    postgres_binaries,
    private_postgres,
    production_env,
)

pytestmark = [
    pytest.mark.skipif(postgres_binaries() is None, reason="PostgreSQL's server programs are not installed"),
    pytest.mark.skipif(
        "postgres" not in os.environ.get("DATABASE_URL", ""),
        reason="runs in the PostgreSQL pass (DATABASE_URL=postgres://...)",
    ),
]
FIXTURES = sorted((ROOT / "fixtures").glob("*.md"))[:5]


def pages(reader, port, article, n):
    """The front page, an article, the topics and a search, each with a fresh query string
    so that no cached copy answers in place of the database (the server also runs with
    PUBLIC_CACHE_SECONDS=0: the page cache keys only on the parameters a page reads)."""
    paths = {"front": "/?", "article": f"{article}?", "topics": "/topics/?", "search": "/search/?q=police&"}
    return {name: reader.get(port, f"{path}n={n}") for name, path in paths.items()}


def wait_for(check, timeout=20):
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def test_pages_answer_503_while_postgresql_is_stopped_and_recover_when_it_starts(tmp_path):
    with private_postgres() as database:
        env = production_env(DATABASE_URL=database.url, CACHE_URL="locmemcache://outage",
                             PUBLIC_CACHE_SECONDS="0")
        manage(env, "migrate", "--noinput", timeout=180)
        folder = tmp_path / "articles"
        folder.mkdir()
        for path in FIXTURES:
            (folder / path.name).write_bytes(path.read_bytes())
        manage(env, "import_articles", str(folder), "--no-progress", timeout=120)

        with gunicorn(env, log_path=tmp_path / "server.log") as port:
            reader = Browser()
            response, front = reader.get(port, "/")
            assert response.status == 200
            article = re.search(r'href="(/articles/[^"]+/)"', front).group(1)
            for name, (response, _) in pages(reader, port, article, 1).items():
                assert response.status == 200, name

            database.stop(mode="fast")
            for name, (response, text) in pages(reader, port, article, 2).items():
                assert response.status == 503, name
                assert "back in a moment" in text
                assert "Traceback" not in text and "OperationalError" not in text
                assert "DEBUG" not in text and "settings.py" not in text
                assert response.headers["Retry-After"] == "30"
            health, health_text = reader.get(port, "/healthz")
            assert (health.status, health_text) == (503, "database unavailable\n")

            database.start()
            assert wait_for(lambda: reader.get(port, "/healthz")[0].status == 200), "never healthy again"
            for name, (response, text) in pages(reader, port, article, 3).items():
                assert response.status == 200, name
                assert "back in a moment" not in text
        log = (tmp_path / "server.log").read_text()
    assert "Service unavailable" in log
    assert "Traceback" not in log
