"""Read API benchmark: the article list (a page of 20) and detail against the trivial view.

Same method as ``bench_public``, in one run: the generated 10,000-article
corpus imported into SQLite, gunicorn with 2 sync workers, and each endpoint
measured against ``/bench/trivial`` in alternating rounds (median ratio).
Uncached: ``PUBLIC_CACHE_SECONDS=0``, so every request builds its answer
(only the content-version token comes from the cache); the rate limit is
off (``API_RATE_LIMIT=``), as the load comes from one address. The HTML
article page, measured the same way, is the reference.

    python bench/bench_api.py [--seconds 3]
"""

import argparse
import json
import os
import shutil
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

import bench_public
from bench_public import COUNT, Server, corpus, environment, live_article_paths, log, manage, paired


def run(workdir, seconds):
    load_before = " / ".join(f"{value:.1f}" for value in os.getloadavg())
    database = workdir / "bench.sqlite3"
    env = environment(database)
    log("bench_api: corpus and import")
    manage(env, "migrate", "--noinput")
    manage(env, "import_articles", str(corpus(COUNT)))
    pages = live_article_paths(env)
    details = [f"/api/v1{path}" for path in pages]
    results = {}
    with Server(environment(database, PUBLIC_CACHE_SECONDS=0, API_RATE_LIMIT="")) as server:
        listed = json.loads(urllib.request.urlopen(server.url("/api/v1/articles/"), timeout=10).read())
        assert len(listed["results"]) == 20, "the list is not a page of 20"
        # A later page too: the cursor's cost is part of every list after the first.
        later = urllib.parse.urlsplit(listed["next"])
        results["API article list (first page of 20)"] = paired(server, ["/api/v1/articles/"], seconds, workdir)
        results["API article list (next page, by cursor)"] = paired(
            server, [f"{later.path}?{later.query}"], seconds, workdir
        )
        results["API article detail"] = paired(server, details, seconds, workdir)
        results["HTML article page (reference)"] = paired(server, pages, seconds, workdir)
    print(report(results, seconds, len(pages), load_before))
    return 0


def report(results, seconds, article_count, load_before):
    lines = [
        "## Read API under load (gunicorn, 2 workers, uncached)",
        "",
        f"{COUNT:,} generated articles imported into SQLite; gunicorn with 2 sync workers on 127.0.0.1; "
        f"{bench_public.CONNECTIONS} connections ({'wrk' if shutil.which('wrk') else 'Python client'}). "
        f"Each endpoint against `/bench/trivial` in {bench_public.ROUNDS} alternating rounds of {seconds} s; "
        "the median ratio is reported (higher is better: 1.00 would cost no more than the trivial "
        f"view). `PUBLIC_CACHE_SECONDS=0`: nothing comes from the page cache. Details rotate over "
        f"{article_count} live articles. Load average before the run: {load_before}.",
        "",
        "| Endpoint | req/s | trivial req/s | ratio | median latency |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, result in results.items():
        lines.append(
            f"| {name} | {result['rps']:.0f} | {result['trivial']:.0f} | {result['ratio']:.2f} | "
            f"{result['latency']:.1f} ms |"
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=3, help="load per measurement round")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-api-"))
    try:
        return run(workdir, args.seconds)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
