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


def imported_settings(env, *names):
    """Import newsroom.settings in a fresh process with exactly ``env``; its values or its error.

    The developer's own .env (which `make run` writes) is not read: the
    variables under test are the only ones.
    """
    code = (
        "import environ; environ.Env.read_env = staticmethod(lambda *a, **k: None)\n"
        "from newsroom import settings\n"
        f"print(*[getattr(settings, name, None) for name in {list(names)!r}])"
    )
    return subprocess.run(
        [str(BIN / "python"), "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=60,
    )


def bare_env(**variables):
    """The environment with no DEBUG or SECRET_KEY, plus ``variables``."""
    env = production_env()
    del env["DEBUG"], env["SECRET_KEY"]
    return env | variables


@pytest.mark.parametrize(
    "variables",
    [{}, {"DEBUG": "1"}, {"DEBUG": "0"}],
    ids=["nothing set", "DEBUG=1", "DEBUG=0"],
)
def test_no_installation_runs_without_a_key_of_its_own(variables):
    """Neither production nor a development machine falls back to a key from the repository."""
    result = imported_settings(bare_env(**variables), "SECRET_KEY")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_debug_is_off_unless_asked_for():
    """A forgotten DEBUG gives a production site: no tracebacks, HTTPS, secure cookies."""
    result = imported_settings(
        bare_env(SECRET_KEY="k" * 50), "DEBUG", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE"
    )
    assert result.stdout.split() == ["False", "True", "True"], result.stderr


def test_make_run_writes_a_development_env_with_a_fresh_key(tmp_path):
    """`make run` on a new checkout: DEBUG on and a random key no other checkout shares."""
    keys = []
    for checkout in (tmp_path / "one", tmp_path / "two"):
        checkout.mkdir()
        subprocess.run(["make", "--no-print-directory", "-s", "-C", str(checkout), "-f",
                        str(ROOT / "Makefile"), ".env"], check=True, capture_output=True, timeout=60)
        written = dict(
            line.split("=", 1) for line in (checkout / ".env").read_text().splitlines()
            if "=" in line and not line.startswith("#")
        )
        assert (checkout / ".env").stat().st_mode & 0o077 == 0  # readable by its owner only
        result = imported_settings(bare_env(**written), "DEBUG")
        assert result.stdout.split() == ["True"], result.stderr
        keys.append(written["SECRET_KEY"])
    assert len(keys[0]) >= 50 and keys[0] != keys[1]


def test_proxy_headers_are_not_trusted_unless_a_proxy_is_declared():
    """gunicorn facing clients: a client's X-Forwarded-Proto must not pass for HTTPS."""
    env = production_env()
    del env["TRUSTED_PROXY_COUNT"]
    result = imported_settings(env, "TRUSTED_PROXY_COUNT", "SECURE_PROXY_SSL_HEADER")
    assert result.stdout.split() == ["0", "None"], result.stderr


def test_a_declared_proxy_is_trusted_for_the_scheme():
    result = imported_settings(production_env(TRUSTED_PROXY_COUNT="1"), "SECURE_PROXY_SSL_HEADER")
    assert result.stdout.strip() == "('HTTP_X_FORWARDED_PROTO', 'https')", result.stderr


def test_check_deploy_reports_nothing_with_production_settings():
    result = run_manage(production_env(), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    # Empty rather than absent, so a developer's .env cannot fill it in.
    result = run_manage(production_env(SECRET_KEY=""), "check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_development_defaults_serve_plain_http():
    """`make run` on a laptop: no HTTPS redirect, no secure-only cookies, readable logs."""
    env = production_env(DEBUG="1")
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
        ("locmemcache://x", "newsroom.filecache.SharedFileCache"),
    ],
)
def test_the_content_version_is_shared_by_every_process(cache_url, backend):
    """A per-process page cache gets a shared place for the version: files in the project."""
    env = production_env(CACHE_URL=cache_url)
    env.pop("SHARED_CACHE_URL", None)  # the test run's own; the default is what is tested
    shared = settings_value(
        env,
        "settings.CACHES['shared']['BACKEND'], settings.CACHES['shared'].get('LOCATION')",
    ).split()
    assert shared[0] == backend
    if backend.endswith("SharedFileCache"):
        assert shared[1] == str(ROOT / "var" / "cache")



@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's JIT")
def test_postgresql_connections_run_without_jit(db):
    """JIT compiles costly-looking plans: hundreds of milliseconds on a page's short queries."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's parallel query")
def test_postgresql_connections_start_no_parallel_workers(db):
    """Starting workers cost a page's sub-millisecond lookup 17 ms at a million articles."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone()[0] == "0"
