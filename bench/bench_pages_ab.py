"""The hottest pages, this tree against an earlier commit, in one run: did a change cost them speed?

Each tree (this one, and ``git archive REV`` of the baseline) gets its own
SQLite database with the same generated 10,000-article corpus, imported by its
own code. Then, for each page (article and front page, uncached and cached),
the two trees' servers take turns: ``ROUNDS`` rounds, each measuring the page
against the trivial view on tree A, then on tree B (order alternating). The
result is each tree's median ratio (page / trivial view, as in bench_public)
and their quotient: 1.00 means the page costs the same share of a request
as before. Load from other work falls on both trees alike.

    python bench/bench_pages_ab.py [--baseline REV] [--seconds 3]
"""

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_public import (
    CACHED_ARTICLES,
    COUNT,
    ROOT,
    Server,
    corpus,
    environment,
    live_article_paths,
    load,
    log,
    manage,
)

# The last commit before house journalism (#18: bylines, pins, banners, the media library).
BEFORE_HOUSE = "db0b98d"
ROUNDS = 3
PAGES = {
    # name: (uncached?, which paths)
    "article, uncached": (True, "articles"),
    "front page, uncached": (True, "front"),
    "article, cached": (False, "cached articles"),
    "front page, cached": (False, "front"),
}


def baseline_tree(rev, work):
    tree = work / f"baseline-{rev}"
    tree.mkdir()
    archive = subprocess.run(["git", "archive", rev], cwd=ROOT, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
    return tree


def ratio(server, paths, seconds, workdir, warm):
    trivial, _ = load(server, ["/bench/trivial"], seconds, workdir, warm=warm)
    page, _ = load(server, paths, seconds, workdir, warm=warm)
    return page / trivial


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default=BEFORE_HOUSE)
    parser.add_argument("--seconds", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-ab-"))
    try:
        trees = {"this tree": ROOT, args.baseline: baseline_tree(args.baseline, work)}
        files = corpus(COUNT)
        databases, paths = {}, {}
        for name, tree in trees.items():
            log(f"bench_pages_ab: importing into {name}")
            databases[name] = work / f"{len(databases)}.sqlite3"
            env = environment(databases[name])
            manage(env, "migrate", "--noinput", cwd=tree)
            manage(env, "import_articles", str(files), cwd=tree)
            # The same articles on both trees: the corpus is the same, ordered by slug.
            articles = live_article_paths(env, order="slug", cwd=tree)
            paths[name] = {"articles": articles, "cached articles": articles[:CACHED_ARTICLES], "front": ["/"]}
        ratios = {page: {name: [] for name in trees} for page in PAGES}
        for page, (uncached, which) in PAGES.items():
            log(f"bench_pages_ab: {page}")
            extra = {"PUBLIC_CACHE_SECONDS": 0} if uncached else {}
            servers = {
                name: Server(environment(databases[name], **extra), cwd=tree) for name, tree in trees.items()
            }
            try:
                for round_ in range(ROUNDS):
                    order = list(trees) if round_ % 2 == 0 else list(reversed(trees))
                    for name in order:
                        ratios[page][name].append(
                            ratio(servers[name], paths[name][which], args.seconds, work, warm=round_ < 2)
                        )
            finally:
                for server in servers.values():
                    server.stop()
        print(report(ratios, args.baseline, args.seconds))
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


def report(ratios, baseline, seconds):
    lines = [
        f"## Hot pages against `{baseline}` (before house journalism), same run",
        "",
        f"Both trees import the same {COUNT:,} generated articles into their own SQLite database and "
        f"serve them with gunicorn (2 sync workers, 8 connections). Each page is measured against the "
        f"trivial view on each tree, {ROUNDS} rounds of {seconds} s, the trees taking turns; the "
        "table gives each tree's median ratio and this tree's share of the baseline's.",
        "",
        f"| page | this tree / trivial | `{baseline}` / trivial | this tree vs baseline | within 10 % |",
        "|---|---:|---:|---:|---|",
    ]
    for page, by_tree in ratios.items():
        now, before = (statistics.median(values) for values in by_tree.values())
        share = now / before
        lines.append(
            f"| {page} | {now:.1%} | {before:.1%} | {share:.2f}× | {'yes' if share >= 0.9 else '**no**'} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
