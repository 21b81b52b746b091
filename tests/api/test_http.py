"""The API over HTTP: conditional GET, caching headers, CORS, rate limits and JSON errors.

Requests go through Django's test client with nothing but a path and headers,
as an outside client sends them (test_walk.py calls every endpoint over real HTTP with httpx).
"""

import pytest
import yaml
from django.test import Client
from openapi_spec_validator import validate

from tests.articles.pages import add_images, add_related

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    """An anonymous client that sends no cookie."""
    return Client()


def test_every_endpoint_answers_json_to_a_plain_http_client(api, make_article, make_house_article):
    article = make_article(topics=["Rail"])
    add_images(article, 1)
    add_related(article, 1)
    make_house_article()

    walked = {}
    for path in ("/api/v1/articles/", "/api/v1/topics/", "/api/v1/providers/", "/api/v1/authors/",
                 "/api/v1/stories/"):
        response = api.get(path)
        walked[path] = response.status_code
        assert response.headers["Content-Type"] == "application/json"
        for item in response.json()["results"]:
            detail = item.get("api_url") or f"{path}{item['slug']}/"
            assert api.get(detail).status_code == 200, detail
    assert set(walked.values()) == {200}
    assert api.get(f"/api/v1/providers/{article.provider.slug}").json()["domain"] == article.provider.domain


def test_an_unchanged_answer_is_a_304_by_etag_or_date(api, make_article):
    article = make_article()
    path = f"/api/v1/articles/{article.slug}/"

    first = api.get(path)
    by_etag = api.get(path, headers={"If-None-Match": first.headers["ETag"]})
    by_date = api.get(path, headers={"If-Modified-Since": first.headers["Last-Modified"]})

    assert first.status_code == 200
    assert "max-age=0" in first.headers["Cache-Control"] and "public" in first.headers["Cache-Control"]
    assert "must-revalidate" in first.headers["Cache-Control"]
    assert (by_etag.status_code, by_date.status_code) == (304, 304)


def test_a_change_makes_the_old_etag_stale(api, make_article):
    article = make_article(title="Before")
    path = f"/api/v1/articles/{article.slug}/"
    etag = api.get(path).headers["ETag"]

    article.title = "After"
    article.save()
    again = api.get(path, headers={"If-None-Match": etag})

    assert again.status_code == 200
    assert again.json()["title"] == "After"


def test_any_origin_may_read_without_credentials(api, make_article):
    make_article()

    response = api.get("/api/v1/articles/", headers={"Origin": "https://reader.example"})
    preflight = api.options("/api/v1/articles/", headers={
        "Origin": "https://reader.example", "Access-Control-Request-Method": "POST",
    })

    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers
    assert "POST" not in preflight.headers.get("Access-Control-Allow-Methods", "")


def test_configured_origins_are_the_only_ones_allowed(client, make_article, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example.com"]
    settings.CORS_ALLOW_ALL_ORIGINS = False
    make_article()

    allowed = client.get("/api/v1/articles/", HTTP_ORIGIN="https://app.example.com")
    refused = client.get("/api/v1/articles/", HTTP_ORIGIN="https://evil.example")
    page = client.get("/", HTTP_ORIGIN="https://app.example.com")

    assert allowed.headers["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert "Access-Control-Allow-Origin" not in refused.headers
    assert "Access-Control-Allow-Origin" not in page.headers


def test_too_many_requests_get_a_json_429_even_for_cached_answers(client, make_article, settings):
    settings.API_RATE_LIMIT = "3/min"
    make_article()

    answers = [client.get("/api/v1/articles/") for _ in range(4)]
    other_client = client.get("/api/v1/articles/", REMOTE_ADDR="10.0.0.2")

    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[-1].json()["error"]["code"] == "throttled"
    assert int(answers[-1].headers["Retry-After"]) > 0
    assert other_client.status_code == 200


@pytest.mark.parametrize("method, path, headers, status, code", [
    ("GET", "/api/v1/nothing-here/", {}, 404, "not_found"),
    ("GET", "/api/v2/articles/", {}, 404, "not_found"),
    # Refused by the site's middleware before any view: still the API's JSON.
    ("GET", "/api/v1/articles/%00/", {}, 404, "not_found"),
    ("GET", "/api/v1/articles/no-such-article/", {}, 404, "not_found"),
    ("POST", "/api/v1/articles/", {}, 405, "method_not_allowed"),
    ("DELETE", "/api/v1/topics/", {}, 405, "method_not_allowed"),
    ("GET", "/api/v1/articles/", {"Accept": "text/html"}, 406, "not_acceptable"),
])
def test_every_client_error_is_json_with_a_code_and_message(api, make_article, method, path, headers, status, code):
    make_article()

    response = api.generic(method, path, headers=headers)

    assert response.status_code == status
    assert response.headers["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]


def test_the_schema_is_valid_openapi_3(api):
    response = api.get("/api/schema/")

    schema = yaml.safe_load(response.content)

    validate(schema)
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/articles/", "/api/v1/articles/{slug}/", "/api/v1/topics/", "/api/v1/providers/",
            "/api/v1/authors/", "/api/v1/stories/"} <= set(schema["paths"])


def test_the_reference_page_runs_only_the_sites_own_scripts(api):
    from tests.articles.pages import tags_in

    page = api.get("/api/docs/")
    scripts = [attrs for tag, attrs in tags_in(page.content.decode()) if tag == "script"]
    start = api.get(scripts[-1]["src"])

    assert page.status_code == 200
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in page.headers["Content-Security-Policy"]
    assert b"<style" not in page.content
    assert scripts and all(attrs.get("src", "").startswith("/") for attrs in scripts)
    assert start.headers["Content-Type"].startswith("application/javascript")
    for attrs in scripts[:-1]:
        assert api.get(attrs["src"]).status_code == 200, attrs["src"]
