"""Run every benchmark (bench/bench_*.py) and collect their reports in docs/benchmarks.md.

Each benchmark is a standalone script that prints one markdown section to
stdout. They run one after the other, each in a fresh process, so they never
compete for the machine's two cores.

    python bench/run.py                 # all of them
    python bench/run.py import search   # only bench_import.py and bench_search.py

Each section is also kept in bench/out/, so a partial run still writes a
complete docs/benchmarks.md with the other sections from their last run.
"""

import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "benchmarks.md"
SECTIONS = ROOT / "bench" / "out"


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


def main(names):
    scripts = sorted((ROOT / "bench").glob("bench_*.py"))
    if names:
        scripts = [s for s in scripts if s.stem.removeprefix("bench_") in names]
    SECTIONS.mkdir(parents=True, exist_ok=True)
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
        (SECTIONS / f"{script.stem}.md").write_text(text)
        print(f"   {took:.0f}s", file=sys.stderr)
    sections = [p.read_text() for p in sorted(SECTIONS.glob("bench_*.md"))]
    header = (
        "# Benchmarks\n\n"
        "Made by `make bench` (`python bench/run.py [NAME ...]`).\n\n"
        f"Machine: {machine()}.\n\n"
        "Timings drift between runs on a shared machine, so every target is a ratio "
        "measured within one run.\n\n"
    )
    OUT.write_text(header + "\n".join(sections))
    print(f"Wrote {OUT.relative_to(ROOT)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
