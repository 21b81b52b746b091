"""Generate a realistic, deterministic corpus of article files.

Tests and benchmarks need many article files that look like the desk's real
feed and that the importer accepts: ``write_corpus(out, count, seed=...)``
writes ``count`` of them, and ``article_file(seed, index)`` returns one file's
name and text. Pure Python (no Django), like the rest of this package, whose
rules every generated file follows.

What a corpus holds: about 200 providers (the 16 outlets of ``fixtures/`` and
invented ones), about 400 topics, eight categories, titles in English and (one
in nine) in French, German, Spanish, Portuguese, Japanese, Chinese, Korean or
Arabic, dates from 2019 to 2023 written with ``Z``, with an offset or without
one, 0 to 4 images (most with sizes, some with a caption or a credit),
Markdown bodies on about half, unknown keys now and then, and provider and
topic spellings that the importer has to map together.

Articles come in stories: runs of consecutive files about the same event
(the same company, place and thing, published within three days). Related
items point mostly at other articles of the same story, sometimes at any
other generated article, and otherwise at coverage outside the corpus, so a
corpus exercises the importer's related-item links.

Deterministic: file ``index`` depends only on ``seed``, ``count`` and
``index``, never on how many processes write the files or in which order, so
the same seed and count give byte-identical files under the same names.

YAML is written as text, not through ``yaml.dump`` (which is most of the cost
of a file): every string is a JSON string, which is also a valid YAML
double-quoted scalar, so no text can read back as another type.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import itertools
import os
import random
import re
import time
from base64 import b64encode
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from json.encoder import encode_basestring
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path

# Bump when what a seed produces changes: benchmark caches are keyed on it.
VERSION = 1

# Article numbers in URLs are seed * ID_SPAN + index, so corpora made with
# different seeds never share a webUrl (and never update each other's articles).
ID_SPAN = 100_000_000
MAX_COUNT = ID_SPAN
CHUNK = 1000  # files per task handed to a worker process
_NOT_SLUG = re.compile("[^a-z0-9]+")


@dataclass(frozen=True)
class CorpusStats:
    """What ``write_corpus`` wrote."""

    files: int
    bytes: int
    seconds: float


class _Weighted:
    """Values drawn with weights: ``rng.choices(values, weights)[0]``, without its set-up per call."""

    def __init__(self, values, weights):
        self.values = values
        self.cumulative = list(itertools.accumulate(weights))

    def pick(self, rng):
        # random.choices' own arithmetic, so the draws are the same.
        cumulative = self.cumulative
        return self.values[bisect.bisect(cumulative, rng.random() * cumulative[-1], 0, len(cumulative) - 1)]


# -- vocabulary (fixed: it does not depend on the seed) -----------------------

# The outlets of the sample articles in fixtures/, so generated and sample
# articles share providers when both are imported.
SAMPLE_PROVIDERS = (
    ("KTLA", "ktla.com"),
    ("Gizmodo", "gizmodo.com"),
    ("The Verge", "theverge.com"),
    ("Ars Technica", "arstechnica.com"),
    ("Reuters", "reuters.com"),
    ("BBC News", "bbc.co.uk"),
    ("TechCrunch", "techcrunch.com"),
    ("WIRED", "wired.com"),
    ("Nature", "nature.com"),
    ("MIT Technology Review", "technologyreview.com"),
    ("Engadget", "engadget.com"),
    ("ZDNet", "zdnet.com"),
    ("Le Monde", "lemonde.fr"),
    ("ITmedia NEWS", "itmedia.co.jp"),
    ("الجزيرة نت", "aljazeera.net"),
    ("36氪", "36kr.com"),
)
# Outlets writing in a language, for titles in that language.
_LANGUAGE_PROVIDERS = {"fr": 12, "ja": 13, "ar": 14, "zh": 15}

_OUTLET_PLACES = (
    "Bay", "Valley", "Harbour", "River", "Mountain", "Prairie", "Lakeshore", "Northside",
    "Eastern", "Westbrook", "Granite", "Cedar", "Redwood", "Tidewater", "Highland",
    "Midland", "Sunbelt", "Ironwood", "Copper", "Silver",
)
_OUTLET_KINDS = (
    "Ledger", "Sentinel", "Dispatch", "Courier", "Examiner", "Gazette", "Telegraph",
    "Register", "Tribune", "Star", "Mercury", "Beacon", "Wire", "Daily", "Briefing",
)
_OUTLET_TLDS = ("com", "com", "com", "news", "net", "org", "co.uk", "de", "fr", "ca", "com.au", "in")


def _build_providers():
    rng = random.Random("providers")
    providers = list(SAMPLE_PROVIDERS)
    for place in _OUTLET_PLACES:
        for kind in rng.sample(_OUTLET_KINDS, 9):
            name = f"The {place} {kind}" if rng.random() < 0.4 else f"{place} {kind}"
            domain = f"{place}{kind}".lower() + "." + rng.choice(_OUTLET_TLDS)
            providers.append((name, domain))
    return tuple(providers)


PROVIDERS = _build_providers()

# How each provider spells its URLs: (path style, AMP style, "www." host?).
_PATH_STYLES = ("dated", "section", "story", "numeric", "html")
_AMP_STYLES = ("slash-amp", "amp-prefix", "query", "none", "none")


def _url_style(provider_index):
    rng = random.Random(f"url-style:{provider_index}")
    return rng.choice(_PATH_STYLES), rng.choice(_AMP_STYLES), rng.random() < 0.4


_FIELDS = (
    "AI", "Machine Learning", "Robotics", "Privacy", "Security", "Ransomware", "Encryption",
    "Cloud Computing", "Open Source", "Databases", "Semiconductors", "Supply Chain",
    "Quantum Computing", "Smartphones", "Wearables", "Gaming", "Streaming", "Social Media",
    "Misinformation", "Advertising", "E-commerce", "Fintech", "Cryptocurrency", "Payments",
    "Antitrust", "Copyright", "Broadband", "5G", "Satellites", "Space", "Astronomy", "Physics",
    "Genomics", "Neuroscience", "Public Health", "Vaccines", "Drug Discovery", "Climate",
    "Energy", "Solar Power", "Wind Power", "Batteries", "Electric Vehicles", "Nuclear Power",
    "Agriculture", "Oceans", "Wildfires", "Earthquakes", "Weather", "Education", "Labour",
    "Startups", "Venture Capital", "Elections", "Courts", "Policing", "Transport", "Aviation",
    "Railways", "Housing", "Accessibility", "Data Centres", "Drones", "Autonomous Vehicles",
    "Facial Recognition", "Biometrics", "Chips", "Browsers", "Messaging", "Search Engines",
    "Maps", "Cameras", "Displays", "Audio", "Smart Homes", "Standards", "Ethics", "Regulation",
)
_ANGLES = ("Policy", "Research", "Industry", "Safety", "Funding", "Europe", "Asia", "Africa",
           "Latin America", "Jobs", "Lawsuits", "Hardware", "Software")


def _build_topics():
    rng = random.Random("topics")
    pairs = [f"{field} {angle}" for field in _FIELDS for angle in _ANGLES]
    return tuple(_FIELDS) + tuple(rng.sample(pairs, 320))


TOPICS = _build_topics()

# Every word the search benchmark queries (bench/bench_search.py) occurs below.
_COMPANIES = (
    "Norvex", "Helixa", "Brightwater Labs", "Corvane", "Tidal Robotics", "Quorra Health",
    "Ashgrove Energy", "Parallel Orbit", "Stonefield Bio", "Kitewing", "Marlow & Finch",
    "Ninefold Cloud", "Oakhurst Chips", "Lattice Mobility", "Glasswing Security", "Verdant Grid",
    "Sundial Pay", "Periscope Data", "Halden Genomics", "Fernlight", "Obsidian Networks",
    "Cobalt Harbor", "Skylark Aerospace", "Wren Audio",
)
_REGULATORS = ("the FTC", "the European Commission", "Ofcom", "the CNIL", "the FCC", "the SEC",
               "the CMA", "Japan’s Fair Trade Commission", "the UK’s ICO", "a state attorney general",
               "Brazil’s ANPD", "Germany’s Bundeskartellamt")
_PLACES = ("California", "Texas", "New York", "London", "Berlin", "Paris", "Tokyo", "Seoul",
           "Nairobi", "São Paulo", "Bengaluru", "Sydney", "Toronto", "Singapore", "Mexico City",
           "Lagos", "Madrid", "Stockholm", "Zürich", "Montréal")
_THINGS = ("chip", "battery", "satellite", "vaccine", "drone", "sensor", "app", "headset", "robot",
           "quantum chip", "data centre", "camera", "browser", "payment system", "telescope",
           "language model", "wind turbine", "router")
_VERBS = ("detect", "predict", "map", "track", "diagnose", "forecast", "monitor", "reduce")
_OBJECTS = ("wildfire smoke", "heart disease", "traffic jams", "methane leaks", "crop failures",
            "ransomware attacks", "power outages", "rare diseases", "floods", "supply chain delays",
            "counterfeit goods", "air pollution")

_TITLES = (
    "{company} unveils a {thing} built for {topic_l}",
    "{Regulator} opens inquiry into {company}’s {thing}",
    "Researchers use {topic_l} to {verb} {object}",
    "Why {topic_l} matters for {object}",
    "{place} lawmakers approve new rules on {topic_l}",
    "{company} raises ${n}M to {verb} {object}",
    "How a tiny {thing} could help {verb} {object}",
    "{company} recalls {n},000 units of its {thing} after safety complaints",
    "{Regulator} fines {company} over {topic_l} practices",
    "Study: {topic_l} tools {verb} {object} with {n}% accuracy",
    "{company}’s new {thing} is faster, cheaper — and harder to repair",
    "Inside {company}’s plan to {verb} {object} in {place}",
    "Q&A: what the new {place} rules on {topic_l} mean for you",
    "“We were not ready”: {place} hospitals on {object}",
    "{company} cuts {n}% of staff as {topic_l} slows",
    "Hands-on with the {company} {thing}",
    "{company} proposes a <{thing}> element for the web & its browsers",
)
# (language, template); slots ending in _xx are words of that language.
_FOREIGN_TITLES = (
    ("fr", "{company} dévoile un nouveau {thing_fr} à {place}"),
    ("fr", "Régulation : {company} promet plus de transparence sur ses {thing_fr}s"),
    ("de", "{company} stellt neuen {thing_de} in {place} vor"),
    ("de", "Datenschutz: Behörde prüft {company} wegen {thing_de}"),
    ("es", "{company} presenta un nuevo {thing_es} en {place}"),
    ("pt", "{company} anuncia investimento de {n} milhões em {place}"),
    ("ja", "{company}、新型{thing_ja}を発表　年内に提供開始へ"),
    ("ja", "{thing_ja}不足が深刻化、{company}が増産へ"),
    ("zh", "{company}发布新一代{thing_zh}，性能提升{n}%"),
    ("ko", "{company}, 차세대 {thing_ko} 공개…성능 {n}% 향상"),
    ("ar", "{company} تكشف عن {thing_ar} جديد في {place}"),
)
_FOREIGN_THINGS = {
    "thing_fr": ("capteur", "robot", "satellite", "vaccin"),
    "thing_de": ("Sensor", "Roboter", "Chip", "Satelliten"),
    "thing_es": ("chip", "robot", "satélite", "sensor"),
    "thing_ja": ("半導体", "ロボット", "センサー", "衛星"),
    "thing_zh": ("芯片", "机器人", "传感器", "卫星"),
    "thing_ko": ("반도체", "로봇", "센서", "위성"),
    "thing_ar": ("قمر صناعي", "روبوت", "مستشعر"),
}
_SENTENCES = (
    "The {thing} will first be available in {place}, the company said, with a wider rollout next year.",
    "Critics say the move raises questions about {topic_l}, while supporters point to faster work on {object}.",
    "A peer-reviewed study found the approach worked in {n} of 100 test cases, though independent experts urged caution.",
    "{Regulator} said it would publish its findings within {n} weeks.",
    "Analysts expect spending on {topic_l} to grow sharply as costs fall.",
    "The project is backed by {company} and a group of universities in {place}.",
    "Early users report mixed results, and some features remain in beta.",
    "Privacy regulators in {place} have asked for details of how the data is stored.",
    "{company} declined to say how many customers were affected.",
    "The company said the {thing} uses open source software that anyone can inspect.",
)
_HEADINGS = ("What happened", "Why it matters", "The details", "What comes next", "Background",
             "What critics say")
_PEOPLE = ("Dana Okafor", "Luis Ferreira", "Mei Tanaka", "Amira Haddad", "Jonas Berg",
           "Priya Raman", "Chloé Martin", "Sam O’Neill")
_ROLES = ("chief executive", "head of research", "a policy analyst", "an industry consultant",
          "a professor of engineering")

_CATEGORIES = _Weighted(
    ("news", "technology", "science", "business", "politics", "health", "world", "lifestyle"),
    (60, 10, 8, 7, 5, 4, 3, 3),
)
_TYPES = _Weighted(("article", "video", "slideshow", "Article"), (85, 8, 5, 2))
_IMAGE_COUNTS = _Weighted((0, 1, 2, 3, 4), (12, 55, 18, 10, 5))
_RELATED_COUNTS = _Weighted((0, 1, 2, 3, 4, 5, 6), (20, 20, 20, 15, 12, 8, 5))
_CAPTIONS = ("File photo", "The device on display", "A demonstration in the lab", "Handout",
             "Illustration", "Screenshot")
_CREDITS = ("Getty Images", "Reuters", "AP Photo", "Courtesy of the company", "Handout")
_OFFSETS = (60, 120, 330, 480, 540, -240, -300, -420, -480)  # minutes east of UTC
_LOCALES = ("en-US", "en-GB", "fr-FR", "de-DE", "es-ES", "pt-BR", "ja-JP", "zh-CN", "ko-KR", "ar")
# Publication instants fall in 2019-01-01 .. 2023-12-31 (seconds since the
# epoch): less than five years, because bench/bench_scale.py copies articles
# k × 5 years earlier and the copies must never share a day with the corpus.
_FIRST_DAY = 1_546_300_800
_STORY_DAYS = 3  # a story runs for up to three days
_SPAN = (5 * 365 - _STORY_DAYS) * 86_400


# -- stories: runs of consecutive articles about one event --------------------

_STORY_SIZES = _Weighted((1, 2, 3, 4, 6, 8, 12), (40, 20, 14, 10, 8, 5, 3))


@functools.lru_cache(maxsize=4)
def _story_starts(seed, count):
    """First index of each story, drawn in order so index i's story never depends on count."""
    rng = random.Random(f"{seed}:stories")
    starts, index = [], 0
    while index < count:
        starts.append(index)
        index += _STORY_SIZES.pick(rng)
    return starts


def _story_of(seed, count, index):
    """(first index, end index) of the story article ``index`` belongs to."""
    starts = _story_starts(seed, count)
    position = bisect.bisect_right(starts, index) - 1
    end = starts[position + 1] if position + 1 < len(starts) else count
    return starts[position], end


@functools.lru_cache(maxsize=64)
def _event(seed, start):
    """What the articles of the story starting at ``start`` share."""
    rng = random.Random(f"{seed}:event:{start}")
    topics = rng.sample(TOPICS, rng.choice((1, 2, 2, 3, 3, 4, 5)))
    regulator = rng.choice(_REGULATORS)
    slots = {
        "company": rng.choice(_COMPANIES),
        "Regulator": regulator[0].upper() + regulator[1:],
        "place": rng.choice(_PLACES),
        "thing": rng.choice(_THINGS),
        "verb": rng.choice(_VERBS),
        "object": rng.choice(_OBJECTS),
        "n": rng.randint(2, 95),
        "topic_l": _in_sentence(topics[0]),
    }
    for key, words in _FOREIGN_THINGS.items():
        slots[key] = rng.choice(words)
    return tuple(topics), slots, _FIRST_DAY + rng.randrange(_SPAN)


def _in_sentence(topic):
    """A topic as it reads mid-sentence: "machine learning", but "AI" and "5G"."""
    first = topic.split(" ", 1)[0]
    return topic if first.isupper() or not first.isalpha() else topic.lower()


# -- one article --------------------------------------------------------------


@dataclass(frozen=True)
class _Core:
    """The fields of an article that a related item pointing at it copies."""

    title: str
    excerpt: str
    date: str
    web_url: str
    amp_url: str | None
    cdn_url: str | None
    type: str
    quality: int
    provider: int
    topics: tuple
    lead_image: dict | None
    images: int
    epoch: int
    article_id: str


@functools.lru_cache(maxsize=256)
def _core(seed, count, index):
    """Article ``index``'s shared fields (a related item elsewhere may need them again)."""
    start, _ = _story_of(seed, count, index)
    return _make_core(random.Random(f"{seed}:core:{index}"), _event(seed, start),
                      str(seed * ID_SPAN + index))


def _external_core(seed, index, story_start, position):
    """Coverage outside the corpus, of the same event; no generated article has its URL.

    Its article id ends in a letter, and generated ids are digits only.
    """
    rng = random.Random(f"{seed}:external:{index}:{position}")
    return _make_core(rng, _event(seed, story_start), f"{seed * ID_SPAN + index}x{position}")


def _make_core(rng, event, article_id):
    topics, slots, epoch = event
    if rng.random() < 0.11:
        language, template = rng.choice(_FOREIGN_TITLES)
        provider = _LANGUAGE_PROVIDERS.get(language)
        if provider is None or rng.random() < 0.3:
            provider = rng.randrange(len(PROVIDERS))
    else:
        template = rng.choice(_TITLES)
        provider = rng.randrange(len(PROVIDERS))
    title = template.format_map(slots)
    title = title[0].upper() + title[1:]
    excerpt = " ".join(s.format_map(slots) for s in rng.sample(_SENTENCES, rng.randint(1, 3)))
    epoch += rng.randrange(_STORY_DAYS * 86_400)
    slug = _slug(title) if title.isascii() else _slug(topics[0])
    web_url, amp_url, cdn_url = _urls(provider, slug, epoch, article_id)
    images = _IMAGE_COUNTS.pick(rng)
    lead = _image(rng, provider, epoch, article_id, 0) if images else None
    return _Core(
        title=title,
        excerpt=excerpt,
        date=_timestamp(rng, epoch),
        web_url=web_url,
        amp_url=amp_url,
        cdn_url=cdn_url,
        type=_TYPES.pick(rng),
        quality=rng.randint(0, 100),
        provider=provider,
        topics=topics,
        lead_image=lead,
        images=images,
        epoch=epoch,
        article_id=article_id,
    )


def _slug(text):
    return _NOT_SLUG.sub("-", text.lower()).strip("-")[:80].strip("-") or "article"


def _urls(provider, slug, epoch, article_id):
    """(webUrl, ampWebUrl, cdnAmpWebUrl) in the provider's own URL style."""
    domain = PROVIDERS[provider][1]
    path_style, amp_style, www = _url_style(provider)
    host = f"www.{domain}" if www else domain
    year, month, day = time.gmtime(epoch)[:3]
    path = {
        "dated": f"/{year}/{month:02d}/{day:02d}/{slug}-{article_id}/",
        "section": f"/news/{slug}-{article_id}",
        "story": f"/story/{article_id}/{slug}",
        "numeric": f"/articles/{article_id}",
        "html": f"/{year}/{month:02d}/{slug}_{article_id}.html",
    }[path_style]
    web_url = f"https://{host}{path}"
    if amp_style == "none":
        return web_url, None, None
    if amp_style == "slash-amp":
        amp_url = web_url + ("amp/" if web_url.endswith("/") else "/amp")
    elif amp_style == "amp-prefix":
        amp_url = f"https://{host}/amp{path}"
    else:
        amp_url = f"{web_url}?amp=1"
    # The Google AMP cache's address for a page: host dashes doubled, dots made dashes.
    cache_host = host.replace("-", "--").replace(".", "-")
    return web_url, amp_url, f"https://{cache_host}.cdn.ampproject.org/c/s/{amp_url[8:]}"


def _image(rng, provider, epoch, article_id, position):
    domain = PROVIDERS[provider][1]
    year, month = time.gmtime(epoch)[:2]
    image = {
        "url": f"https://{rng.choice(('images', 'cdn', 'media', 'static'))}.{domain}/"
        f"{year}/{month:02d}/{article_id}-{position}-{rng.getrandbits(32):08x}.jpg"
    }
    if rng.random() < 0.8:
        width = rng.choice((640, 800, 840, 1024, 1200, 1280, 1600, 2048))
        image["width"] = width
        image["height"] = width * rng.choice((9, 10, 12)) // 16
    image["isCached"] = rng.random() < 0.8
    if rng.random() < 0.25:
        image["title"] = rng.choice(_CAPTIONS)
    if rng.random() < 0.2:
        image["attribution"] = rng.choice(_CREDITS)
    return image


def _timestamp(rng, epoch):
    """The instant ``epoch`` written as feeds write it: UTC, with an offset, or without one."""
    form = rng.random()
    if form < 0.65:
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))
    if form < 0.9:
        offset = rng.choice(_OFFSETS)
        local = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(epoch + offset * 60))
        sign = "+" if offset >= 0 else "-"
        return f"{local}{sign}{abs(offset) // 60:02d}:{abs(offset) % 60:02d}"
    if form < 0.95:
        return time.strftime("%Y-%m-%dT%H:%M:%S.", time.gmtime(epoch)) + f"{rng.randrange(1000):03d}Z"
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(epoch))  # no zone: read as UTC


def article_file(seed: int, index: int, count: int) -> tuple[str, str]:
    """File name and text of article ``index`` of a ``count``-file corpus made with ``seed``."""
    core = _core(seed, count, index)
    story = _story_of(seed, count, index)
    rng = random.Random(f"{seed}:article:{index}")
    name, domain = PROVIDERS[core.provider]
    variant = rng.random()
    if variant < 0.02:
        name = name.lower() + " "  # spellings the importer maps to one provider per domain
    elif variant < 0.03:
        domain = domain.upper()
    topics = list(core.topics)
    if rng.random() < 0.05:
        topics[0] = topics[0].lower()

    out = ["---"]
    add = out.append
    add(f"category: {_q(_CATEGORIES.pick(rng))}")
    add(f"title: {_q(core.title)}")
    add(f"excerpt: {_q(core.excerpt)}")
    add(f"publishedDateTime: {core.date}")
    add(f"originalUrl: {_q(core.web_url)}")
    add(f"webUrl: {_q(core.web_url)}")
    if core.amp_url:
        add(f"ampWebUrl: {_q(core.amp_url)}")
        add(f"cdnAmpWebUrl: {_q(core.cdn_url)}")
    add(f"type: {_q(core.type)}")
    if rng.random() < 0.97:
        add(f"quality: {core.quality}")
    heat = rng.random()
    if heat < 0.3:
        add("heat: -1")  # "not computed"
    elif heat < 0.95:
        add(f"heat: {rng.randrange(5000)}")
    add(f"published: {'true' if rng.random() < 0.4 else 'false'}")
    add("")
    add("provider:")
    add(f"  name: {_q(name)}")
    add(f"  domain: {_q(domain)}")
    if rng.random() < 0.02:
        add(f"  logo: {_q(f'https://{domain.lower()}/logo.png')}")  # an unknown key, kept
    add("")
    add("topics:")
    for topic in topics:
        add(f"  - {_q(topic)}")
    if core.images:
        add("")
        add("images:")
        images = [core.lead_image] + [
            _image(rng, core.provider, core.epoch, core.article_id, k) for k in range(1, core.images)
        ]
        for image in images:
            _write_image(add, image, "  ")
    related = _related(seed, count, index, story, rng)
    if related:
        add("")
        add("related:")
        for item, full in related:
            _write_related(add, item, full)
    _write_unknown_keys(add, rng, core)
    if rng.random() < 0.9:
        add("")
        add(f"secured: {_q(_secured(rng))}")
    add("---")
    text = "\n".join(out) + "\n"
    if rng.random() < 0.5:
        text += "\n" + _body(rng, core, _event(seed, story[0])[1]) + "\n"
    digest = hashlib.blake2b(core.web_url.encode(), digest_size=8).hexdigest()
    width = max(3, len(str(count - 1)))
    return f"{index:0{width}d}_{digest}.md", text


def _related(seed, count, index, story, rng):
    """(core, full?) for each related item: same story first, then anything, then outside."""
    start, end = story
    items = []
    for position in range(_RELATED_COUNTS.pick(rng)):
        draw = rng.random()
        if draw < 0.55 and end - start > 1:
            other = rng.randrange(start, end - 1)
            other += other >= index  # any other article of the story
            items.append(_core(seed, count, other))
        elif draw < 0.7 and count > 1:
            other = rng.randrange(count - 1)
            other += other >= index
            items.append(_core(seed, count, other))
        else:
            items.append(_external_core(seed, index, start, position))
    return [(item, rng.random() < 0.7) for item in items]


def _write_image(add, image, indent):
    first = True
    for key, value in image.items():
        lead = f"{indent}- " if first else f"{indent}  "
        first = False
        if key in ("width", "height"):
            add(f"{lead}{key}: {value}")
        elif key == "isCached":
            add(f"{lead}{key}: {'true' if value else 'false'}")
        else:
            add(f"{lead}{key}: {_q(value)}")


def _write_related(add, item, full):
    name, domain = PROVIDERS[item.provider]
    add(f"  - title: {_q(item.title)}")
    if full:
        add(f"    excerpt: {_q(item.excerpt)}")
    add(f"    publishedDateTime: {item.date}")
    add(f"    webUrl: {_q(item.web_url)}")
    if full and item.amp_url:
        add(f"    ampWebUrl: {_q(item.amp_url)}")
        add(f"    cdnAmpWebUrl: {_q(item.cdn_url)}")
    add(f"    type: {_q(item.type)}")
    add("    provider:")
    add(f"      name: {_q(name)}")
    add(f"      domain: {_q(domain)}")
    add(f"    quality: {item.quality}")
    if full and item.lead_image:
        add("    images:")
        _write_image(add, item.lead_image, "      ")


def _write_unknown_keys(add, rng, core):
    """Keys the format does not know; the importer keeps them, at every level."""
    if rng.random() < 0.1:
        add(f"updatedDateTime: {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(core.epoch + 7200))}")
    if rng.random() < 0.1:
        add(f"locale: {_q(rng.choice(_LOCALES))}")
    if rng.random() < 0.05:
        add("tags:")
        for tag in rng.sample(TOPICS, 2):
            add(f"  - {_q(tag.lower())}")
    if rng.random() < 0.02:
        add("analytics:")
        add("  readability:")
        add(f"    grade: {rng.randint(6, 16)}")
        add(f"    words: {rng.randint(200, 3000)}")
        add(f"  sentiment: {rng.randint(-100, 100) / 100}")


def _secured(rng):
    """An opaque token like the feed's: base64 payload, ";", base64 nonce."""
    size = rng.choice((432, 480, 528, 576))
    return (b64encode(rng.randbytes(size)).decode() + ";" + b64encode(rng.randbytes(16)).decode())


def _body(rng, core, slots):
    """A Markdown body: headings, paragraphs, a list, sometimes a quote, a picture, a link."""
    domain = PROVIDERS[core.provider][1]
    topic = core.topics[0]
    parts = []
    for heading in rng.sample(_HEADINGS, rng.randint(1, 3)):
        parts.append(f"## {heading}")
        for _ in range(rng.randint(1, 3)):
            sentences = rng.sample(_SENTENCES, rng.randint(2, 4))
            parts.append(" ".join(s.format_map(slots) for s in sentences))
    if rng.random() < 0.6:
        parts.append("\n".join(f"- {item[0].upper()}{item[1:]}" for item in rng.sample(_OBJECTS, 3)))
    if rng.random() < 0.4:
        quote = rng.choice(_SENTENCES).format_map(slots)
        parts.append(f"> “{quote}”\n>\n> — {rng.choice(_PEOPLE)}, {rng.choice(_ROLES)}")
    if rng.random() < 0.3:
        parts.append(f"![{topic}](https://{domain}/assets/{rng.getrandbits(32):08x}.png)")
    if rng.random() < 0.25:
        parts.append(f"1. {rng.randint(2, 99)}% of those surveyed\n2. ${rng.randint(1, 900)}M "
                     f"invested\n3. {rng.randint(2, 12)} pilot sites")
    parts.append(f"Read more about [{topic}](https://{domain}/topics/{_slug(topic)}).")
    return "\n\n".join(parts)


# A JSON string is a valid YAML double-quoted scalar, and always text. This is
# json.dumps(text, ensure_ascii=False) without its per-call overhead.
_q = encode_basestring


# -- writing a corpus ---------------------------------------------------------


def write_corpus(out, count: int, *, seed: int = 1, jobs: int = 1) -> CorpusStats:
    """Write ``count`` article files into the folder ``out`` (created if missing).

    ``jobs`` processes share the work; the files are the same whatever it is.
    Files already in ``out`` are overwritten when they have the same name and
    otherwise left alone.
    """
    if not 0 <= count <= MAX_COUNT:
        raise ValueError(f"count must be from 0 to {MAX_COUNT:,}, got {count:,}")
    if seed < 0:
        raise ValueError(f"seed must be 0 or more, got {seed}")
    started = time.monotonic()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    tasks = [(str(out), seed, count, low, min(low + CHUNK, count)) for low in range(0, count, CHUNK)]
    if jobs > 1 and len(tasks) > 1:
        # fork: the workers start at once, with this module already imported.
        context = get_context("fork" if "fork" in get_all_start_methods() else None)
        with ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), mp_context=context) as pool:
            written = list(pool.map(_write_range, tasks))
    else:
        written = [_write_range(task) for task in tasks]
    return CorpusStats(
        files=count, bytes=sum(written), seconds=time.monotonic() - started
    )


def _write_range(task):
    folder, seed, count, low, high = task
    total = 0
    for index in range(low, high):
        name, text = article_file(seed, index, count)
        data = text.encode("utf-8")
        with open(os.path.join(folder, name), "wb") as file:
            file.write(data)
        total += len(data)
    return total
