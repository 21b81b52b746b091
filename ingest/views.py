"""``POST /api/v1/ingest/`` (push article files) and ``GET /api/v1/ingest/runs/<id>/`` (poll a run).

Everything a request may be refused for answers ``{"error": {"code", "message"}}``:
401 no, unknown or revoked token; 403 a token without the ``ingest`` scope;
429 over the token's requests per minute; 411/413 no or too big a
``Content-Length``; 415 a body of another type; 400 no file, too many files
or an unreadable zip. None of these writes anything.

Authentication, permissions, throttles and parsers are set on the views
themselves, so the project's ``REST_FRAMEWORK`` settings change nothing here.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import DEFAULT_DB_ALIAS
from django.urls import reverse
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView, exception_handler

from articles.importing.loader import CREATED, import_sources
from articles.importing.uploads import sources_of
from articles.models import ImportRun

from . import queueing
from . import schema as openapi
from .authentication import TokenAuthentication
from .permissions import HasScope
from .throttling import TokenRateThrottle
from .uploads import ArticleBodyParser, IngestError, check_length, uploads_from

COUNTS = ("seen", "created", "updated", "unchanged", "rejected")


def json_error(exc, context):
    """DRF's exception handler (status and headers), answering ``{"error": {"code", "message"}}``."""
    if isinstance(exc, RequestDataTooBig):
        exc = IngestError(status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, "too_large", str(exc))
    elif isinstance(exc, TooManyFilesSent | TooManyFieldsSent):
        exc = IngestError(
            status.HTTP_400_BAD_REQUEST, "too_many_files",
            f"Too many parts in one multipart request (at most "
            f"{settings.DATA_UPLOAD_MAX_NUMBER_FILES} files); send a zip or several requests.",
        )
    response = exception_handler(exc, context)
    if response is None:
        return None
    detail = getattr(exc, "detail", None)
    code = exc.get_codes() if hasattr(exc, "get_codes") else "error"
    if not isinstance(code, str):
        code = "invalid"
    response.data = {"error": {"code": code, "message": str(detail or response.status_text)}}
    return response


class TokenAPIView(APIView):
    """A JSON view for API tokens with the ``ingest`` scope."""

    authentication_classes = [TokenAuthentication]
    permission_classes = [HasScope("ingest")]
    throttle_classes = [TokenRateThrottle]
    renderer_classes = [JSONRenderer]
    parser_classes = [MultiPartParser, ArticleBodyParser]
    # The OpenAPI description (ingest/schema.py), whatever the project's REST_FRAMEWORK says.
    schema = openapi.ViewSchema()

    def get_exception_handler(self):
        return json_error

    def run_url(self, request, run):
        return request.build_absolute_uri(reverse("ingest:run", args=[run.pk]))


@openapi.push
class IngestView(TokenAPIView):
    operation_id = "ingest_push"

    def post(self, request):
        token = request.auth
        check_length(request)
        uploads, total, ignored = uploads_from(request)
        if total > settings.INGEST_SYNC_MAX_FILES:
            run = queueing.enqueue(uploads, token=token)
            url = self.run_url(request, run)
            return Response(
                {"run": url, "id": run.pk, "files": total, "ignored": ignored},
                status=status.HTTP_202_ACCEPTED, headers={"Location": url},
            )
        files = []
        # No worker processes inside a web server's worker, as for the admin upload.
        result = import_sources(
            sources_of(uploads), origin="api", label=token.name, only_provider=token.provider,
            on_file=files.append, parallel=False,
        )
        body = {
            "summary": {name: getattr(result, name) for name in COUNTS},
            "files": [outcome.as_dict() for outcome in files],
            "ignored": ignored,
            # Which step failed, not why: the exception's text (a database error, a path)
            # is for the site's log, not for a partner.
            "errors": [error.split(":", 1)[0] + " (the details are in the site's log)" for error in result.errors],
        }
        if result.run_id is not None:
            token.runs.add(result.run_id)
            body["run"] = self.run_url(request, ImportRun(pk=result.run_id))
        created = any(outcome.outcome == CREATED for outcome in files)
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


@openapi.run
class RunView(TokenAPIView):
    operation_id = "ingest_run"

    def get(self, request, pk):
        # The primary: a run a moment old may not have reached a replica yet.
        run = request.auth.runs.db_manager(DEFAULT_DB_ALIAS).filter(pk=pk).first()
        if run is None:
            raise IngestError(
                status.HTTP_404_NOT_FOUND, "not_found", "No import run with this id for this token."
            )
        return Response({
            "id": run.pk,
            "state": run.state,
            "total": run.total,
            "started_at": run.started_at,
            "finished_at": run.finished_at,
            "counts": {name: getattr(run, name) for name in COUNTS},
            "rejections": run.rejections,
        })
