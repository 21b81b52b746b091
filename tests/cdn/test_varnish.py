"""A real Varnish in front of a real site (gunicorn), with the VCL we ship: a kill or a publish
purges the article and the lists it is on and nothing else, and readers never see a killed
article after the purge."""

import contextlib
import http.client
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.production.servers import (
    ROOT,
    free_port,
    gunicorn,
    manage,
    production_env,
    stop_group,
    wait_until_listening,
)

VARNISHD = shutil.which("varnishd") or next(
    (path for path in ("/usr/sbin/varnishd", "/usr/local/sbin/varnishd") if Path(path).exists()), None
)
pytestmark = pytest.mark.skipif(
    VARNISHD is None, reason="varnishd is not installed (apt-get install -y varnish; .ci/run installs it)"
)

SETUP = """
from datetime import UTC, datetime
from django.contrib.auth.models import User
from articles.models import Article
from providers.models import Provider
User.objects.create_superuser("publisher", "p@example.com", "unused password 42")
made = {}
for n, (slug, title, topic, outlet, status) in enumerate([
    ("harbour-fire", "Fire at the harbour", "Harbours", "Coast News", "published"),
    ("sunny-days", "Sunny days ahead", "Weather", "Sky Daily", "published"),
    ("storm-warning", "Storm warning issued", "Weather", "Sky Daily", "draft"),
    ("quay-opening", "New quay opens", "Harbours", "Coast News", "published"),
    ("lone-lighthouse", "Lighthouse relit", "Lighthouses", "Coast News", "draft"),
]):
    provider, _ = Provider.objects.get_or_create(
        slug=outlet.lower().replace(" ", "-"), defaults={"name": outlet, "domain": outlet.lower().replace(" ", "") + ".example"})
    article = Article.objects.create(
        title=title, slug=slug, web_url="https://example.com/" + slug, provider=provider, status=status,
        published_at=datetime(2024, 5, 1, 10 + n, tzinfo=UTC), excerpt=title,
    )
    article.topics.add(topic)
"""

STEP = """
from django.contrib.auth.models import User
from articles import workflow
from articles.models import Article
workflow.{step}(Article.objects.get(slug={slug!r}), by=User.objects.get(username="publisher"), note="Desk decision")
"""


@contextlib.contextmanager
def varnish(vcl_path, port, workdir):
    """varnishd in the foreground, with its own work folder; stopped with its children on exit."""
    process = subprocess.Popen(
        [VARNISHD, "-F", "-j", "none", "-a", f"127.0.0.1:{port}", "-f", str(vcl_path),
         "-n", str(workdir / "varnish"), "-s", "malloc,64m", "-T", "none"],
        stdout=subprocess.DEVNULL, stderr=open(workdir / "varnish.log", "wb"),  # noqa: SIM115
        start_new_session=True,
    )
    try:
        wait_until_listening(port, process)
        yield port
    finally:
        stop_group(process)


@pytest.fixture(scope="module")
def proxy():
    """A migrated site behind Varnish, purging it on change; yields (varnish port, env)."""
    workdir = Path(tempfile.mkdtemp(prefix="newsroom-varnish-"))
    varnish_port = free_port()
    env = production_env(
        DATABASE_URL=f"sqlite:///{workdir / 'db.sqlite3'}",
        CACHE_URL="locmemcache://varnish-test",
        SHARED_CACHE_URL=f"filecache://{workdir / 'cache'}",
        MEDIA_ROOT=str(workdir / "media"),
        TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend",
        CDN_PURGE_BACKEND="varnish",
        CDN_PURGE_URL=f"http://127.0.0.1:{varnish_port}/",
        CDN_S_MAXAGE="3600",
        CDN_PURGE_BACKOFF_SECONDS="0.2",
    )
    env.pop("DATABASE_REPLICA_URL", None)
    try:
        manage(env, "migrate", "--noinput", timeout=300)
        # The scene is set before Varnish runs: nothing to purge yet.
        manage({**env, "CDN_PURGE_BACKEND": ""}, "shell", "-v", "0", "-c", SETUP)
        with gunicorn(env, log_path=workdir / "gunicorn.log") as site_port:
            vcl = workdir / "default.vcl"
            shipped = (ROOT / "deploy" / "varnish" / "default.vcl").read_text()
            assert '.port = "8000";' in shipped
            vcl.write_text(shipped.replace('.port = "8000";', f'.port = "{site_port}";'))
            with varnish(vcl, varnish_port, workdir):
                yield varnish_port, env
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def get(port, path, **headers):
    """A reader's GET through Varnish (behind the TLS proxy, as in production)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Host": f"127.0.0.1:{port}", "X-Forwarded-Proto": "https", **headers})
        response = conn.getresponse()
        return response.status, response.headers, response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def cached(port, path):
    """Whether Varnish answers ``path`` from its cache."""
    status, headers, _ = get(port, path)
    return headers["X-Cache"] == "HIT"


def warm(port, paths):
    for path in paths:
        status, headers, _ = get(port, path)
        assert status == 200, path
        assert "s-maxage=3600" in headers["Cache-Control"], path
        status, headers, _ = get(port, path)
        assert headers["X-Cache"] == "HIT", f"{path} was not cached by Varnish"


HARBOUR = ["/articles/harbour-fire/", "/topics/harbours/", "/providers/coast-news/", "/", "/rss/"]
WEATHER = ["/articles/sunny-days/", "/topics/weather/", "/providers/sky-daily/", "/topics/weather/rss/"]


def step(env, name, slug):
    manage(env, "shell", "-v", "0", "-c", STEP.format(step=name, slug=slug))


def test_a_kill_purges_the_article_and_its_lists_and_nothing_else(proxy):
    port, env = proxy
    warm(port, [*HARBOUR, *WEATHER, "/articles/quay-opening/"])

    step(env, "kill", "harbour-fire")

    status, headers, _ = get(port, "/articles/harbour-fire/")
    assert status == 410 and headers["X-Cache"] == "MISS"
    for path in HARBOUR[1:]:
        status, headers, body = get(port, path)
        assert headers["X-Cache"] == "MISS", f"{path} was not purged"
        assert "harbour-fire" not in body and "Fire at the harbour" not in body, path
    # Pages that never showed the killed article stay in the cache, even a neighbour's
    # page in the same topic from the same outlet.
    for path in [*WEATHER, "/articles/quay-opening/"]:
        status, headers, _ = get(port, path)
        assert headers["X-Cache"] == "HIT" and int(headers["Age"]) >= 0, f"{path} was purged too"


def test_readers_never_see_a_killed_article_again(proxy):
    port, env = proxy
    for _ in range(3):
        for path in HARBOUR:
            status, _, body = get(port, path)
            assert "Fire at the harbour" not in body, path


def test_a_publish_puts_the_article_on_its_lists_and_leaves_other_pages_cached(proxy):
    port, env = proxy
    neighbours = ["/articles/quay-opening/", "/topics/harbours/", "/providers/coast-news/"]
    warm(port, WEATHER + neighbours)
    assert get(port, "/articles/storm-warning/")[0] == 404

    step(env, "publish", "storm-warning")

    status, _, body = get(port, "/articles/storm-warning/")
    assert status == 200 and "Storm warning issued" in body
    for path in ["/topics/weather/", "/providers/sky-daily/", "/topics/weather/rss/", "/"]:
        status, headers, body = get(port, path)
        assert headers["X-Cache"] == "MISS" and "Storm warning issued" in body, path
    for path in neighbours:
        assert cached(port, path), f"{path} was purged by an unrelated publish"


def test_a_topic_waiting_for_its_first_article_is_kept_until_the_publish(proxy):
    """Its 404 is served by Varnish, not the site, and the publish purges it."""
    port, env = proxy
    status, headers, _ = get(port, "/topics/lighthouses/")
    assert status == 404
    status, headers, _ = get(port, "/topics/lighthouses/")
    assert (status, headers["X-Cache"]) == (404, "HIT")

    step(env, "publish", "lone-lighthouse")

    status, headers, body = get(port, "/topics/lighthouses/")
    assert (status, headers["X-Cache"]) == (200, "MISS") and "Lighthouse relit" in body


def test_only_the_sites_own_servers_may_ban_and_only_with_plain_keys(proxy):
    port, _ = proxy
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("BAN", "/", headers={"X-Ban-Keys": "site|.*"})
        assert conn.getresponse().status == 400
    finally:
        conn.close()


def test_an_api_request_with_a_token_goes_to_the_site_never_to_the_cache(proxy):
    port, _ = proxy
    warm(port, ["/api/v1/articles/"])

    status, headers, body = get(port, "/api/v1/articles/", Authorization="Bearer nr_000000000000_not-a-token")

    # The site judged the token (a refusal), instead of Varnish serving the cached public list.
    assert status == 401 and headers["X-Cache"] == "MISS"
    assert '"code"' in body
