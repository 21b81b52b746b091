"""The one-machine shared cache keeps its live entries when it is full: a lost stamp would revive a killed page."""

import time

from newsroom.filecache import SharedFileCache


def test_a_full_cache_drops_its_expired_entries_and_keeps_the_live_ones(tmp_path, monkeypatch):
    shared = SharedFileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 20}})
    monkeypatch.setattr(SharedFileCache, "CULL_EVERY_SECONDS", 0)
    shared.set_many({f"old-{n}": n for n in range(15)}, 1)
    live = {f"stamp-{n}": n for n in range(10)}
    time.sleep(1.1)
    shared.set_many(live, 300)  # the folder fills up: the cull runs
    assert shared.get_many(list(live)) == live
    assert len(list(tmp_path.iterdir())) < 20


def test_the_folder_is_looked_at_once_in_a_while_not_on_every_write(tmp_path, monkeypatch):
    import os

    from newsroom import filecache

    shared = SharedFileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 5}})
    looks, scandir = [], os.scandir
    monkeypatch.setattr(filecache.os, "scandir", lambda path: looks.append(path) or scandir(path))
    shared.set_many({f"k{n}": n for n in range(50)}, 300)
    assert len(looks) == 1  # Django's own lists the folder on each of the 50 writes
