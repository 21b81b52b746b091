"""Pictures cached by background workers: images/s with 1 and 2 ``run_worker`` processes.

A temporary SQLite database gets ``--count`` pictures (spread over articles
imported from the generated corpus, each picture its own URL) served by a
local HTTP server in this process: photo-like JPEGs from bench_images.py, so
the workers download, check and write renditions as on the site. The pictures
are queued as ``articles.tasks.cache_article_pictures`` tasks (10 articles a
task, as an import queues them), the workers are started, and the time runs
from the queue's commit until every picture has its copy. The copies are then
wiped and the run repeated with two workers. Prints one markdown section.

    python bench/bench_image_workers.py [--count 1000]
"""

import argparse
import os
import shutil
import sqlite3
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bench_images import photo
from bench_tasks import environment, manage, workers_running
from common import corpus, log

PER_ARTICLE = 5
ARTICLES_PER_TASK = 10

SEED_IMAGES = """
from articles.models import Article, Image
Image.objects.all().delete()
ids = list(Article.objects.order_by("pk").values_list("pk", flat=True)[: {articles}])
Image.objects.bulk_create(
    Image(article_id=ids[n // {per}], position=n % {per}, url="{server}/pictures/%d.jpg" % n)
    for n in range({count})
)
print(len(ids))
"""
ENQUEUE = """
import time
from django.db import transaction
from articles.models import Image
from articles.tasks import cache_article_pictures
ids = sorted(set(Image.objects.values_list("article_id", flat=True)))
with transaction.atomic():
    for start in range(0, len(ids), {chunk}):
        cache_article_pictures.enqueue(ids[start : start + {chunk}])
print(time.time())
"""
RESET = """
from articles.models import Image
from django_tasks_db.models import DBTaskResult
Image.objects.update(file=None, renditions=None, cached_at=None, is_cached=False, fetch_attempts=0,
                     fetch_error=None, last_attempt_at=None, next_attempt_at=None)
DBTaskResult.objects.all().delete()
"""


def picture_server():
    """A threaded local HTTP server answering every /pictures/N.jpg with one of 12 photos."""
    photos = [photo(840, 473, seed) for seed in range(12)]

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the http.server interface
            number = int("".join(c for c in self.path if c.isdigit()) or 0)
            body = photos[number % len(photos)]
            self.send_response(200)
            self.send_header("Content-Type", "image/jpeg")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def uncached(database):
    with sqlite3.connect(database, timeout=30) as connection:
        return connection.execute("SELECT COUNT(*) FROM articles_image WHERE file IS NULL").fetchone()[0]


def failed(database):
    with sqlite3.connect(database, timeout=30) as connection:
        query = "SELECT COUNT(*) FROM django_tasks_database_dbtaskresult WHERE status = 'FAILED'"
        return connection.execute(query).fetchone()[0]


def run(env, database, media, workers):
    """Seconds from the queue's commit until every picture is cached, with ``workers`` workers."""
    manage(env, "shell", "-c", RESET)
    shutil.rmtree(media, ignore_errors=True)
    media.mkdir()
    with workers_running(env, workers, name="pictures"):
        committed = float(manage(env, "shell", "-c", ENQUEUE.format(chunk=ARTICLES_PER_TASK)).split()[-1])
        deadline = time.time() + 900
        while uncached(database) and time.time() < deadline:
            if failed(database):
                raise RuntimeError("a picture task failed: see the Tasks page of the bench database")
            time.sleep(0.05)
        if uncached(database):
            raise RuntimeError(f"{workers} worker(s) did not cache every picture in 15 minutes")
        return time.time() - committed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    count = parser.parse_args().count
    articles = -(-count // PER_ARTICLE)
    server = picture_server()
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as work:
        database, media = Path(work) / "pictures.sqlite3", Path(work) / "media"
        env = dict(environment(f"sqlite:///{database}"), MEDIA_ROOT=str(media),
                   IMAGE_FETCH_ALLOW_PRIVATE="1", IMPORT_CACHE_IMAGES="0")
        manage(env, "migrate", "--noinput")
        log(f"   importing {articles:,} articles to hang {count:,} pictures on")
        manage(env, "import_articles", str(corpus(articles)))
        server_url = f"http://127.0.0.1:{server.server_port}"
        seeded = manage(env, "shell", "-c", SEED_IMAGES.format(
            articles=articles, per=PER_ARTICLE, server=server_url, count=count))
        if int(seeded.split()[-1]) < articles:
            raise RuntimeError("the corpus gave fewer articles than the pictures need")
        seconds = {workers: run(env, database, media, workers) for workers in (1, 2)}
    server.shutdown()
    report(count, seconds, load_before)


def report(count, seconds, load_before):
    print("## Pictures cached by background workers\n")
    print(f"{count:,} pictures (840 x 473 photo-like JPEGs from a local HTTP server, each its own URL, "
          f"{PER_ARTICLE} per article) queued as `cache_article_pictures` tasks of {ARTICLES_PER_TASK} "
          "articles, then cached by `manage.py run_worker` processes on SQLite: download, Pillow check, "
          "the cleaned original and the WebP + JPEG renditions. Time from the queue's commit until the "
          f"last picture has its copy. Load average {load_before:.1f} before and "
          f"{os.getloadavg()[0]:.1f} after, on a shared 2-core machine.\n")
    print("| workers | seconds | images/s |")
    print("|---:|---:|---:|")
    for workers, taken in seconds.items():
        print(f"| {workers} | {taken:.1f} | {count / taken:.1f} |")
    print(f"\nTwo workers against one: {seconds[1] / seconds[2]:.2f}x. The work is CPU-bound (decoding "
          "and encoding the renditions), so on 2 cores two workers can at best double it; the server "
          "is in the same process as this script and takes a share of the machine too.")


if __name__ == "__main__":
    main()
