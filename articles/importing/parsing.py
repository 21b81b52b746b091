"""The entry points for reading an article file into ``ArticleData``.

Everything that reads article files (the import command, the admin upload,
tests) takes its bytes from ``read_file_bytes`` and parses them with
``parse_article``, so every caller applies the same checks and gets the same
``ArticleFileError`` on failure.
"""

from __future__ import annotations

import errno
import os
import stat

from yaml.nodes import MappingNode, ScalarNode

from .data import ArticleData
from .errors import ArticleFileError
from .frontmatter import MAX_FILE_SIZE, check_size, load_front_matter
from .validation import validate_article


def parse_article(data: bytes, path: str = "") -> ArticleData:
    """Parse and validate the bytes of one article file.

    Raises ``ArticleFileError`` (with ``path`` set) for any problem the
    format specification (docs/format.md) lists; nothing else for bad content.
    """
    try:
        return validate_article(load_front_matter(data if isinstance(data, bytes) else bytes(data)))
    except ArticleFileError as error:
        error.path = str(path)
        raise


class NotAnArticleFile(Exception):
    """The path is not a regular file (a symbolic link, a pipe, a device...): it is never read."""


_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def _open_without_following(path, flags):
    # Links are never followed: one may point out of the import folder, at a device
    # (/dev/zero) or at a system file. A FIFO opened non-blocking cannot hang the run.
    return os.open(path, flags | os.O_NOFOLLOW | os.O_NONBLOCK | _O_CLOEXEC)


def read_file_bytes(path) -> bytes:
    """The bytes of the article file at ``path``, never more than the size limit allows.

    Only a regular file is read: a symbolic link or a special file raises
    ``NotAnArticleFile`` with the reason, decided by ``fstat`` on the very file
    opened (no race with a check by name). The size is checked on the open
    file before reading, so a huge file is rejected (``too_large``) without
    being loaded, and at most one byte past the limit is ever read, so a file
    that grew since is rejected too. Any other ``OSError`` (missing file, no
    permission) is not a format problem and propagates unchanged.
    """
    try:
        file = open(path, "rb", opener=_open_without_following)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise NotAnArticleFile("a symbolic link (links are not followed)") from None
        raise
    with file:
        status = os.fstat(file.fileno())
        if not stat.S_ISREG(status.st_mode):
            raise NotAnArticleFile(f"not a regular file ({_file_type(status.st_mode)})")
        try:
            check_size(status.st_size)
            data = file.read(MAX_FILE_SIZE + 1)
            check_size(len(data))
        except ArticleFileError as error:
            error.path = str(path)
            raise
    return data


def _file_type(mode):
    for test, name in (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    ):
        if test(mode):
            return name
    return "a special file"


def read_article(path) -> ArticleData:
    """Read, parse and validate the article file at ``path``."""
    return parse_article(read_file_bytes(path), path=path)


def provider_domain_hint(data: bytes) -> str | None:
    """The normalised ``provider.domain`` of a file that failed validation, if it has one.

    Lets the import history attribute a rejected file to its provider (the
    admin's provider health). Only files whose YAML passed every safety check
    get this far; anything unexpected just means "unknown".
    """
    try:
        root = load_front_matter(data).root
    except ArticleFileError:
        return None
    for key, value in root.value:
        if key.value == "provider" and isinstance(value, MappingNode):
            for inner_key, inner_value in value.value:
                if inner_key.value == "domain" and isinstance(inner_value, ScalarNode):
                    return inner_value.value.strip().lower() or None
    return None
