"""Write parsed article files to the database, fast and all-or-nothing per file.

The importer works in chunks of files:

1. read each file and hash its bytes; files whose hash matches an article's
   ``source_hash`` are unchanged and skipped before any YAML is parsed;
2. parse and validate the rest (in worker processes for big runs, so parsing
   the next chunk overlaps with writing this one);
3. write the chunk's valid articles with bulk queries in one transaction.
   Validation happened before, so a write only fails on an unexpected
   database error; then the chunk is retried file by file, each in its own
   transaction, and only the failing file is rejected.

Nothing here knows about management commands or HTTP: the command and the
admin upload call ``import_paths`` / ``import_sources`` and present the result.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.text import slugify

from providers.models import Provider, ProviderAlias
from revisions import content as contents
from revisions.models import Revision
from search import deferred_indexing

from .. import editorial, workflow
from ..bulk import insert_objects, insert_rows
from ..models import Article, Image, ImportRun, Related, TaggedArticle, Topic
from ..signals import announce
from . import house
from .data import ArticleData
from .errors import ArticleFileError
from .frontmatter import MAX_FILE_SIZE, too_large_error
from .parsing import NotAnArticleFile, parse_article, provider_domain_hint, read_file_bytes
from .serialize import related_to_mapping
from .validation import url_host

logger = logging.getLogger(__name__)

ARTICLE_SUFFIXES = (".md", ".markdown", ".yml", ".yaml")
CHUNK_SIZE = 500
# Below this many files to parse, worker processes cost more than they save.
PARALLEL_THRESHOLD = 400
# The main process writes while workers parse; on two cores, two workers keep
# the writer busy (it also spends time waiting on the database).
PARSER_WORKERS = max(2, os.cpu_count() or 1)
# Rejections kept on the ImportRun row; the full list goes to --report.
MAX_STORED_REJECTIONS = 1000
# Created and updated files listed on the run's page.
MAX_STORED_WRITTEN = 200
# Follow-up tasks take the new articles in slices this big (caching pictures).
FOLLOW_UP_SLICE = 500

# Rejections whose YAML was sound, so the file's provider can still be read.
FIELD_ERRORS = {"missing_field", "invalid_type", "invalid_value"}

CREATED, UPDATED, UNCHANGED, REJECTED = "created", "updated", "unchanged", "rejected"
# Not a regular file (a symbolic link, a pipe, a device...): listed with why, never read.
SKIPPED = "skipped"
# Why a file that differs from its article still left it unchanged.
KILLED = "killed: a killed article is frozen, a re-import changes nothing"

# Article columns a re-import refreshes. Editorial state (status, schedule,
# embargo) is deliberately absent: the file decides it only at creation.
CONTENT_FIELDS = [
    "title",
    "excerpt",
    "body",
    "category",
    "type",
    "published_at",
    "original_url",
    "amp_url",
    "cdn_amp_url",
    "quality",
    "heat",
    "provider",
    "secured",
    "extra",
    "provider_extra",
    "source_hash",
    "source_authors",
]


@dataclass(frozen=True)
class Source:
    """One file to import: where it came from and its bytes.

    ``data`` is None when the file is too large, or when it was not read at
    all: then ``skipped`` says why (not a regular file, a symbolic link...).
    """

    path: str
    data: bytes | None
    digest: str = ""
    skipped: str = ""

    @classmethod
    def read(cls, path):
        """Read a regular file; anything else becomes a skipped source, never read.

        Symbolic links are never followed (``O_NOFOLLOW``): a link may point
        out of the import folder, at a device (``/dev/zero``) or at a system
        file. FIFOs are opened non-blocking so that checking one cannot hang
        the run, then refused like devices and sockets by ``fstat``, which
        describes the very file opened (no race with a check by name).
        """
        path = str(path)
        try:
            data = read_file_bytes(path)
        except NotAnArticleFile as error:
            return cls(path, None, skipped=str(error))
        except ArticleFileError as error:
            if error.kind != "too_large":
                raise
            return cls(path, None)
        except OSError as error:
            return cls(path, None, skipped=f"cannot be opened ({error.strerror or error})")
        return cls.from_bytes(path, data)

    @classmethod
    def from_bytes(cls, path, data):
        if len(data) > MAX_FILE_SIZE:
            return cls(path, None)
        return cls(path, data, hashlib.sha256(data).hexdigest())


@dataclass(frozen=True)
class FileOutcome:
    path: str
    outcome: str
    article_id: int | None = None
    error: ArticleFileError | None = None
    # Why a skipped entry was not read, or why an outcome is not what the file alone suggests.
    reason: str = ""

    def as_dict(self):
        entry = {"path": self.path, "outcome": self.outcome}
        if self.error is not None:
            entry.update(self.error.as_dict())
        elif self.outcome == SKIPPED:
            entry["reason"] = self.reason
        else:
            entry["article_id"] = self.article_id
        if self.reason:
            entry["reason"] = self.reason
        return entry

    def __str__(self):
        return f"{self.path}: {self.outcome}" + (f" ({self.reason})" if self.reason else "")


@dataclass
class ImportResult:
    seen: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    # Entries that were not files to read; not in ``seen``.
    skipped: int = 0
    # Of ``unchanged``: files of killed articles, which no re-import changes.
    killed: int = 0
    seconds: float = 0.0
    dry_run: bool = False
    # The ImportRun row this import recorded (None for a dry run).
    run_id: int | None = None
    rejections: list[ArticleFileError] = field(default_factory=list)
    # Steps after the per-file writes that failed (linking, recording the run,
    # queueing follow-ups): the files were imported, but the run did not end cleanly.
    errors: list[str] = field(default_factory=list)
    # Follow-up work handed to the background workers ("grouping stories", ...).
    queued: list[str] = field(default_factory=list)
    # The first created and updated files, for the run's page.
    written: list[FileOutcome] = field(default_factory=list)

    @property
    def files_per_second(self):
        return self.seen / self.seconds if self.seconds else 0.0

    def count(self, outcome: FileOutcome):
        if outcome.outcome == SKIPPED:
            self.skipped += 1
            return
        self.seen += 1
        setattr(self, outcome.outcome, getattr(self, outcome.outcome) + 1)
        if outcome.reason == KILLED:
            self.killed += 1
        if outcome.error is not None:
            self.rejections.append(outcome.error)

    @property
    def ok(self):
        """Every file imported and every step after the writes done."""
        return not (self.rejected or self.errors)

    def summary(self):
        verb = "would be " if self.dry_run else ""
        failed = f"; {len(self.errors)} step(s) after the writes failed" if self.errors else ""
        return (
            f"{self.seen} files: {verb}{self.created} created, {verb}{self.updated} updated, "
            f"{self.unchanged} unchanged{self._killed_note()}, {self.rejected} rejected "
            f"in {self.seconds:.2f}s ({self.files_per_second:.0f} files/s)"
            + (f"; {self.skipped} skipped (not regular files)" if self.skipped else "")
            + failed
        )


    def _killed_note(self):
        if not self.killed:
            return ""
        return f" ({self.killed} of them killed: left as {'it is' if self.killed == 1 else 'they are'})"


def find_article_files(paths: Iterable[str | Path]) -> Iterator[str]:
    """Entries to import under ``paths`` (files as given, directories recursively, sorted).

    Inside a directory, entries named like article files are yielded whatever
    they are (``Source.read`` reads only regular files and says why it skips
    the rest), and so are links to directories, which are not followed. A
    directory named in ``paths`` is walked even when it is itself a link: the
    operator chose it.
    """
    for path in paths:
        path = Path(path)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs.sort()
                for name in list(dirs):
                    if os.path.islink(os.path.join(root, name)) and not name.startswith("."):
                        # os.walk does not descend into it; say so rather than skip it silently.
                        yield os.path.join(root, name)
                for name in sorted(files):
                    if name.lower().endswith(ARTICLE_SUFFIXES) and not name.startswith("."):
                        yield os.path.join(root, name)
        else:
            yield str(path)


def read_sources(entries: Iterable[str]) -> Iterator[Source]:
    """``Source`` objects for the entries ``find_article_files`` found."""
    return (Source.read(entry) for entry in entries)


def import_paths(paths, **options) -> ImportResult:
    """Import every article file under ``paths``; see ``import_sources``."""
    return import_sources(read_sources(find_article_files(paths)), **options)


def import_sources(
    sources: Iterable[Source],
    *,
    dry_run: bool = False,
    user=None,
    origin: str = "command",
    label: str = "",
    only_provider: Provider | int | None = None,
    on_file: Callable[[FileOutcome], None] | None = None,
    chunk_size: int = CHUNK_SIZE,
    parallel: bool | None = None,
    run: ImportRun | None = None,
) -> ImportResult:
    """Import files, each all-or-nothing; one bad file never stops the rest.

    ``on_file`` is called once per file with its outcome (for progress bars
    and reports), so nothing per file needs to be kept in memory here.
    ``label`` names who ran it beyond ``user`` (an API token's name).
    ``only_provider`` restricts the import to that provider's articles: a file
    naming another provider (or none, a house file), or whose webUrl is another
    provider's article, is rejected at ``provider``; one whose webUrl's host is
    not the provider's domain (an alias's, or a subdomain of either) is rejected
    at ``webUrl``; both before anything is written and again with the rows locked.
    ``run`` is a queued run to carry out (``articles.importing.queue``); its
    counters are saved after every chunk, so its page shows progress.
    """
    started = time.monotonic()
    if isinstance(only_provider, int):
        # A queued import carries the provider as its id.
        only_provider = Provider.objects.get(pk=only_provider)
    result = ImportResult(dry_run=dry_run)
    if run is None:
        run = ImportRun(source=origin, user=user, label=label[: ImportRun.LABEL_LENGTH])
        if not dry_run:
            # Saved first, so the revisions this run writes can name it.
            run.save()
    result.run_id = run.pk
    importer = _ChunkImporter(
        dry_run=dry_run, parallel=parallel, user=user, run=run, only_provider=only_provider
    )
    try:
        for outcome in importer.run(_chunks(sources, chunk_size)):
            result.count(outcome)
            if outcome.outcome in (CREATED, UPDATED):
                importer.written_ids.append(outcome.article_id)
                if len(result.written) < MAX_STORED_WRITTEN:
                    result.written.append(outcome)
            if on_file is not None:
                on_file(outcome)
            if not dry_run and (result.seen + result.skipped) % chunk_size == 0:
                # A chunk's outcomes arrive together, after its write: one update per chunk.
                _save_progress(run, result)
        # Parsing is over: let the workers' memory go before the finishing queries.
        importer.close()
        # The files are written and committed: a failing step after them is
        # reported, never allowed to turn the run into a crash.
        result.errors.extend(importer.finish(result.queued))
    finally:
        importer.close()
    result.seconds = time.monotonic() - started
    if not dry_run:
        _step(result.errors, "recording the run", _record_run, run, result)
    return result


def _step(errors, name, function, *args):
    """Run one step after the writes; on any failure, log it and add a line to ``errors``."""
    try:
        function(*args)
    except Exception as error:  # whatever it is, the imported files stay imported
        logger.exception("import: %s failed", name)
        errors.append(f"{name} failed: {error.__class__.__name__}: {error}")


COUNTERS = ("seen", "created", "updated", "unchanged", "rejected")


def _save_progress(run, result):
    """The counters and rejections so far, on the run's row (its page reads them)."""
    rejections = [e.as_dict() for e in result.rejections[:MAX_STORED_REJECTIONS]]
    ImportRun.objects.filter(pk=run.pk).update(
        **{name: getattr(result, name) for name in COUNTERS}, rejections=rejections
    )


def _record_run(run, result):
    run.finished_at = timezone.now()
    run.state = ImportRun.State.DONE
    for name in COUNTERS:
        setattr(run, name, getattr(result, name))
    run.rejections = [e.as_dict() for e in result.rejections[:MAX_STORED_REJECTIONS]] + [
        {"path": "", "kind": "step_failed", "field": "", "message": message}
        for message in result.errors
    ]
    run.written = [
        {"path": f.path, "outcome": f.outcome, "article_id": f.article_id} for f in result.written
    ]
    run.save()


def _chunks(iterable, size):
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _parse(source: Source):
    """Parse one file; runs in a worker process for large imports."""
    try:
        return parse_article(source.data, source.path)
    except ArticleFileError as error:
        return error


class _ChunkImporter:
    """Holds the worker pool and the state that spans chunks."""

    def __init__(self, *, dry_run, parallel, user=None, run=None, only_provider=None):
        self.dry_run = dry_run
        self.only_provider = only_provider
        self._allowed_domains = None
        self.parallel = parallel
        self.user = user
        self.run_id = run.pk if run is not None else None
        self.pool = None
        # webUrls created in this run, resolved against older Related rows at the end.
        self.new_urls: list[str] = []
        # Articles created or updated: their pictures are cached afterwards.
        self.written_ids: list[int] = []

    def close(self):
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
            self.pool = None

    def run(self, chunks: Iterable[list[Source]]) -> Iterator[FileOutcome]:
        """Outcomes of every file, in order.

        The next chunk is handed to the parser workers before this chunk is
        written, so on a multi-core machine parsing and writing overlap.
        """
        pending = None
        for chunk in chunks:
            prepared = self._prepare(chunk)
            if pending is not None:
                yield from self._complete(*pending)
            pending = prepared
        if pending is not None:
            yield from self._complete(*pending)

    def _prepare(self, chunk):
        """Sort out unchanged and oversized files; start parsing the rest."""
        outcomes: dict[int, FileOutcome] = {}
        same_bytes = Article.objects.filter(source_hash__in={s.digest for s in chunk if s.digest})
        if self.only_provider is not None:
            # Another provider's identical file is parsed, then refused, never "unchanged".
            same_bytes = same_bytes.filter(provider=self.only_provider)
        known = set(same_bytes.values_list("source_hash", flat=True))
        to_parse = []
        for index, source in enumerate(chunk):
            if source.skipped:
                outcomes[index] = FileOutcome(source.path, SKIPPED, reason=source.skipped)
            elif source.data is None:
                error = too_large_error(source.path)
                outcomes[index] = FileOutcome(source.path, REJECTED, error=error)
            elif source.digest in known:
                outcomes[index] = FileOutcome(source.path, UNCHANGED)
            else:
                to_parse.append(index)
        return chunk, outcomes, to_parse, self._parse_all([chunk[i] for i in to_parse])

    def _parse_all(self, sources):
        """Parsed articles (or errors) for ``sources``: an iterator, maybe still being computed."""
        use_pool = (
            self.parallel if self.parallel is not None else len(sources) >= PARALLEL_THRESHOLD
        )
        if not use_pool:
            return map(_parse, sources)
        if self.pool is None:
            self.pool = ProcessPoolExecutor(max_workers=PARSER_WORKERS)
        return self.pool.map(_parse, sources, chunksize=25)

    def _complete(self, chunk, outcomes, to_parse, parsed_values):
        parsed = []
        for index, value in zip(to_parse, parsed_values, strict=True):
            if isinstance(value, ArticleFileError):
                if value.kind in FIELD_ERRORS:
                    value.provider_domain = provider_domain_hint(chunk[index].data)
                outcomes[index] = FileOutcome(chunk[index].path, REJECTED, error=value)
            else:
                parsed.append((index, chunk[index], value))
        if self.only_provider is not None:
            parsed = self._refuse_other_providers(parsed, outcomes)

        # House files (a slug, no webUrl): few, each written on its own (importing/house.py).
        for index, source, data in [item for item in parsed if item[2].is_house]:
            outcomes[index] = self._write_house(source, data)
        parsed = [item for item in parsed if not item[2].is_house]

        # Two files of one chunk with the same webUrl: write them in file order,
        # in separate batches, so the later file wins as it would one by one.
        while parsed:
            batch, seen_urls, rest = [], set(), []
            for item in parsed:
                (rest if item[2].web_url in seen_urls else batch).append(item)
                seen_urls.add(item[2].web_url)
            for index, outcome in self._write(batch):
                outcomes[index] = outcome
            parsed = rest
        return [outcomes[i] for i in range(len(chunk))]

    def _refuse_other_providers(self, parsed, outcomes):
        """Reject (in ``outcomes``) the files ``only_provider`` may not write; return the rest."""
        provider = self.only_provider
        if self._allowed_domains is None:
            self._allowed_domains = _domains_of(provider)
        owners = dict(
            Article.objects.filter(
                web_url__in=[data.web_url for _, _, data in parsed if not data.is_house]
            ).values_list("web_url", "provider_id")
        )
        allowed = []
        for index, source, data in parsed:
            field = "provider"
            if data.is_house:
                problem = f"a house file has no provider; this import may only write {provider.domain}'s articles"
            elif data.provider.domain not in self._allowed_domains:
                problem = (
                    f"provider {data.provider.domain!r} is not allowed here; "
                    f"this import may only write {provider.domain}'s articles"
                )
            elif problem := _off_domain(data, provider, self._allowed_domains):
                field = "webUrl"
            elif data.web_url in owners and owners[data.web_url] != provider.pk:
                # The owner is not named: the token holder learns nothing about it.
                problem = (
                    f"webUrl {data.web_url!r} is an article of another provider; "
                    f"this import may only write {provider.domain}'s articles"
                )
            else:
                allowed.append((index, source, data))
                continue
            error = ArticleFileError("invalid_value", problem, field=field, path=source.path)
            error.provider_domain = None if data.is_house else data.provider.domain
            outcomes[index] = FileOutcome(source.path, REJECTED, error=error)
        return allowed

    def _write(self, batch):
        if self.dry_run:
            return self._predict(batch)
        # Bulk writes send no model signals: _announced says what changed, on commit.
        try:
            with transaction.atomic():
                return _announced(_write_articles(
                    batch, self.new_urls, self.user, self.run_id, self.only_provider
                ))
        except DatabaseError:
            # Unexpected: retry one by one so only the offending file is rejected.
            pass
        results = []
        for item in batch:
            try:
                with transaction.atomic():
                    results.extend(_announced(_write_articles(
                        [item], self.new_urls, self.user, self.run_id, self.only_provider
                    )))
            except DatabaseError as exc:
                error = ArticleFileError(
                    "invalid_value", f"the database refused the article: {exc}", path=item[1].path
                )
                results.append((item[0], FileOutcome(item[1].path, REJECTED, error=error)))
        return results

    def _write_house(self, source, data):
        try:
            outcome, article = house.outcome_for(
                data, source.path, user=self.user, run_id=self.run_id, dry_run=self.dry_run
            )
        except ArticleFileError as error:
            return FileOutcome(source.path, REJECTED, error=error)
        if article is not None and not self.dry_run:
            # Its images and bylines are bulk-created, without model signals.
            announce(Article, articles=[article.pk], lists=True)
        return FileOutcome(source.path, outcome, article_id=article.pk if article is not None else None)

    def _predict(self, batch):
        existing = dict(
            Article.objects.filter(web_url__in=[a.web_url for _, _, a in batch]).values_list(
                "web_url", "status"
            )
        )
        outcomes = []
        for index, source, a in batch:
            if a.web_url not in existing:
                outcome = FileOutcome(source.path, CREATED)
            elif existing[a.web_url] == Article.Status.KILLED:
                outcome = FileOutcome(source.path, UNCHANGED, reason=KILLED)
            else:
                outcome = FileOutcome(source.path, UPDATED)
            outcomes.append((index, outcome))
        return outcomes

    def finish(self, queued):
        """Link related items to this run's new articles; queue the slower follow-ups.

        Linking stays here: one indexed UPDATE per 500 new URLs, and a page that
        shows a related item should link it as soon as both articles exist.
        Grouping the new articles into stories and caching the pictures of the
        written ones are tasks a worker runs (``stories.tasks``,
        ``articles.tasks``), so they do not slow the import; the name of each
        queued step is added to ``queued``.

        Returns a message per step that failed; each step runs whatever the
        others did.
        """
        errors = []
        if self.dry_run:
            return errors
        if self.new_urls:
            _step(errors, "linking related items", self._resolve_related)
            _step(errors, "queueing story grouping", self._queue_grouping, queued)
            _step(errors, "announcing the import", announce_lists)
        if self.written_ids:
            _step(errors, "queueing picture caching", self._queue_pictures, queued)
        return errors

    def _queue_grouping(self, queued):
        # Imported here: the tasks modules import the importer for their own tasks.
        from stories.tasks import group_new_articles

        group_new_articles.enqueue(self.new_urls)
        queued.append("grouping stories")

    def _queue_pictures(self, queued):
        from ..tasks import cache_article_pictures

        if not cache_article_pictures_enabled():
            return
        for ids in _chunks(self.written_ids, FOLLOW_UP_SLICE):
            cache_article_pictures.enqueue(ids)
        queued.append("caching pictures")

    def _resolve_related(self):
        for urls in _chunks(self.new_urls, 500):
            resolve_related(urls)


def cache_article_pictures_enabled():
    return getattr(settings, "IMPORT_CACHE_IMAGES", True)


def resolve_related(web_urls):
    """Point unresolved related items whose webUrl is in ``web_urls`` at our articles."""
    unresolved = Related.objects.filter(target__isnull=True, web_url__in=web_urls)
    linking = set(unresolved.values_list("article_id", flat=True))
    unresolved.update(
        target=Subquery(Article.objects.filter(web_url=OuterRef("web_url")).values("pk")[:1])
    )
    announce(Related, articles=linking)


def announce_lists():
    """Announce that an import changed the site-wide lists (its articles were announced per batch)."""
    announce(Article, lists=True)


def _announced(results):
    """Announce the articles a bulk write created or updated (on commit); return ``results``.

    New articles had no page of their own to refresh (``created``); an update
    that left an article off the site (its file now says so) is ``withdrawn``,
    as the workflow's steps are, so no reader is served a copy from before it.
    """
    created = [o.article_id for _, o in results if o.outcome == CREATED]
    updated = [o.article_id for _, o in results if o.outcome == UPDATED]
    withdrawn = bool(updated) and Article.objects.filter(pk__in=updated).live().count() != len(set(updated))
    announce(Article, articles=created + updated, created=created, lists=True, withdrawn=withdrawn)
    return results


def _write_articles(batch, new_urls, user=None, run_id=None, only_provider=None):
    """Create or update the articles of ``batch`` with bulk queries; returns outcomes.

    Runs inside the caller's transaction. The search index is brought up to
    date once for the whole batch rather than by a trigger per row.
    """
    refused = []
    if only_provider is not None:
        batch, refused = _refuse_foreign(batch, only_provider)
    with deferred_indexing() as reindex:
        outcomes, frozen = _write_batch(batch, new_urls, user, run_id) if batch else ([], [])
        reindex.update(article.pk for *_, article, _ in outcomes)
    return [
        (index, FileOutcome(source.path, outcome, article.pk))
        for index, source, outcome, article, _ in outcomes
    ] + [
        (index, FileOutcome(source.path, UNCHANGED, article.pk, reason=KILLED))
        for index, source, article in frozen
    ] + refused


def _domains_of(provider) -> set[str]:
    """The domains ``provider`` imports as: its own and those merged into it (aliases)."""
    return {provider.domain} | set(
        ProviderAlias.objects.filter(provider=provider).values_list("domain", flat=True)
    )


def _off_domain(data, provider, domains) -> str | None:
    """Why ``data``'s webUrl is not ``provider``'s address, or None if it is.

    It is when its host is one of ``domains`` (``_domains_of``) or a subdomain
    of one: ``www.alpha.example`` for ``alpha.example``, never ``notalpha.example``.
    Otherwise a bound token could create an article at another outlet's address
    and that outlet's own file would later be refused as "another provider's".
    The message names only the bound provider's domain, not even the webUrl's.
    """
    host = url_host(data.web_url)
    if any(host == domain or host.endswith("." + domain) for domain in domains):
        return None
    return (
        f"webUrl must be at {provider.domain} or a subdomain of it; "
        f"this token may only write articles at {provider.domain}"
    )


def _refuse_foreign(batch, provider):
    """Split ``batch`` into files ``provider`` may write and rejections for the others.

    The importer checked the webUrl's host and ownership before writing; this
    repeats both with the rows locked, so an article another import created
    meanwhile is not taken over either.
    """
    domains = _domains_of(provider)
    owners = dict(
        Article.objects.select_for_update()
        .filter(web_url__in=[data.web_url for _, _, data in batch])
        .values_list("web_url", "provider_id")
    )
    allowed, refused = [], []
    for index, source, data in batch:
        field = "provider"
        if problem := _off_domain(data, provider, domains):
            field = "webUrl"
        elif data.web_url in owners and owners[data.web_url] != provider.pk:
            problem = (
                f"webUrl {data.web_url!r} is an article of another provider; "
                f"this import may only write {provider.domain}'s articles"
            )
        else:
            allowed.append((index, source, data))
            continue
        error = ArticleFileError("invalid_value", problem, field=field, path=source.path)
        error.provider_domain = data.provider.domain
        refused.append((index, FileOutcome(source.path, REJECTED, error=error)))
    return allowed, refused


def _write_batch(batch, new_urls, user, run_id=None):
    """Write ``batch``; returns ``(outcomes, frozen)``, the latter the files of killed articles.

    A killed article is frozen: its file changes nothing, not even its topics
    or provider. The rows are locked as they are read, so a kill that commits
    meanwhile is either seen here or finds the article changed (and is retried).

    An article the desk has touched (an editor's value, a pending version, or
    a provider whose changes are reviewed) takes the file's changes field by
    field (``articles.editorial.merge_import``); all others are written as the
    file says. Every written article gets a revision, in one query.
    """
    existing = {
        a.web_url: a
        for a in Article.objects.select_for_update().filter(web_url__in=[a.web_url for _, _, a in batch])
    }
    frozen = [
        (index, source, existing[data.web_url]) for index, source, data in batch
        if data.web_url in existing and existing[data.web_url].status == Article.Status.KILLED
    ]
    if frozen:
        skipped = {index for index, _, _ in frozen}
        batch = [item for item in batch if item[0] not in skipped]
    articles_data = [a for _, _, a in batch]
    providers = _providers_for(articles_data)
    topics = _topics_for(articles_data)

    to_create, to_update, outcomes = [], [], []
    # Editorially touched articles: web_url -> their live content before the file.
    curated = {}
    touched_live = set()
    now = timezone.now()
    for index, source, data in batch:
        article = existing.get(data.web_url)
        provider = providers[data.provider.domain]
        if article is not None and editorial.takes_source_by_field(article, provider):
            curated[data.web_url] = editorial.live_content(article)
        elif article is not None and article.status == Article.Status.PUBLISHED and (
            article.title, article.excerpt, article.body, article.category
        ) != (data.title, data.excerpt, data.body, data.category):
            touched_live.add(data.web_url)
        if article is None:
            article = Article(
                web_url=data.web_url,
                slug=Article.slug_for(data.title, data.web_url),
                status=workflow.imported_status(data.published),
            )
            to_create.append(article)
            outcome = CREATED
        else:
            workflow.reimported(article)
            to_update.append(article)
            outcome = UPDATED
        _fill(article, data, provider, source.digest)
        if data.web_url in touched_live and article.is_live(now):
            # Readers see "Updated" when a live article's text changes.
            article.modified_at = now
        outcomes.append((index, source, outcome, article, data))

    if to_create:
        insert_objects(Article, to_create)
        created_ids = dict(
            Article.objects.filter(web_url__in=[a.web_url for a in to_create]).values_list(
                "web_url", "pk"
            )
        )
        for article in to_create:
            article.pk = created_ids[article.web_url]
            article._state.adding = False
        new_urls.extend(a.web_url for a in to_create)
        # The file sets a new article's first state; the audit trail says so.
        workflow.record_import(to_create, user=user, created=True)
    merged = {}
    for *_, article, data in outcomes:
        if data.web_url in curated:
            merged[data.web_url] = editorial.merge_import(
                article, curated[data.web_url], contents.from_file(data), provider=article.provider,
            )
    if to_update:
        Article.objects.bulk_update(to_update, CONTENT_FIELDS + ["version", "updated_at", "modified_at"])
        workflow.record_import(to_update, user=user, created=False)
        for article in (a for a in to_update if a.web_url in merged):
            Article.objects.filter(pk=article.pk).update(
                source_values=article.source_values, source_changed=article.source_changed
            )
        updated_ids = [a.pk for a in to_update]
        kept_copies = _cached_copies(updated_ids)
        Image.objects.filter(article_id__in=updated_ids).delete()
        Related.objects.filter(article_id__in=updated_ids).delete()
        TaggedArticle.objects.filter(content_object_id__in=updated_ids).delete()

    _write_children(outcomes, topics, kept_copies if to_update else {}, merged)
    _record_revisions(outcomes, merged, user, run_id, now)
    return outcomes, frozen


def _record_revisions(outcomes, merged, user, run_id, now):
    """One revision per written article, in one query; a held source change adds its pending one.

    Rows as tuples, not model instances: building 500 models per chunk cost as
    much as inserting them.
    """
    user_id = user.pk if user is not None else None
    rows, pending = [], []
    for _, source, _, article, data in outcomes:
        merge = merged.get(data.web_url)
        content = merge.live if merge is not None else contents.from_file(data)
        file, digest = source.path[:1000], source.digest or ""
        rows.append((
            article.pk, now, Revision.Origin.IMPORT, user_id, run_id, file, digest,
            merge.message if merge is not None else "", content, article.is_live(now),
        ))
        if merge is not None and merge.new_pending is not None:
            pending.append((article, Revision(
                article_id=article.pk, origin=Revision.Origin.IMPORT, user_id=user_id,
                import_run_id=run_id, file=file, content_hash=digest, content=merge.new_pending,
                created_at=now, message=merge.pending_message,
            )))
    insert_rows(Revision, REVISION_COLUMNS, rows)
    for article, revision in pending:
        revision.save()
        Article.objects.filter(pk=article.pk).update(pending_revision=revision)
        article.pending_revision = revision


REVISION_COLUMNS = [
    "article", "created_at", "origin", "user", "import_run", "file", "content_hash", "message",
    "content", "was_live",
]


def _fill(article, data: ArticleData, provider, digest):
    article.title = data.title
    article.excerpt = data.excerpt
    article.body = data.body
    article.category = data.category
    article.type = data.type
    article.published_at = data.published_at
    article.original_url = data.original_url
    article.amp_url = data.amp_url
    article.cdn_amp_url = data.cdn_amp_url
    article.quality = data.quality
    article.heat = data.heat
    article.provider = provider
    article.secured = data.secured
    article.extra = data.extra
    article.provider_extra = data.provider.extra
    article.source_authors = list(data.authors)
    article.source_hash = digest
    article.updated_at = timezone.now()


def _cached_copies(article_ids):
    """Our stored copies of these articles' images, by (article id, image URL).

    A changed file re-inserts its images; an image whose URL is still there
    keeps the copy (and real dimensions) ``cache_images`` made, instead of
    being downloaded again.
    """
    return {
        (row["article_id"], row["url"]): row
        for row in Image.objects.filter(article_id__in=article_ids, file__isnull=False).values(
            "article_id", "url", "file", "renditions", "cached_at", "width", "height"
        )
    }


def _write_children(outcomes, topics, kept_copies, merged=None):
    """Insert the images, related items and topic links of freshly written articles.

    For an article whose file was merged field by field (``merged``), its
    pictures and topics are the merged live ones, not necessarily the file's.
    """
    merged = merged or {}
    images, related, tagged = [], [], []
    target_ids = dict(
        Article.objects.filter(
            web_url__in={r.web_url for *_, data in outcomes for r in data.related}
        ).values_list("web_url", "pk")
    )
    for _, _, _, article, data in outcomes:
        merge = merged.get(data.web_url)
        for position, image in enumerate(merge.images(data) if merge is not None else data.images):
            copy = kept_copies.get((article.pk, image.url))
            images.append(
                (
                    article.pk,
                    position,
                    image.url,
                    copy["width"] if copy else image.width,
                    copy["height"] if copy else image.height,
                    image.is_cached,
                    image.title,
                    image.attribution,
                    image.extra,
                    copy and copy["file"],
                    copy and copy["renditions"],
                    copy and copy["cached_at"],
                )
            )
        related.extend(
            (
                article.pk,
                position,
                item.title,
                item.web_url,
                item.excerpt,
                item.published_at,
                item.provider.name if item.provider else None,
                item.provider.domain if item.provider else None,
                related_to_mapping(item),
                target_ids.get(item.web_url),
            )
            for position, item in enumerate(data.related)
        )
        names = merge.live["topics"] if merge is not None else data.topics
        missing = [name for name in names if Topic.key_for(name) not in topics]
        if missing:
            # An editor's topics the file does not name: they exist already.
            topics.update(
                (topic.key, topic)
                for topic in Topic.objects.filter(key__in=[Topic.key_for(name) for name in missing])
            )
        tagged.extend(
            (article.pk, topics[Topic.key_for(name)].pk) for name in names if Topic.key_for(name) in topics
        )
    insert_rows(Image, IMAGE_COLUMNS, images)
    insert_rows(Related, RELATED_COLUMNS, related)
    insert_rows(TaggedArticle, ["content_object", "tag"], tagged)


IMAGE_COLUMNS = [
    "article",
    "position",
    "url",
    "width",
    "height",
    "is_cached",
    "title",
    "attribution",
    "extra",
    "file",
    "renditions",
    "cached_at",
]
RELATED_COLUMNS = [
    "article",
    "position",
    "title",
    "web_url",
    "excerpt",
    "published_at",
    "provider_name",
    "provider_domain",
    "data",
    "target",
]


def _providers_for(articles_data) -> dict[str, Provider]:
    """Providers by domain, creating missing ones with the first-seen name."""
    wanted = {}
    for data in articles_data:
        wanted.setdefault(data.provider.domain, data.provider.name)
    found = {p.domain: p for p in Provider.objects.filter(domain__in=wanted)}
    unknown = [d for d in wanted if d not in found]
    if unknown:
        # Domains merged into another provider import as that provider.
        aliases = ProviderAlias.objects.filter(domain__in=unknown).select_related("provider")
        found.update((alias.domain, alias.provider) for alias in aliases)
    missing = [d for d in wanted if d not in found]
    if missing:
        slugs = _unique_slugs(Provider, {d: Provider.slug_for_domain(d) for d in missing})
        created = Provider.objects.bulk_create(
            Provider(name=wanted[d], domain=d, slug=slugs[d]) for d in missing
        )
        found.update((p.domain, p) for p in created)
    return found


def _topics_for(articles_data) -> dict[str, Topic]:
    """Topics by case-folded key, creating missing ones with the first-seen spelling."""
    wanted = {}
    for data in articles_data:
        for name in data.topics:
            wanted.setdefault(Topic.key_for(name), name)
    found = {t.key: t for t in Topic.objects.filter(key__in=wanted)}
    missing = [k for k in wanted if k not in found]
    if missing:
        slugs = _unique_slugs(
            Topic, {k: slugify(wanted[k], allow_unicode=True)[:90] or "topic" for k in missing}
        )
        created = Topic.objects.bulk_create(
            Topic(name=wanted[k], key=k, slug=slugs[k]) for k in missing
        )
        found.update((t.key, t) for t in created)
    return found


def _unique_slugs(model, proposed: dict) -> dict:
    """Make proposed slugs unique against the table and each other (``x``, ``x-2``...)."""
    taken = set(
        model.objects.filter(slug__in=set(proposed.values())).values_list("slug", flat=True)
    )
    result = {}
    for key, base in proposed.items():
        slug, n = base, 1
        # Collisions are rare (new providers and topics only), so a query each is fine.
        while slug in taken or (n > 1 and model.objects.filter(slug=slug).exists()):
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug)
        result[key] = slug
    return result
