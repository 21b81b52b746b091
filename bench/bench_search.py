"""Search benchmark: query times on SQLite and PostgreSQL, and the cost of the index.

For each engine, on a generated corpus (``manage.py generate_articles --seed 1``):

* import it into an empty database with ``manage.py import_articles`` (the
  triggers index every article as it is written);
* time searches as the results page runs them (the count, which stops at
  ``SearchResults.max_results``, then the first page of 20 with snippets),
  over live articles only: a set of
  one-word, two-word, phrase and no-hit queries, plus very common words and CJK;
* time a rebuild of the whole index (``rebuild_search_index``'s work) and
  report the index's size.

Each engine gets its own throw-away database: a temporary SQLite file, and a
temporary PostgreSQL database on 127.0.0.1:5432 (user postgres, trust auth),
dropped at the end. Prints one markdown section.

    python bench/bench_search.py [--count 100000] [--repeat 7] [--engines sqlite,postgresql]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import corpus

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
# Every step is bounded: a stuck step fails the benchmark instead of hanging `make bench`.
STEP_TIMEOUT = 45 * 60

QUERIES = {
    "one word": ["satellite", "ransomware", "vaccine", "Norvex"],
    "two words": ["drone wildfire", "privacy regulators", "quantum chips", "battery recall"],
    "phrase": ['"supply chain"', '"heart disease"', '"data centre"', '"open source"'],
    "no hit": ["zyzzyva", "qxjvbw", "blorptastic", '"battery zyzzyva"'],
    "common word": ["company", "said"],
    "CJK / Hangul": ["半導体", "芯片", "반도체"],
}
REQUIRED = ["one word", "two words", "phrase", "no hit"]
TARGET_MS = 50


def run(args, env, capture=False):
    proc = subprocess.run(
        args, cwd=ROOT, env=env, check=True, timeout=STEP_TIMEOUT,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
    )
    return proc.stdout


def manage(*args):
    return [sys.executable, "manage.py", *args]


def bench_engine(name, database_url, files, repeat):
    """Import, then measure in a child process; returns the child's figures."""
    env = dict(os.environ, DATABASE_URL=database_url, DEBUG="0", SECRET_KEY="bench")
    run(manage("migrate", "-v", "0"), env)
    started = time.monotonic()
    run(manage("import_articles", "-v", "0", "--no-progress", str(files)), env)
    imported = time.monotonic() - started
    figures = json.loads(run([sys.executable, __file__, "--measure", str(repeat)], env, capture=True))
    figures["import_s"] = imported
    return figures


def sqlite_engine(files, repeat):
    with tempfile.TemporaryDirectory(prefix="bench-search-") as work:
        return bench_engine("sqlite", f"sqlite:///{work}/search.sqlite3", files, repeat)


def postgresql_engine(files, repeat):
    import psycopg

    name = f"bench_search_{os.getpid()}"
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
        try:
            return bench_engine("postgresql", f"{PG_SERVER}/{name}", files, repeat)
        finally:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


# The child: runs inside Django, against the database in DATABASE_URL ---------------


def one_search(query):
    """(milliseconds, matches) of one search as search.views.search_page runs it:
    the count (up to the cap), then the first page of 20 with snippets."""
    from articles.queries import listed_articles
    from search import search

    started = time.perf_counter()
    results = search(query, queryset=listed_articles(live=False))
    matches = results.count()
    results[:20]
    return (time.perf_counter() - started) * 1000, matches



def measure(repeat):
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    import django

    django.setup()
    from django.db import connection

    from articles.models import Article
    from search.engines import engine_for
    from search.results import SearchResults

    engine = engine_for()
    if connection.vendor == "postgresql":
        # What autovacuum does soon after a big import. SQLite has no such
        # thing and Django never runs ANALYZE, so it is measured without stats.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

    load = os.getloadavg()[0]
    kinds = {}
    for kind, queries in QUERIES.items():
        samples, matches = [], []
        for query in queries:
            one_search(query)  # warm the caches, as a live site's are
            timings = []
            for _ in range(repeat):
                ms, count = one_search(query)
                timings.append(ms)
            samples.extend(timings)
            matches.append(count)
        kinds[kind] = {
            "samples": samples,
            "median_ms": statistics.median(samples),
            "max_ms": max(samples),
            "matches": matches,
        }

    started = time.perf_counter()
    with connection.cursor():
        from django.db import transaction

        with transaction.atomic():
            engine.rebuild(connection)
    rebuild_s = time.perf_counter() - started

    print(json.dumps({
        "articles": Article.objects.count(),
        "live": Article.objects.live().count(),
        "kinds": kinds,
        "rebuild_s": rebuild_s,
        "index_mb": index_size(connection) / 2**20,
        "version": version(connection),
        "max_results": SearchResults.max_results,
        "load": max(load, os.getloadavg()[0]),
    }))


def index_size(connection):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_total_relation_size('search_document')")
        else:
            cursor.execute(
                "SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name LIKE 'search\\_%' ESCAPE '\\'"
            )
        return cursor.fetchone()[0]


def version(connection):
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version" if connection.vendor == "postgresql" else "SELECT sqlite_version()")
        return cursor.fetchone()[0]


# Report -------------------------------------------------------------------------------


def report(count, repeat, results):
    cap = f"{next(iter(results.values()))['max_results']:,}"
    engines = list(results)
    labels = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    print("## Search\n")
    print(
        f"{count:,} articles from `generate_articles --count {count} --seed 1`, imported with "
        "`manage.py import_articles` into an empty database per engine. One search is what the "
        "results page runs: `search(q)` over the live list rows, its count (which stops at "
        f"{cap}), then the first page of 20 with highlighted snippets. Each query runs once to "
        f"warm up, then {repeat} times; the table gives the median of all runs of a kind and, "
        "in brackets, the slowest run. The target is the median over the set of one-word, "
        f"two-word, phrase and no-hit queries (the first row): under {TARGET_MS} ms; a kind whose "
        "own median is over it is marked ✗ all the same. PostgreSQL is measured after `VACUUM ANALYZE` (what autovacuum does after an "
        "import); SQLite without statistics, as Django leaves it.\n"
    )
    versions = ", ".join(f"{labels[e]} {results[e]['version']}" for e in engines)
    live = next(iter(results.values()))["live"]
    load = ", ".join(f"{labels[e]} {results[e]['load']:.1f}" for e in engines)
    print(
        f"{versions}; {live:,} of the articles are live. Load average (1 min) while searching, "
        f"on this shared machine: {load}.\n"
    )
    header = " | ".join(f"{labels[e]} median ms (max)" for e in engines)
    print(f"| kind | queries | {header} | live matches (counted up to {cap}) |")
    print("|---|---|" + "---:|" * len(engines) + "---|")
    cells = []
    for engine in engines:
        runs = [ms for kind in REQUIRED for ms in results[engine]["kinds"][kind]["samples"]]
        median = statistics.median(runs)
        cells.append(f"**{median:.1f}** ({max(runs):.0f}){' ✗' if median >= TARGET_MS else ''}")
    print(f"| **the set** | the next four rows, {sum(len(QUERIES[k]) for k in REQUIRED)} queries "
          f"| {' | '.join(cells)} | |")
    for kind, queries in QUERIES.items():
        cells = []
        for engine in engines:
            figures = results[engine]["kinds"][kind]
            flag = " ✗" if kind in REQUIRED and figures["median_ms"] >= TARGET_MS else ""
            cells.append(f"{figures['median_ms']:.1f} ({figures['max_ms']:.0f}){flag}")
        matches = results[engines[0]]["kinds"][kind]["matches"]
        shown = ", ".join(f"`{q}`" for q in queries)
        print(f"| {kind} | {shown} | {' | '.join(cells)} | {', '.join(f'{m:,}' for m in matches)} |")
    print("\n| engine | import, indexing as it goes (s) | rebuild of the whole index (s) | index size (MB) |")
    print("|---|---:|---:|---:|")
    for engine in engines:
        figures = results[engine]
        print(
            f"| {labels[engine]} | {figures['import_s']:.0f} | {figures['rebuild_s']:.1f} "
            f"| {figures['index_mb']:.0f} |"
        )
    print(
        "\nMatch counts differ a little between engines where their tokenizers do "
        "(PostgreSQL drops English stop words such as `said`; SQLite keeps them)."
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure)
        return

    files = corpus(args.count)
    runners = {"sqlite": sqlite_engine, "postgresql": postgresql_engine}
    results = {}
    for engine in args.engines.split(","):
        print(f"   search bench: {engine}", file=sys.stderr, flush=True)
        results[engine] = runners[engine](files, args.repeat)
    report(args.count, args.repeat, results)


if __name__ == "__main__":
    main()
