"""Cached pages under an import: 32 connections on four cached pages, idle, then during a 10,000-file import.

For SQLite (local-memory cache) and PostgreSQL (Redis cache), each in a
temporary database: migrate, import the 61 sample fixtures (the pages to
load), start gunicorn (4 sync workers, production settings, 127.0.0.1), warm
the pages, then run one wrk per page (front page, an article, a topic, the RSS
feed; 32 connections in all) for the given time with nothing else running
(idle), and again while ``import_articles`` writes the generated 10,000-file
corpus (busy). The target (issue 21): busy throughput >= 50 % of idle, p99 <
250 ms, no errors. Any 5xx or connection error fails the run.

Prints one markdown section. ``python bench/bench_load.py [--seconds 30] [--only sqlite|postgres]``
"""

import argparse
import contextlib
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path

from common import corpus, free_port, log

ROOT = Path(__file__).resolve().parent.parent
# The interpreter running this script: the project's virtualenv, wherever the checkout is.
BIN = Path(sys.executable).parent
COUNT = 10_000
CONNECTIONS = 32
WORKERS = 4
POSTGRES_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"

FIND_PAGES = """
from articles.models import Article
article = Article.objects.live().order_by("-published_at").first()
topic = article.topics.first() or Article.objects.live().exclude(topics=None).first().topics.first()
print(article.get_absolute_url())
print("/topics/%s/" % topic.slug)
"""

# Articles and bytes on disk once the import is done (for docs/scaling.md's extrapolation).
DATABASE_SIZE = """
import os
from django.db import connection
from articles.models import Article
if connection.vendor == "postgresql":
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        size = cursor.fetchone()[0]
else:
    name = connection.settings_dict["NAME"]
    size = sum(os.path.getsize(name + suffix) for suffix in ("", "-wal") if os.path.exists(name + suffix))
print(Article.objects.count(), size)
"""


def environment(database_url, cache_url, workdir):
    (workdir / "static").mkdir(exist_ok=True)
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url, CACHE_URL=cache_url, DEBUG="0",
        SECRET_KEY="bench-only-secret-key-" + "x" * 40, ALLOWED_HOSTS="127.0.0.1",
        STATIC_MANIFEST="0", LOG_LEVEL="WARNING", STATIC_ROOT=str(workdir / "static"),
        # Plain HTTP on loopback, as behind a TLS-ending proxy.
        SECURE_SSL_REDIRECT="0",
        # All the load comes from one address: no per-address search limit.
        SEARCH_REQUESTS_PER_MINUTE="0",
    )
    return env


def manage(env, *args, timeout=600):
    subprocess.run([str(BIN / "python"), "manage.py", *args], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL, timeout=timeout)


@contextlib.contextmanager
def postgres_database():
    import psycopg

    name = f"bench_load_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def stop_group(process, timeout=30):
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@contextlib.contextmanager
def gunicorn(env):
    port = free_port()
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "newsroom.wsgi", "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning"], cwd=ROOT, env=env, start_new_session=True,
        # The app logs to stdout, which is this script's markdown report.
        stdout=sys.stderr,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)
        yield port
    finally:
        stop_group(process)


def parse_wrk(out):
    def millis(label):
        match = re.search(rf"{label}\s+([\d.]+)(us|ms|s)\b", out)
        return float(match.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[match.group(2)]

    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": millis("50%"), "p99": millis("99%"),
        "bad_status": int(non2xx.group(1)) if non2xx else 0,
        "conn_errors": sum(int(n) for n in errors.groups()) if errors else 0,
    }


def load(port, pages, seconds):
    """One wrk per page, 32 connections in all, at once; their parsed results by page."""
    share = [CONNECTIONS // len(pages) + (1 if i < CONNECTIONS % len(pages) else 0) for i in range(len(pages))]
    loaders = {
        name: subprocess.Popen(
            ["wrk", "-t", "1", "-c", str(n), "-d", f"{seconds}s", "--timeout", "10s", "--latency",
             f"http://127.0.0.1:{port}{path}"], stdout=subprocess.PIPE, text=True)
        for (name, path), n in zip(pages.items(), share, strict=True)
    }
    return {name: parse_wrk(proc.communicate(timeout=seconds + 60)[0]) for name, proc in loaders.items()}


def run_backend(label, database_url, cache_url, seconds, workdir):
    env = environment(database_url, cache_url, workdir)
    log(f"[{label}] migrate + sample fixtures")
    manage(env, "migrate", "--noinput")
    manage(env, "import_articles", "fixtures/", "--no-progress")
    lines = subprocess.run([str(BIN / "python"), "manage.py", "shell", "-v", "0", "-c", FIND_PAGES], cwd=ROOT,
                           env=env, check=True, capture_output=True, text=True).stdout.split()
    article, topic = lines[-2:]
    pages = {"front page": "/", "article": article, "topic": topic, "RSS feed": "/rss/"}
    with gunicorn(env) as port:
        for path in pages.values():
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
                assert response.status == 200, path
        log(f"[{label}] idle: {CONNECTIONS} connections for {seconds} s")
        idle = load(port, pages, seconds)
        log(f"[{label}] busy: import of {COUNT} files + {CONNECTIONS} connections for {seconds} s")
        started = time.monotonic()
        importer = subprocess.Popen(
            [str(BIN / "python"), "manage.py", "import_articles", str(corpus(COUNT)), "--no-progress", "-v", "0"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        # When the import ends, to tell how much of the busy window it covered.
        ended = []
        watcher = threading.Thread(target=lambda: ended.append((importer.wait(), time.monotonic())), daemon=True)
        watcher.start()
        busy = load(port, pages, seconds)
        load_ended = time.monotonic()
        try:
            watcher.join(timeout=900)
        finally:
            stop_group(importer)
        took = (ended[0][1] if ended else time.monotonic()) - started
        import_running = min(took, load_ended - started)
    size = subprocess.run(
        [str(BIN / "python"), "manage.py", "shell", "-v", "0", "-c", DATABASE_SIZE], cwd=ROOT, env=env,
        check=True, capture_output=True, text=True,
    ).stdout.split()[-2:]
    return idle, busy, import_running, took, importer.returncode, size


def load_average():
    return " ".join(f"{n:.2f}" for n in os.getloadavg())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    args = parser.parse_args()
    corpus(COUNT)
    before = load_average()
    rows, notes, failed, met = [], [], False, True
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        workdir = Path(tmp)
        runs = []
        if args.only in (None, "sqlite"):
            runs.append(("SQLite", contextlib.nullcontext(f"sqlite:///{workdir}/load.sqlite3"), "locmemcache://load"))
        if args.only in (None, "postgres"):
            runs.append(("PostgreSQL", postgres_database(),
                         f"redis://127.0.0.1:6379/0?key_prefix=bench-load-{uuid.uuid4().hex[:8]}"))
        for label, database, cache_url in runs:
            with database as database_url:
                idle, busy, overlapped, took, status, (articles, size) = run_backend(
                    label, database_url, cache_url, args.seconds, workdir
                )
            for name, quiet in idle.items():
                r = busy[name]
                errors = quiet["bad_status"] + quiet["conn_errors"] + r["bad_status"] + r["conn_errors"]
                failed |= bool(errors)
                ratio = r["rps"] / quiet["rps"] if quiet["rps"] else 0.0
                ok = ratio >= 0.5 and r["p99"] < 250 and not errors
                met &= ok
                rows.append(f"| {label} | {name} | {quiet['rps']:.0f} | {quiet['p99']:.0f} | {r['rps']:.0f} "
                            f"| {100 * ratio:.0f} % | {r['p50']:.0f} | {r['p99']:.0f} | {errors} "
                            f"| {'yes' if ok else '**no**'} |")
            notes.append(f"{label}: the import (exit status {status}) took {took:.0f} s and ran during "
                         f"{overlapped:.0f} s of the {args.seconds} s busy window; "
                         f"{int(articles):,} articles take {int(size) / 2**20:.0f} MiB "
                         f"({int(size) / int(articles) / 1024:.1f} KiB per article, indexes and search included).")
    print("## Cached pages during an import\n")
    print(f"{CONNECTIONS} connections (one wrk per page, {CONNECTIONS // 4} each) for {args.seconds} s against "
          f"gunicorn ({WORKERS} sync workers, DEBUG=0, page cache on): first idle, then while "
          f"`import_articles` (niced, `IMPORT_NICE=10`, in its own session, whose scheduling group it lowers too) writes a {COUNT:,}-file generated corpus into the "
          "same database. Pages start from the 61 sample fixtures. A change renews only the pages that "
          "show it (the article, its lists, the front page and feeds), and a stale page is served to "
          "others while one request renders it again. Target (issue 21): during the import, >= 50 % of "
          "the idle requests/s, p99 < 250 ms, no errors.\n")
    print("| database | page | idle req/s | idle p99 ms | busy req/s | busy / idle | busy p50 ms "
          "| busy p99 ms | errors | target met |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---|")
    print("\n".join(rows))
    print()
    for note in notes:
        print(f"- {note}")
    print(f"- Load average (1, 5, 15 min) before the run: {before}; after: {load_average()}.")
    print(f"\n{'FAILED: some requests errored.' if failed else 'No 5xx and no connection errors.'} "
          f"{'Every page meets the target.' if met else 'Not every page meets the target (marked **no**).'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
