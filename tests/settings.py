"""The suite's settings: the site's own, in development mode, with a key made for this run.

The site has no built-in key (newsroom/settings.py); a test run gets a
random one, so nothing signed in a test is valid anywhere else.
"""

import os
import secrets

os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("SECRET_KEY", "test-run-" + secrets.token_urlsafe(40))

# The shared cache of a one-machine site is a folder (newsroom/settings.py). Each process
# of a test run (the xdist controller, each worker) gets one of its own, outside the
# project's var/cache, so no worker's test, or a cull there, touches another's; the
# processes a test starts inherit their worker's.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
if os.environ.get("NEWSROOM_TEST_CACHE_OF") != _worker or "SHARED_CACHE_URL" not in os.environ:
    import atexit
    import shutil
    import tempfile

    _shared_cache = tempfile.mkdtemp(prefix=f"newsroom-test-cache-{_worker}-")
    os.environ["SHARED_CACHE_URL"] = f"filecache://{_shared_cache}"
    os.environ["NEWSROOM_TEST_CACHE_OF"] = _worker
    atexit.register(shutil.rmtree, _shared_cache, ignore_errors=True)

from newsroom.settings import *  # noqa: E402, F403

# Tasks run inside the call that enqueues them unless a test starts real workers
# (tests/tasks/ switch to the database queue and start worker processes).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# On SQLite the test database is a file, not memory: the worker processes that tests/tasks/
# start must open the very database the test writes to (pytest-django adds a suffix per
# xdist worker, and deletes the file at the end of the run).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    import tempfile

    DATABASES["default"].setdefault("TEST", {})["NAME"] = os.path.join(  # noqa: F405
        tempfile.gettempdir(), f"newsroom-test-{os.getpid()}.sqlite3"
    )

# An import queues the caching of its pictures; in tests that would fetch example.com.
# Tests of that follow-up turn it on with a fake fetch (tests/tasks_upload/).
IMPORT_CACHE_IMAGES = False

# The suite calls import_articles in its own process: it must not lower the test run's
# priority (tests/newsroom/test_priority.py turns it on where it tests it).
IMPORT_NICE = 0
WORKER_NICE = 0
