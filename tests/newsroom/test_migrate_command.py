"""``manage.py migrate`` against a database that is not there (newsroom/management/commands/migrate.py)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MISSING = "h16c_no_such_database"


def migrate(database_url):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_SETTINGS"))}
    env["DATABASE_URL"] = database_url
    return subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )


def _postgres_answers():
    try:
        import psycopg

        psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", connect_timeout=3).close()
    except Exception:
        return False
    return True


@pytest.mark.skipif(not _postgres_answers(), reason="needs PostgreSQL on 127.0.0.1:5432")
def test_a_missing_postgresql_database_is_one_line_saying_how_to_create_it():
    """Not a psycopg traceback (issue #15)."""
    result = migrate(f"postgres://postgres@127.0.0.1:5432/{MISSING}")

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"CommandError: database '{MISSING}' does not exist on 127.0.0.1:5432 (DATABASE_URL); "
        f"create it with: createdb -h 127.0.0.1 -p 5432 -U postgres {MISSING}"
    ]
