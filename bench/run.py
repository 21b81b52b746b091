"""Run every benchmark (bench/bench_*.py) and collect their reports in docs/benchmarks.md.

Each benchmark is a standalone script that prints one markdown section to
stdout. They run one after the other, each in a fresh process, so they never
compete for the machine's two cores.

    python bench/run.py                 # all of them, except the opt-in ones
    python bench/run.py import search   # only bench_import.py and bench_search.py
    python bench/run.py scale           # an opt-in one: only when named

Opt-in benchmarks (OPT_IN) take too long for every ``make bench``: they run
only when named, and their last report stays in docs/benchmarks.md.

A partial run replaces only its own sections: docs/benchmarks.md marks each
section with the script that wrote it, and the others stay as they were.
"""

import os
import platform
import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "benchmarks.md"
MARK = "<!-- section: {} -->"
MARK_RE = re.compile(r"^<!-- section: (bench_\w+) -->$", re.MULTILINE)
# Too long and too big for every run (bench_scale.py: ~20 minutes, ~8 GB of disk); run when named.
OPT_IN = {"scale"}


def machine():
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores ({cpu}), "
        f"{mem:.0f} GiB RAM, Python {platform.python_version()}"
    )


def recorded_sections():
    """The sections docs/benchmarks.md holds now, by script name."""
    if not OUT.exists():
        return {}
    parts = MARK_RE.split(OUT.read_text())
    # [header, name, text, name, text, ...]
    return {name: text.strip() + "\n" for name, text in zip(parts[1::2], parts[2::2], strict=True)}


def main(names):
    scripts = sorted((ROOT / "bench").glob("bench_*.py"))
    if names:
        scripts = [s for s in scripts if s.stem.removeprefix("bench_") in names]
    else:
        scripts = [s for s in scripts if s.stem.removeprefix("bench_") not in OPT_IN]
    failed = False
    for script in scripts:
        print(f"== {script.name}", file=sys.stderr, flush=True)
        started = time.monotonic()
        proc = subprocess.run(
            [sys.executable, str(script)], cwd=ROOT, stdout=subprocess.PIPE, text=True
        )
        took = time.monotonic() - started
        if proc.returncode != 0:
            failed = True
            text = f"## {script.stem}\n\nFailed with exit status {proc.returncode}.\n"
        else:
            text = proc.stdout.strip() + f"\n\n_Run on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC in {took:.0f} s._\n"
        # Read again just before writing: another run may have recorded its
        # sections while this one was measuring.
        sections = recorded_sections()
        sections[script.stem] = text
        print(f"   {took:.0f}s", file=sys.stderr)
        write(sections)  # after each one, so an interrupted run keeps what it measured
    print(f"Wrote {OUT.relative_to(ROOT)}", file=sys.stderr)
    return 1 if failed else 0


def write(sections):
    header = (
        "# Benchmarks\n\n"
        "Made by `make bench` (`python bench/run.py [NAME ...]`).\n\n"
        f"Machine: {machine()}.\n\n"
        "Timings drift between runs on a shared machine, so every target is a ratio "
        "measured within one run.\n\n"
    )
    body = "\n".join(f"{MARK.format(name)}\n{sections[name]}" for name in sorted(sections))
    OUT.write_text(header + body)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
