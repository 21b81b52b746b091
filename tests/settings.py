"""The suite's settings: the site's own, in development mode, with a key made for this run.

The site has no built-in key (newsroom/settings.py); a test run gets a
random one, so nothing signed in a test is valid anywhere else.
"""

import os
import secrets

os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("SECRET_KEY", "test-run-" + secrets.token_urlsafe(40))

from newsroom.settings import *  # noqa: E402, F403

# Tasks run inside the call that enqueues them unless a test starts real workers
# (tests/tasks/ switch to the database queue and start worker processes).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# An import queues the caching of its pictures; in tests that would fetch example.com.
# Tests of that follow-up turn it on with a fake fetch (tests/tasks_upload/).
IMPORT_CACHE_IMAGES = False
