"""deploy/grafana/newsroom.json graphs only what /metrics exports."""

import json
import re
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

pytestmark = pytest.mark.django_db

DASHBOARD = Path(__file__).resolve().parents[2] / "deploy" / "grafana" / "newsroom.json"
SUFFIXES = {"counter": ("_total", "_created"), "histogram": ("_bucket", "_count", "_sum", "_created"),
            "gauge": ("",)}
# A metric name in PromQL, and the label matchers that may follow it.
SELECTOR = re.compile(r"\b(newsroom_[a-z_]+)(\{[^}]*\})?")
MATCHER = re.compile(r"([a-z_]+)\s*(?:=~|!~|!=|=)")


def exported(client, make_article):
    """Every sample name /metrics can export, with the label names each carries."""
    article = make_article()
    client.get("/")
    client.get(article.get_absolute_url())
    page = client.get("/metrics").content.decode()
    names = {}
    for family in text_string_to_metric_families(page):
        for suffix in SUFFIXES.get(family.type, ("",)):
            names.setdefault(family.name + suffix, set())
        for sample in family.samples:
            names.setdefault(sample.name, set()).update(sample.labels)
    return names


def expressions():
    dashboard = json.loads(DASHBOARD.read_text())
    return [(panel["title"], target["expr"]) for panel in dashboard["panels"] for target in panel["targets"]]


def test_every_expression_reads_metrics_the_app_exports_with_their_labels(client, make_article):
    names = exported(client, make_article)
    found = expressions()
    assert found

    for title, expr in found:
        selectors = SELECTOR.findall(expr)
        assert selectors, f"{title}: {expr} reads no newsroom metric"
        for name, matchers in selectors:
            assert name in names, f"{title}: {name} is not exported"
            for label in MATCHER.findall(matchers):
                if names[name]:  # families with no samples yet (a pool's) carry no label names to check
                    assert label in names[name], f"{title}: {name} has no label {label}"


def test_the_dashboard_covers_what_the_issue_asks_to_see():
    read = " ".join(expr for _, expr in expressions())
    titles = " ".join(title for title, _ in expressions()).lower()

    for metric in ("newsroom_http_requests_total", "newsroom_http_request_duration_seconds_bucket",
                   "newsroom_page_cache_requests_total", "newsroom_import_files_total",
                   "newsroom_task_queue_depth", "newsroom_db_connections"):
        assert metric in read, metric
    for quantile in ("0.5", "0.95", "0.99"):
        assert f"histogram_quantile({quantile}," in read
    assert 'status=~"5.."' in read
    for word in ("request rate", "error rate", "hit ratio", "import files", "queue depth", "database connections"):
        assert word in titles, word
