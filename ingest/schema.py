"""The OpenAPI description of the ingest endpoints (drf-spectacular), kept out of the views' logic.

The serializers here only describe the JSON the views write (the importer's
report entries, ``FileOutcome.as_dict``); nothing is validated with them.
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    """``Authorization: Bearer nr_…`` in the schema (registered by being defined)."""

    target_class = "ingest.authentication.TokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http", "scheme": "bearer", "bearerFormat": "nr_<prefix>_<secret>",
            "description": "An API token, created by a publisher in the admin.",
        }


class ViewSchema(AutoSchema):
    """drf-spectacular's schema, with the operation id the view names (``operation_id``)."""

    def get_operation_id(self):
        return getattr(self.view, "operation_id", None) or super().get_operation_id()


class ErrorDetail(serializers.Serializer):
    code = serializers.CharField(help_text="Stable: match on it (too_large, throttled, ...).")
    message = serializers.CharField()


class Error(serializers.Serializer):
    error = ErrorDetail()


class Counts(serializers.Serializer):
    seen = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    rejected = serializers.IntegerField()


class FileEntry(serializers.Serializer):
    """One file's entry, as ``import_articles --report`` writes it."""

    path = serializers.CharField()
    outcome = serializers.ChoiceField(["created", "updated", "unchanged", "rejected"])
    article_id = serializers.IntegerField(required=False, allow_null=True)
    kind = serializers.CharField(required=False, help_text="For a rejection: docs/format.md section 7.")
    field = serializers.CharField(required=False, allow_blank=True)
    line = serializers.IntegerField(required=False, allow_null=True)
    location = serializers.CharField(required=False)
    message = serializers.CharField(required=False)
    provider = serializers.CharField(required=False, allow_null=True)
    reason = serializers.CharField(required=False)


class PushResult(serializers.Serializer):
    summary = Counts()
    files = FileEntry(many=True)
    ignored = serializers.ListField(child=serializers.CharField(), help_text="Not article files.")
    errors = serializers.ListField(child=serializers.CharField(), help_text="Steps after the writes that failed.")
    run = serializers.URLField()


class Queued(serializers.Serializer):
    run = serializers.URLField(help_text="Poll it (also in Location).")
    id = serializers.IntegerField()
    files = serializers.IntegerField()
    ignored = serializers.ListField(child=serializers.CharField())


class Run(serializers.Serializer):
    id = serializers.IntegerField()
    state = serializers.ChoiceField(["queued", "running", "done", "failed"])
    total = serializers.IntegerField(help_text="Article files in the push (0 when not known in advance).")
    started_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    counts = Counts()
    rejections = serializers.ListField(child=serializers.DictField())


def _errors(*statuses):
    meanings = {
        400: "No file, too many files, or an unreadable or unsafe zip.",
        401: "No, unknown or revoked token.",
        403: "The token lacks the ingest scope.",
        404: "No such run for this token.",
        411: "No Content-Length.",
        413: "Over INGEST_MAX_REQUEST_BYTES.",
        415: "Another body type.",
        429: "Over INGEST_REQUESTS_PER_MINUTE (Retry-After says how long to wait).",
    }
    return {status: OpenApiResponse(Error, description=meanings[status]) for status in statuses}


_BINARY = {"type": "string", "format": "binary"}

push = extend_schema(
    tags=["ingest"],
    summary="Push article files (one, several as multipart, or a zip)",
    request={
        "text/markdown": _BINARY,
        "application/octet-stream": _BINARY,
        "application/zip": _BINARY,
        "multipart/form-data": {
            "type": "object",
            "properties": {"files": {"type": "array", "items": _BINARY}},
            "required": ["files"],
        },
    },
    responses={
        200: OpenApiResponse(PushResult, description="Imported; nothing created."),
        201: OpenApiResponse(PushResult, description="Imported; at least one article created."),
        202: OpenApiResponse(Queued, description="Queued: poll the run."),
        **_errors(400, 401, 403, 411, 413, 415, 429),
    },
)

run = extend_schema(
    tags=["ingest"],
    summary="A push's import run: state and counts",
    responses={200: Run, **_errors(401, 403, 404, 429)},
)
