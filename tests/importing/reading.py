"""A spy on how many bytes the importer reads from each file it opens."""

import builtins
from collections import Counter

from articles.importing import parsing


class ReadSpy:
    """Patched in as ``open`` of the module that reads article files; counts bytes per path."""

    def __init__(self):
        self.bytes_read = Counter()
        self.opened = []

    def __call__(self, path, *args, **kwargs):
        self.opened.append(str(path))
        return _CountingFile(builtins.open(path, *args, **kwargs), self.bytes_read, str(path))


class _CountingFile:
    def __init__(self, file, counter, path):
        self._file, self._counter, self._path = file, counter, path

    def read(self, *args):
        data = self._file.read(*args)
        self._counter[self._path] += len(data)
        return data

    def __getattr__(self, name):
        return getattr(self._file, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._file.close()


def spy_on_reads(monkeypatch):
    """Count what ``articles.importing.parsing`` (every importer's reader) reads."""
    spy = ReadSpy()
    monkeypatch.setattr(parsing, "open", spy, raising=False)
    return spy
