"""Uploaded article files and zips of them: checked, spooled to disk, read back as ``Source``\\ s.

The admin's *Import files* and the API's large posts both hand uploads to
``articles.importing.queue.enqueue_import``. What can be judged without importing
(sizes, readable zips, unsafe member names, how many files) is judged here, in
the request, with the errors the upload form shows; the files are then copied to
a spool folder that a background worker reads with ``read_spooled``.
"""

from __future__ import annotations

import json
import shutil
import stat
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join

from .frontmatter import MAX_FILE_SIZE
from .loader import ARTICLE_SUFFIXES, Source

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
# The upload is imported in the background, so a zip may hold a big batch.
MAX_ZIP_MEMBERS = 20_000
MAX_ZIP_UNCOMPRESSED = 200 * 1024 * 1024
MAX_NAMED_IGNORED = 10
# Names of ignored members kept on the run for its page.
MAX_STORED_IGNORED = 200
MANIFEST = "manifest.json"


@dataclass
class CheckedUploads:
    """What the checks found: how many article files, and which members are not articles."""

    total: int = 0
    ignored: list[str] = field(default_factory=list)


def check_uploads(uploads) -> CheckedUploads:
    """Refuse uploads that cannot be imported at all, naming the file and the problem.

    Raises ``ValidationError`` (codes ``too_large``, ``bad_zip``, ``zip_too_many``,
    ``zip_unsafe_path``, ``zip_too_large``, ``no_articles``). Every zip member
    that will be imported is inflated once (up to the per-file limit) so that a
    damaged archive is refused now, not half-way through the import.
    """
    if sum(upload.size for upload in uploads) > MAX_UPLOAD_BYTES:
        raise ValidationError(f"Upload at most {MAX_UPLOAD_BYTES // 2**20} MB at a time.", code="too_large")
    checked = CheckedUploads()
    for upload in uploads:
        name = upload.name.lower()
        if name.endswith(".zip"):
            checked.total += _check_zip(upload, checked.ignored)
        elif name.endswith(ARTICLE_SUFFIXES):
            checked.total += 1
        else:
            checked.ignored.append(upload.name)
    if not checked.total:
        raise ValidationError(f"None of these is an article file{named(checked.ignored)}.", code="no_articles")
    return checked


def named(names):
    """``": a.txt, b.pdf"`` (the first few, then how many more), or nothing for no names."""
    if not names:
        return ""
    extra = len(names) - MAX_NAMED_IGNORED
    return ": " + ", ".join(names[:MAX_NAMED_IGNORED]) + (f" and {extra} more" if extra > 0 else "")


def _open_zip(upload, name):
    try:
        return zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, OSError) as error:
        raise ValidationError(f"{name} is not a readable zip file.", code="bad_zip") from error


def _check_zip(upload, ignored):
    """The number of article members in ``upload``; adds the others to ``ignored``."""
    with _open_zip(upload, upload.name) as archive:
        members = [info for info in archive.infolist() if not info.is_dir()]
        if len(members) > MAX_ZIP_MEMBERS:
            raise ValidationError(
                f"{upload.name} holds {len(members):,} files; at most {MAX_ZIP_MEMBERS:,} per upload.",
                code="zip_too_many",
            )
        unsafe = [info.filename for info in members if _unsafe_member(info.filename)]
        if unsafe:
            raise ValidationError(
                format_html(
                    "{} contains unsafe paths: {}", upload.name,
                    format_html_join(", ", "{}", ((name,) for name in unsafe[:5])),
                ),
                code="zip_unsafe_path",
            )
        # A link member's data is its target's path: never an article, and its
        # name could make a list of imported files lie about what was read.
        links = [info for info in members if _is_symlink(info)]
        ignored.extend(f"{info.filename} (a symbolic link, not read)" for info in links)
        members = [info for info in members if not _is_symlink(info)]
        wanted = [info for info in members if _is_article(info.filename)]
        if sum(min(info.file_size, MAX_FILE_SIZE + 1) for info in wanted) > MAX_ZIP_UNCOMPRESSED:
            raise ValidationError(
                f"{upload.name} unpacks to more than {MAX_ZIP_UNCOMPRESSED // 2**20} MB.", code="zip_too_large"
            )
        ignored.extend(info.filename for info in members if not _is_article(info.filename))
        for info in wanted:
            if info.file_size <= MAX_FILE_SIZE:
                _read_member(archive, info, f"{upload.name}/{info.filename}")
    if hasattr(upload, "seek"):
        upload.seek(0)
    return len(wanted)


def _read_member(archive, info, path):
    try:
        with archive.open(info) as member:
            # The declared size caps what is inflated, whatever the data claims.
            return member.read(MAX_FILE_SIZE + 1)
    except (zipfile.BadZipFile, OSError, RuntimeError) as error:
        raise ValidationError(f"{path} cannot be read from the archive ({error}).", code="bad_zip") from error


def _unsafe_member(name):
    path = PurePosixPath(name.replace("\\", "/"))
    return path.is_absolute() or ".." in path.parts or (len(name) > 1 and name[1] == ":")


def _is_symlink(info):
    # Unix mode bits live in the top half of external_attr (as zip -y stores links).
    return stat.S_ISLNK(info.external_attr >> 16)


def _is_article(name):
    path = PurePosixPath(name)
    hidden = any(part.startswith(".") or part == "__MACOSX" for part in path.parts)
    return not hidden and path.name.lower().endswith(ARTICLE_SUFFIXES)


# --- the spool ------------------------------------------------------------------------------


def spool(uploads, folder: Path):
    """Copy ``uploads`` into ``folder`` (created), with a manifest of their names.

    Stored under numbered names: an upload's name is only ever shown, never a path.
    """
    folder.mkdir(parents=True, exist_ok=False)
    folder.chmod(0o700)
    names = []
    for number, upload in enumerate(uploads):
        stored = f"{number:05d}"
        if hasattr(upload, "seek"):
            upload.seek(0)
        with open(folder / stored, "wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        names.append({"file": stored, "name": str(upload.name)})
    (folder / MANIFEST).write_text(json.dumps(names), encoding="utf-8")


def read_spooled(folder: Path) -> Iterator[Source]:
    """The article files of a spooled upload, in upload order, zip members read one at a time."""
    for entry in json.loads((folder / MANIFEST).read_text(encoding="utf-8")):
        with open(folder / entry["file"], "rb") as file:
            yield from _file_sources(entry["name"], file)


def sources_of(uploads) -> Iterator[Source]:
    """The article files of uploads checked by ``check_uploads``, read now (a small push)."""
    for upload in uploads:
        if hasattr(upload, "seek"):
            upload.seek(0)
        yield from _file_sources(str(upload.name), upload)


def _file_sources(name, file):
    if name.lower().endswith(".zip"):
        yield from zip_sources(file, name)
    elif name.lower().endswith(ARTICLE_SUFFIXES):
        # One byte over the limit is enough for the importer to reject it as too large.
        yield Source.from_bytes(name, file.read(MAX_FILE_SIZE + 1))


def zip_sources(file, name):
    """The article members of a zip (already checked by ``check_uploads``), read one at a time."""
    with _open_zip(file, name) as archive:
        for info in archive.infolist():
            if info.is_dir() or _is_symlink(info) or not _is_article(info.filename):
                continue
            member_path = f"{name}/{info.filename}"
            if info.file_size > MAX_FILE_SIZE:
                yield Source(member_path, None)  # rejected as too large, never inflated
            else:
                yield Source.from_bytes(member_path, _read_member(archive, info, member_path))


def remove(folder: Path):
    shutil.rmtree(folder, ignore_errors=True)
