"""/metrics: what the site reports to Prometheus, and to whom."""

import os
import random
import string
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.db import connection, connections
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from articles.models import ImportRun

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def scrape(client, **headers):
    response = client.get("/metrics", **headers)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    return {family.name: family for family in text_string_to_metric_families(response.content.decode())}


def value(families, family, sample_name=None, **labels):
    """The sample of ``family`` with exactly these labels (0 when absent)."""
    sample_name = sample_name or family
    for sample in families.get(family, None).samples if family in families else []:
        if sample.name == sample_name and sample.labels == labels:
            return sample.value
    return 0


def test_the_exposition_parses_and_names_every_family_the_dashboard_reads(client, make_article):
    client.get("/")
    families = scrape(client)

    for name in ("newsroom_http_requests", "newsroom_http_request_duration_seconds",
                 "newsroom_page_cache_requests", "newsroom_import_runs", "newsroom_import_files",
                 "newsroom_imports_running", "newsroom_task_queue_depth", "newsroom_db_connections"):
        assert name in families, name
    assert families["newsroom_http_requests"].type == "counter"
    assert families["newsroom_http_request_duration_seconds"].type == "histogram"


def test_requests_are_counted_by_view_and_status_and_timed(client, make_article):
    article = make_article(title="Counted")
    before = scrape(client)

    for _ in range(3):
        assert client.get(article.get_absolute_url()).status_code == 200
    assert client.get("/articles/no-such-article/").status_code == 404
    after = scrape(client)

    def moved(family, sample=None, **labels):
        return value(after, family, sample, **labels) - value(before, family, sample, **labels)

    requests = "newsroom_http_requests"
    assert moved(requests, f"{requests}_total", view="articles:detail", method="GET", status="200") == 3
    assert moved(requests, f"{requests}_total", view="articles:detail", method="GET", status="404") == 1
    latency = "newsroom_http_request_duration_seconds"
    assert moved(latency, f"{latency}_count", view="articles:detail") == 4
    assert moved(latency, f"{latency}_bucket", view="articles:detail", le="+Inf") == 4
    assert moved(latency, f"{latency}_sum", view="articles:detail") > 0


def test_page_cache_hits_and_misses_are_counted(client, settings, make_article):
    settings.PUBLIC_CACHE_SECONDS = 300
    make_article()
    before = scrape(client)

    client.get("/topics/")  # rendered and stored
    client.get("/topics/")  # from the cache
    client.get("/topics/")
    after = scrape(client)

    family, sample = "newsroom_page_cache_requests", "newsroom_page_cache_requests_total"
    for result, count in (("miss", 1), ("hit", 2)):
        moved = value(after, family, sample, view="articles:topics", result=result) - value(
            before, family, sample, view="articles:topics", result=result)
        assert moved == count, result


def test_import_runs_and_their_files_come_from_the_import_records(client):
    ImportRun.objects.create(seen=12, created=7, updated=2, unchanged=1, rejected=2, finished_at=timezone.now())
    ImportRun.objects.create(seen=5, created=5)  # still running

    families = scrape(client)

    assert value(families, "newsroom_import_runs", "newsroom_import_runs_total") == 2
    assert value(families, "newsroom_imports_running") == 1
    files = {outcome: value(families, "newsroom_import_files", "newsroom_import_files_total", outcome=outcome)
             for outcome in ("created", "updated", "unchanged", "rejected")}
    assert files == {"created": 12, "updated": 2, "unchanged": 1, "rejected": 2}


def test_the_task_queue_depth_is_counted_by_status(client):
    from django_tasks_db.models import DBTaskResult

    for status in ("READY", "READY", "READY", "RUNNING", "FAILED"):
        DBTaskResult.objects.create(status=status, args_kwargs={"args": [], "kwargs": {}}, task_path="tasks.x",
                                    backend_name="default", run_after=timezone.now(),
                                    exception_class_path="", traceback="")

    families = scrape(client)

    depth = {status: value(families, "newsroom_task_queue_depth", status=status)
             for status in ("ready", "running", "failed", "successful")}
    assert depth == {"ready": 3, "running": 1, "failed": 1, "successful": 0}


def test_without_the_database_queue_app_there_is_no_queue_metric(client, monkeypatch):
    from django.apps import apps

    installed = apps.is_installed
    monkeypatch.setattr(apps, "is_installed", lambda name: name != "django_tasks_db" and installed(name))

    assert "newsroom_task_queue_depth" not in scrape(client)


def test_database_connections_are_reported(client):
    families = scrape(client)

    samples = {tuple(sorted(s.labels.items())): s.value for s in families["newsroom_db_connections"].samples}
    if connection.vendor == "postgresql":
        # The server's own count: at least this test's connection, by state.
        assert sum(samples.values()) >= 1
        assert all(dict(labels)["database"] == "default" for labels in samples)
    else:
        # This process's own connection (another alias, such as a replica, may be listed too).
        assert samples[(("database", "default"), ("state", "open"))] == 1


def test_a_database_alias_that_cannot_answer_leaves_out_only_itself(client, monkeypatch):
    import metrics.collectors

    class Unreachable:
        vendor = "postgresql"
        pool = None

        def cursor(self):
            raise RuntimeError("the replica is down")

    class Aliases:  # "default" as it is, and a replica that refuses every query
        def __iter__(self):
            return iter(["default", "replica"])

        def __getitem__(self, alias):
            return connections["default"] if alias == "default" else Unreachable()

    monkeypatch.setattr(metrics.collectors, "connections", Aliases())
    families = scrape(client)

    databases = {s.labels["database"] for s in families["newsroom_db_connections"].samples}
    assert databases == {"default"}


def test_a_pool_reports_its_size_idle_and_waiting(client, monkeypatch):
    class Pool:  # what psycopg_pool.ConnectionPool.get_stats() answers
        def get_stats(self):
            return {"pool_size": 4, "pool_available": 3, "requests_waiting": 0}

    monkeypatch.setattr(type(connections["default"]), "pool", Pool(), raising=False)
    families = scrape(client)

    assert value(families, "newsroom_db_pool_size", database="default") == 4
    assert value(families, "newsroom_db_pool_available", database="default") == 3
    assert value(families, "newsroom_db_pool_waiting", database="default") == 0


def test_a_broken_collector_leaves_out_its_metrics_not_the_page(client, monkeypatch):
    from metrics import collectors

    def broken(self):
        raise RuntimeError("database went away")

    monkeypatch.setattr(collectors.ImportCollector, "collect", broken)
    families = scrape(client)

    assert "newsroom_import_runs" not in families
    assert "newsroom_task_queue_depth" in families


def test_fifty_made_up_paths_add_no_label_values(client):
    client.get("/")
    before = scrape(client)
    noise = ["/" + "".join(random.choices(string.ascii_lowercase + string.digits, k=12)) + f"/{n}"
             for n in range(50)]
    for path in noise:
        assert client.get(path).status_code == 404
    families = scrape(client)

    labels = {value for s in families["newsroom_http_requests"].samples for value in s.labels.values()}
    assert not any(path.strip("/").split("/")[0] in label for path in noise for label in labels)
    views = {s.labels["view"] for s in families["newsroom_http_requests"].samples}
    assert "unresolved" in views
    assert len(families["newsroom_http_requests"].samples) <= len(before["newsroom_http_requests"].samples) + 2 * 2


# --- Who may read it ---------------------------------------------------------------


def test_the_local_machine_may_read_it_by_default(client):
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="::1").status_code == 200


def test_anyone_else_gets_the_ordinary_not_found_page(client):
    hidden = client.get("/metrics", REMOTE_ADDR="203.0.113.7")
    missing = client.get("/no-such-page", REMOTE_ADDR="203.0.113.7")

    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content.replace(b"/no-such-page", b"/metrics")
    assert client.post("/metrics", REMOTE_ADDR="203.0.113.7").status_code == 404


def test_the_token_opens_it_from_anywhere(client, settings):
    settings.METRICS_TOKEN = "s3cret-token-for-prometheus"
    outside = {"REMOTE_ADDR": "203.0.113.7"}

    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token-for-prometheus", **outside).status_code == 200
    for wrong in ("Bearer s3cret-token-for-prometheu", "Bearer ", "Basic s3cret-token-for-prometheus",
                  "s3cret-token-for-prometheus", "Bearer s3cret-token-for-prometheus2"):
        assert client.get("/metrics", HTTP_AUTHORIZATION=wrong, **outside).status_code == 404, wrong


def test_no_token_configured_means_no_token_opens_it(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ", REMOTE_ADDR="203.0.113.7").status_code == 404


def test_the_allow_list_takes_networks(client, settings):
    settings.METRICS_ALLOW = ["10.1.0.0/16", "2001:db8::/32"]

    assert client.get("/metrics", REMOTE_ADDR="10.1.200.3").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="2001:db8::42").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="10.2.0.1").status_code == 404
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404


def test_a_forwarded_header_is_believed_only_from_declared_proxies(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    # A client cannot claim to be the local machine.
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="127.0.0.1").status_code == 404
    settings.TRUSTED_PROXY_COUNT = 1
    # Behind a proxy on this machine, the proxy's own address is not the client's.
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 404
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="127.0.0.1").status_code == 200


# --- Several worker processes ------------------------------------------------------

WORKER = textwrap.dedent("""
    import django
    django.setup()
    from django.test import RequestFactory
    from metrics.middleware import MetricsMiddleware
    from django.http import HttpResponse
    from django.urls import resolve

    def view(request):
        request.resolver_match = resolve("/")
        return HttpResponse(status=200)

    for _ in range({count}):
        MetricsMiddleware(view)(RequestFactory().get("/"))
""")

SCRAPER = textwrap.dedent("""
    import django
    django.setup()
    import sys
    from metrics import exposition
    with open(sys.argv[1], "wb") as out:
        out.write(exposition.render())
""")


def test_in_multiprocess_mode_a_scrape_adds_up_every_worker(tmp_path):
    folder = tmp_path / "prometheus"
    folder.mkdir()
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(folder), "DJANGO_SETTINGS_MODULE": "tests.settings",
           "DATABASE_URL": f"sqlite:///{tmp_path}/empty.sqlite3", "CACHE_URL": "locmemcache://workers"}
    for count in (3, 4):  # two workers, each its own process
        subprocess.run([sys.executable, "-c", WORKER.format(count=count)], cwd=ROOT, env=env, check=True)

    page = tmp_path / "scraped.txt"
    subprocess.run([sys.executable, "-c", SCRAPER, str(page)], cwd=ROOT, env=env, check=True, capture_output=True)
    scraped = page.read_text()
    families = {family.name: family for family in text_string_to_metric_families(scraped)}

    assert value(families, "newsroom_http_requests", "newsroom_http_requests_total",
                 view="articles:index", method="GET", status="200") == 7
    assert value(families, "newsroom_http_request_duration_seconds", "newsroom_http_request_duration_seconds_count",
                 view="articles:index") == 7
