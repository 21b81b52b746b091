"""Real servers for the production tests: gunicorn on a free loopback port, a throwaway
PostgreSQL database, and a tiny HTTP client that keeps cookies like a browser would.

Every process started here is in its own session and is killed with its
whole group on exit, pass or fail.
"""

import contextlib
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from html import unescape
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
POSTGRES_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(**overrides):
    """The environment of a production process (DEBUG off), on loopback."""
    env = {
        key: value for key, value in os.environ.items()
        if not key.startswith(("PYTEST", "DJANGO_SETTINGS"))
    }
    env.update(
        DEBUG="0",
        SECRET_KEY="production-test-" + "k" * 50,
        # Browser plays the TLS-ending proxy in front of gunicorn.
        TRUSTED_PROXY_COUNT="1",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        STATIC_MANIFEST="0",
        LOG_LEVEL="INFO",
        DJANGO_SETTINGS_MODULE="newsroom.settings",
    )
    env.update({key: str(value) for key, value in overrides.items()})
    return env


def manage(env, *args, timeout=120):
    return subprocess.run(
        [str(BIN / "python"), "manage.py", *args], cwd=ROOT, env=env, timeout=timeout,
        capture_output=True, text=True, check=True,
    )


def stop_group(process, timeout=15):
    """Stop a process started with ``start_new_session=True`` and all its children."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=timeout)


def wait_until_listening(port, process, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with status {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listening on port {port} after {timeout} s")


@contextlib.contextmanager
def gunicorn(env, *, workers=1, log_path=None):
    """A gunicorn serving ``newsroom.wsgi`` on a free loopback port; yields the port."""
    port = free_port()
    log = open(log_path or os.devnull, "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "newsroom.wsgi", "--config", "newsroom/gunicorn.conf.py",
         "--workers", str(workers),
         "--bind", f"127.0.0.1:{port}", "--timeout", "30"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        wait_until_listening(port, process)
        yield port
    finally:
        stop_group(process)
        log.close()


@contextlib.contextmanager
def postgres_database(prefix="prod"):
    """A fresh, empty PostgreSQL database; yields its URL and drops it afterwards."""
    import psycopg

    name = f"test_{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Browser:
    """Cookies and CSRF for one user, over plain HTTP to a server behind a "TLS proxy".

    Every request carries ``X-Forwarded-Proto: https``, as the proxy in front
    of gunicorn would, so the production settings (SSL redirect, secure
    cookies, CSRF origin checks) apply exactly as in production.
    """

    def __init__(self):
        self.cookies = {}

    def request(self, port, method, path, form=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        sent = {"X-Forwarded-Proto": "https", "Host": f"127.0.0.1:{port}"}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent["Origin"] = f"https://127.0.0.1:{port}"
        sent.update(headers or {})
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if value in ('""', "") or "Max-Age=0" in header:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return response, text

    def get(self, port, path, **kwargs):
        return self.request(port, "GET", path, **kwargs)

    def post_form(self, port, path, fields):
        """GET the form page for its CSRF token, then POST ``fields`` with it."""
        response, text = self.get(port, path)
        hidden = {
            name: unescape(value)
            for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', text)
        }
        assert "csrfmiddlewaretoken" in hidden, f"no CSRF token on {path} ({response.status})"
        return self.request(port, "POST", path, form={**hidden, **fields})

    def login(self, port, username, password, code=None):
        """Sign in through the admin's form; with ``code``, answer the second-factor step too."""
        response, _ = self.post_form(
            port, "/admin/login/?next=/admin/", {"username": username, "password": password}
        )
        if code is not None and response.status == 302:
            # The password opens only the second-factor step; the code completes the sign-in.
            response, _ = self.post_form(port, "/admin/security/verify/?next=/admin/", {"code": code})
        return response


def location_path(response):
    return urlsplit(response.headers.get("Location", "")).path


def postgres_binaries():
    """The folder of the newest installed PostgreSQL's server programs, or None."""
    import glob

    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb") + glob.glob("/usr/local/pgsql/bin/initdb"),
        key=lambda path: [int(part) for part in re.findall(r"\d+", path)] or [0],
    )
    return Path(found[-1]).parent if found else None


class PrivatePostgres:
    """A throw-away PostgreSQL cluster of our own: its own folder, port and socket directory.

    Never the shared server on 5432: this one may be stopped and started at
    will. As root, PostgreSQL refuses to run, so its programs run as the
    ``postgres`` user (``runuser``). Every step is bounded in time.
    """

    def __init__(self, workdir, binaries=None, timeout=60):
        self.bin = Path(binaries or postgres_binaries())
        self.workdir = Path(workdir)
        self.data = self.workdir / "data"
        self.logfile = self.workdir / "postgres.log"
        self.port = free_port()
        self.timeout = timeout
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/newsroom"

    def _run(self, *args, timeout=None):
        return subprocess.run(
            [*self.as_postgres, *map(str, args)], check=True, capture_output=True, text=True,
            timeout=timeout or self.timeout, cwd=self.workdir,
        )

    def init(self):
        self.workdir.mkdir(parents=True, exist_ok=True)
        if self.as_postgres:
            import shutil

            shutil.chown(self.workdir, "postgres", "postgres")
        self._run(self.bin / "initdb", "-D", self.data, "-U", "postgres", "-A", "trust",
                  "-E", "UTF8", "--locale=C.UTF-8", "--no-sync", "--no-instructions")
        self.start()
        self._run(self.bin / "createdb", "-h", "127.0.0.1", "-p", self.port, "-U", "postgres", "newsroom")

    def start(self):
        # Durability is irrelevant for a throw-away cluster; speed is not.
        options = (f"-p {self.port} -k {self.workdir} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
        self._run(self.bin / "pg_ctl", "-D", self.data, "-l", self.logfile, "-o", options,
                  "-w", "-t", str(self.timeout), "start", timeout=self.timeout + 10)

    def stop(self, mode="fast"):
        self._run(self.bin / "pg_ctl", "-D", self.data, "-m", mode, "-w", "-t", str(self.timeout),
                  "stop", timeout=self.timeout + 10)

    def is_running(self):
        return subprocess.run(
            [*self.as_postgres, str(self.bin / "pg_ctl"), "-D", str(self.data), "status"],
            capture_output=True, timeout=self.timeout,
        ).returncode == 0


@contextlib.contextmanager
def private_postgres():
    """A started private cluster with an empty ``newsroom`` database; stopped and deleted on exit.

    Its folder is made directly under the temporary directory: the ``postgres``
    user must be able to reach it, which pytest's private tmp_path forbids.
    """
    import shutil
    import tempfile

    workdir = Path(tempfile.mkdtemp(prefix="newsroom-pg-"))
    server = PrivatePostgres(workdir)
    try:
        server.init()
        yield server
    finally:
        try:
            if server.data.exists() and server.is_running():
                server.stop(mode="immediate")
        except subprocess.SubprocessError:
            # pg_ctl could not stop it: kill the postmaster we started, by its pid file.
            with contextlib.suppress(OSError, ValueError, IndexError):
                pid = int((server.data / "postmaster.pid").read_text().split()[0])
                os.kill(pid, signal.SIGKILL)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
