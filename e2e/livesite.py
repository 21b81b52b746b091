"""A throwaway Newsroom for the browser tests: fresh database, sample articles, users, gunicorn.

Everything lives in one temporary folder (SQLite database, media, logs) and the
server runs with production settings (``DEBUG=0``) on a free port of 127.0.0.1,
so the pages the browser sees are the ones readers get, including the public
page cache. Only the HTTPS-only settings are relaxed: the test talks plain HTTP.
"""

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
PYTHON = PROJECT / ".venv" / "bin" / "python"
GUNICORN = PROJECT / ".venv" / "bin" / "gunicorn"

# The people of the journeys, one per role. The editor may also import from the
# admin: the Editors group leaves imports to publishers, so a desk grants it by
# hand to the editor who runs them.
USERS = {
    "editor": {"group": "Editors", "name": ("Eda", "Editor"), "extra": ["import_articles"]},
    "publisher": {"group": "Publishers", "name": ("Pia", "Publisher"), "extra": []},
    "editor2": {"group": "Editors", "name": ("Ed", "Second"), "extra": []},
    # Only the sign-in journey uses her: she enrols her authenticator there.
    "chief": {"group": "Publishers", "name": ("Chi", "Chief"), "extra": []},
    # The site's superuser, for the tour of every admin page (test_admin_layout.py).
    "admin": {"group": None, "name": ("Ada", "Admin"), "extra": [], "superuser": True},
}

_CREATE_USERS = """
import json, os
from django.contrib.auth.models import Group, Permission, User
for username, spec in json.loads(os.environ["E2E_USERS"]).items():
    first, last = spec["name"]
    user = User.objects.create_user(
        username, password=os.environ["E2E_PASSWORD"], is_staff=True, first_name=first, last_name=last,
        is_superuser=spec.get("superuser", False),
    )
    if spec["group"]:
        user.groups.add(Group.objects.get(name=spec["group"]))
    user.user_permissions.add(*Permission.objects.filter(codename__in=spec["extra"]))
"""

START_SECONDS = 60


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveSite:
    """The site under test; ``start()`` builds and serves it, ``stop()`` ends the server."""

    def __init__(self, root: Path):
        self.root = root
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.password = secrets.token_urlsafe(16)
        # Authenticator secrets the people enrolled (shown once, on the enrolment page),
        # and the last code step each used: a code is accepted only once.
        self.totp_secrets = {}
        self.totp_steps = {}
        self.log_path = root / "server.log"
        self._server = None
        self.env = {
            **os.environ,
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(40),
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": f"sqlite:///{root / 'db.sqlite3'}",
            # One process, so its local-memory page cache is the only one: a
            # stale page there would be a real bug, not a second worker's copy.
            "CACHE_URL": "locmemcache://e2e",
            "MEDIA_ROOT": str(root / "media"),
            "STATIC_ROOT": str(root / "static"),
            # Static files straight from the source folders: no collectstatic step.
            "STATIC_MANIFEST": "0",
            "TIME_ZONE": "UTC",
            "LOG_FORMAT": "text",
            "LOG_LEVEL": "WARNING",
            # Plain HTTP on loopback: no HTTPS redirect, HSTS or secure-only cookies.
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_PROXY_SSL_HEADER": "",
            "SECURE_HSTS_SECONDS": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
        }

    def manage(self, *args, extra_env=None, timeout=120):
        """Run ``manage.py`` against this site's database; raise with its output if it fails."""
        done = subprocess.run(
            [str(PYTHON), "manage.py", *args], cwd=PROJECT, env={**self.env, **(extra_env or {})},
            capture_output=True, text=True, timeout=timeout,
        )
        if done.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def start(self):
        (self.root / "static").mkdir()
        self.manage("migrate", "--noinput")
        self.manage("import_articles", "fixtures/")
        self.manage(
            "shell", "--no-imports", "-c", _CREATE_USERS,
            extra_env={"E2E_USERS": json.dumps(USERS), "E2E_PASSWORD": self.password},
        )
        log = self.log_path.open("w")
        # gthread: one worker process (one cache), a few threads for parallel browser requests.
        self._server = subprocess.Popen(
            [str(GUNICORN), "newsroom.wsgi", "--bind", f"127.0.0.1:{self.port}", "--workers", "1",
             "--threads", "4", "--worker-class", "gthread", "--timeout", "30",
             "--error-logfile", "-", "--log-level", "warning"],
            cwd=PROJECT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self._server.poll() is not None:
                raise RuntimeError(f"The server exited at start:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as response:
                    if response.status == 200:
                        return self
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"The server did not answer within {START_SECONDS} s:\n{self.log_tail()}")

    def stop(self):
        if self._server is None or self._server.poll() is not None:
            return
        os.killpg(self._server.pid, signal.SIGTERM)
        try:
            self._server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self._server.pid, signal.SIGKILL)
            self._server.wait(timeout=10)

    def log_tail(self, lines=40):
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


if __name__ == "__main__":
    # Serve a throwaway site by hand: python -m e2e.livesite (Ctrl-C stops it).
    import tempfile

    with tempfile.TemporaryDirectory(prefix="newsroom-e2e-") as folder:
        site = LiveSite(Path(folder)).start()
        print(f"{site.url}/  users: {', '.join(USERS)}  password: {site.password}", file=sys.stderr)
        try:
            signal.pause()
        except KeyboardInterrupt:
            pass
        finally:
            site.stop()
