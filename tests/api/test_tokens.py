"""API tokens with the ``read`` scope in the read API: who gets in, their own limit, no shared copy."""

import pytest
from django.test import Client
from django.utils import timezone

from articles.models import Article
from ingest.models import ApiToken

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    """An anonymous client that sends no cookie."""
    return Client()


@pytest.fixture
def make_token(db):
    def make(**fields):
        token = ApiToken(name="Partner app", **fields)
        plain = token.issue()
        token.save()
        return token, plain

    return make


@pytest.fixture
def reader(make_token):
    return make_token(scope_ingest=False, scope_read=True)[1]


def bearer(plain):
    return {"Authorization": f"Bearer {plain}"}


def test_a_read_token_gets_what_anonymous_readers_get(api, reader, make_article):
    live = make_article(title="On the site")
    make_article(title="Still a draft", status=Article.Status.DRAFT)
    embargoed = make_article(title="Not yet", embargo_until=timezone.now() + timezone.timedelta(days=1))

    with_token = api.get("/api/v1/articles/", headers=bearer(reader))
    anonymous = api.get("/api/v1/articles/")

    assert with_token.status_code == 200
    assert with_token.headers["Content-Type"] == "application/json"
    assert with_token.json() == anonymous.json()
    assert [item["id"] for item in with_token.json()["results"]] == [live.pk]
    assert api.get(f"/api/v1/articles/{embargoed.slug}/", headers=bearer(reader)).status_code == 404


def test_a_token_answer_is_private_and_varies_on_the_token(api, reader, make_article):
    article = make_article()

    response = api.get(f"/api/v1/articles/{article.slug}/", headers=bearer(reader))

    directives = {part.strip() for part in response.headers["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives
    assert "public" not in directives
    assert "Authorization" in response.headers["Vary"]


def test_anonymous_answers_stay_public_and_vary_on_authorization(api, make_article):
    article = make_article()

    response = api.get(f"/api/v1/articles/{article.slug}/")

    assert "public" in response.headers["Cache-Control"]
    assert "ETag" in response.headers
    assert "Authorization" in response.headers["Vary"]


def test_token_answers_never_enter_or_come_from_the_shared_page_cache(api, reader, make_article):
    article = make_article(title="Old headline")
    path = f"/api/v1/articles/{article.slug}/"
    anonymous_first = api.get(path)
    # A change the page cache does not hear of (no signal): only a fresh build sees it.
    Article.objects.filter(pk=article.pk).update(title="New headline")

    with_token = api.get(path, headers=bearer(reader))
    anonymous_again = api.get(path)

    assert anonymous_first.json()["title"] == anonymous_again.json()["title"] == "Old headline"
    assert with_token.json()["title"] == "New headline"


def test_a_token_answer_is_not_kept_for_anonymous_readers(api, reader, make_article):
    article = make_article(title="Old headline")
    path = f"/api/v1/articles/{article.slug}/"
    api.get(path, headers=bearer(reader))
    Article.objects.filter(pk=article.pk).update(title="New headline")

    assert api.get(path).json()["title"] == "New headline"


@pytest.mark.parametrize("header, code", [
    ("Bearer nr_000000000000_not-a-real-secret", "invalid_token"),
    ("Bearer something-else", "invalid_token"),
    ("Bearer", "invalid_token"),
    ("Bearer two words", "invalid_token"),
    ("Basic dXNlcjpwYXNz", "invalid_token"),
])
def test_a_bad_token_is_a_json_401_not_an_anonymous_answer(api, make_article, header, code):
    article = make_article()
    path = f"/api/v1/articles/{article.slug}/"
    api.get(path)  # the anonymous answer is in the page cache

    response = api.get(path, headers={"Authorization": header})

    assert response.status_code == 401
    assert response.json()["error"]["code"] == code
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "no-store" in response.headers["Cache-Control"]


def test_a_revoked_token_is_a_401(api, make_token, make_article):
    token, plain = make_token(scope_read=True)
    token.revoked_at = timezone.now()
    token.save()

    response = api.get("/api/v1/articles/", headers=bearer(plain))

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "revoked_token"


def test_a_token_without_the_read_scope_is_a_json_403(api, make_token, make_article):
    _, pusher = make_token(scope_ingest=True, scope_read=False)

    response = api.get("/api/v1/topics/", headers=bearer(pusher))

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "wrong_scope"


def test_a_read_token_has_its_own_limit_instead_of_the_address_one(api, make_token, settings, monkeypatch):
    # Half-way through the token's minute window, however long the test takes.
    monkeypatch.setattr("newsroom.ratelimit.clock", lambda: 1_800_000_030.0)
    settings.API_RATE_LIMIT = "2/min"
    settings.API_READ_TOKEN_REQUESTS_PER_MINUTE = 4
    _, reader = make_token(scope_read=True)
    _, other = make_token(scope_read=True)

    def statuses(count, headers=None):
        return [api.get("/api/v1/topics/", headers=headers or {}).status_code for _ in range(count)]

    assert statuses(5, bearer(reader)) == [200, 200, 200, 200, 429]
    # The token's requests took nothing from the address's anonymous allowance, and the
    # address's own limit does not hold back a token.
    assert statuses(3) == [200, 200, 429]
    assert statuses(1, bearer(other)) == [200]
    refused = api.get("/api/v1/topics/", headers=bearer(reader))
    assert refused.json()["error"]["code"] == "throttled"
    assert refused.headers["Retry-After"] == "30"


def test_refused_tokens_count_against_the_address_limit(api, make_token, settings):
    settings.API_RATE_LIMIT = "2/min"
    _, pusher = make_token(scope_ingest=True, scope_read=False)
    made_up = bearer("nr_000000000000_made-up-secret")

    assert [api.get("/api/v1/topics/", headers=made_up).status_code for _ in range(2)] == [401, 401]
    assert api.get("/api/v1/topics/", headers=bearer(pusher)).status_code == 429
    assert api.get("/api/v1/topics/").status_code == 429
