"""The shared cache of a one-machine site: Django's file cache, culled without losing live entries.

``CACHES["shared"]`` holds what every process must agree on: the public pages'
content version and the stamps of what changed (``articles.caching``). Django's
``FileBasedCache`` lists the whole folder on every ``set`` and, once it holds
``MAX_ENTRIES`` files, deletes a random third of them, live or expired. A lost
stamp would let a worker serve a page from before a kill, so this one looks at
most every few seconds, and then deletes the expired files first; only a cache
still full of live entries loses random ones, as Django's would. Should Django
change the file format or the folder layout, it falls back to Django's own cull.
"""

import os
import pickle
import time

from django.core.cache.backends.filebased import FileBasedCache


class SharedFileCache(FileBasedCache):
    CULL_EVERY_SECONDS = 5

    def __init__(self, dir, params):
        super().__init__(dir, params)
        self._looked_at = float("-inf")

    def _cull(self):
        now = time.monotonic()
        if now - self._looked_at < self.CULL_EVERY_SECONDS:
            return
        self._looked_at = now
        try:
            names = [entry.path for entry in os.scandir(self._dir) if entry.name.endswith(self.cache_suffix)]
            if len(names) < self._max_entries:
                return
            for name in names:
                self._drop_if_expired(name)
        except (AttributeError, OSError, pickle.UnpicklingError):
            pass  # not the layout this was written for: Django's cull alone
        super()._cull()

    @staticmethod
    def _drop_if_expired(name):
        try:
            with open(name, "rb") as f:
                expires = pickle.load(f)
        except EOFError:
            expires = 0  # an empty file is an unfinished write: expired, as Django reads it
        except FileNotFoundError:
            return
        if isinstance(expires, (int, float)) and expires < time.time():
            try:
                os.remove(name)
            except FileNotFoundError:
                pass
