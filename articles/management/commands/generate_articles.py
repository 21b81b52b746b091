"""Write a generated corpus of article files: ``manage.py generate_articles --count N --out DIR``.

Thin by design: arguments and the summary line. The files are made by
``articles.importing.generating``; import them with ``import_articles DIR``.
"""

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.importing.generating import MAX_COUNT, write_corpus


class Command(BaseCommand):
    help = (
        "Write N realistic, valid article files into DIR for tests, benchmarks and demos. "
        "The same --seed and --count always give the same files, whatever --jobs is."
    )
    # Writes files only: nothing the system checks guard is used.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True, metavar="N",
                            help=f"How many files to write (1 to {MAX_COUNT:,}).")
        parser.add_argument("--out", type=Path, required=True, metavar="DIR",
                            help="Folder to write them into (created if missing).")
        parser.add_argument("--seed", type=int, default=1, metavar="S",
                            help="Which corpus: another seed gives other articles (default 1).")
        parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, metavar="J",
                            help="Processes writing files (default: one per CPU).")

    def handle(self, *, count, out, seed, jobs, verbosity, **options):
        # Exit status 2, as argparse's own usage errors.
        if not 1 <= count <= MAX_COUNT:
            raise CommandError(f"--count must be from 1 to {MAX_COUNT:,}, got {count}", returncode=2)
        if seed < 0:
            raise CommandError(f"--seed must be 0 or more, got {seed}", returncode=2)
        if jobs < 1:
            raise CommandError(f"--jobs must be 1 or more, got {jobs}", returncode=2)
        if out.exists() and not out.is_dir():
            raise CommandError(f"{out} exists and is not a folder", returncode=2)

        stats = write_corpus(out, count, seed=seed, jobs=jobs)
        if verbosity >= 1:
            self.stdout.write(self.style.SUCCESS(
                f"Wrote {stats.files:,} files ({stats.bytes / 1e6:.1f} MB) to {out} "
                f"in {stats.seconds:.1f} s (seed {seed}, {jobs} jobs)"
            ))
