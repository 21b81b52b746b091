"""Stories benchmark: how articles group, on the sample and on a generated corpus.

For each corpus, in a temporary SQLite database: ``migrate``, ``import_articles``
(which already groups the run's new articles), then a full ``build_stories``,
timed. Then counts stories and their sizes and, where related links resolve to
our own articles, how many of those links end up inside one story (the rest
fall outside the 72-hour window, or an editor would have to merge them).

Prints one markdown section. ``python bench/bench_stories.py``
"""

import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from common import corpus as generated_corpus

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
COUNT = 5000


def manage(db, *args):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "DEBUG": "1",
           "SECRET_KEY": "bench-only-secret-key-" + "t" * 40}
    started = time.perf_counter()
    done = subprocess.run([str(PYTHON), "manage.py", *args], cwd=ROOT, env=env, check=False,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode > 1:  # 1 is "some files rejected"
        sys.stderr.write(done.stderr)
    return time.perf_counter() - started


def measure(name, source, work):
    db = work / f"{source.name}.sqlite3"
    manage(db, "migrate", "--noinput")
    imported = manage(db, "import_articles", "--no-progress", str(source))
    rows = [count(name, db, "72 h", imported, manage(db, "build_stories"))]
    # The same database rebuilt with a wider window, to show what 72 hours leaves out.
    rows.append(count(name, db, "30 days", None, manage(db, "build_stories", "--window-hours", "720")))
    return rows


def count(name, db, window, imported, built):
    with sqlite3.connect(db) as con:
        articles = con.execute("SELECT COUNT(*) FROM articles_article").fetchone()[0]
        sizes = [n for (n,) in con.execute(
            "SELECT COUNT(*) FROM stories_membership WHERE story_id IS NOT NULL GROUP BY story_id")]
        links, same = con.execute(
            """SELECT COUNT(*), SUM(CASE WHEN ma.story_id IS NOT NULL AND ma.story_id = mt.story_id THEN 1 ELSE 0 END)
               FROM articles_related r
               LEFT JOIN stories_membership ma ON ma.article_id = r.article_id
               LEFT JOIN stories_membership mt ON mt.article_id = r.target_id
               WHERE r.target_id IS NOT NULL AND r.target_id != r.article_id""").fetchone()
    grouped = sum(sizes)
    histogram = Counter(min(n, 10) for n in sizes)
    return {
        "corpus": name, "window": window, "articles": articles, "stories": len(sizes), "grouped": grouped,
        "median": statistics.median(sizes) if sizes else 0, "largest": max(sizes, default=0),
        "histogram": ", ".join(f"{k if k < 10 else '10+'}: {v}" for k, v in sorted(histogram.items())),
        "links": links, "same": same or 0, "import": imported, "build": built,
    }


def main():
    with tempfile.TemporaryDirectory(prefix="bench-stories-") as tmp:
        work = Path(tmp)
        corpus = generated_corpus(COUNT)
        rows = measure("sample (fixtures/)", ROOT / "fixtures", work) + measure(f"generated, {COUNT:,}", corpus, work)
    print("## Stories\n")
    print("Grouping: related links, then headlines sharing ≥ 3 significant words and ≥ 2/3 of them, "
          "each join within 72 hours (see README, Stories). Full `build_stories` after the import.\n")
    print("| corpus | window | articles | stories | articles in a story | median size | largest | sizes (size: stories) "
          "| resolved related links | of which in one story | import (s) | build_stories (s) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        share = f"{r['same']} ({r['same'] / r['links']:.1%})" if r["links"] else "0"
        imported = f"{r['import']:.1f}" if r["import"] is not None else "-"
        print(f"| {r['corpus']} | {r['window']} | {r['articles']:,} | {r['stories']:,} | {r['grouped']:,} | {r['median']} "
              f"| {r['largest']} | {r['histogram']} | {r['links']:,} | {share} | {imported} | {r['build']:.1f} |")
    print()


if __name__ == "__main__":
    main()
