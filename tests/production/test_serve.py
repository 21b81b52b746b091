"""`make migrate` then `make serve`: collect static files, then gunicorn with production settings."""

import json
import re
import subprocess

from .servers import ROOT, Browser, free_port, production_env, stop_group, wait_until_listening


def make(*targets, env):
    return subprocess.run(["make", "--no-print-directory", *targets], cwd=ROOT, env=env,
                          capture_output=True, text=True)


def test_make_serve_neither_migrates_nor_installs_the_test_tools():
    """Serving starts from the runtime lock alone; migrating is its own, once-per-release step."""
    plan = make("-n", "--always-make", "serve", env=production_env()).stdout
    assert "gunicorn" in plan
    assert "requirements.lock" in plan
    assert "requirements-dev" not in plan
    assert "migrate" not in plan
    assert "manage.py migrate" in make("-n", "migrate", env=production_env()).stdout


def test_make_serve_runs_the_site_with_static_files_https_redirects_and_json_logs(tmp_path):
    port = free_port()
    # Where gunicorn listens and how many workers it runs come from the .env file, as the
    # README's table says, not only from the shell.
    env_file = tmp_path / "site.env"
    env_file.write_text(f"BIND=127.0.0.1:{port}\nWEB_CONCURRENCY=1\nGUNICORN_TIMEOUT=20\n")
    env = production_env(
        DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3", CACHE_URL="locmemcache://serve",
        STATIC_ROOT=str(tmp_path / "static"), STATIC_MANIFEST="1", ENV_FILE=str(env_file),
    )
    for name in ("BIND", "WEB_CONCURRENCY", "GUNICORN_TIMEOUT"):
        env.pop(name, None)
    migrated = make("migrate", env=env)
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(["make", "--no-print-directory", "serve"], cwd=ROOT, env=env,
                                   stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            wait_until_listening(port, process, timeout=120)
            browser = Browser()
            plain = {"X-Forwarded-Proto": "http"}
            redirect, _ = browser.get(port, "/topics/", headers=plain)
            health, _ = browser.get(port, "/healthz", headers=plain)
            page, html = browser.get(port, "/")
            stylesheet = re.search(r'href="(/static/site\.[0-9a-f]{12}\.css)"', html)
            css, _ = browser.get(port, stylesheet.group(1)) if stylesheet else (None, "")
        finally:
            stop_group(process)
    assert redirect.status == 301 and redirect.headers["Location"].startswith("https://")
    assert health.status == 200
    assert page.status == 200
    # Nothing tells a scanner which server software to attack.
    assert "Server" not in page.headers and "Server" not in css.headers
    assert "gunicorn" not in str(page.headers).lower()
    assert page.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert stylesheet, "the page does not link the hashed stylesheet"
    assert css.status == 200 and "immutable" in css.headers["Cache-Control"]
    events = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    assert {"method": "GET", "path": "/", "status": 200} in [
        {key: event.get(key) for key in ("method", "path", "status")} for event in events
    ]
