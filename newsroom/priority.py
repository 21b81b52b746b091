"""Background work yields the CPU to readers: imports and task workers run ``nice``'d.

On a small machine an import's parsing competes with the web workers for the
same cores; a reader waiting behind it sees seconds instead of milliseconds.
``import_articles`` and ``run_worker`` call :func:`lower_cpu_priority` before
they start, so the parser processes they fork inherit the lower priority.
"""

import logging
import os

from django.conf import settings

logger = logging.getLogger(__name__)

_lowered = False


def lower_cpu_priority(setting):
    """Lower this process's CPU priority by ``settings.<setting>`` (0: leave it), once per process.

    Once: a process that runs the command several times (a test, a shell) is
    not pushed further down each time. Returns the new niceness, or None when
    nothing was changed.
    """
    global _lowered
    step = getattr(settings, setting, 0)
    if _lowered or step <= 0:
        return None
    _lowered = True
    try:
        return os.nice(step)
    except (AttributeError, OSError) as error:  # not on this platform, or not permitted
        logger.warning("Could not lower the CPU priority (%s=%s): %s", setting, step, error)
        return None
