"""Importer benchmark: how the import compares with the cheapest possible read.

In one run, on a generated 10,000-file corpus (``manage.py generate_articles --seed 1``):

* parse floor: read + split + ``yaml.CSafeLoader`` of every file, no database;
* full import into an empty SQLite database;
* re-import of the unchanged files;
* Django's ``loaddata`` of the same data (a ``dumpdata`` of the import);

every one timed as a whole command, interpreter and Django start-up included.
With ``--baseline REV`` (default: the last commit before the importer wrote
revisions), the same import and re-import also run, alternately, from a copy
of that commit's tree, so the cost of a change is a ratio measured in one run.
Then the peak memory (RSS of the importer and its workers together) of an
import of 100,000 files. Prints one markdown section.

    python bench/bench_import.py [--count 10000] [--big 100000] [--baseline REV]
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from common import corpus, log

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


# The last commit before the importer recorded a revision per article (issue #17).
BEFORE_REVISIONS = "f0de146"
ROUNDS = 3


def baseline_tree(rev, work):
    """A copy of the project at ``rev`` (``git archive``), or None when the history lacks it."""
    tree = work / f"baseline-{rev}"
    tree.mkdir()
    archive = subprocess.run(["git", "archive", rev], cwd=ROOT, capture_output=True)
    if archive.returncode != 0:
        log(f"   no baseline: git archive {rev} failed ({archive.stderr.decode().strip()})")
        return None
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
    return tree


def compare_with(tree, files, work):
    """Median (import, re-import) seconds for this tree and ``tree``, run alternately.

    Both wall time and CPU time (the command and its parser workers): on a
    busy machine the wall time drifts with the neighbours, the CPU time much
    less, so the ratio is taken on CPU time.
    """
    times = {name: {"wall": ([], []), "cpu": ([], [])} for name in ("now", "baseline")}
    for round_ in range(ROUNDS):
        for name, cwd in (("now", ROOT), ("baseline", tree)):
            env = dict(os.environ, DEBUG="0", SECRET_KEY="bench",
                       DATABASE_URL=f"sqlite:///{work}/ab-{name}-{round_}.sqlite3")
            subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=cwd, env=env, check=True)
            for index in range(2):
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                started = time.monotonic()
                subprocess.run([sys.executable, "manage.py", "import_articles", "-v", "0", str(files)],
                               cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL)
                times[name]["wall"][index].append(time.monotonic() - started)
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                times[name]["cpu"][index].append(
                    after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
                )
    return {
        name: {kind: tuple(statistics.median(runs) for runs in pair) for kind, pair in kinds.items()}
        for name, kinds in times.items()
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--big", type=int, default=100_000, help="files for the memory run; 0 skips it")
    parser.add_argument("--baseline", default=BEFORE_REVISIONS,
                        help="a commit to compare the import's speed with; empty skips it")
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

    tree = baseline_tree(args.baseline, work) if args.baseline else None
    if tree is not None:
        ab = compare_with(tree, files, work)
        print(f"\nAgainst `{args.baseline}` (before revisions), median of {ROUNDS} alternating runs "
              "in this one run; the ratio is the baseline's CPU seconds over this tree's (the "
              "command and its parser workers), which a busy machine disturbs less than wall time:\n")
        print("| run | this tree: wall s / CPU s | baseline: wall s / CPU s | speed vs baseline (CPU) |")
        print("|---|---:|---:|---|")
        for index, (name, target) in enumerate([
            ("Import of new files", "target >= 90%"), ("Re-import, unchanged", "target ~100%"),
        ]):
            now_wall, now_cpu = ab["now"]["wall"][index], ab["now"]["cpu"][index]
            old_wall, old_cpu = ab["baseline"]["wall"][index], ab["baseline"]["cpu"][index]
            print(f"| {name} | {now_wall:.2f} / {now_cpu:.2f} | {old_wall:.2f} / {old_cpu:.2f} | "
                  f"{old_cpu / now_cpu:.0%} ({target}) |")

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
