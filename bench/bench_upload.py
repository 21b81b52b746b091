"""A 10,000-file zip uploaded through the admin, imported by one background worker.

In a temporary SQLite database (``--only postgres`` for PostgreSQL + Redis):
migrate, import the 61 sample fixtures, start gunicorn (4 sync workers,
production settings) and one ``manage.py run_worker``. First the public pages'
latency with nothing else running (wrk, 16 connections, ``--seconds``); then a
staff member signs in and uploads the zip of the generated 10,000-file corpus
through *Import files*, and the same load runs while the worker imports it. The
run's page is polled until it says done: the time to completion counts from
the upload's first byte.

Prints one markdown section. ``python bench/bench_upload.py [--seconds 20] [--only sqlite|postgres]``
"""

import argparse
import contextlib
import io
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
import zipfile
from http.cookiejar import CookieJar
from pathlib import Path

from bench_load import (
    BIN,
    ROOT,
    environment,
    gunicorn,
    manage,
    parse_wrk,
    postgres_database,
    stop_group,
)
from common import corpus, log

COUNT = 10_000
CONNECTIONS = 16
GIVE_UP_AFTER = 1800
PASSWORD = "bench-upload-" + uuid.uuid4().hex

MAKE_IMPORTER = f"""
from django.contrib.auth.models import Permission, User
user = User.objects.create_user("importer", password={PASSWORD!r}, is_staff=True)
user.user_permissions.add(*Permission.objects.filter(
    content_type__app_label="articles", codename__in=["import_articles", "view_article"]))
"""
FIND_PAGES = """
from articles.models import Article
article = Article.objects.live().order_by("-published_at").first()
print(article.get_absolute_url())
"""


def zipped_corpus(folder):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*.md")):
            archive.write(path, path.relative_to(folder).as_posix())
    return buffer.getvalue()


def load(port, pages, seconds):
    share = max(1, CONNECTIONS // len(pages))
    return {
        name: subprocess.Popen(
            ["wrk", "-t", "1", "-c", str(share), "-d", f"{seconds}s", "--timeout", "10s", "--latency",
             f"http://127.0.0.1:{port}{path}"], stdout=subprocess.PIPE, text=True)
        for name, path in pages.items()
    }


def results(loaders, seconds):
    return {name: parse_wrk(proc.communicate(timeout=seconds + 60)[0]) for name, proc in loaders.items()}


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Just enough of a browser for the admin: cookies, CSRF token, form and multipart posts."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()), NoRedirect)

    def request(self, path, data=None, content_type=None):
        headers = {"Referer": self.base + path}
        if content_type:
            headers["Content-Type"] = content_type
        request = urllib.request.Request(self.base + path, data=data, headers=headers)
        try:
            with self.opener.open(request, timeout=600) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as answer:  # 3xx (not followed) and errors
            return answer.code, dict(answer.headers), answer.read().decode(errors="replace")

    def get(self, path):
        return self.request(path)[2]

    def csrf(self, path):
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', self.get(path)).group(1)

    def post_form(self, path, fields):
        return self.request(path, urllib.parse.urlencode(fields).encode(), "application/x-www-form-urlencoded")

    def post_file(self, path, fields, name, filename, data):
        boundary = uuid.uuid4().hex
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
            for key, value in fields.items()
        ]
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            "Content-Type: application/zip\r\n\r\n".encode() + data + b"\r\n"
        )
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request(path, b"".join(parts), f"multipart/form-data; boundary={boundary}")


def state_of(page):
    match = re.search(r'<th scope="row">State</th><td>(\w+)</td>', page)
    files = re.search(r'<th scope="row">Files</th><td>(\d+)(?: of (\d+))?</td>', page)
    return (match.group(1) if match else "?"), (files.group(1) if files else "?")


def run_backend(label, database_url, cache_url, seconds, workdir, archive):
    env = environment(database_url, cache_url, workdir)
    env["IMPORT_SPOOL_DIR"] = str(workdir / "spool")
    env["IMPORT_CACHE_IMAGES"] = "0"  # no network: pictures are not what is measured here
    # Plain HTTP on loopback: the sign-in cookies must not be HTTPS-only.
    env.update(SESSION_COOKIE_SECURE="0", CSRF_COOKIE_SECURE="0")
    log(f"[{label}] migrate + sample fixtures")
    manage(env, "migrate", "--noinput")
    manage(env, "import_articles", "fixtures/", "--no-progress")
    manage(env, "shell", "-v", "0", "-c", MAKE_IMPORTER)
    article = subprocess.run([str(BIN / "python"), "manage.py", "shell", "-v", "0", "-c", FIND_PAGES], cwd=ROOT,
                             env=env, check=True, capture_output=True, text=True).stdout.split()[-1]
    pages = {"front page": "/", "article": article, "RSS feed": "/rss/"}
    worker = subprocess.Popen(
        [str(BIN / "python"), "manage.py", "run_worker", "--interval", "1", "--no-startup-delay", "--no-reload"],
        cwd=ROOT, env=env, stdout=sys.stderr, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        with gunicorn(env) as port:
            base = f"http://127.0.0.1:{port}"
            log(f"[{label}] baseline: {CONNECTIONS} connections for {seconds} s, no import")
            idle = results(load(port, pages, seconds), seconds)
            client = Browser(base)
            client.post_form("/admin/login/?next=/admin/", {
                "username": "importer", "password": PASSWORD, "csrfmiddlewaretoken": client.csrf("/admin/login/"),
            })
            token = client.csrf("/admin/articles/article/import/")
            log(f"[{label}] upload of {COUNT:,} files ({len(archive) / 2**20:.1f} MB zip) + load")
            started = time.monotonic()
            status, headers, _ = client.post_file(
                "/admin/articles/article/import/", {"csrfmiddlewaretoken": token}, "files", "corpus.zip", archive
            )
            request_seconds = time.monotonic() - started
            if status != 302:
                raise RuntimeError(f"the upload answered {status}")
            progress = urllib.parse.urlsplit(headers["Location"]).path
            loaders = load(port, pages, seconds)
            states, state = [], "?"
            while time.monotonic() - started < GIVE_UP_AFTER:
                state, done = state_of(client.get(progress))
                states.append(done)
                if state in ("Done", "Failed"):
                    break
                time.sleep(1)
            took = time.monotonic() - started
            busy = results(loaders, seconds)
            load_ended_first = took > request_seconds + seconds
    finally:
        stop_group(worker)
    return idle, busy, request_seconds, took, state, len(set(states)), load_ended_first


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--only", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    archive = zipped_corpus(corpus(COUNT))
    rows, failed = [], False
    with tempfile.TemporaryDirectory(prefix="bench-upload-") as tmp:
        workdir = Path(tmp)
        if args.only == "sqlite":
            database, cache_url, label = (
                contextlib.nullcontext(f"sqlite:///{workdir}/upload.sqlite3"), "locmemcache://upload", "SQLite")
        else:
            database, cache_url, label = (
                postgres_database(), f"redis://127.0.0.1:6379/0?key_prefix=bench-upload-{uuid.uuid4().hex[:8]}",
                "PostgreSQL")
        with database as database_url:
            idle, busy, request_seconds, took, state, steps, load_ended_first = run_backend(
                label, database_url, cache_url, args.seconds, workdir, archive)
    for name in idle:
        a, b = idle[name], busy[name]
        failed |= bool(b["bad_status"] or b["conn_errors"])
        ratio = b["p99"] / a["p99"] if a["p99"] else float("nan")
        rows.append(f"| {label} | {name} | {a['rps']:.0f} | {a['p99']:.0f} | {b['rps']:.0f} | {b['p99']:.0f} "
                    f"| {ratio:.1f}× | {b['bad_status'] + b['conn_errors']} |")
    failed |= state != "Done"
    print("## Upload of 10,000 files through the admin, imported in the background\n")
    print(f"A {len(archive) / 2**20:.1f} MB zip of the generated {COUNT:,}-file corpus posted to *Import files* "
          f"(gunicorn, 4 sync workers, DEBUG=0) and imported by one `run_worker`, while wrk loads three public "
          f"pages ({CONNECTIONS} connections, {args.seconds} s); the same load first with nothing else running. "
          f"One run, load average at the end {' '.join(f'{n:.2f}' for n in os.getloadavg())} "
          "(a machine shared with other jobs).\n")
    print("| database | page | idle requests/s | idle p99 ms | during import requests/s | during import p99 ms "
          "| p99 ratio | errors |")
    print("|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    print()
    print(f"- The upload request (check, spool, queue) took {request_seconds:.1f} s; the run ended "
          f"`{state}` {took:.0f} s after the upload started ({COUNT / took:.0f} files/s end to end), "
          f"its page showing {steps} different progress counts on the way.")
    if not load_ended_first:
        print("- The import ended before the load window: the busy figures include idle seconds.")
    print(f"\n{'FAILED: the run did not finish, or requests errored.' if failed else 'No 5xx and no connection errors.'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
