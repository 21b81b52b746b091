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
        [str(BIN / "gunicorn"), "newsroom.wsgi", "--workers", str(workers),
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

    def login(self, port, username, password):
        response, _ = self.post_form(
            port, "/admin/login/?next=/admin/", {"username": username, "password": password}
        )
        return response


def location_path(response):
    return urlsplit(response.headers.get("Location", "")).path
