"""Every endpoint the OpenAPI schema lists, called over real HTTP with plain ``httpx``.

The walk starts from ``/api/schema/`` itself, not from a list kept here: a
path the schema gains later is called too, and if the walk has no way to
fill its path parameters (or to call its method) the test fails and says
which path to teach it. Each answer must be 200-class JSON that validates
against the response the schema declares for that status.
"""

import re
from urllib.parse import urlsplit

import httpx
import pytest
from openapi_schema_validator import OAS30Validator, validate
from openapi_spec_validator import validate as validate_spec

from articles.models import Article
from authors.models import Author, Byline
from ingest.models import ApiToken
from stories.models import Membership, Story
from tests.conftest import article_text

pytestmark = pytest.mark.django_db(transaction=True)

PARAMETER = re.compile(r"{(\w+)}")
# How each path's parameters are filled, from the objects the walk creates.
FILLERS = {
    "/api/v1/articles/{slug}/": lambda made: {"slug": made["article"].slug},
    "/api/v1/topics/{slug}/": lambda made: {"slug": made["topic"].slug},
    "/api/v1/providers/{slug}/": lambda made: {"slug": made["provider"].slug},
    "/api/v1/stories/{slug}/": lambda made: {"slug": made["story"].slug},
    "/api/v1/authors/{slug}/": lambda made: {"slug": made["author"].slug},
    # The run the walk's own push created (pushes are walked first).
    "/api/v1/ingest/runs/{id}/": lambda made: {"id": made["pusher"].runs.get().pk},
}
# The operations that need an ingest token. The read API is walked twice: without a
# token and with a read-scope one (the schema says either may call it).
WITH_TOKEN = {("post", "/api/v1/ingest/"), ("get", "/api/v1/ingest/runs/{id}/")}
WALKED_METHODS = ("post", "get")


def operations(spec):
    """``[(method, path)]`` of every operation in ``spec``: pushes first, so the polls have a run."""
    found = [
        (method, path) for path, item in spec["paths"].items() for method in item
        if method in ("get", "put", "post", "delete", "options", "head", "patch", "trace")
    ]
    order = {method: n for n, method in enumerate(WALKED_METHODS)}
    return sorted(found, key=lambda op: (order.get(op[0], len(order)), op[1]))


def unwalkable(spec):
    """The operations this walk cannot call: a method it has no body for, or unfillable parameters."""
    missing = []
    for method, path in operations(spec):
        security = spec["paths"][path][method].get("security", [{}])
        if {} not in security and (method, path) not in WITH_TOKEN:
            missing.append(f"{method.upper()} {path}: needs a token the walk does not hold")
        elif method == "post" and (method, path) not in WITH_TOKEN:
            missing.append(f"{method.upper()} {path}: no body to send")
        elif method not in WALKED_METHODS:
            missing.append(f"{method.upper()} {path}: method not walked")
        elif PARAMETER.search(path) and path not in FILLERS:
            missing.append(f"{method.upper()} {path}: no way to fill {PARAMETER.findall(path)}")
    return missing


def null_allowed(schema):
    """``schema`` with drf-spectacular's nullable references made explicit for the validator.

    A nullable nested object is written ``{"allOf": [{"$ref": ...}], "nullable": true}``;
    OpenAPI 3.0.3 says ``nullable`` only acts beside a ``type``, so a strict
    validator would refuse the ``null`` the schema means to allow. Spelled
    ``anyOf: [the reference, null]``, which says the same in any reading.
    """
    if isinstance(schema, list):
        return [null_allowed(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    schema = {key: null_allowed(value) for key, value in schema.items()}
    if schema.get("nullable") and "type" not in schema and "allOf" in schema:
        rest = {key: value for key, value in schema.items() if key != "nullable"}
        return {"anyOf": [rest, {"enum": [None]}]}
    return schema


def expected_schema(spec, method, path, status):
    """The JSON schema the spec declares for this answer, resolvable against the spec's components."""
    responses = spec["paths"][path][method]["responses"]
    assert str(status) in responses, f"{method.upper()} {path} answered {status}, not a documented status"
    content = responses[str(status)].get("content", {})
    assert "application/json" in content, f"{method.upper()} {path} {status} documents no JSON body"
    return null_allowed({**content["application/json"]["schema"], "components": spec["components"]})


@pytest.fixture
def made(make_article, make_provider):
    """One of everything the read API shows, live, plus an ingest token."""
    provider = make_provider(name="Harbour Gazette", slug="harbour-gazette")
    article = make_article(provider=provider, title="Cranes idle", topics=["Shipping"])
    second = make_article(provider=provider, title="Cranes back", topics=["Shipping"])
    story = Story.objects.create(title="Harbour strike", slug="harbour-strike")
    for member in (article, second):
        Membership.objects.create(article=member, story=story)
    author = Author.objects.create(name="Ada Reporter", slug="ada-reporter", bio="Covers the port.")
    Byline.objects.create(article=article, author=author, position=0)
    pusher = ApiToken(name="Walking partner")
    plain = pusher.issue()
    pusher.save()
    reader = ApiToken(name="Reading app", scope_ingest=False, scope_read=True)
    reading = reader.issue()
    reader.save()
    return {
        "article": article, "provider": provider, "topic": article.topics.get(), "story": story,
        "author": author, "pusher": pusher, "plain": plain, "reading": reading,
    }


def call(http, made, method, path, as_reader):
    url = path.format(**FILLERS[path](made)) if path in FILLERS else path
    headers = {"Accept": "application/json"}
    if (method, path) in WITH_TOKEN:
        headers["Authorization"] = f"Bearer {made['plain']}"
    elif as_reader:
        headers["Authorization"] = f"Bearer {made['reading']}"
    if method == "post":
        body = article_text(webUrl="https://example.com/walked/1", title="Pushed while walking")
        headers.update({"Content-Type": "text/markdown", "Content-Disposition": 'attachment; filename="walk.md"'})
        return http.post(url, content=body.encode(), headers=headers)
    return http.get(url, headers=headers)


@pytest.mark.parametrize("as_reader", [False, True], ids=["anonymous", "read token"])
def test_the_walk_calls_every_operation_of_the_schema(live_server, made, as_reader):
    with httpx.Client(base_url=live_server.url, timeout=30) as http:
        schema_response = http.get("/api/schema/", params={"format": "json"})
        assert schema_response.status_code == 200
        spec = schema_response.json()
        validate_spec(spec)
        assert not unwalkable(spec), "teach tests/api/test_walk.py to call these: " + "; ".join(unwalkable(spec))

        walked = []
        for method, path in operations(spec):
            response = call(http, made, method, path, as_reader)
            where = f"{method.upper()} {path}"
            assert response.status_code in (200, 201), f"{where}: {response.status_code} {response.text[:300]}"
            assert response.headers["content-type"].startswith("application/json"), where
            if as_reader and (method, path) not in WITH_TOKEN:
                assert "no-store" in response.headers["cache-control"], where
            validate(response.json(), expected_schema(spec, method, path, response.status_code), cls=OAS30Validator)
            walked.append((method, path, response.json()))

    by_path = {(method, path): body for method, path, body in walked}
    # The walk saw real content, not empty pages that validate trivially.
    assert [item["slug"] for item in by_path["get", "/api/v1/articles/"]["results"]] == [
        article.slug for article in Article.objects.order_by("-published_at", "-id")
    ]
    assert by_path["get", "/api/v1/authors/{slug}/"]["name"] == "Ada Reporter"
    assert by_path["get", "/api/v1/stories/{slug}/"]["slug"] == "harbour-strike"
    assert by_path["post", "/api/v1/ingest/"]["summary"]["created"] == 1
    assert by_path["get", "/api/v1/ingest/runs/{id}/"]["counts"]["created"] == 1
    assert urlsplit(by_path["post", "/api/v1/ingest/"]["run"]).path == (
        f"/api/v1/ingest/runs/{made['pusher'].runs.get().pk}/"
    )


def test_a_path_the_walk_cannot_fill_fails_it():
    """A new endpoint with parameters nobody taught the walk to fill is reported, never skipped."""
    spec = {"paths": {
        "/api/v1/articles/": {"get": {}},
        "/api/v1/articles/{slug}/": {"get": {"security": [{}, {"apiToken": []}]}},
        "/api/v1/ingest/runs/{id}/": {"get": {"security": [{"apiToken": []}]}},
        "/api/v1/desks/": {"get": {"security": [{"apiToken": []}]}},
        "/api/v1/desks/{desk}/": {"get": {}},
        "/api/v1/articles/{slug}/pin/": {"delete": {}},
        "/api/v1/subscriptions/": {"post": {}},
    }}

    assert unwalkable(spec) == [
        "POST /api/v1/subscriptions/: no body to send",
        "GET /api/v1/desks/: needs a token the walk does not hold",
        "GET /api/v1/desks/{desk}/: no way to fill ['desk']",
        "DELETE /api/v1/articles/{slug}/pin/: method not walked",
    ]
