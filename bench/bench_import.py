"""Importer benchmark: how the import compares with the cheapest possible read.

In one run, on a generated 10,000-file corpus (``manage.py generate_articles --seed 1``):

* parse floor: read + split + ``yaml.CSafeLoader`` of every file, no database;
* full import into an empty SQLite database;
* re-import of the unchanged files;
* Django's ``loaddata`` of the same data (a ``dumpdata`` of the import);

every one timed as a whole command, interpreter and Django start-up included.
Then the peak memory (RSS of the importer and its workers together) of an
import of 100,000 files. Prints one markdown section.

    python bench/bench_import.py [--count 10000] [--big 100000]
"""

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from common import corpus

ROOT = Path(__file__).resolve().parent.parent

PARSE_FLOOR = """
import sys, os, yaml
n = 0
for root, _, files in os.walk(sys.argv[1]):
    for name in files:
        text = open(os.path.join(root, name), encoding="utf-8").read()
        front = text.split("\\n---", 1)[0].removeprefix("---\\n")
        yaml.load(front, Loader=yaml.CSafeLoader)
        n += 1
print(n)
"""


# manage.py as is, then the CPU seconds of the importer's own process and of
# its parser workers, on stderr: which side limits the import.
WITH_CPU = """
import atexit, resource, runpy, sys
def report():
    own, workers = (resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    print(f"cpu {own.ru_utime + own.ru_stime:.2f} {workers.ru_utime + workers.ru_stime:.2f}",
          file=sys.stderr)
atexit.register(report)
sys.argv = ["manage.py", *sys.argv[1:]]
runpy.run_path("manage.py", run_name="__main__")
"""


def rss_of_tree(pid):
    """Resident memory of a process and all its descendants, in bytes."""
    total = 0
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
                ppid = int(stat.rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry))
            except (OSError, ValueError, IndexError):
                pass
    stack = [pid]
    while stack:
        p = stack.pop()
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            pass
        stack.extend(children.get(p, []))
    return total


def timed(cmd, env, measure_memory=False, stderr=None):
    """Run ``cmd``; return (seconds, peak RSS of its process tree or None)."""
    started = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
    peak = 0
    if measure_memory:
        stop = threading.Event()

        def sample():
            nonlocal peak
            while not stop.is_set():
                peak = max(peak, rss_of_tree(proc.pid))
                time.sleep(0.1)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
    code = proc.wait()
    seconds = time.monotonic() - started
    if measure_memory:
        stop.set()
        sampler.join()
    if code not in (0,):
        raise SystemExit(f"{' '.join(map(str, cmd))} failed with status {code}")
    return seconds, (peak or None)


def manage(*args):
    return [sys.executable, "manage.py", *args]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--big", type=int, default=100_000, help="files for the memory run; 0 skips it")
    args = parser.parse_args()

    files = corpus(args.count)
    work = Path(tempfile.mkdtemp(prefix="bench-import-"))
    env = dict(os.environ, DEBUG="0", SECRET_KEY="bench", DATABASE_URL=f"sqlite:///{work}/import.sqlite3")
    loaddata_env = dict(env, DATABASE_URL=f"sqlite:///{work}/loaddata.sqlite3")
    for e in (env, loaddata_env):
        subprocess.run(manage("migrate", "-v", "0"), cwd=ROOT, env=e, check=True)

    floor, _ = timed([sys.executable, "-c", PARSE_FLOOR, str(files)], env)
    cpu_log = work / "cpu.txt"
    with cpu_log.open("w") as log:
        full, _ = timed([sys.executable, "-c", WITH_CPU, "import_articles", "-v", "0", str(files)],
                        env, stderr=log)
    writer_cpu, parser_cpu = map(float, cpu_log.read_text().split("cpu ")[-1].split())
    again, _ = timed(manage("import_articles", "-v", "0", str(files)), env)
    dump = work / "dump.json"
    subprocess.run(
        manage("dumpdata", "providers", "articles.topic", "articles.article",
               "articles.taggedarticle", "articles.image", "articles.related", "-o", str(dump)),
        cwd=ROOT, env=env, check=True,
    )
    loaddata, _ = timed(manage("loaddata", str(dump)), loaddata_env)

    n = args.count
    rate = {name: n / s for name, s in
            [("floor", floor), ("full", full), ("again", again), ("loaddata", loaddata)]}
    rows = [
        ("Parse floor (read + split + CSafeLoader)", floor, rate["floor"], "1.00x floor"),
        ("Full import, empty SQLite database", full, rate["full"],
         f"{rate['full'] / rate['floor']:.2f}x floor (target >= 0.5x), "
         f"{rate['full'] / rate['loaddata']:.1f}x loaddata (target >= 3x)"),
        ("Re-import, all files unchanged", again, rate["again"],
         f"{rate['again'] / rate['floor']:.1f}x floor (target >= 5x)"),
        ("`loaddata` of the same data", loaddata, rate["loaddata"], ""),
    ]

    print("## Importer\n")
    print(f"{n:,} files from `generate_articles --count {n} --seed 1`; each time is a whole command "
          "(interpreter and Django start-up included), on SQLite.\n")
    print("| run | seconds | files/s | ratio |")
    print("|---|---:|---:|---|")
    for name, seconds, per_second, ratio in rows:
        print(f"| {name} | {seconds:.2f} | {per_second:,.0f} | {ratio} |")

    print(
        f"\nWhat limits the full import: SQLite takes one writer, so one process writes "
        f"(it used {writer_cpu:.1f} CPU-seconds: inserts, indexes and the full-text index) "
        f"while two worker processes parse and validate ({parser_cpu:.1f} CPU-seconds between "
        f"them). With two cores the import cannot finish before its writer does: "
        f"{writer_cpu / full:.0%} of the wall time was writer CPU."
    )

    if args.big:
        big = corpus(args.big)
        big_env = dict(env, DATABASE_URL=f"sqlite:///{work}/big.sqlite3")
        subprocess.run(manage("migrate", "-v", "0"), cwd=ROOT, env=big_env, check=True)
        seconds, peak = timed(manage("import_articles", "-v", "0", str(big)), big_env, measure_memory=True)
        print(f"\nPeak memory importing {args.big:,} files into an empty database: "
              f"**{peak / 2**20:.0f} MB** (RSS of the importer and its parser workers together; "
              f"target < 300 MB), {seconds:.0f} s, {args.big / seconds:,.0f} files/s.")


if __name__ == "__main__":
    main()
