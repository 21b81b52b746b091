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
        niceness = os.nice(step)
    except (AttributeError, OSError) as error:  # not on this platform, or not permitted
        logger.warning("Could not lower the CPU priority (%s=%s): %s", setting, step, error)
        return None
    _lower_session_group(niceness)
    return niceness


AUTOGROUP = "/proc/self/autogroup"


def _lower_session_group(niceness):
    """Give this process's session group the same niceness, when the process leads its session.

    With Linux's autogroup scheduling (``/proc/sys/kernel/sched_autogroup_enabled``),
    each session (a terminal, a daemon started with ``setsid``) is one group, and
    the CPU is shared fairly between groups whatever their processes' niceness:
    an import started on its own would still take a core from gunicorn. So a
    process that leads its own session lowers the whole group. One started from
    a shell leaves the shell's session alone. Under systemd, the units' cgroups
    decide instead: give the importer and worker units a lower ``CPUWeight=``.
    """
    try:
        if os.getsid(0) != os.getpid():
            return
        with open(AUTOGROUP) as f:
            current = int(f.read().rsplit("nice", 1)[1])
        if niceness > current:
            with open(AUTOGROUP, "w") as f:
                f.write(str(niceness))
    except (AttributeError, OSError, ValueError, IndexError):
        pass  # no autogroup here (other systems, containers without /proc): nice alone
