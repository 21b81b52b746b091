"""Cache keys unique to each run, not just to each test.

The suite-wide prefix (``test-<worker>-<n>``) repeats from one run to the
next, and on a shared Redis a throttling test would find the failure counts
an earlier run left behind for 15 minutes.
"""

import uuid

import pytest


@pytest.fixture(autouse=True)
def _cache_keys_unique_to_this_run(settings, _isolated_cache):
    settings.CACHES = {
        name: {**conf, "KEY_PREFIX": f"{conf.get('KEY_PREFIX', '')}-{uuid.uuid4().hex[:8]}"}
        for name, conf in settings.CACHES.items()
    }
