"""Two gunicorn instances behind one PostgreSQL and one Redis behave as one site.

What a load balancer needs: any request may land on either server, so a
change made through one is seen at once through the other (even on pages the
other has cached), and a sign-in made on one is valid on the other. Also: a
database that goes away and comes back needs no restart.
"""

import contextlib
import socket
import threading
import uuid

import pytest

from .servers import Browser, gunicorn, location_path, manage, postgres_database, production_env

pytestmark = pytest.mark.skipif(
    "postgres" not in __import__("os").environ.get("DATABASE_URL", "")
    or "redis" not in __import__("os").environ.get("CACHE_URL", ""),
    reason="needs DATABASE_URL=postgres://... and CACHE_URL=redis://... (the PostgreSQL pass)",
)

PASSWORD = "correct horse battery staple 42"
SETUP = f"""
from datetime import UTC, datetime
from django.contrib.auth.models import User
from articles.models import Article
from providers.models import Provider
from django_otp.plugins.otp_static.models import StaticDevice
editor = User.objects.create_superuser("editor", "editor@example.com", {PASSWORD!r})
# Superusers sign in with a second factor: recovery codes the tests type after the password.
codes = StaticDevice.objects.create(user=editor, name="Recovery codes", confirmed=True)
for n in range(10):
    codes.token_set.create(token=f"twoservers{{n}}")
provider = Provider.objects.create(name="Example News", domain="example.com", slug="example-news")
for slug, title, status in [("first-story", "Standing story", "published"),
                            ("scoop", "Scoop about the harbour", "draft")]:
    Article.objects.create(
        title=title, slug=slug, web_url="https://example.com/" + slug, provider=provider,
        status=status, published_at=datetime(2024, 5, 1, 10, tzinfo=UTC), excerpt=title,
    )
print(Article.objects.get(slug="scoop").pk)
"""


@pytest.fixture(scope="module")
def site():
    """A migrated PostgreSQL database with an editor, one live story and one draft."""
    with postgres_database("two_servers") as database_url:
        env = production_env(
            DATABASE_URL=database_url,
            CACHE_URL=f"redis://127.0.0.1:6379/0?key_prefix=two-servers-{uuid.uuid4().hex}",
        )
        manage(env, "migrate", "--noinput", timeout=180)
        scoop_pk = int(manage(env, "shell", "-v", "0", "-c", SETUP).stdout.split()[-1])
        yield env, scoop_pk


@pytest.fixture(scope="module")
def servers(site):
    env, _ = site
    with gunicorn(env) as a, gunicorn(env) as b:
        yield a, b


def test_a_sign_in_on_one_server_is_valid_on_the_other(servers):
    a, b = servers
    editor = Browser()
    response = editor.login(a, "editor", PASSWORD, code="twoservers0")
    assert response.status == 302 and location_path(response) == "/admin/"

    response, text = editor.get(b, "/admin/")
    assert response.status == 200, response.headers.get("Location")
    assert "Log out" in text


def test_publishing_and_withdrawing_through_one_server_shows_at_once_on_the_other(site, servers):
    _, scoop_pk = site
    a, b = servers
    reader, editor = Browser(), Browser()
    assert editor.login(a, "editor", PASSWORD, code="twoservers1").status == 302

    # B has the front page cached before the change.
    for _ in range(2):
        response, text = reader.get(b, "/")
        assert response.status == 200
        assert "Standing story" in text and "Scoop about the harbour" not in text

    response, _ = editor.post_form(a, f"/admin/articles/article/{scoop_pk}/step/publish/", {"note": ""})
    assert response.status == 302, "publishing through A was refused"

    response, text = reader.get(b, "/")
    assert "Scoop about the harbour" in text
    article_url = _link_to(text, "Scoop about the harbour")
    assert reader.get(b, article_url)[0].status == 200

    response, _ = editor.post_form(a, f"/admin/articles/article/{scoop_pk}/step/unpublish/", {"note": "legal"})
    assert response.status == 302, "withdrawing through A was refused"

    assert reader.get(b, article_url)[0].status in (404, 410)
    assert "Scoop about the harbour" not in reader.get(b, "/")[1]


def _link_to(html, title):
    import re

    match = re.search(r'<a[^>]+href="([^"]+)"[^>]*>\s*' + re.escape(title), html)
    assert match, f"no link to {title!r}"
    return match.group(1)


class SwitchableProxy:
    """A TCP proxy to PostgreSQL that can be cut (connections dropped, new ones refused)."""

    def __init__(self, target=("127.0.0.1", 5432)):
        self.target = target
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(32)
        self.port = self.listener.getsockname()[1]
        self.up = True
        self.open = []
        self.lock = threading.Lock()
        self.stopped = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.stopped:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            upstream = socket.create_connection(self.target)
            with self.lock:
                self.open += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        for sock in (source, sink):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def cut(self):
        self.up = False
        with self.lock:
            for sock in self.open:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
            self.open = []

    def restore(self):
        self.up = True

    def close(self):
        self.stopped = True
        self.cut()
        self.listener.close()


def test_the_site_answers_503_while_the_database_is_gone_and_recovers_without_a_restart(site):
    env, _ = site
    proxy = SwitchableProxy()
    try:
        via_proxy = env["DATABASE_URL"].replace(":5432/", f":{proxy.port}/")
        # No page cache: a page cached in Redis would be served without the database,
        # which is the point of the cache but not of this test.
        with gunicorn({**env, "DATABASE_URL": via_proxy, "PUBLIC_CACHE_SECONDS": "0"}) as port:
            reader = Browser()
            assert reader.get(port, "/topics/?n=1")[0].status == 200

            proxy.cut()
            response, text = reader.get(port, "/topics/?n=2")
            assert response.status == 503
            assert "back in a moment" in text and "Traceback" not in text
            assert reader.get(port, "/healthz")[0].status == 503

            proxy.restore()
            assert reader.get(port, "/healthz")[0].status == 200
            assert reader.get(port, "/topics/?n=3")[0].status == 200
    finally:
        proxy.close()
