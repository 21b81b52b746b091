"""Builders for the push-ingest tests: tokens, and posting files the way partners do."""

import io
import zipfile

import pytest
from django.urls import reverse

from ingest.models import ApiToken

URL = reverse("ingest:ingest")


@pytest.fixture
def make_token(db):
    """``make_token(**fields)`` -> ``(ApiToken, the plain token)``."""

    def make(name="Partner CMS", **fields):
        token = ApiToken(name=name, **fields)
        plain = token.issue()
        token.save()
        return token, plain

    return make


@pytest.fixture
def token(make_token):
    return make_token()[1]


def bearer(plain):
    return {"Authorization": f"Bearer {plain}"}


def post_file(client, plain, text, name="story.md", content_type="text/markdown", **headers):
    """POST one file as the whole body."""
    data = text.encode() if isinstance(text, str) else text
    return client.post(
        URL, data=data, content_type=content_type,
        headers={**bearer(plain), "Content-Disposition": f'attachment; filename="{name}"', **headers},
    )


def post_multipart(client, plain, files):
    """POST ``{name: text}`` as multipart/form-data, one ``files`` part each."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    uploads = [
        SimpleUploadedFile(name, text.encode() if isinstance(text, str) else text)
        for name, text in files.items()
    ]
    return client.post(URL, {"files": uploads}, headers=bearer(plain))


def zipped(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return buffer.getvalue()
