"""Builders for the background-import tests: uploads, zips and a publisher signed in."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.articles.roles import make_user


@pytest.fixture
def spool(settings, tmp_path):
    settings.IMPORT_SPOOL_DIR = tmp_path / "spool"
    return settings.IMPORT_SPOOL_DIR


@pytest.fixture
def publisher(db):
    return make_user("publisher")


@pytest.fixture
def publisher_client(client, publisher, spool):
    client.force_login(publisher)
    return client


def upload(name, text):
    return SimpleUploadedFile(name, text.encode() if isinstance(text, str) else text)


def zipped(name, members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/zip")


# Real worker processes on the test database (tests/tasks/conftest.py).
from tests.tasks.conftest import media, queue, start_worker, worker_env  # noqa: E402, F401
