"""Tasks for the worker tests, imported by the worker processes by their path (tests.tasks.jobs)."""

import time
from pathlib import Path

from tasks import task
from tasks.recurring import every, seconds


@task()
def nothing():
    return "done"


@task()
def wait_for_file(path, token=None):
    """Run until ``path`` exists (the test creates it), then say so: a task to interrupt."""
    while not Path(path).exists():
        time.sleep(0.05)
    return "file seen"


@task()
def needs_file(path):
    """Fail unless ``path`` exists: a task that fails first and succeeds once the test fixes it."""
    if not Path(path).exists():
        raise FileNotFoundError(f"{path} is missing")
    return Path(path).read_text()


@task()
def explode():
    raise ValueError("bad picture URL: htp://nowhere")


@every(seconds(0))
@task()
def switched_off():
    """A recurring job whose interval setting is 0: never registered."""
