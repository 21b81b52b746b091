"""The watched folder (``IMPORT_WATCH_DIR``): article files and zips dropped there are imported.

A recurring job (``articles.tasks.import_watched_folder``) calls ``import_dropped``.
Each file is taken only once it has been left alone ``IMPORT_WATCH_SETTLE_SECONDS``
(its modification time is that old: a copy still being written keeps changing
it), then claimed by renaming it into ``processing/``: a rename is atomic, so
when two workers look at once only one of them gets the file. After the import
the file moves to ``done/`` (every article imported) or ``rejected/`` (some or
all rejected, or the file unreadable), with ``<name>.report.json`` beside it:
the same entries as ``import_articles --report``.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File

from ..models import ImportRun
from . import uploads
from .loader import ARTICLE_SUFFIXES, Source, import_sources

logger = logging.getLogger(__name__)

PROCESSING, DONE, REJECTED = "processing", "done", "rejected"


def watch_dir() -> Path | None:
    folder = getattr(settings, "IMPORT_WATCH_DIR", "")
    return Path(folder) if folder else None


def settled(folder: Path, *, settle_seconds: float, now: float | None = None) -> list[Path]:
    """Files in ``folder`` (not below it) ready to import: article files or zips, left alone long enough."""
    now = time.time() if now is None else now
    ready = []
    with os.scandir(folder) as entries:
        for entry in entries:
            name = entry.name
            if name.startswith(".") or not name.lower().endswith((*ARTICLE_SUFFIXES, ".zip")):
                continue
            try:
                # Not following links: a link could point anywhere on the machine.
                if not entry.is_file(follow_symlinks=False):
                    continue
                if now - entry.stat(follow_symlinks=False).st_mtime < settle_seconds:
                    continue
            except OSError:
                continue
            ready.append(Path(entry.path))
    return sorted(ready)


def claim(path: Path) -> Path | None:
    """Move ``path`` into ``processing/`` under a name no other claim uses; None if taken already."""
    processing = path.parent / PROCESSING
    processing.mkdir(exist_ok=True)
    claimed = processing / f"{secrets.token_hex(4)}-{path.name}"
    try:
        os.rename(path, claimed)
    except FileNotFoundError:
        return None  # another worker was first
    return claimed


def import_dropped(folder: Path | None = None, *, settle_seconds: float | None = None) -> list[Path]:
    """Import every settled file of the watched folder; returns where each one ended up."""
    folder = folder or watch_dir()
    if folder is None or not folder.is_dir():
        return []
    if settle_seconds is None:
        settle_seconds = getattr(settings, "IMPORT_WATCH_SETTLE_SECONDS", 10)
    moved = []
    for path in settled(folder, settle_seconds=settle_seconds):
        claimed = claim(path)
        if claimed is not None:
            moved.append(import_claimed(claimed, folder, name=path.name))
    return moved


def import_claimed(claimed: Path, folder: Path, *, name: str) -> Path:
    """Import one claimed file, then move it with its report to ``done/`` or ``rejected/``."""
    entries = []
    try:
        sources, total = _sources(claimed, name)
    except ValidationError as error:
        entries.append({"path": name, "outcome": "rejected", "kind": error.code, "message": error.messages[0]})
        ok = False
    else:
        run = ImportRun.objects.create(source="folder", label=name[:200], total=total)
        result = import_sources(sources, origin="folder", run=run, on_file=lambda o: entries.append(o.as_dict()))
        ok = result.ok
    target = folder / (DONE if ok else REJECTED)
    target.mkdir(exist_ok=True)
    final = _free_name(target, name)
    os.rename(claimed, final)
    report = final.with_name(final.name + ".report.json")
    # The --report format: one JSON object per file, json.dumps escaping control characters.
    report.write_text(
        ("[\n" + ",\n".join(json.dumps(entry) for entry in entries) + "\n]\n") if entries else "[]\n",
        encoding="utf-8",
    )
    logger.info("watched folder: %s imported, moved to %s", name, final)
    return final


def _sources(path: Path, name: str):
    """The file's sources and how many; a zip is checked as an upload is (``ValidationError``)."""
    if not name.lower().endswith(".zip"):
        return [_renamed(Source.read(path), name)], 1
    with open(path, "rb") as file:
        checked = uploads.check_uploads([File(file, name=name)])
    return uploads.zip_sources(path, name), checked.total


def _renamed(source: Source, name: str) -> Source:
    # Reports name the file as dropped, not its claimed name in processing/.
    return Source(name, source.data, source.digest, source.skipped)


def _free_name(folder: Path, name: str) -> Path:
    """``folder/name``, or ``folder/name-2``... when an earlier file of that name is there."""
    candidate, number = folder / name, 1
    while candidate.exists():
        number += 1
        stem, dot, suffix = name.rpartition(".")
        candidate = folder / (f"{stem}-{number}.{suffix}" if dot else f"{name}-{number}")
    return candidate
