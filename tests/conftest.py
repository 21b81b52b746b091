"""Shared builders for the whole suite: small, explicit objects rather than big fixtures."""

import itertools
import os
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"

_counter = itertools.count(1)
# On a shared Redis, keys left by an earlier run (throttling counters, cached
# pages) must never be seen by this one.
_RUN = uuid.uuid4().hex[:8]


@pytest.fixture(autouse=True)
def _isolated_cache(settings):
    """Each test, in each xdist worker and each run, gets its own cache keys."""
    _forget_caches(settings)


@pytest.fixture
def empty_caches(settings):
    """Call it to lose everything the caches hold, as after a restart or an eviction flood.

    Not ``cache.clear()``: on a shared Redis or file cache that would also wipe
    what the other xdist workers' tests are in the middle of using.
    """
    return lambda: _forget_caches(settings)


def _forget_caches(settings):
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    caches = {name: dict(conf) for name, conf in settings.CACHES.items()}
    for conf in caches.values():
        conf["KEY_PREFIX"] = f"test-{_RUN}-{worker}-{next(_counter)}"
    settings.CACHES = caches
    # The page cache's stamps of this process's uncommitted changes (tests never commit):
    # one test's, perhaps made at a travelled-to future moment, must not reach the next.
    from articles import caching

    caching._own_changes.__init__()


class SignedInClient(Client):
    """Django's test client whose ``force_login`` signs in with both factors, as staff do.

    Publishers and superusers must verify a second factor before the admin
    opens (staff/middleware.py); tests about something else sign them in with
    a test authenticator, made for them when they have none. Tests of the
    sign-in itself use ``password_only_client``.
    """

    def force_login(self, user, backend=None):
        from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from staff.policy import second_factor_required

        device = next(devices_for_user(user), None)
        if device is None and second_factor_required(user):
            device = TOTPDevice.objects.create(user=user, name="Test authenticator", confirmed=True)
        super().force_login(user, backend)
        if device is not None:
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()


@pytest.fixture
def client():
    return SignedInClient()


@pytest.fixture
def admin_client(db, admin_user):
    client = SignedInClient()
    client.force_login(admin_user)
    return client


@pytest.fixture
def password_only_client():
    """A client whose ``force_login`` is a password sign-in only, as the login form leaves it."""
    return Client()


def article_fields(**overrides):
    """The front matter of a valid article as a dict; override or drop (None) any key."""
    n = next(_counter)
    fields = {
        "title": f"Article number {n}",
        "webUrl": f"https://example.com/news/{n}",
        "publishedDateTime": "2024-05-01T10:00:00Z",
        "provider": {"name": "Example News", "domain": "example.com"},
        "published": True,
    }
    fields.update(overrides)
    return {k: v for k, v in fields.items() if v is not None}


def article_text(body="", **overrides):
    """A whole article file as text, built from ``article_fields``."""
    front = yaml.safe_dump(article_fields(**overrides), allow_unicode=True, sort_keys=False)
    return f"---\n{front}---\n{body}"


@pytest.fixture
def write_article(tmp_path):
    """Write an article file into a temporary folder; returns its path."""

    def write(name=None, body="", *, text=None, **overrides):
        path = tmp_path / (name or f"article_{next(_counter)}.md")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text if text is not None else article_text(body, **overrides), encoding="utf-8")
        return path

    return write


@pytest.fixture
def make_provider(db):
    from providers.models import Provider

    def make(**overrides):
        n = next(_counter)
        fields = {"name": f"Provider {n}", "domain": f"provider{n}.example", "slug": f"provider-{n}"}
        fields.update(overrides)
        return Provider.objects.create(**fields)

    return make


@pytest.fixture
def make_article(db, make_provider):
    """``make_article(**overrides)``: a saved, live article unless told otherwise."""
    from articles.models import Article

    def make(topics=(), **overrides):
        n = next(_counter)
        fields = {
            "title": f"Headline {n}",
            "web_url": f"https://example.com/a/{n}",
            "published_at": datetime(2024, 5, 1, 10, 0, tzinfo=UTC),
            "status": Article.Status.PUBLISHED,
            "excerpt": f"Excerpt {n}",
        }
        fields.update(overrides)
        if "provider" not in fields:
            fields["provider"] = make_provider()
        fields.setdefault("slug", Article.slug_for(fields["title"], fields["web_url"]))
        article = Article.objects.create(**fields)
        if topics:
            article.topics.add(*topics)
        return article

    return make
