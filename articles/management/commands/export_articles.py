"""Export every article: ``manage.py export_articles OUT [--format md|jsonl] [--editorial]``.

``md`` writes one front-matter file per article into the folder OUT;
``jsonl`` writes one JSON object per line to the file OUT, or stdout for ``-``.
The source's values by default; ``--editorial`` writes the editors' (what readers see).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.exporting import articles_for_export, export_filename, front_matter_file, json_line
from newsroom.terminal import printable, quiet_broken_pipe


class Command(BaseCommand):
    help = (
        "Write every article back in the import format (or as JSON lines). An article whose "
        "file name would land outside OUT (a stored provider domain that is a path) is refused "
        "and reported; the exit status is then 1."
    )

    def add_arguments(self, parser):
        parser.add_argument("out", metavar="OUT", help="A folder (md), or a file or - (jsonl).")
        parser.add_argument("--format", choices=["md", "jsonl"], default="md")
        parser.add_argument(
            "--editorial", action="store_true",
            help="Write the editors' values readers see, not the source's, where an editor changed an "
                 "imported article.",
        )

    def handle(self, out, format, verbosity, editorial=False, **options):
        self.editorial = editorial
        articles = articles_for_export().iterator(chunk_size=500)
        refused = 0
        if format == "jsonl":
            with quiet_broken_pipe(self.stdout):
                count = self._write_jsonl(out, articles)
        else:
            count, refused = self._write_files(Path(out), articles)
        if verbosity >= 1 and out != "-":
            self.stdout.write(self.style.SUCCESS(f"Exported {count} articles to {printable(out)}"))
        if refused:
            raise CommandError(f"{refused} article(s) not exported: see above", returncode=1)

    def _write_files(self, folder, articles):
        if folder.exists() and not folder.is_dir():
            raise CommandError(f"{printable(folder)} exists and is not a folder", returncode=2)
        folder.mkdir(parents=True, exist_ok=True)
        root = folder.resolve()
        count = refused = 0
        for article in articles:
            target = _inside(root, export_filename(article))
            if target is None:
                # Whatever the database holds, nothing is written outside the folder.
                self.stderr.write(
                    f"article {article.pk}: not exported, its file name "
                    f"{printable(export_filename(article))} would leave {printable(root)}"
                )
                refused += 1
                continue
            target.write_text(front_matter_file(article, editorial=self.editorial), encoding="utf-8")
            count += 1
        return count, refused

    def _write_jsonl(self, out, articles):
        if out == "-":
            return self._write_lines(self.stdout, articles)
        with open(out, "w", encoding="utf-8") as stream:
            return self._write_lines(stream, articles)

    def _write_lines(self, stream, articles):
        count = 0
        for article in articles:
            stream.write(json_line(article, editorial=self.editorial) + "\n")
            count += 1
        return count


def _inside(root: Path, name: str) -> Path | None:
    """``root / name`` if it is a file directly in ``root`` once resolved, else None.

    Resolving catches ``..``, absolute names and symbolic links already in the
    folder that point elsewhere.
    """
    try:
        target = (root / name).resolve()
    except (OSError, ValueError):  # a NUL in the name, a link loop
        return None
    return target if target.parent == root and target.name == name else None
