"""Log formatters: one JSON object per line, with secrets taken out.

A log line leaves the machine (collectors, dashboards, support tickets), so
nothing that opens a door may be in it: passwords, session and CSRF cookies,
share-link tokens, and an article's ``secured`` upstream token, which the
corpus format says must never be logged. Redaction happens here, at the one
place every line goes through, rather than trusting every caller.
"""

import json
import logging
import re
from datetime import UTC, datetime

REDACTED = "[redacted]"

# Extra fields whose name says they hold a secret.
_SECRET_NAME = re.compile(r"secured|secret|passw|token|cookie|session|csrf|authoriz|api_?key", re.I)
_SECRET_TEXT = [
    # An article's secured token: two base64 strings joined by ";" (<payload>;<iv>).
    re.compile(r"[A-Za-z0-9+/]{16,}={0,2};[A-Za-z0-9+/]{16,}={0,2}"),
    # key=value / "key": "value" pairs naming a secret, in messages and SQL errors.
    re.compile(
        r"""(?P<key>["']?\b(?:secured|secret_key|password|passwd|sessionid|csrftoken|csrfmiddlewaretoken|token)["']?\s*[:=]\s*)(?P<value>"[^"]*"|'[^']*'|[^\s,;&)}]+)""",
        re.I,
    ),
    # Share links carry their token in the path.
    re.compile(r"(?P<key>/share/)(?P<value>[^/\s?]+)"),
    # API tokens (ingest/models.py), alone or in an Authorization header.
    re.compile(r"(?P<key>\bBearer\s+)(?P<value>[^\s\"',;]+)", re.I),
    re.compile(r"\bnr_[0-9a-f]{12}_[A-Za-z0-9_-]+"),
]
# Attributes every LogRecord has; anything else came in through ``extra=``.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}
# Objects attached by Django that must not be dumped (the request holds cookies).
_SKIPPED = {"request", "server_time"}


def redact(text):
    """``text`` with every secret this module recognises replaced by ``[redacted]``."""
    for pattern in _SECRET_TEXT:
        if "key" in pattern.groupindex:
            text = pattern.sub(lambda m: m.group("key") + REDACTED, text)
        else:
            text = pattern.sub(REDACTED, text)
    return text


def _clean(name, value):
    if _SECRET_NAME.search(name):
        return REDACTED
    if isinstance(value, bool | int | float) or value is None:
        return value
    return redact(str(value))


class JSONFormatter(logging.Formatter):
    """One line of JSON per record: time, level, logger, message, extras, exception."""

    def format(self, record):
        event = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        for name, value in vars(record).items():
            if name not in _STANDARD and name not in _SKIPPED and not name.startswith("_"):
                event[name] = _clean(name, value)
        if record.exc_info:
            event["exception"] = redact(self.formatException(record.exc_info))
        if record.stack_info:
            event["stack"] = redact(self.formatStack(record.stack_info))
        # json.dumps escapes newlines, so a traceback stays on its one line.
        return json.dumps(event, ensure_ascii=False, default=str)


class RedactingFormatter(logging.Formatter):
    """The plain-text formatter of a developer's console, with the same redaction."""

    def format(self, record):
        return redact(super().format(record))
