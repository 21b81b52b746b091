"""What the benchmark scripts share: paths, the cached generated corpora, small helpers.

Scripts run as ``python bench/bench_<name>.py``, so this folder is on their
import path and ``from common import corpus`` works without packaging.
"""

import os
import socket
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(1, str(ROOT))  # the generator is pure Python: no Django set-up needed

from articles.importing.generating import VERSION, write_corpus  # noqa: E402

CORPORA = ROOT / "bench" / "out" / "corpora"


def corpus(count):
    """``manage.py generate_articles --count COUNT --seed 1``, cached between runs.

    The same count and seed give the same bytes, so a finished corpus is reused;
    the folder is named after the generator's VERSION, so a corpus written by
    an older generator (or another tool) never is.
    """
    out = CORPORA / f"v{VERSION}-{count}"
    if not (out / ".complete").exists():
        log(f"   generating {count:,} article files in {out}")
        write_corpus(out, count, seed=1, jobs=os.cpu_count() or 1)
        (out / ".complete").touch()
    return out


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def log(message):
    print(message, file=sys.stderr, flush=True)
