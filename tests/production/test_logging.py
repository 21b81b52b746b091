"""Logs: one JSON object per line, and never a secret or an article's secured token."""

import json
import logging

from newsroom.logging import JSONFormatter

SECURED = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODk=;MDEyMzQ1Njc4OWFiY2RlZg=="


def formatted(record_args, **extra):
    record = logging.LogRecord("newsroom.test", logging.INFO, __file__, 1, *record_args, exc_info=None)
    for name, value in extra.items():
        setattr(record, name, value)
    return JSONFormatter().format(record)


def test_each_event_is_one_line_of_json_with_its_fields():
    line = formatted(("Imported %d articles", (12,)), duration_ms=8.5)
    assert "\n" not in line
    event = json.loads(line)
    assert event["message"] == "Imported 12 articles"
    assert event["level"] == "INFO"
    assert event["duration_ms"] == 8.5


def test_a_traceback_stays_on_its_one_line():
    try:
        raise ValueError("bad row")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), exc_info=__import__("sys").exc_info())
    line = JSONFormatter().format(record)
    assert "\n" not in line
    assert "ValueError: bad row" in json.loads(line)["exception"]


def test_the_secured_token_never_reaches_a_log_line():
    lines = [
        formatted(("Could not save %s", (f"secured={SECURED}",))),
        formatted(("Row: %r", ({"title": "Hello", "secured": SECURED},))),
        formatted(("bare token %s in text", (SECURED,))),
        formatted(("with extras", ()), secured=SECURED, detail=f"token {SECURED}"),
    ]
    for line in lines:
        assert SECURED.split(";")[0] not in line
        assert SECURED.split(";")[1] not in line
        assert "[redacted]" in line


def test_passwords_cookies_and_share_tokens_are_redacted():
    line = formatted(
        ("POST %s password=%s", ("/share/AbCdEf123456/", "hunter2")), cookie="sessionid=abc123",
    )
    assert "hunter2" not in line
    assert "abc123" not in line
    assert "AbCdEf123456" not in line
    assert json.loads(line)["message"] == "POST /share/[redacted]/ password=[redacted]"


def test_requests_are_logged_without_their_query_string(client, db, caplog):
    with caplog.at_level(logging.INFO, logger="newsroom.request"):
        client.get("/search/?q=private+words")
    (record,) = [r for r in caplog.records if r.name == "newsroom.request"]
    event = json.loads(JSONFormatter().format(record))
    assert event["path"] == "/search/"
    assert event["status"] == 200
    assert "private" not in json.dumps(event)


def test_an_article_page_logs_nothing_of_its_secured_token(client, make_article, caplog):
    article = make_article(secured=SECURED)
    with caplog.at_level(logging.DEBUG):
        assert client.get(article.get_absolute_url()).status_code == 200
        client.get(f"/share/{SECURED[:20]}/")
    output = "\n".join(JSONFormatter().format(record) for record in caplog.records)
    assert caplog.records
    assert SECURED[:20] not in output
