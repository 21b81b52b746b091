"""Imports and task workers give the CPU to readers: they lower their own priority before they start."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from newsroom import priority

ROOT = Path(__file__).resolve().parents[2]


# Each command in a real process, stopped once started: its niceness, which every process
# it forks inherits. The worker is stopped where it would start polling the queue.
COMMANDS = {
    "import_articles": ("IMPORT_NICE", "call_command('import_articles', {missing!r})"),
    "run_worker": (
        "WORKER_NICE",
        "from tasks.management.commands import run_worker\n"
        "def started():\n"
        "    raise SystemExit(print(os.nice(0)))\n"
        "run_worker.newsroom_worker_class = started\n"
        "call_command('run_worker', '--batch')",
    ),
}


@pytest.mark.parametrize("command", COMMANDS)
def test_the_command_runs_niced_by_its_setting(tmp_path, command):
    setting, call = COMMANDS[command]
    script = (
        "import os, django; django.setup()\n"
        "from django.core.management import call_command\n"
        "try:\n"
        + "".join(f"    {line}\n" for line in call.format(missing=str(tmp_path / "none")).splitlines())
        + "except Exception:\n"
        "    pass\n"
        "print(os.nice(0))\n"
    )
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTEST", "DJANGO_"))}
    env.update({"DJANGO_SETTINGS_MODULE": "newsroom.settings", "SECRET_KEY": "x" * 50, setting: "5",
                "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120, check=True)
    assert int(run.stdout.split()[-1]) == min(19, os.nice(0) + 5), run.stderr


@pytest.fixture
def fresh(monkeypatch):
    """A process that has not lowered its priority yet, with ``os.nice`` recorded, not applied."""
    calls = []
    monkeypatch.setattr(priority, "_lowered", False)
    monkeypatch.setattr(priority.os, "nice", lambda step: calls.append(step) or step)
    return calls


def test_the_setting_decides_the_step_and_zero_leaves_it(settings, fresh):
    settings.IMPORT_NICE = 0
    priority.lower_cpu_priority("IMPORT_NICE")
    assert fresh == []
    settings.IMPORT_NICE = 7
    priority.lower_cpu_priority("IMPORT_NICE")
    priority.lower_cpu_priority("IMPORT_NICE")  # a second run in the same process: not lower again
    assert fresh == [7]


@pytest.mark.skipif(not Path(priority.AUTOGROUP).exists(), reason="no autogroup scheduling here")
def test_an_import_leading_its_own_session_lowers_the_sessions_cpu_share(tmp_path):
    """Under autogroup, niceness only counts within a session: the session's group is lowered too."""
    script = (
        "import os, django; django.setup()\n"
        "from django.core.management import call_command\n"
        "try:\n"
        f"    call_command('import_articles', {str(tmp_path / 'none')!r})\n"
        "except Exception:\n"
        "    pass\n"
        "print(open('/proc/self/autogroup').read())\n"
    )
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTEST", "DJANGO_"))}
    env.update({"DJANGO_SETTINGS_MODULE": "newsroom.settings", "SECRET_KEY": "x" * 50, "IMPORT_NICE": "5",
                "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120, check=True, start_new_session=True)
    group_nice = int(run.stdout.strip().rsplit("nice", 1)[1])
    assert group_nice == min(19, os.nice(0) + 5), run.stderr
