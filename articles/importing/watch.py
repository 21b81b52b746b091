"""The watched folder (``IMPORT_WATCH_DIR``): article files and zips dropped there are imported.

A recurring job (``articles.tasks.import_watched_folder``) calls ``import_dropped``.
Each file is taken only once it has been left alone ``IMPORT_WATCH_SETTLE_SECONDS``
(its modification time is that old: a copy still being written keeps changing
it), then claimed by renaming it into ``processing/``: a rename is atomic, so
when two workers look at once only one of them gets the file. After the import
the file moves to ``done/`` (every article imported) or ``rejected/`` (some or
all rejected, or the file unreadable), with ``<name>.report.json`` beside it:
the same entries as ``import_articles --report``.

If the import itself breaks (any exception), the file still goes to
``rejected/``, its report naming the error, and its run is marked failed. A
file left in ``processing/`` by a worker that died is put back in the watched
folder, and its run failed, once untouched ``IMPORT_WATCH_STALE_SECONDS``
(the file is touched when claimed and as the import goes; the import is
idempotent, so importing it again gives what one import would). The run of a
claimed file is named in a hidden ``processing/.<claimed name>.run`` beside it.
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
from .queue import fail_run

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
    _touch(claimed)  # its age in processing/ counts from now
    return claimed


def return_stale(folder: Path, *, older_than: float, now: float | None = None) -> list[Path]:
    """Put back in ``folder`` the files of ``processing/`` untouched ``older_than`` seconds.

    Their worker died while importing them: their run is marked failed, and
    the file is imported again on this look or the next. Returns where they went.
    """
    processing = folder / PROCESSING
    if not processing.is_dir():
        return []
    now = time.time() if now is None else now
    returned = []
    with os.scandir(processing) as entries:
        stale = []
        for entry in entries:
            try:
                if (entry.name.startswith(".") or not entry.is_file(follow_symlinks=False)
                        or now - entry.stat(follow_symlinks=False).st_mtime < older_than):
                    continue
            except OSError:
                continue
            stale.append(Path(entry.path))
    for claimed in sorted(stale):
        name = claimed.name.partition("-")[2] or claimed.name
        target = _free_name(folder, name)
        try:
            os.rename(claimed, target)
        except FileNotFoundError:
            continue  # another worker put it back first
        run_id = _forget_run(claimed)
        if run_id is not None:
            run = ImportRun.objects.filter(pk=run_id, state=ImportRun.State.RUNNING).first()
            if run is not None:
                fail_run(run, "the worker importing it stopped; the file was put back to be imported again")
        logger.warning("watched folder: %s was left in processing/ by a worker that stopped; put back", name)
        returned.append(target)
    return returned


def import_dropped(folder: Path | None = None, *, settle_seconds: float | None = None) -> list[Path]:
    """Import every settled file of the watched folder; returns where each one ended up."""
    folder = folder or watch_dir()
    if folder is None or not folder.is_dir():
        return []
    if settle_seconds is None:
        settle_seconds = getattr(settings, "IMPORT_WATCH_SETTLE_SECONDS", 10)
    return_stale(folder, older_than=getattr(settings, "IMPORT_WATCH_STALE_SECONDS", 120))
    moved = []
    for path in settled(folder, settle_seconds=settle_seconds):
        claimed = claim(path)
        if claimed is not None:
            final = import_claimed(claimed, folder, name=path.name)
            if final is not None:
                moved.append(final)
    return moved


def import_claimed(claimed: Path, folder: Path, *, name: str) -> Path | None:
    """Import one claimed file, then move it with its report to ``done/`` or ``rejected/``.

    Returns where it went; None if it was put back (``return_stale``) meanwhile.
    """
    entries, run = [], None
    touched = [time.monotonic()]

    def on_file(outcome):
        entries.append(outcome.as_dict())
        if time.monotonic() - touched[0] >= TOUCH_EVERY:  # still alive: not stale
            touched[0] = time.monotonic()
            _touch(claimed)

    try:
        sources, total = _sources(claimed, name)
        run = ImportRun.objects.create(source="folder", label=name[:200], total=total)
        _run_file(claimed).write_text(str(run.pk), encoding="utf-8")
        ok = import_sources(sources, origin="folder", run=run, on_file=on_file).ok
    except Exception as error:  # noqa: BLE001 - any failure: the file is rejected, never stuck
        ok = False
        if isinstance(error, ValidationError) and run is None:  # a damaged zip: the upload's error
            entries.append({"path": name, "outcome": "rejected", "kind": error.code, "message": error.messages[0]})
        else:
            logger.exception("watched folder: importing %s failed", name)
            reason = f"{error.__class__.__name__}: {error}"
            entries.append({"path": name, "outcome": "rejected", "kind": "import_failed",
                            "message": f"The import failed: {reason}"})
            if run is not None:
                fail_run(run, reason)
    _forget_run(claimed)
    target = folder / (DONE if ok else REJECTED)
    target.mkdir(exist_ok=True)
    final = _free_name(target, name)
    try:
        os.rename(claimed, final)
    except FileNotFoundError:  # put back as stale meanwhile: it will be imported again
        logger.warning("watched folder: %s was put back before its import ended", name)
        return None
    report = final.with_name(final.name + ".report.json")
    # The --report format: one JSON object per file, json.dumps escaping control characters.
    report.write_text(
        ("[\n" + ",\n".join(json.dumps(entry) for entry in entries) + "\n]\n") if entries else "[]\n",
        encoding="utf-8",
    )
    logger.info("watched folder: %s imported, moved to %s", name, final)
    return final


# How often a long import touches its claimed file (well under IMPORT_WATCH_STALE_SECONDS).
TOUCH_EVERY = 5


def _touch(path: Path):
    try:
        os.utime(path)
    except OSError:
        pass


def _run_file(claimed: Path) -> Path:
    return claimed.with_name(f".{claimed.name}.run")


def _forget_run(claimed: Path) -> int | None:
    """The id of the run importing ``claimed`` (None if none was recorded); forgets it."""
    marker = _run_file(claimed)
    try:
        run_id = int(marker.read_text(encoding="utf-8").strip())
    except (OSError, ValueError):
        run_id = None
    marker.unlink(missing_ok=True)
    return run_id


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
