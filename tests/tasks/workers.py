"""Real worker processes (``manage.py run_worker``) for the tests, and a TCP proxy to cut."""

import contextlib
import os
import selectors
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Fast enough for tests: beats every 0.2 s, a silent worker is dead after 2 s.
FAST = {
    "TASKS_HEARTBEAT_SECONDS": "0.2",
    "TASKS_WORKER_TIMEOUT_SECONDS": "2",
    "TASKS_SHUTDOWN_SECONDS": "2",
    "TASKS_DATABASE_RETRY_MAX_SECONDS": "1",
    # No recurring job unless a test turns one on.
    "JOB_CACHE_IMAGES_SECONDS": "0",
    "JOB_BUILD_STORIES_SECONDS": "0",
    "JOB_PRUNE_IMAGES_SECONDS": "0",
    "JOB_PRUNE_REVISIONS_SECONDS": "0",
    "JOB_SEARCH_INDEX_CHECK_SECONDS": "0",
}


def database_url(settings_dict, host=None, port=None):
    """The URL of the test database (the one pytest-django made), optionally through a proxy."""
    if settings_dict["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings_dict['NAME']}"
    user = settings_dict.get("USER") or "postgres"
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    host = host or settings_dict.get("HOST") or "127.0.0.1"
    port = port or settings_dict.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"


class WorkerProcess:
    """One ``manage.py run_worker``, its output in a log file."""

    def __init__(self, env, log_path, *args):
        self.log_path = log_path
        self.worker_id = f"w-{log_path.stem}"
        self._log = open(log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "run_worker", "--no-reload", "--no-startup-delay",
             "--interval", "0.1", "--worker-id", self.worker_id, *args],
            cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,
        )

    @property
    def pid(self):
        return self.process.pid

    def log(self):
        return self.log_path.read_text(errors="replace")

    def signal(self, signum):
        os.kill(self.process.pid, signum)

    def wait(self, timeout):
        return self.process.wait(timeout=timeout)

    def stop(self):
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self._log.close()


def wait_until(predicate, *, timeout=25, what="the condition", logs=()):
    """Poll ``predicate`` until true; on timeout fail with the workers' logs (a bound, not a timing)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    details = "\n".join(f"--- {w.worker_id} ---\n{w.log()[-3000:]}" for w in logs)
    raise AssertionError(f"gave up waiting for {what}\n{details}")


class TcpProxy:
    """Forwards a local port to ``target``; ``cut()`` drops every connection and refuses new ones."""

    def __init__(self, target):
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.open = threading.Event()
        self.open.set()
        self.closing = threading.Event()
        self.pairs = []
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        self.listener.settimeout(0.1)
        while not self.closing.is_set():
            try:
                client, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if not self.open.is_set():
                client.close()  # the "database" refuses: connection reset at once
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=3)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.pairs.append((client, upstream))
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()

    def _pump(self, a, b):
        sockets = [a, b]
        # A selector (epoll), not select(): a long test run holds more than 1,024 descriptors,
        # past which select() refuses ("filedescriptor out of range").
        selector = selectors.DefaultSelector()
        try:
            for sock in sockets:
                selector.register(sock, selectors.EVENT_READ)
            while not self.closing.is_set():
                for key, _ in selector.select(0.1):
                    source = key.fileobj
                    data = source.recv(65536)
                    if not data:
                        return
                    (b if source is a else a).sendall(data)
        except (OSError, ValueError):
            return
        finally:
            selector.close()
            for sock in sockets:
                with contextlib.suppress(OSError):
                    sock.close()

    def cut(self):
        self.open.clear()
        with self.lock:
            pairs, self.pairs = self.pairs, []
        for pair in pairs:
            for sock in pair:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                    sock.close()

    def restore(self):
        self.open.set()

    def close(self):
        self.closing.set()
        self.cut()
        self.listener.close()
        self.thread.join(timeout=5)
