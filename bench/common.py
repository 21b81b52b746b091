"""What the benchmark scripts share: paths, the cached generated corpora, small helpers.

Scripts run as ``python bench/bench_<name>.py``, so this folder is on their
import path and ``from common import corpus`` works without packaging.
"""

import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GEN = ROOT.parent / "shared" / "tools" / "gen_corpus.py"
CORPORA = ROOT / "bench" / "out" / "corpora"


def corpus(count):
    """The generated corpus, cached between runs (same count and seed give the same bytes)."""
    out = CORPORA / str(count)
    if not (out / ".complete").exists():
        subprocess.run(
            [sys.executable, str(GEN), "--count", str(count), "--out", str(out), "--seed", "1"],
            check=True, stdout=subprocess.DEVNULL,
        )
        (out / ".complete").touch()
    return out


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def log(message):
    print(message, file=sys.stderr, flush=True)
