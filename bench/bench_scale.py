"""Scale: 1,000,000 articles on PostgreSQL. Import rate at that size, page and search latency, size.

Opt-in (18 minutes on the shared two-core machine with the corpus cached, ~8 GB of disk while it
runs): ``python bench/run.py scale`` or ``make bench-scale``; ``make bench``
leaves it out. Steps, in a throw-away database on the shared PostgreSQL
(127.0.0.1:5432, dropped at the end):

1. import the first ``--corpus - --new`` files of the generated corpus
   (``manage.py generate_articles --count 100000 --seed 1``) with ``import_articles`` into
   the empty database: the import rate into an empty table;
2. multiply those articles by bulk SQL until the table holds
   ``--target - --new`` rows: copy *k* of each article gets its own slug,
   web URL and source hash, is dated *k* × 5 years earlier (so copies never
   share a day with the files imported in step 3), and gets copies of the
   original's images, related items, topic links, audit row and search
   document (the search vector is copied, not recomputed: the copies match
   the same queries as their originals);
3. ``VACUUM ANALYZE`` (what autovacuum does after a bulk load), then import
   the remaining ``--new`` files of the corpus, which are new to the table,
   with ``import_articles``: **the import rate at ~1,000,000 rows**, measured;
4. ``VACUUM ANALYZE`` again, then time, in a child process with
   production settings and the page cache off (every request renders), through
   Django's test client: every public list (front, a big topic, a provider, a
   category, an author given a byline on one published article in 20, "our
   reporting", the story index, a year and a month of the archive, a year of old
   copies), each one's 50th page (following "older" links) and a page of old
   copies (a cursor 30 years back); a topic of three old articles, the biggest
   story's page, an unknown category's 404, an article page and a search results
   page; and searches as the results page runs them over bench_search.py's query set;
5. ``pg_database_size`` and the biggest relations.

Prints one markdown section.
    python bench/bench_scale.py [--corpus 100000] [--new 20000] [--target 1000000] [--keep]
    python bench/bench_scale.py --files fixtures --new 20 --target 500    # a quick trial
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from html import unescape
from pathlib import Path
from types import SimpleNamespace

from common import corpus, log

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
STEP_TIMEOUT = 3 * 3600
YEARS_PER_COPY = 5
URL_ROOM = 2048 - 12  # web_url's max length, less room for "#copyNN"

# Child tables copied with their articles: (table, column pointing at the article).
CHILDREN = [
    ("articles_image", "article_id"),
    ("articles_related", "article_id"),
    ("articles_taggedarticle", "content_object_id"),
    ("articles_transition", "article_id"),
    ("search_document", "article_id"),
]
PAGE_REPEAT = 15


def environment(database_url):
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url, CACHE_URL="locmemcache://scale", DEBUG="0",
        SECRET_KEY="bench-only-secret-key-" + "s" * 40, ALLOWED_HOSTS="testserver,127.0.0.1",
        SECURE_SSL_REDIRECT="0", STATIC_MANIFEST="0", LOG_LEVEL="WARNING",
        # Every request renders from the database: nothing is served from the page cache.
        PUBLIC_CACHE_SECONDS="0",
        # One client times search over and over: no per-address limit.
        SEARCH_REQUESTS_PER_MINUTE="0",
    )
    return env


def manage(env, *args):
    return subprocess.run([str(PYTHON), "manage.py", *args], cwd=ROOT, env=env, check=True,
                          capture_output=True, text=True, timeout=STEP_TIMEOUT)


def split(files, new, workdir):
    """Two folders of the files: the base files and the ``new`` last ones.

    Hard links where the file system allows (the importer skips symbolic links), else copies.
    """
    names = sorted(p.name for p in files.iterdir() if p.suffix == ".md")
    folders = {"base": workdir / "base", "new": workdir / "new"}
    for name, chunk in (("base", names[:-new]), ("new", names[-new:])):
        folders[name].mkdir()
        for file in chunk:
            try:
                os.link(files / file, folders[name] / file)
            except OSError:
                shutil.copyfile(files / file, folders[name] / file)
    return folders, len(names) - new, new


def timed_import(env, folder):
    """The importer's own time (its summary line: files read to last commit) and the command's."""
    started = time.monotonic()
    out = manage(env, "import_articles", str(folder), "--no-progress").stdout
    took = time.monotonic() - started
    summary = next((line for line in out.splitlines() if " files: " in line), out.strip()[-300:])
    match = re.search(r"in ([\d.]+)s \((\d+) files/s\)", summary)
    return {"command_s": took, "summary": summary.strip(),
            "import_s": float(match.group(1)) if match else took,
            "rate": float(match.group(2)) if match else 0.0}


def grow(conn, target, log_every=1):
    """Copy the imported articles (and their child rows) until the table holds ``target`` rows."""
    cur = conn.cursor()
    base_ids = cur.execute("SELECT min(id), max(id), count(*) FROM articles_article").fetchone()
    low, high, base = base_ids
    columns = [row[0] for row in cur.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'articles_article' "
        "AND column_name <> 'id' ORDER BY ordinal_position")]
    changed = {
        "slug": "left(o.slug, 240) || '-c' || %(k)s::int",
        "web_url": f"left(o.web_url, {URL_ROOM}) || '#copy' || %(k)s::int",
        "source_hash": "encode(sha256(convert_to(o.source_hash || '-' || %(k)s::int, 'UTF8')), 'hex')",
        "published_at": f"o.published_at - make_interval(years => {YEARS_PER_COPY} * %(k)s::int)",
    }
    select = ", ".join(changed.get(c, f"o.{c}") for c in columns)
    copy_articles = (
        f"INSERT INTO articles_article ({', '.join(columns)}) SELECT {select} "
        f"FROM articles_article o WHERE o.id BETWEEN {low} AND {high} ORDER BY o.id LIMIT %(n)s"
    )
    copy_children = []
    for table, fk in CHILDREN:
        cols = [row[0] for row in cur.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
            "AND column_name <> 'id' ORDER BY ordinal_position", [table])]
        if not cols:
            continue
        # The copy's own id; a search document and a topic link also carry its article's date.
        dated = table in ("search_document", "articles_taggedarticle")
        own = {fk: "c.id", **({"published_at": "c.published_at"} if dated else {})}
        picked = ", ".join(own.get(col, f"x.{col}") for col in cols)
        copy_children.append((table, (
            f"INSERT INTO {table} ({', '.join(cols)}) SELECT {picked} FROM {table} x "
            f"JOIN articles_article o ON o.id = x.{fk} AND o.id BETWEEN {low} AND {high} "
            f"JOIN articles_article c ON c.web_url = left(o.web_url, {URL_ROOM}) || '#copy' || %(k)s::int"
        )))
    # The search triggers would recompute every copy's vector; the copies take the original's.
    user_triggers = ["articles_article", "articles_taggedarticle", "articles_topic"]
    total = base
    k = 0
    started = time.monotonic()
    for table in user_triggers:
        cur.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
    try:
        while total < target:
            k += 1
            n = min(base, target - total)
            with conn.transaction():
                cur.execute(copy_articles, {"k": k, "n": n})
                for _, sql in copy_children:
                    cur.execute(sql, {"k": k})
            total += n
            if k % log_every == 0:
                log(f"   copy {k}: {total:,} articles, {time.monotonic() - started:.0f} s")
    finally:
        for table in user_triggers:
            cur.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
    return total, k, time.monotonic() - started


def search_indexes(conn):
    """``[(name, CREATE INDEX statement)]`` of the full-text index(es) on the search documents."""
    return conn.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'search_document' "
        "AND indexname IN ('search_document_rum', 'search_document_gin')"
    ).fetchall()


def vacuum_analyze(conn):
    started = time.monotonic()
    conn.execute("VACUUM ANALYZE")
    return time.monotonic() - started


def sizes(conn):
    total = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
    relations = conn.execute(
        "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY 2 DESC LIMIT 6"
    ).fetchall()
    counts = {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
              for table in ("articles_article", "articles_image", "articles_related",
                            "articles_taggedarticle", "search_document")}
    return total, relations, counts


# The child: runs inside Django against DATABASE_URL -----------------------------------


def measure():
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    import django

    django.setup()
    from bench_search import QUERIES, one_search
    from django.db import connection
    from django.db.models import Count
    from django.test import Client

    from articles.models import Article, Topic
    from articles.pagination import cursor_for
    from authors.models import Author
    from stories.building import name_stories
    from stories.models import Membership, Story

    client = Client()

    def timed_get(path, status=200):
        started = time.perf_counter()
        response = client.get(path)
        took = (time.perf_counter() - started) * 1000
        assert response.status_code == status, (path, response.status_code)
        return took, response.content.decode()

    def page_figures(path, status=200):
        timed_get(path, status)  # warm: the database's caches, as a live site's are
        samples = [timed_get(path, status)[0] for _ in range(PAGE_REPEAT)]
        return {"path": path, "median_ms": statistics.median(samples), "max_ms": max(samples)}

    def deep_page(path, pages=50):
        """The ``pages``-th page of the list at ``path``, following its "older" links; and its number."""
        url, depth = path, 1
        for _ in range(pages - 1):
            match = re.search(r'<a rel="next" href="\?([^"]*)"', timed_get(url)[1])
            if not match:
                break
            url, depth = path + "?" + unescape(match.group(1)), depth + 1
        return url, depth

    newest = Article.objects.live().order_by("-published_at", "-id").first()
    # A page of old copies: the list from a cursor 30 years back (copies are dated 5 years apart).
    old = newest.published_at - timedelta(days=365 * 30)
    old_cursor = f"?before={cursor_for(SimpleNamespace(published_at=old, pk=2**62))}"
    topic = newest.topics.order_by("name").first()
    # A long-tail topic: three of the oldest live articles, decades down the date index.
    # get_or_create: a database kept with --keep may be measured again.
    rare, _ = Topic.objects.get_or_create(name="Bench rare topic")
    for article in Article.objects.live().order_by("published_at")[:3]:
        article.topics.add(rare)
    # One of our reporters, with a byline on one live article in 20, of every age.
    author, _ = Author.objects.get_or_create(slug="bench-reporter", defaults={"name": "Bench reporter"})
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO authors_byline (article_id, author_id, position) SELECT id, %s, 0 "
            "FROM articles_article WHERE id %% 20 = 0 AND status = 'published' ON CONFLICT DO NOTHING",
            [author.pk],
        )
        # What autovacuum would do soon after: the planner must know the author's size.
        cursor.execute("ANALYZE authors_byline")
    story = (Story.objects.filter(memberships__article__in=Article.objects.live())
             .annotate(n=Count("memberships")).order_by("-n", "pk").first())
    if story is None:
        # Stories are grouped by a worker after each import, which the bench does not run:
        # one story of the 60 newest live articles (a big breaking story), named as the builder would.
        members = list(Article.objects.live().order_by("-published_at", "-id")[:60])
        story = Story.objects.create(slug=f"bench-story-{uuid.uuid4().hex[:8]}")
        Membership.objects.bulk_create(Membership(article=a, story=story) for a in members)
        name_stories([story.pk])
        story = Story.objects.annotate(n=Count("memberships")).get(pk=story.pk)
    lists = {
        "front page": "/",
        "topic page": f"/topics/{topic.slug}/" if topic else None,
        "provider page": newest.provider.get_absolute_url(),
        "category page": f"/categories/{newest.category}/" if newest.category else None,
        "author page": author.get_absolute_url(),
        "our reporting": "/our-reporting/",
        "story index": "/stories/",
        # An archive's old copies are another year's archive.
        "archive, year": f"/archive/{newest.published_at:%Y}/",
        "archive, month": f"/archive/{newest.published_at:%Y/%m}/",
        f"archive, year of old copies ({old:%Y})": f"/archive/{old:%Y}/",
    }
    pages = {}
    for name, path in lists.items():
        if not path:
            continue
        pages[name] = page_figures(path)
        deep, depth = deep_page(path)
        if depth > 1:
            pages[f"{name}, page {depth} (older links followed)"] = page_figures(deep)
        if not path.startswith("/archive/"):
            pages[f"{name}, old copies (30 years back)"] = page_figures(path + old_cursor)
    pages.update({
        "topic page, a topic of three old articles": page_figures(f"/topics/{rare.slug}/"),
        f"story page (biggest story, {story.n if story else 0} articles)":
            page_figures(story.get_absolute_url()) if story else None,
        "unknown category (404)": page_figures("/categories/no-such-category/", 404),
        "article page": page_figures(newest.get_absolute_url()),
        "search results page (`satellite`)": page_figures("/search/?q=satellite"),
    })

    kinds = {}
    for kind, queries in QUERIES.items():
        samples, matches = [], []
        for query in queries:
            one_search(query)
            for _ in range(5):
                ms, count = one_search(query)
                samples.append(ms)
            matches.append(count)
        kinds[kind] = {"median_ms": statistics.median(samples), "max_ms": max(samples), "matches": matches}
    print(json.dumps({
        "articles": Article.objects.count(), "live": Article.objects.live().count(),
        "pages": pages, "search": kinds, "load": os.getloadavg()[0],
    }))


# Report -------------------------------------------------------------------------------


def report(args, figures):
    m = figures["measured"]
    print("## Scale: 1,000,000 articles on PostgreSQL\n")
    print(
        f"One throw-away database on the shared PostgreSQL {figures['server']}. "
        f"{figures['base_files']:,} files of {figures['source']} imported "
        f"with `import_articles`, multiplied by bulk SQL to {figures['grown']:,} articles "
        f"({figures['copies']} copies: own slug, web URL and source hash, dated 5 years earlier per copy, "
        "with copies of their images, related items, topic links, audit rows and search vectors), "
        f"then the remaining {figures['new_files']:,} files of the corpus, new to the table, imported "
        f"with `import_articles` into it. Load average (1 min) at the end: {m['load']:.1f}.\n"
    )
    print("| step | figure |")
    print("|---|---|")
    base, new = figures["base"], figures["new"]
    print(f"| import of {figures['base_files']:,} files into the empty database | "
          f"**{base['rate']:.0f} files/s**: {base['import_s']:.0f} s "
          f"({base['command_s']:.0f} s for the whole command); `{base['summary']}` |")
    print(f"| multiply by SQL to {figures['grown']:,} articles | {figures['grow_s']:.0f} s (not an import) |")
    print(f"| build the search index (`{figures['search_index']}`) at {figures['grown']:,} | "
          f"{figures['search_index_s']:.0f} s |")
    print(f"| `VACUUM ANALYZE` at {figures['grown']:,} | {figures['vacuum_s']:.0f} s |")
    print(f"| **import of {figures['new_files']:,} new files into the table of {figures['grown']:,}** | "
          f"**{new['rate']:.0f} files/s**: {new['import_s']:.0f} s "
          f"({new['command_s']:.0f} s for the whole command); `{new['summary']}` |")
    print(f"| articles at the end | {m['articles']:,} ({m['live']:,} live) |")
    print(f"| `pg_database_size` | **{figures['size'] / 2**30:.2f} GiB** "
          f"({figures['size'] / m['articles'] / 1024:.1f} KiB per article) |")
    print()
    print("Largest tables (with their indexes and TOAST): " + ", ".join(
        f"`{name}` {size / 2**30:.2f} GiB" for name, size in figures["relations"]) + ".")
    print("Rows: " + ", ".join(f"`{t}` {n:,}" for t, n in figures["counts"].items()) + ".\n")
    print(f"Pages, uncached (`PUBLIC_CACHE_SECONDS=0`, DEBUG=0), through Django's test client in one "
          f"process, after one warm-up request; median (max) of {PAGE_REPEAT} requests:\n")
    print("| page | median ms | max ms |")
    print("|---|---:|---:|")
    for name, page in m["pages"].items():
        if page:
            print(f"| {name} | {page['median_ms']:.0f} | {page['max_ms']:.0f} |")
    print("\nSearches as the results page runs them (count up to the cap, then the first page of 20 "
          "with snippets), bench_search.py's queries, each warmed once then run 5 times:\n")
    print("| kind | median ms | max ms | live matches |")
    print("|---|---:|---:|---|")
    for kind, figures_ in m["search"].items():
        print(f"| {kind} | {figures_['median_ms']:.0f} | {figures_['max_ms']:.0f} | "
              f"{', '.join(f'{n:,}' for n in figures_['matches'])} |")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=int, default=100_000)
    parser.add_argument("--new", type=int, default=20_000)
    parser.add_argument("--target", type=int, default=1_000_000)
    parser.add_argument("--files", type=Path, help="a folder of article files instead of the generated corpus")
    parser.add_argument("--keep", action="store_true", help="do not drop the database (prints its URL)")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure()
        return 0

    import psycopg

    files = args.files.resolve() if args.files else corpus(args.corpus)
    figures = {"source": f"`{args.files}`" if args.files else f"`generate_articles --count {args.corpus} --seed 1`"}
    name = f"bench_scale_{uuid.uuid4().hex[:8]}"
    url = f"{PG_SERVER}/{name}"
    env = environment(url)
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp, \
            psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
        folders, figures["base_files"], figures["new_files"] = split(files, args.new, Path(tmp))
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            log(f"scale: migrate {name}")
            manage(env, "migrate", "--noinput")
            log(f"scale: import {figures['base_files']:,} files")
            figures["base"] = timed_import(env, folders["base"])
            with psycopg.connect(url, autocommit=True) as conn:
                figures["server"] = conn.execute("SHOW server_version").fetchone()[0]
                log(f"scale: grow to {args.target - args.new:,}")
                # The search index is dropped while the copies go in and built again after,
                # as rebuild_search_index does: a RUM index fills row by row far slower.
                indexes = search_indexes(conn)
                for name, _ in indexes:
                    conn.execute(f"DROP INDEX {name}")
                figures["grown"], figures["copies"], figures["grow_s"] = grow(conn, args.target - args.new)
                started = time.monotonic()
                for _, definition in indexes:
                    conn.execute(definition)
                figures["search_index_s"] = time.monotonic() - started
                figures["search_index"] = ", ".join(name for name, _ in indexes)
                figures["vacuum_s"] = vacuum_analyze(conn)
            log(f"scale: import {figures['new_files']:,} new files")
            figures["new"] = timed_import(env, folders["new"])
            with psycopg.connect(url, autocommit=True) as conn:
                vacuum_analyze(conn)
                figures["size"], figures["relations"], figures["counts"] = sizes(conn)
            log("scale: measure pages and searches")
            # The child's errors reach this terminal: a failed measure says why.
            out = subprocess.run([str(PYTHON), __file__, "--measure"], cwd=ROOT, env=env, check=True,
                                 stdout=subprocess.PIPE, text=True, timeout=STEP_TIMEOUT).stdout
            figures["measured"] = json.loads(out.strip().splitlines()[-1])
        finally:
            if args.keep:
                log(f"scale: kept {url}")
            else:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    report(args, figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
