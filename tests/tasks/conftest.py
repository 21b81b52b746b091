"""Fixtures for the worker tests: the database queue, and real worker processes on the test database.

The workers are separate processes (``manage.py run_worker``) on the very
database pytest-django made: committed data only, so these tests use
``transactional_db``, and on SQLite the test database is a file
(tests/settings.py). Every process started here is killed afterwards.
"""

import os
import secrets

import pytest
from django.db import connection

from .workers import FAST, WorkerProcess, database_url

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def queue(transactional_db, settings):
    """Tasks enqueued by the test go to the database queue, as on the site."""
    settings.TASKS = DATABASE_QUEUE
    return settings


@pytest.fixture
def worker_env(queue, media, tmp_path):
    """``worker_env(**overrides)``: the environment of a worker process on the test database."""

    def make(**overrides):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_SETTINGS"))}
        env.update(
            DJANGO_SETTINGS_MODULE="newsroom.settings",
            DEBUG="1",
            SECRET_KEY="worker-test-" + secrets.token_urlsafe(30),
            DATABASE_URL=database_url(connection.settings_dict),
            TASKS_BACKEND="django_tasks_db.DatabaseBackend",
            MEDIA_ROOT=str(media),
            SHARED_CACHE_URL=f"filecache://{tmp_path / 'cache'}",
            LOG_FORMAT="text",
            LOG_LEVEL="INFO",
            **FAST,
        )
        env.update({key: str(value) for key, value in overrides.items()})
        return env

    return make


@pytest.fixture
def start_worker(worker_env, tmp_path):
    """``start_worker(*args, **env)``: a running worker process; all are killed after the test."""
    started = []

    def start(*args, **env):
        worker = WorkerProcess(worker_env(**env), tmp_path / f"worker{len(started) + 1}.log", *args)
        started.append(worker)
        return worker

    try:
        yield start
    finally:
        for worker in started:
            worker.stop()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


# The local picture server of the image tests, for the real housekeeping task (cache_images).
from tests.images.conftest import image_server  # noqa: E402, F401
