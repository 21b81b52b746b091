"""Queue overhead: empty tasks per second through the database queue, 1 and 2 workers.

For each engine (a temporary SQLite file; a temporary PostgreSQL database on
127.0.0.1:5432, user postgres, dropped at the end) and each worker count:
``migrate``, start the workers (``manage.py run_worker``, recurring jobs off)
and wait until they are up, then enqueue ``--count`` empty tasks
(``tasks.tasks.noop``) in one transaction and time from its commit until the
last one is recorded as successful. What is measured is the queue itself:
claiming a row under a lock, marking it running, running nothing, recording the
result. Prints one markdown section.

    python bench/bench_tasks.py [--count 1000] [--engines sqlite,postgresql]
"""

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
JOBS_OFF = {name: "0" for name in (
    "JOB_CACHE_IMAGES_SECONDS", "JOB_BUILD_STORIES_SECONDS", "JOB_PRUNE_IMAGES_SECONDS",
    "JOB_PRUNE_REVISIONS_SECONDS", "JOB_SEARCH_INDEX_CHECK_SECONDS",
)}
ENQUEUE = """
import time
from django.db import transaction
from tasks.tasks import noop
with transaction.atomic():
    for _ in range({count}):
        noop.enqueue()
print(time.time())
"""
PENDING = """
from django_tasks_db.models import DBTaskResult
print(DBTaskResult.objects.exclude(status="SUCCESSFUL").count())
"""


def environment(database_url):
    return dict(
        os.environ, DATABASE_URL=database_url, DEBUG="0", SECRET_KEY="bench-only-secret-key-" + "q" * 40,
        LOG_LEVEL="WARNING", LOG_FORMAT="text", CACHE_URL="locmemcache://bench",
        TASKS_BACKEND="django_tasks_db.DatabaseBackend", TASKS_HEARTBEAT_SECONDS="1", **JOBS_OFF,
    )


def manage(env, *args):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,
                          capture_output=True, text=True, timeout=600).stdout


def unfinished(engine, database):
    """How many tasks are not recorded as successful yet, read straight from the database."""
    query = "SELECT COUNT(*) FROM django_tasks_database_dbtaskresult WHERE status != 'SUCCESSFUL'"
    if engine == "sqlite":
        import sqlite3

        with sqlite3.connect(database, timeout=30) as connection:
            return connection.execute(query).fetchone()[0]
    import psycopg

    with psycopg.connect(database) as connection:
        return connection.execute(query).fetchone()[0]


@contextlib.contextmanager
def workers_running(env, workers, name="bench"):
    """``workers`` ``run_worker`` processes (recurring jobs off) polling an empty queue; stopped after."""
    procs = []
    try:
        for n in range(workers):
            procs.append(subprocess.Popen(
                [sys.executable, "manage.py", "run_worker", "--no-reload", "--no-startup-delay",
                 "--interval", "0.05", "--no-recurring", "--worker-id", f"{name}-{n}"],
                cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                start_new_session=True,
            ))
        time.sleep(4)  # the workers import Django and start polling an empty queue
        yield procs
    finally:
        for proc in procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=60)


def measure(engine, database, env, workers, count):
    """Seconds from the commit of ``count`` tasks until the last has run, with ``workers`` workers."""
    with workers_running(env, workers):
        committed = float(manage(env, "shell", "-c", ENQUEUE.format(count=count)).split()[-1])
        deadline = time.time() + 600
        while unfinished(engine, database) and time.time() < deadline:
            time.sleep(0.02)
        if unfinished(engine, database):
            raise RuntimeError(f"{engine}: {workers} worker(s) did not drain the queue in 10 minutes")
        return time.time() - committed


def bench_engine(engine, database_url, database, count):
    env = environment(database_url)
    manage(env, "migrate", "--noinput")
    results = {}
    for workers in (1, 2):
        manage(env, "shell", "-c",
               "from django_tasks_db.models import DBTaskResult; DBTaskResult.objects.all().delete()")
        results[workers] = count / measure(engine, database, env, workers, count)
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--engines", default="sqlite,postgresql")
    args = parser.parse_args()
    engines = args.engines.split(",")
    results = {}
    load_before = os.getloadavg()[0]
    if "sqlite" in engines:
        with tempfile.TemporaryDirectory() as work:
            path = Path(work) / "tasks.sqlite3"
            results["SQLite"] = bench_engine("sqlite", f"sqlite:///{path}", str(path), args.count)
    if "postgresql" in engines:
        import psycopg

        name = f"bench_tasks_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        try:
            url = f"{PG_SERVER}/{name}"
            results["PostgreSQL"] = bench_engine("postgresql", url, url, args.count)
        finally:
            with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    report(args.count, results, load_before)


def report(count, results, load_before):
    print("## Background tasks: queue overhead\n")
    print(f"{count:,} empty tasks (`tasks.tasks.noop`) enqueued in one transaction, then run by "
          "`manage.py run_worker` processes already polling (recurring jobs off); tasks/s from the "
          "commit until the last is recorded as successful. Load average "
          f"{load_before:.1f} before and {os.getloadavg()[0]:.1f} after, on a shared 2-core machine.\n")
    print("| database | 1 worker, tasks/s | 2 workers, tasks/s | 2 workers / 1 |")
    print("|---|---:|---:|---:|")
    for engine, figures in results.items():
        print(f"| {engine} | {figures[1]:.0f} | {figures[2]:.0f} | {figures[2] / figures[1]:.2f} |")
    print("\nEach task costs a locked select and two committed updates (claim, result). SQLite "
          "serialises those writes, so a second worker there waits for the first and adds contention. "
          "On PostgreSQL each commit waits for the server's disk flush, which bounds one worker; "
          "`SKIP LOCKED` lets a second claim in parallel.")


if __name__ == "__main__":
    main()
