"""Export every article: ``manage.py export_articles OUT [--format md|jsonl]``.

``md`` writes one front-matter file per article into the folder OUT;
``jsonl`` writes one JSON object per line to the file OUT, or stdout for ``-``.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.exporting import articles_for_export, export_filename, front_matter_file, json_line


class Command(BaseCommand):
    help = "Write every article back in the import format (or as JSON lines)."

    def add_arguments(self, parser):
        parser.add_argument("out", metavar="OUT", help="A folder (md), or a file or - (jsonl).")
        parser.add_argument("--format", choices=["md", "jsonl"], default="md")

    def handle(self, out, format, verbosity, **options):
        articles = articles_for_export().iterator(chunk_size=500)
        if format == "jsonl":
            count = self._write_jsonl(out, articles)
        else:
            count = self._write_files(Path(out), articles)
        if verbosity >= 1 and out != "-":
            self.stdout.write(self.style.SUCCESS(f"Exported {count} articles to {out}"))

    def _write_files(self, folder, articles):
        if folder.exists() and not folder.is_dir():
            raise CommandError(f"{folder} exists and is not a folder", returncode=2)
        folder.mkdir(parents=True, exist_ok=True)
        count = 0
        for article in articles:
            (folder / export_filename(article)).write_text(front_matter_file(article), encoding="utf-8")
            count += 1
        return count

    def _write_jsonl(self, out, articles):
        if out == "-":
            return self._write_lines(self.stdout, articles)
        with open(out, "w", encoding="utf-8") as stream:
            return self._write_lines(stream, articles)

    @staticmethod
    def _write_lines(stream, articles):
        count = 0
        for article in articles:
            stream.write(json_line(article) + "\n")
            count += 1
        return count
