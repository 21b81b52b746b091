"""Faults: the importer killed with -9 mid-import, and Redis stopped while the site serves.

1. ``kill -9`` of ``import_articles`` once a quarter of the 10,000-file corpus
   is in (SQLite, temporary database), then the same import run again. The
   result is exported (``export_articles --format jsonl``) and compared line
   for line with a clean, uninterrupted import into another fresh database:
   the same articles with the same images, related items and topics, no
   duplicate, nothing half-written.
2. A private Redis (its own port, never the shared one) is the cache and the
   session store of a gunicorn serving that database. It is shut down while a
   signed-in editor and a reader use the site, then started again on the same
   port. Meanwhile /healthz must say 503 (so a load balancer knows), readers
   get uncached pages, the editor's pages either work or answer the friendly
   503 page, never a traceback; and it all recovers without a restart. The Redis this script
   starts is always stopped on exit.
3. A private PostgreSQL cluster (initdb into a temporary folder, its own port;
   the shared server on 5432 is never touched) is migrated, given the sample
   fixtures and served by gunicorn while reader threads keep requesting pages.
   ``pg_ctl stop -m fast`` stops it for a few seconds, ``pg_ctl start`` brings
   it back: every answer must be a 200 or the friendly 503 page (never a
   traceback or a connection error), and the same gunicorn, not restarted,
   serves 200s again. Skipped when PostgreSQL's server programs are missing.

Prints one markdown section. ``python bench/bench_faults.py [--only postgres]``
"""

import contextlib
import http.client
import os
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from html import unescape
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))
from bench_load import BIN, COUNT, ROOT, corpus, free_port, gunicorn, stop_group  # noqa: E402

from tests.production.servers import postgres_binaries, private_postgres  # noqa: E402

KILL_AT = COUNT // 4
PASSWORD = "fault-bench-password-1"


def log(message):
    print(message, file=sys.stderr, flush=True)


def environment(database, workdir, **extra):
    (workdir / "static").mkdir(exist_ok=True)
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"sqlite:///{database}", CACHE_URL="locmemcache://faults", DEBUG="0",
        SECRET_KEY="bench-only-secret-key-" + "y" * 40, ALLOWED_HOSTS="127.0.0.1",
        STATIC_MANIFEST="0", LOG_LEVEL="ERROR", STATIC_ROOT=str(workdir / "static"),
        # The client below plays the TLS-ending proxy (X-Forwarded-Proto).
        TRUSTED_PROXY_COUNT="1",
        # The reader threads all search from one address: no per-address limit.
        SEARCH_REQUESTS_PER_MINUTE="0",
    )
    env.update(extra)
    return env


def manage(env, *args, check=True, timeout=900):
    return subprocess.run([str(BIN / "python"), "manage.py", *args], cwd=ROOT, env=env, check=check,
                          capture_output=True, text=True, timeout=timeout)


def count_articles(database):
    try:
        with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5)) as db:
            return db.execute("SELECT COUNT(*) FROM articles_article").fetchone()[0]
    except sqlite3.Error:
        return 0


def export(env, out):
    manage(env, "export_articles", str(out), "--format", "jsonl")
    return sorted(out.read_text(encoding="utf-8").splitlines())


def kill_and_resume(workdir, files):
    killed_db, clean_db = workdir / "killed.sqlite3", workdir / "clean.sqlite3"
    killed_env, clean_env = environment(killed_db, workdir), environment(clean_db, workdir)
    for env in (killed_env, clean_env):
        manage(env, "migrate", "--noinput")

    log(f"kill -9 once {KILL_AT} articles are in")
    importer = subprocess.Popen(
        [str(BIN / "python"), "manage.py", "import_articles", str(files), "--no-progress", "-v", "0"],
        cwd=ROOT, env=killed_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    deadline = time.monotonic() + 300
    while count_articles(killed_db) < KILL_AT and importer.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(importer.pid, signal.SIGKILL)
    importer.wait()
    at_kill = count_articles(killed_db)

    log("import again, then a clean import for reference")
    started = time.monotonic()
    resumed = manage(killed_env, "import_articles", str(files), "--no-progress", check=False)
    resume_took = time.monotonic() - started
    started = time.monotonic()
    manage(clean_env, "import_articles", str(files), "--no-progress", check=False)
    clean_took = time.monotonic() - started

    killed_rows, clean_rows = export(killed_env, workdir / "killed.jsonl"), export(clean_env, workdir / "clean.jsonl")
    with contextlib.closing(sqlite3.connect(killed_db)) as db:
        duplicates = db.execute(
            "SELECT COUNT(*) FROM (SELECT web_url FROM articles_article GROUP BY web_url HAVING COUNT(*) > 1)"
        ).fetchone()[0]
    same = killed_rows == clean_rows
    lines = [
        "### kill -9 during an import",
        "",
        f"- Killed with {at_kill:,} of the corpus's articles written; the second run exited with "
        f"status {resumed.returncode} after {resume_took:.0f} s (a clean import took {clean_took:.0f} s).",
        f"- Articles after the resumed import: {len(killed_rows):,}; after a clean import: {len(clean_rows):,}; "
        f"duplicate web URLs: {duplicates}.",
        f"- Exports (every field, image, related item and topic) identical: **{'yes' if same else 'NO'}**.",
    ]
    return lines, same and duplicates == 0 and at_kill < len(clean_rows), killed_env


class Client:
    """Cookies over plain HTTP, as if behind a TLS-ending proxy (X-Forwarded-Proto: https)."""

    def __init__(self, port):
        self.port, self.cookies = port, {}

    def request(self, method, path, form=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"X-Forwarded-Proto": "https"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers.update({"Content-Type": "application/x-www-form-urlencoded",
                            "Origin": f"https://127.0.0.1:{self.port}"})
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response.status, text

    def login(self):
        _, page = self.request("GET", "/admin/login/")
        token = unescape(re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1))
        status, _ = self.request("POST", "/admin/login/?next=/admin/",
                                 {"csrfmiddlewaretoken": token, "username": "editor", "password": PASSWORD})
        return status


@contextlib.contextmanager
def private_redis(port):
    def start():
        return subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )

    def wait_up():
        for _ in range(100):
            if subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True).returncode == 0:
                return
            time.sleep(0.1)
        raise RuntimeError("redis did not start")

    state = {"process": start()}
    wait_up()

    def stop():
        stop_group(state["process"])

    def restart():
        state["process"] = start()
        wait_up()

    try:
        yield stop, restart
    finally:
        stop()


def redis_outage(env):
    port = free_port()
    env = {**env, "CACHE_URL": f"redis://127.0.0.1:{port}/0"}
    subprocess.run([str(BIN / "python"), "manage.py", "createsuperuser", "--noinput", "--username", "editor",
                    "--email", "editor@example.com"], cwd=ROOT, env={**env, "DJANGO_SUPERUSER_PASSWORD": PASSWORD},
                   check=True, capture_output=True)
    rows, ok = [], True

    def probe(phase, editor, reader, expected):
        nonlocal ok
        seen = {
            "GET /healthz": reader.request("GET", "/healthz"),
            "GET / (reader)": reader.request("GET", "/?fault=1"),
            "GET /admin/ (signed in)": editor.request("GET", "/admin/"),
        }
        for what, (status, text) in seen.items():
            friendly = "friendly page" if status == 503 and "back in a moment" in text else ""
            # A friendly 503 is an acceptable answer to any page during an outage.
            good = (status == expected[what] or bool(friendly)) and "Traceback" not in text
            ok &= good
            rows.append(f"| {phase} | {what} | {status} {friendly} | {'ok' if good else 'UNEXPECTED'} |")

    with private_redis(port) as (stop, restart), gunicorn(env) as web:
        editor, reader = Client(web), Client(web)
        ok &= editor.login() == 302
        probe("Redis up", editor, reader, {"GET /healthz": 200, "GET / (reader)": 200, "GET /admin/ (signed in)": 200})
        stop()
        probe("Redis stopped", editor, reader,
              {"GET /healthz": 503, "GET / (reader)": 200, "GET /admin/ (signed in)": 200})
        restart()
        probe("Redis back (no app restart)", editor, reader,
              {"GET /healthz": 200, "GET / (reader)": 200, "GET /admin/ (signed in)": 200})
    lines = [
        "### Redis stopped while the site serves",
        "",
        "A private Redis on its own port holds the page cache and (``cached_db``) the sessions; "
        "the database still answers.",
        "",
        "| phase | request | status | verdict |",
        "|---|---|---|---|",
        *rows,
    ]
    return lines, ok


PAGES = ["/", "/topics/", "/search/?q=the", "/rss/"]
READERS = 4
DOWN_SECONDS = 5


def postgres_outage(workdir):
    """Stop the private PostgreSQL under a steady trickle of readers, then start it again."""
    import threading

    with private_postgres() as database:
        env = environment(workdir / "unused.sqlite3", workdir, DATABASE_URL=database.url,
                          CACHE_URL="locmemcache://pg-outage")
        manage(env, "migrate", "--noinput")
        manage(env, "import_articles", str(ROOT / "fixtures"), "--no-progress")
        answers = []  # (monotonic time, phase, status or error, friendly 503?)
        phase = {"now": "up"}
        stop_readers = threading.Event()

        with gunicorn(env) as web:
            def reader(offset):
                client, n = Client(web), offset
                while not stop_readers.is_set():
                    n += READERS
                    path = PAGES[n % len(PAGES)]
                    # A fresh query string: no cached copy may answer for the database.
                    path += ("&" if "?" in path else "?") + f"n={n}"
                    try:
                        status, text = client.request("GET", path)
                        friendly = status == 503 and "back in a moment" in text
                        bad = "Traceback" in text
                        answers.append((time.monotonic(), phase["now"], status, friendly, bad))
                    except OSError as error:
                        answers.append((time.monotonic(), phase["now"], type(error).__name__, False, True))
                    time.sleep(0.02)

            threads = [threading.Thread(target=reader, args=(i,), daemon=True) for i in range(READERS)]
            for thread in threads:
                thread.start()
            time.sleep(3)
            phase["now"] = "stopped"
            stopped_at = time.monotonic()
            database.stop(mode="fast")
            stop_took = time.monotonic() - stopped_at
            time.sleep(DOWN_SECONDS)
            phase["now"] = "restarted"
            started_at = time.monotonic()
            database.start()
            start_took = time.monotonic() - started_at
            health = Client(web)
            deadline = time.monotonic() + 30
            while health.request("GET", "/healthz")[0] != 200 and time.monotonic() < deadline:
                time.sleep(0.1)
            healthy_after = time.monotonic() - started_at
            time.sleep(3)
            stop_readers.set()
            for thread in threads:
                thread.join(timeout=35)

    rows, ok = [], True
    for name in ("up", "stopped", "restarted"):
        seen = [a for a in answers if a[1] == name]
        statuses = {}
        for _, _, status, friendly, _ in seen:
            key = f"{status} (friendly page)" if friendly else str(status)
            statuses[key] = statuses.get(key, 0) + 1
        bad = sum(1 for a in seen if a[4] or (a[2] != 200 and not a[3]))
        ok &= bad == 0 and bool(seen)
        summary = ", ".join(f"{count} × {key}" for key, count in sorted(statuses.items()))
        rows.append(f"| {name} | {len(seen)} | {summary} | {bad} |")
    after = [a for a in answers if a[1] == "restarted" and a[0] >= started_at + healthy_after]
    recovered = bool(after) and all(a[2] == 200 for a in after)
    ok &= recovered
    lines = [
        "### PostgreSQL stopped while the site serves",
        "",
        f"A private PostgreSQL cluster (its own folder and port, not the shared server) serves the "
        f"sample fixtures through gunicorn ({READERS} reader threads, a fresh query string per request "
        f"so the page cache cannot answer). `pg_ctl stop -m fast` took {stop_took:.1f} s; the database "
        f"stayed down {DOWN_SECONDS} s; `pg_ctl start` took {start_took:.1f} s and `/healthz` said 200 "
        f"{healthy_after:.1f} s after the start began, with no app restart.",
        "",
        "| phase (when the answer came) | requests | answers | bad answers (traceback, connection error, other status) |",
        "|---|---|---|---|",
        *rows,
        "",
        f"- Every request after `/healthz` turned 200 again answered 200: **{'yes' if recovered else 'NO'}**.",
    ]
    return lines, ok


def main():
    only_postgres = sys.argv[1:] == ["--only", "postgres"]
    with tempfile.TemporaryDirectory(prefix="bench-faults-") as tmp:
        workdir = Path(tmp)
        kill_lines = outage_lines = []
        kill_ok = outage_ok = True
        if not only_postgres:
            files = corpus(COUNT)
            kill_lines, kill_ok, env = kill_and_resume(workdir, files)
            outage_lines, outage_ok = redis_outage(env)
        if postgres_binaries() is not None:
            pg_lines, pg_ok = postgres_outage(workdir)
        else:
            pg_lines, pg_ok = ["### PostgreSQL stopped while the site serves", "",
                               "Skipped: PostgreSQL's server programs (initdb, pg_ctl) are not installed."], True
    print("## Faults\n")
    for lines in (kill_lines, outage_lines, pg_lines):
        if lines:
            print("\n".join(lines))
            print()
    print("The shared PostgreSQL on 5432 is never stopped: the outage above uses a private cluster. "
          "`tests/production/test_database_outage.py` runs the same stop and start as a test.")
    return 0 if kill_ok and outage_ok and pg_ok else 1


if __name__ == "__main__":
    sys.exit(main())
