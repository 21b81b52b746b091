"""Import article front-matter files: ``manage.py import_articles PATH [PATH ...]``.

Thin by design: argument handling, progress, the report and the exit code.
The work is done by ``articles.importing.loader``.
"""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.importing.loader import REJECTED, find_article_files, import_paths


class Command(BaseCommand):
    help = (
        "Import article files (YAML front matter + markdown body). PATHs are files or "
        "directories, searched recursively for *.md, *.markdown, *.yml and *.yaml. "
        "Exit status: 0 all imported, 1 some files rejected, 2 usage error."
    )
    # Imports run from cron every few minutes; the system checks (URLconf,
    # templates, admin) guard nothing the importer uses and cost a tenth of
    # an unchanged re-import. `manage.py check` and deploys still run them.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument(
            "--dry-run", action="store_true", help="Parse and validate everything; write nothing."
        )
        parser.add_argument(
            "--report", metavar="FILE", help="Write a JSON report with one entry per file."
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="No progress bar, even on a terminal."
        )

    def handle(self, *, paths, dry_run, report, no_progress, verbosity, **options):
        missing = [p for p in paths if not Path(p).exists()]
        if missing:
            # Exit status 2, as for other usage errors; 1 means "files rejected".
            raise CommandError(f"no such file or directory: {', '.join(missing)}", returncode=2)

        files = list(find_article_files(paths))
        progress = _Progress(len(files), sys.stderr) if (
            verbosity >= 1 and not no_progress and sys.stderr.isatty()
        ) else None
        report_file = open(report, "w", encoding="utf-8") if report else None  # noqa: SIM115
        entries = 0

        def on_file(outcome):
            nonlocal entries
            if outcome.outcome == REJECTED:
                self.stderr.write(self.style.ERROR(str(outcome.error)))
            elif verbosity >= 2:
                self.stdout.write(str(outcome))
            if report_file:
                report_file.write(("[\n" if entries == 0 else ",\n") + json.dumps(outcome.as_dict()))
                entries += 1
            if progress:
                progress.step()

        try:
            result = import_paths(files, dry_run=dry_run, on_file=on_file)
        finally:
            if progress:
                progress.close()
            if report_file:
                report_file.write("\n]\n" if entries else "[]\n")
                report_file.close()

        # The summary is printed even under -v 0: it is the one line a cron mail needs.
        style = self.style.ERROR if result.rejected else self.style.SUCCESS
        self.stdout.write(style(("Dry run: " if dry_run else "") + result.summary()))
        if result.rejected:
            sys.exit(1)


class _Progress:
    """A one-line progress bar for terminals (nothing is drawn otherwise)."""

    WIDTH = 30

    def __init__(self, total, stream):
        self.total, self.done, self.stream = total, 0, stream
        self.every = max(1, total // 200)

    def step(self):
        self.done += 1
        if self.done % self.every == 0 or self.done == self.total:
            filled = self.WIDTH * self.done // max(self.total, 1)
            self.stream.write(
                f"\r[{'#' * filled}{'.' * (self.WIDTH - filled)}] {self.done}/{self.total} files"
            )
            self.stream.flush()

    def close(self):
        if self.done:
            self.stream.write("\n")
