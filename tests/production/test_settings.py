"""Production settings: DEBUG=0 alone gives a deployment `check --deploy` is happy with."""

import subprocess

import pytest
from django.db import connection

from .servers import BIN, ROOT, production_env


def run_manage(env, *args):
    return subprocess.run(
        [str(BIN / "python"), "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
        text=True, timeout=60,
    )


def settings_value(env, expression):
    code = f"from django.conf import settings; print({expression})"
    return run_manage(env, "shell", "-v", "0", "-c", code).stdout.strip()


def test_check_deploy_reports_nothing_with_production_settings():
    result = run_manage(production_env(), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = production_env()
    del env["SECRET_KEY"]
    result = run_manage(env, "check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_development_defaults_serve_plain_http():
    """`make run` on a laptop: no HTTPS redirect, no secure-only cookies, readable logs."""
    env = production_env(DEBUG="1")
    del env["SECRET_KEY"]
    values = settings_value(
        env,
        "settings.SECURE_SSL_REDIRECT, settings.SESSION_COOKIE_SECURE, settings.SECURE_HSTS_SECONDS, settings.LOG_FORMAT",
    )
    assert values == "False False 0 text"


@pytest.mark.parametrize(
    ("cache_url", "engine"),
    [
        ("redis://127.0.0.1:6379/0", "django.contrib.sessions.backends.cached_db"),
        ("locmemcache://x", "django.contrib.sessions.backends.db"),
    ],
)
def test_sessions_are_shared_between_app_servers(cache_url, engine):
    """Sessions live where every app server can read them: never in one process's memory."""
    assert settings_value(production_env(CACHE_URL=cache_url), "settings.SESSION_ENGINE") == engine


@pytest.mark.parametrize(
    ("cache_url", "backend"),
    [
        ("redis://127.0.0.1:6379/0", "django.core.cache.backends.redis.RedisCache"),
        ("locmemcache://x", "django.core.cache.backends.filebased.FileBasedCache"),
    ],
)
def test_the_content_version_is_shared_by_every_process(cache_url, backend):
    """A per-process page cache gets a shared place for the version: files in the project."""
    shared = settings_value(
        production_env(CACHE_URL=cache_url),
        "settings.CACHES['shared']['BACKEND'], settings.CACHES['shared'].get('LOCATION')",
    ).split()
    assert shared[0] == backend
    if backend.endswith("FileBasedCache"):
        assert shared[1] == str(ROOT / "var" / "cache")



@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's JIT")
def test_postgresql_connections_run_without_jit(db):
    """JIT compiles costly-looking plans: hundreds of milliseconds on a page's short queries."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
