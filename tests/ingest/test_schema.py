"""The ingest endpoints' OpenAPI description: valid, and complete enough to generate a client."""

import pytest
from django.urls import include, path
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db


@pytest.fixture
def spec():
    import json

    # Cleared first: the spectacular command's --fail-on-warn reads the same counts.
    GENERATOR_STATS.reset()
    generator = SchemaGenerator(patterns=[path("api/v1/ingest/", include("ingest.urls"))])
    document = json.loads(OpenApiJsonRenderer().render(generator.get_schema(request=None, public=True)))
    return document


def test_the_schema_is_valid_openapi_without_warnings(spec):
    validate(spec)
    assert not GENERATOR_STATS, "drf-spectacular could not describe an ingest view"


def test_the_push_documents_its_bodies_answers_and_token(spec):
    push = spec["paths"]["/api/v1/ingest/"]["post"]

    assert push["operationId"] == "ingest_push"
    assert set(push["requestBody"]["content"]) == {
        "text/markdown", "application/octet-stream", "application/zip", "multipart/form-data",
    }
    assert {"200", "201", "202", "400", "401", "403", "411", "413", "415", "429"} <= set(push["responses"])
    assert push["security"] == [{"apiToken": []}]
    assert spec["components"]["securitySchemes"]["apiToken"]["scheme"] == "bearer"
    entry = spec["components"]["schemas"]["FileEntry"]["properties"]
    assert {"path", "outcome", "kind", "field", "line", "message"} <= set(entry)


def test_the_run_is_documented(spec):
    run = spec["paths"]["/api/v1/ingest/runs/{id}/"]["get"]

    assert run["operationId"] == "ingest_run"
    assert {"200", "401", "404"} <= set(run["responses"])
