"""What management commands print: untrusted text made safe, and a progress bar.

File names, YAML keys and server messages come from outside. Printed raw, a
name holding ``ESC ] ...`` or ``ESC [2J`` rewrites the operator's terminal
(title, colours, cleared screen, a fake prompt). ``printable`` shows every
such character as a Python escape instead, so the operator sees what is there.
"""

import argparse
import errno
import math
import os
import sys
from contextlib import contextmanager

from django.core.management.base import CommandError

# str.isprintable() is False for C0/C1 controls, DEL, line and paragraph
# separators, bidi overrides and other format characters: all are escaped.
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text) -> str:
    """``text`` with every non-printable character written as a Python escape (``\\x1b``)."""
    text = str(text)
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else _escape(ch) for ch in text)


def _escape(ch):
    if ch in _ESCAPES:
        return _ESCAPES[ch]
    code = ord(ch)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


class Progress:
    """A one-line progress bar for terminals (the caller draws nothing otherwise).

    ``stream`` is the command's ``self.stderr``. Messages printed while the bar
    is on screen go through ``message``, which clears the bar's line first,
    so a message never starts in the middle of the bar.
    """

    WIDTH = 30

    def __init__(self, total, stream):
        self.total, self.done, self.stream = total, 0, stream
        self.every = max(1, total // 200)
        self.drawn = False

    @classmethod
    def for_command(cls, command, total, *, verbosity, no_progress):
        """A bar on the command's stderr when it is a terminal and wanted, else None."""
        if verbosity >= 1 and not no_progress and total and command.stderr.isatty():
            return cls(total, command.stderr)
        return None

    def step(self):
        self.done += 1
        if self.done % self.every == 0 or self.done == self.total:
            self._draw()

    def _draw(self):
        filled = self.WIDTH * self.done // max(self.total, 1)
        self.stream.write(
            f"\r[{'#' * filled}{'.' * (self.WIDTH - filled)}] {self.done}/{self.total} files",
            style_func=_plain,
            ending="",
        )
        self.stream.flush()
        self.drawn = True

    def clear(self):
        """Erase the bar's line and put the cursor at its start."""
        if self.drawn:
            # CR, then "erase to end of line": the next write starts on a clean line.
            self.stream.write("\r\x1b[K", style_func=_plain, ending="")
            self.drawn = False

    @contextmanager
    def message(self):
        """Clear the bar, let the caller print, then draw the bar again."""
        drawn = self.drawn
        self.clear()
        yield
        if drawn:
            self._draw()

    def close(self):
        if self.done:
            self.clear()


def _plain(text):
    return text


@contextmanager
def quiet_broken_pipe(stream):
    """End a command with one line, not a traceback, when its reader goes away (``| head``).

    As standard tools do, the rest of the output is dropped; stdout is pointed
    at /dev/null so the interpreter's final flush does not complain again. The
    status is 1: whoever reads it should know the output was cut short.
    """
    try:
        yield
    except OSError as error:
        if not isinstance(error, BrokenPipeError) and error.errno != errno.EPIPE:
            raise
        if getattr(stream, "_out", stream) is sys.__stdout__:
            _silence_stdout()
        raise CommandError(
            "output closed by its reader before the end (broken pipe)", returncode=1
        ) from None


def _silence_stdout():
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # no real stdout (tests): nothing to silence
        pass


# -- argument types: a bad number is a usage error (exit status 2), caught by argparse --


def non_negative_int(text):
    return _number(text, int, minimum=0)


def positive_int(text):
    return _number(text, int, minimum=1)


def non_negative_float(text):
    return _number(text, float, minimum=0)


def _number(text, kind, *, minimum):
    try:
        value = kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{printable(text)} is not a number") from None
    # float() also reads "nan" and "inf", which no count or duration can be.
    if not math.isfinite(value) or value < minimum:
        raise argparse.ArgumentTypeError(f"must be a number of at least {minimum}, not {printable(text)}")
    return value
