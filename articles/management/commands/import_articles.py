"""Import article front-matter files: ``manage.py import_articles PATH [PATH ...]``.

Thin by design: argument handling, progress, the report and the exit code.
The work is done by ``articles.importing.loader``.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.importing.loader import (
    REJECTED,
    SKIPPED,
    find_article_files,
    import_sources,
    read_sources,
)
from newsroom.priority import lower_cpu_priority
from newsroom.terminal import Progress, printable


class Command(BaseCommand):
    help = (
        "Import article files (YAML front matter + markdown body). PATHs are files or "
        "directories, searched recursively for *.md, *.markdown, *.yml and *.yaml. Only "
        "regular files are read: symbolic links (to files or folders) inside a directory "
        "and named files that are links, pipes or devices are skipped and listed with why. "
        "Exit status: 0 all imported, 1 some files rejected or a step after the writes "
        "failed, 2 usage error."
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
        # Before any work, so the parser processes inherit it: readers come first.
        lower_cpu_priority("IMPORT_NICE")
        missing = [p for p in paths if not Path(p).exists()]
        if missing:
            # Exit status 2, as for other usage errors; 1 means "files rejected".
            raise CommandError(
                f"no such file or directory: {', '.join(map(printable, missing))}", returncode=2
            )

        files = list(find_article_files(paths))
        progress = Progress.for_command(
            self, len(files), verbosity=verbosity, no_progress=no_progress
        )
        report_file = open(report, "w", encoding="utf-8") if report else None  # noqa: SIM115
        entries = 0

        def on_file(outcome):
            nonlocal entries
            line = None
            if outcome.outcome == REJECTED:
                # Plain text: on a terminal, self.stderr colours it as an error itself.
                line = (self.stderr, printable(outcome.error), None)
            elif outcome.outcome == SKIPPED and verbosity >= 1:
                line = (
                    self.stderr,
                    f"{printable(outcome.path)}: skipped: {outcome.reason}",
                    self.style.WARNING,
                )
            elif verbosity >= 2:
                line = (self.stdout, printable(str(outcome)), None)
            if line:
                stream, text, style = line
                if progress:
                    with progress.message():
                        stream.write(text, style_func=style)
                else:
                    stream.write(text, style_func=style)
            if report_file:
                # json.dumps escapes control characters, so the report is safe as it is.
                report_file.write(("[\n" if entries == 0 else ",\n") + json.dumps(outcome.as_dict()))
                entries += 1
            if progress:
                progress.step()

        try:
            result = import_sources(read_sources(files), dry_run=dry_run, on_file=on_file)
        finally:
            if progress:
                progress.close()
            if report_file:
                report_file.write("\n]\n" if entries else "[]\n")
                report_file.close()

        for error in result.errors:
            self.stderr.write(self.style.ERROR(f"Import incomplete: {error}"))
        # The summary is printed even under -v 0: it is the one line a cron mail needs.
        style = self.style.SUCCESS if result.ok else self.style.ERROR
        self.stdout.write(style(("Dry run: " if dry_run else "") + result.summary()))
        if result.queued and verbosity >= 1:
            # Done by `manage.py run_worker` (make run starts one), not by this command.
            self.stdout.write(f"Queued for the background workers: {', '.join(result.queued)}.")
        if not result.ok:
            # An exit status, not sys.exit(): call_command() callers get a CommandError.
            problems = [f"{result.rejected} file(s) rejected"] if result.rejected else []
            problems += [f"{len(result.errors)} step(s) failed"] if result.errors else []
            raise CommandError("; ".join(problems) or "import incomplete", returncode=1)
