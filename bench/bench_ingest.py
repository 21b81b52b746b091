"""Push ingest: files/s through ``POST /api/v1/ingest/`` against the command's, same corpus.

In one run, on the generated corpus (``generate_articles --seed 1``), each into
its own fresh SQLite database:

* the command: ``manage.py import_articles DIR``, its own files/s (the import
  proper, start-up excluded, as the command prints it);
* the API, zips of ``--batch`` files posted one after another to gunicorn
  (one worker), files/s from the client's wall clock for all the posts;
* the API, one file per request (the way a CMS pushes as it publishes), for
  the first ``--single`` files.

The API answers per file, runs no parser workers (a web worker does not
fork) and pays HTTP and the zip; the ratios say what that costs. Prints one
markdown section with the load average, since the machine is shared.

    python bench/bench_ingest.py [--count 2000] [--batch 100] [--single 300]
"""

import argparse
import contextlib
import http.client
import io
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from common import corpus, free_port, log

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

CREATE_TOKEN = """
from ingest.models import ApiToken
token = ApiToken(name="bench")
print(token.issue())
token.save()
"""


def environment(database, workdir):
    (workdir / "static").mkdir(exist_ok=True)
    return dict(
        os.environ, DATABASE_URL=f"sqlite:///{database}", CACHE_URL="locmemcache://ingest-bench",
        DEBUG="0", SECRET_KEY="bench-only-secret-key-" + "z" * 40, ALLOWED_HOSTS="127.0.0.1",
        STATIC_MANIFEST="0", LOG_LEVEL="WARNING", STATIC_ROOT=str(workdir / "static"),
        SECURE_SSL_REDIRECT="0", INGEST_REQUESTS_PER_MINUTE="0",
        INGEST_SYNC_MAX_FILES="100000", INGEST_MAX_FILES="100000",
        INGEST_MAX_REQUEST_BYTES=str(50 * 1024 * 1024),
    )


def manage(env, *args):
    return subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout


@contextlib.contextmanager
def server(env):
    port = free_port()
    process = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "newsroom.wsgi", "--workers", "1", "--bind", f"127.0.0.1:{port}",
         "--timeout", "600", "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True, stdout=sys.stderr,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                connection.request("GET", "/healthz")
                connection.getresponse().read()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)
        yield port
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def post(connection, token, body, name, content_type):
    connection.request("POST", "/api/v1/ingest/", body=body, headers={
        "Authorization": f"Bearer {token}", "Content-Type": content_type,
        "Content-Disposition": f'attachment; filename="{name}"',
    })
    response = connection.getresponse()
    answer = json.loads(response.read())
    if response.status not in (200, 201):
        raise SystemExit(f"ingest answered {response.status}: {answer}")
    return answer["summary"]


def zipped(files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            archive.writestr(path.name, path.read_bytes())
    return buffer.getvalue()


def through_api(files, work, name, batch):
    """Seconds to post ``files`` in requests of ``batch`` (1: the file itself, else a zip)."""
    env = environment(work / f"{name}.sqlite3", work)
    manage(env, "migrate", "-v", "0")
    token = manage(env, "shell", "--no-imports", "-c", CREATE_TOKEN).strip().splitlines()[-1]
    bodies = (
        [(path.read_bytes(), path.name, "text/markdown") for path in files] if batch == 1 else
        [(zipped(files[i:i + batch]), f"batch{i}.zip", "application/zip") for i in range(0, len(files), batch)]
    )
    created = 0
    with server(env) as port:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        started = time.monotonic()
        for body, filename, content_type in bodies:
            created += post(connection, token, body, filename, content_type)["created"]
        seconds = time.monotonic() - started
        connection.close()
    if created != len(files):
        raise SystemExit(f"{name}: {created} of {len(files)} files created")
    return seconds


def through_command(folder, work):
    env = environment(work / "command.sqlite3", work)
    manage(env, "migrate", "-v", "0")
    out = manage(env, "import_articles", "--no-progress", str(folder))
    match = re.search(r"(\d+) files: (\d+) created.* in ([\d.]+)s", out)
    if not match or match[1] != match[2]:
        raise SystemExit(f"the command did not create every file: {out}")
    return int(match[1]), float(match[3])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--single", type=int, default=300)
    options = parser.parse_args()
    folder = corpus(options.count)
    files = sorted(folder.glob("*.md"))[: options.count]
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as work:
        work = Path(work)
        log(f"   command: {len(files):,} files")
        count, command_seconds = through_command(folder, work)
        log(f"   API: zips of {options.batch}")
        zip_seconds = through_api(files, work, "zips", options.batch)
        single = files[: options.single]
        log(f"   API: {len(single):,} single-file requests")
        single_seconds = through_api(single, work, "single", 1)
    load_after = os.getloadavg()
    command_rate = count / command_seconds
    zip_rate = len(files) / zip_seconds
    single_rate = len(single) / single_seconds
    print("## Push ingest (API) against the command\n")
    print(
        f"{len(files):,} generated files (`generate_articles --seed 1`), each run into a fresh SQLite "
        "database. The command's rate is the one it prints (the import itself, with its parser "
        "workers); the API's is the client's wall clock over every request to one gunicorn worker "
        "(no parser workers in a web worker; HTTP, zip and the per-file JSON answer included).\n"
    )
    print("| run | files | seconds | files/s | vs command |")
    print("|---|---:|---:|---:|---:|")
    print(f"| `import_articles DIR` | {count:,} | {command_seconds:.2f} | {command_rate:,.0f} | 1.00x |")
    print(f"| API, zips of {options.batch} | {len(files):,} | {zip_seconds:.2f} | {zip_rate:,.0f} | "
          f"{zip_rate / command_rate:.2f}x |")
    print(f"| API, one file per request | {len(single):,} | {single_seconds:.2f} | {single_rate:,.0f} | "
          f"{single_rate / command_rate:.2f}x |")
    print(
        f"\nLoad average (1, 5, 15 min) before: {', '.join(f'{x:.2f}' for x in load_before)}; "
        f"after: {', '.join(f'{x:.2f}' for x in load_after)} on {os.cpu_count()} cores."
    )


if __name__ == "__main__":
    main()
