"""A push request's body turned into the importer's ``Source`` objects, within the limits.

The body is one article file (``text/markdown``, ``application/octet-stream``
or ``application/zip`` with a file name), or ``multipart/form-data`` with one
or more files. Either way the files go through the admin upload's own form
(``articles.forms.ImportUploadForm``): the same suffixes, the same zip
handling (members read in memory within limits, unsafe paths refused) and the
same ``Source`` objects as an upload from the desk.

Sizes are checked from ``Content-Length`` before any of the body is read.
"""

import html
import posixpath

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.datastructures import MultiValueDict
from django.utils.http import parse_header_parameters
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.parsers import BaseParser, DataAndFiles

from articles.forms import ImportUploadForm

# A body sent without a file name gets one from its type.
DEFAULT_NAMES = {"application/zip": "upload.zip", "application/x-zip-compressed": "upload.zip"}
DEFAULT_NAME = "article.md"


class IngestError(APIException):
    """A refusal with its own status and code; answered as ``{"error": {"code", "message"}}``."""

    def __init__(self, status_code, code, message):
        super().__init__(message, code)
        self.status_code = status_code


def check_length(request):
    """Refuse a body that is missing its length or over ``INGEST_MAX_REQUEST_BYTES``; read nothing."""
    raw = request.META.get("CONTENT_LENGTH") or ""
    try:
        length = int(raw)
    except ValueError:
        length = -1
    if length < 0:
        raise IngestError(
            status.HTTP_411_LENGTH_REQUIRED, "length_required",
            "Send a Content-Length header: the size is checked before the body is read.",
        )
    limit = settings.INGEST_MAX_REQUEST_BYTES
    if length > limit:
        raise IngestError(
            status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, "too_large",
            f"The request body is {length:,} bytes; at most {limit:,} bytes per request.",
        )
    if length == 0:
        raise IngestError(status.HTTP_400_BAD_REQUEST, "no_files", "The request has no body.")


class ArticleBodyParser(BaseParser):
    """A whole body that is one file: an article or a zip of them.

    Its name comes from ``Content-Disposition: attachment; filename="…"`` or
    the ``filename`` query parameter; without one, a zip is ``upload.zip`` and
    anything else ``article.md``.
    """

    media_type = "*/*"
    ACCEPTED = (
        "text/markdown", "text/x-markdown", "text/plain", "text/yaml", "application/yaml",
        "application/x-yaml", "application/octet-stream", "application/zip",
        "application/x-zip-compressed",
    )

    def parse(self, stream, media_type=None, parser_context=None):
        request = parser_context["request"]
        base_type = (media_type or "").split(";")[0].strip().lower()
        if base_type not in self.ACCEPTED:
            raise IngestError(
                status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
                f"Send text/markdown, application/octet-stream, application/zip or "
                f"multipart/form-data, not {base_type or 'no Content-Type'}.",
            )
        name = _name_of(request) or DEFAULT_NAMES.get(base_type, DEFAULT_NAME)
        # check_length() capped the declared length, and Django never reads past it.
        data = stream.read(settings.INGEST_MAX_REQUEST_BYTES + 1) if stream is not None else b""
        return DataAndFiles({}, MultiValueDict({"files": [SimpleUploadedFile(name, data)]}))


def _name_of(request):
    disposition = request.META.get("HTTP_CONTENT_DISPOSITION", "")
    name = parse_header_parameters(disposition)[1].get("filename", "") if disposition else ""
    name = name or request.query_params.get("filename", "")
    # Only the last part: a name is a label in the report, never a place to write. Control
    # characters go (as Django's multipart parser drops them): a NUL cannot be stored in
    # PostgreSQL's JSON, and a newline would forge lines in a report.
    name = "".join(ch for ch in name if ch.isprintable())
    return posixpath.basename(name.replace("\\", "/")).strip()


def uploads_from(request):
    """``(uploads, article files, ignored names)`` of ``request``; ``IngestError`` if none will do.

    The uploads pass the admin upload's own checks (``ImportUploadForm``);
    ``articles.importing.uploads.sources_of`` reads them for a small push, and
    ``enqueue_import`` spools them for a large one.
    """
    uploads = [upload for key in request.FILES for upload in request.FILES.getlist(key)]
    if not uploads:
        raise IngestError(
            status.HTTP_400_BAD_REQUEST, "no_files",
            "The request holds no file: send one as the body, or several as multipart/form-data.",
        )
    form = ImportUploadForm(data={}, files=MultiValueDict({"files": uploads}))
    if not form.is_valid():
        error = form.errors.as_data()["files"][0]
        message = " ".join(str(m) for m in error.messages)
        # The form writes HTML for the admin; a JSON answer carries plain text.
        code = error.code or "invalid"
        too_big = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE if code == "too_large" else None
        raise IngestError(too_big or status.HTTP_400_BAD_REQUEST, code, html.unescape(message))
    total = form.checked.total
    limit = settings.INGEST_MAX_FILES
    if total > limit:
        raise IngestError(
            status.HTTP_400_BAD_REQUEST, "too_many_files",
            f"The request holds {total:,} article files; at most {limit:,} per request.",
        )
    return form.cleaned_data["files"], total, form.ignored
