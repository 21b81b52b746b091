"""Every error the API answers is JSON: ``{"error": {"code": "...", "message": "..."}}``.

DRF's own exceptions (404, 405, 406, 429, validation) come through
``exception_handler``; paths under ``/api/`` that match nothing come to
``not_found``. A client never has to parse an HTML error page.
"""

from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler


class Gone(exceptions.APIException):
    """A killed article: it existed, and it will not come back (the page answers 410 too)."""

    status_code = status.HTTP_410_GONE
    default_detail = "This article has been withdrawn."
    default_code = "gone"


def error_body(code, message):
    return {"error": {"code": str(code), "message": str(message)}}


def _message(detail):
    """One readable sentence from DRF's detail: a string, a list, or ``{field: [messages]}``."""
    if isinstance(detail, dict):
        return " ".join(f"{name}: {_message(value)}" for name, value in detail.items())
    if isinstance(detail, list):
        return " ".join(_message(item) for item in detail)
    return str(detail)


def _code(exc, detail):
    if isinstance(detail, dict):
        detail = next(iter(detail.values()), "")
    if isinstance(detail, list) and detail:
        detail = detail[0]
    code = getattr(detail, "code", None) or getattr(exc, "default_code", None)
    return code or "error"


def exception_handler(exc, context):
    """DRF's handler (headers such as ``Allow`` and ``Retry-After`` kept), with our body."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = getattr(exc, "detail", "")
    body = error_body(_code(exc, detail), _message(detail))
    if isinstance(exc, exceptions.ValidationError) and isinstance(detail, dict):
        # Which query parameter (or field) was wrong, for programs as well as people.
        body["error"]["parameter"] = next(iter(detail), "")
    response.data = body
    return response


def not_found(request, *args, **kwargs):
    """Any ``/api/...`` path that names no endpoint, whatever the method."""
    return JsonResponse(
        error_body("not_found", "No API endpoint at this address. See /api/docs/."), status=404
    )


def bad_request(parameter, message):
    """A 400 naming the query parameter at fault."""
    return exceptions.ValidationError({parameter: [message]}, code="invalid_parameter")

