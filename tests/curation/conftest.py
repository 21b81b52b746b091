"""Fixtures for the curation tests."""

import itertools

import pytest

_caches = itertools.count()


@pytest.fixture
def clock_caches(settings):
    """Local-memory caches for a test that moves the clock (time-machine).

    The page cache's content version expires when the next pin or banner
    starts or ends; Redis counts that lifetime by its own clock, which
    time-machine cannot move. Local memory counts it by Python's, so the test
    sees our lifetime at work; Redis keeping a key for its TTL is Redis's part.
    """
    n = next(_caches)
    settings.CACHES = {
        name: {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": f"clock-{name}-{n}"}
        for name in settings.CACHES
    }
