"""Revisions benchmark: an article's history and compare pages, and what revisions cost on disk.

* Pages: in a temporary SQLite database holding a generated corpus, one live
  article gets 200 revisions with bodies of about 5 KB (each a small edit of
  the one before; some were live, the newest is pending). Its history page
  (first and last page), the compare page (oldest against newest, and against
  the live version) are fetched through Django's test client, signed in as an
  editor, DEBUG off; the median of ``--repeat`` requests after a warm-up.
  Target: the history page in under 200 ms.
* Disk: ``--count`` generated articles are imported, then re-imported with
  every file changed (a sentence added to each body, the headline reworded):
  one revision per article each time. The revisions table's size (table and
  indexes) is read before and after the re-import: ``dbstat`` on SQLite,
  ``pg_total_relation_size`` on PostgreSQL (a temporary database on
  127.0.0.1:5432, user postgres, dropped at the end); the growth is scaled to
  100,000 updated articles.

Prints one markdown section.

    python bench/bench_revisions.py [--count 2000] [--repeat 15] [--engines sqlite,postgresql]
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import corpus, log

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
REVISIONS = 200
BODY_BYTES = 5_000
TARGET_MS = 200
SCALE = 100_000
STEP_TIMEOUT = 30 * 60


def environment(database_url):
    return dict(
        os.environ, DATABASE_URL=database_url, DEBUG="0", SECRET_KEY="bench-only-secret-key-" + "r" * 40,
        ALLOWED_HOSTS="testserver,127.0.0.1", SECURE_SSL_REDIRECT="0", SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0", STATIC_MANIFEST="0", LOG_LEVEL="WARNING", CACHE_URL="locmemcache://bench",
    )


def run(args, env, capture=False):
    proc = subprocess.run(
        args, cwd=ROOT, env=env, check=False, timeout=STEP_TIMEOUT,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL, text=True,
    )
    if proc.returncode > 1:  # 1 is "some files rejected" for an import
        raise RuntimeError(f"{' '.join(map(str, args))} failed with status {proc.returncode}")
    return proc.stdout


def manage(*args):
    return [sys.executable, "manage.py", *args]


def changed_copy(source, target):
    """Every article file of ``source`` with a sentence added to its body and its headline reworded."""
    target.mkdir(parents=True, exist_ok=True)
    count = 0
    for path in sorted(source.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        text = text.replace('\ntitle: "', '\ntitle: "Updated: ', 1)  # the generator quotes its strings
        out = target / path.relative_to(source)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text + "\n\nThis article was updated with a further paragraph from the outlet.\n",
                       encoding="utf-8")
        count += 1
    return count


def revision_bytes(env):
    """The revisions table's size with its indexes, as the child process reads it."""
    return json.loads(run([sys.executable, __file__, "--size"], env, capture=True))["bytes"]


def bench_engine(database_url, files, changed, measure_pages, repeat):
    env = environment(database_url)
    run(manage("migrate", "-v", "0"), env)
    run(manage("import_articles", "-v", "0", "--no-progress", str(files)), env)
    first = revision_bytes(env)
    started = time.monotonic()
    run(manage("import_articles", "-v", "0", "--no-progress", str(changed)), env)
    reimport_s = time.monotonic() - started
    second = revision_bytes(env)
    if second <= first:
        raise RuntimeError("the re-import wrote no revisions: were the changed files rejected?")
    figures = {"first_bytes": first, "growth_bytes": second - first, "reimport_s": reimport_s}
    if measure_pages:
        figures.update(json.loads(run([sys.executable, __file__, "--pages", str(repeat)], env, capture=True)))
    return figures


def sqlite_engine(files, changed, repeat, work):
    return bench_engine(f"sqlite:///{work}/revisions.sqlite3", files, changed, True, repeat)


def postgresql_engine(files, changed, repeat, work):
    import psycopg

    name = f"bench_revisions_{os.getpid()}"
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
        try:
            return bench_engine(f"{PG_SERVER}/{name}", files, changed, True, repeat)
        finally:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


# The child: runs inside Django, against the database in DATABASE_URL ---------------


def setup_django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    import django

    django.setup()


def measure_size():
    setup_django()
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE revisions_revision")
            cursor.execute("SELECT pg_total_relation_size('revisions_revision')")
        else:
            cursor.execute(
                "SELECT SUM(pgsize) FROM dbstat WHERE name = 'revisions_revision' OR name IN "
                "(SELECT name FROM sqlite_master WHERE tbl_name = 'revisions_revision')"
            )
        print(json.dumps({"bytes": cursor.fetchone()[0] or 0}))


def long_body(base, n):
    """About BODY_BYTES of text: the article's body, padded, with revision ``n``'s own edit in it."""
    paragraphs = [base] + [
        f"Paragraph {p}: the council's finance committee went through the figures line by line, "
        f"and members asked for the consultants' report before the vote on the budget." for p in range(40)
    ]
    body = "\n\n".join(paragraphs)[:BODY_BYTES]
    middle = len(body) // 2
    return f"{body[:middle]} Edit {n}: a correction from the desk. {body[middle:]}"


def measure_pages(repeat):
    setup_django()
    from datetime import timedelta

    from django.contrib.auth.models import Group, User
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from articles import editorial
    from articles.models import Article
    from revisions.content import snapshot
    from revisions.models import Revision

    article = Article.objects.live().order_by("pk").first()
    base = snapshot(article)
    start = timezone.now() - timedelta(days=REVISIONS)
    revisions = []
    for n in range(REVISIONS):
        content = dict(base, body=long_body(base["body"], n), title=f"{base['title']} ({n})")
        revisions.append(Revision(
            article=article, origin=Revision.Origin.EDIT, content=content, message=f"Edit {n}",
            created_at=start + timedelta(hours=n), was_live=n % 10 == 0,
        ))
    Revision.objects.bulk_create(revisions)
    ids = list(Revision.objects.filter(article=article).order_by("created_at", "id").values_list("pk", flat=True))
    live = Revision.objects.get(pk=ids[-2])
    editorial.write_live(article, live.content, topics=False, images=False)
    article.pending_revision_id = ids[-1]
    article.save()
    Revision.objects.filter(pk=live.pk).update(was_live=True)

    editor = User.objects.create_user("bench-editor", password="x" * 20, is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    client = Client()
    client.force_login(editor)
    history = reverse("admin:articles_article_history", args=[article.pk])
    compare = reverse("admin:articles_article_compare", args=[article.pk])
    last_page = (len(ids) + 49) // 50
    pages = {
        "history, page 1": history,
        f"history, page {last_page} (oldest)": f"{history}?page={last_page}",
        "compare oldest with newest": f"{compare}?a={ids[0]}&b={ids[-1]}",
        "compare oldest with live": f"{compare}?a={ids[0]}&b=live",
    }
    results = {}
    for name, url in pages.items():
        for _ in range(3):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        queries = QueryCounter()
        with connection.execute_wrapper(queries):
            client.get(url)
        timings = []
        for _ in range(repeat):
            started = time.perf_counter()
            client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        results[name] = {
            "median_ms": statistics.median(timings), "max_ms": max(timings), "queries": queries.count,
            "kb": len(response.content) / 1024,
        }
    body_bytes = len(Revision.objects.get(pk=ids[-1]).content["body"].encode())
    print(json.dumps({"pages": results, "revisions": len(ids), "body_bytes": body_bytes,
                      "vendor": connection.vendor}))


class QueryCounter:
    """A database execute wrapper counting the queries of one request (DEBUG off keeps no log)."""

    count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


# The report -----------------------------------------------------------------------


def mib(value):
    return f"{value / 2**20:,.1f}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--pages", type=int, metavar="REPEAT", help=argparse.SUPPRESS)
    parser.add_argument("--size", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.size:
        return measure_size()
    if args.pages is not None:
        return measure_pages(args.pages)

    files = corpus(args.count)
    engines = {"sqlite": sqlite_engine, "postgresql": postgresql_engine}
    results = {}
    with tempfile.TemporaryDirectory(prefix="bench-revisions-") as tmp:
        work = Path(tmp)
        changed = work / "changed"
        written = changed_copy(files, changed)
        for name in args.engines.split(","):
            log(f"   {name}: import {args.count:,}, re-import {written:,} changed files, pages")
            try:
                results[name] = engines[name](files, changed, args.repeat, work)
            except Exception as error:  # noqa: BLE001 - PostgreSQL may be absent: report, go on
                log(f"   {name} failed: {error}")
                results[name] = {"error": str(error)}
        shutil.rmtree(changed, ignore_errors=True)
    report(args, written, results)
    return None


def commit():
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, text=True, check=False)
    return done.stdout.strip() or "unknown"


def report(args, written, results):
    print("## Revisions\n")
    print(f"Commit `{commit()}`; load average {os.getloadavg()[0]:.1f} on a shared machine at the end of the run.\n")
    print(f"An article with {REVISIONS} revisions (bodies of about {BODY_BYTES // 1000} KB, the newest pending) "
          f"in a database holding {args.count:,} generated articles; pages through Django's test client as "
          f"an editor, DEBUG off, median of {args.repeat} after 3 warm-up requests. "
          f"Target: the history page under {TARGET_MS} ms.\n")
    print("| engine | page | median ms | max ms | queries | page KiB |")
    print("|---|---|---:|---:|---:|---:|")
    verdicts = []
    for engine, figures in results.items():
        for page, row in figures.get("pages", {}).items():
            print(f"| {engine} | {page} | {row['median_ms']:.1f} | {row['max_ms']:.1f} | {row['queries']} "
                  f"| {row['kb']:.0f} |")
            if page.startswith("history"):
                verdicts.append(row["median_ms"] < TARGET_MS)
    if verdicts:
        print(f"\n- History page under {TARGET_MS} ms on every engine: **{'yes' if all(verdicts) else 'no'}**.")
    print(f"\n### Disk: revisions per 100,000 updated articles\n\n{args.count:,} generated articles imported, "
          f"then {written:,} re-imported with every file changed (a sentence added to the body, the headline "
          "reworded): one revision each time. Size of `revisions_revision` with its indexes (SQLite: `dbstat`; "
          "PostgreSQL: `pg_total_relation_size` after `VACUUM`, JSON in `jsonb`, large values TOAST-compressed).\n")
    print("| engine | after the import (MiB) | growth from the re-import (MiB) | per updated article (KiB) "
          "| per 100,000 updated articles (GiB) | re-import s |")
    print("|---|---:|---:|---:|---:|---:|")
    for engine, figures in results.items():
        if "error" in figures:
            print(f"| {engine} | failed: {figures['error'][:80]} | | | | |")
            continue
        per_article = figures["growth_bytes"] / max(written, 1)
        print(f"| {engine} | {mib(figures['first_bytes'])} | {mib(figures['growth_bytes'])} "
              f"| {per_article / 1024:.1f} | {per_article * SCALE / 2**30:.2f} | {figures['reimport_s']:.1f} |")
    print()


if __name__ == "__main__":
    main()
