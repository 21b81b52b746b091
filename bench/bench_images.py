"""Image renditions benchmark: what ``cache_images`` spends per image once it has the bytes.

Generates distinct photo-like JPEGs with Pillow (a gradient, noise and shapes;
no network, no database, no storage), then runs each through the same steps
as ``articles.images.caching.store``: check and decode (``open_checked``),
the cleaned original, and the WebP + JPEG renditions. Reports images per
second and the process's peak memory. Prints one markdown section.

    python bench/bench_images.py [--count 1000]
"""

import argparse
import io
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

from PIL import Image, ImageDraw  # noqa: E402

from articles.images import processing  # noqa: E402

# The seed article's picture is 840 x 473; providers' CDNs mostly serve
# 640-1280 wide. Share of the run, size.
MIX = [(0.7, (840, 473)), (0.3, (1280, 720))]
DISTINCT = 12


def photo(width, height, seed):
    """A JPEG with a photo's texture, different for each seed."""
    base = Image.linear_gradient("L").rotate(seed * 37).resize((width, height)).convert("RGB")
    noise = Image.effect_noise((width, height), 20 + seed % 15).convert("RGB")
    picture = Image.blend(base, noise, 0.15)
    draw = ImageDraw.Draw(picture)
    for i in range(6):
        x = (seed * 53 + i * width // 6) % width
        draw.ellipse((x, height // 5, x + width // 7, height // 2), fill=(seed * 9 % 256, 40 * i, 120))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1000)
    count = parser.parse_args().count

    rows = []
    baseline = peak_rss_mib()
    total_images, total_seconds, total_cpu, total_out = 0, 0.0, 0.0, 0
    for share, (width, height) in MIX:
        n = round(count * share)
        sources = [photo(width, height, seed) for seed in range(DISTINCT)]
        files = 0
        out_bytes = 0
        started, cpu_started = time.perf_counter(), time.process_time()
        for i in range(n):
            image = processing.open_checked(sources[i % DISTINCT])
            made = [processing.encode_original(image), *processing.make_renditions(image)]
            files += len(made)
            out_bytes += sum(len(f.data) for f in made)
        took = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        rows.append((f"{width} x {height}", n, files, took, cpu, n / cpu, out_bytes / n / 1024))
        total_images += n
        total_seconds += took
        total_cpu += cpu
        total_out += out_bytes
    peak = peak_rss_mib()

    print("## Image renditions\n")
    print(
        f"{total_images:,} generated photo-like JPEGs ({DISTINCT} distinct per size) through "
        "the steps `cache_images` runs after a download: Pillow check and full decode, the "
        "cleaned original, and WebP + JPEG renditions at 320/640/1024/1600 px (never wider "
        f"than the original), one process, one core. No network, database or storage. "
        "Images/s is per CPU-second of this process (Pillow's work here is single-threaded), "
        "which a busy shared machine does not distort; wall-clock seconds are shown too.\n"
    )
    print(
        "| source size | images | files written | wall s | CPU s | images/s (per core) "
        "| KiB written per image |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for size, n, files, took, cpu, rate, kib in rows:
        print(f"| {size} | {n:,} | {files:,} | {took:.1f} | {cpu:.1f} | {rate:.1f} | {kib:.0f} |")
    print(
        f"| **all** | {total_images:,} | | {total_seconds:.1f} | {total_cpu:.1f} | "
        f"**{total_images / total_cpu:.1f}** | {total_out / total_images / 1024:.0f} |"
    )
    print(
        f"\nPeak memory (RSS) of the process: **{peak:.0f} MiB** "
        f"({peak - baseline:.0f} MiB above Python, Django and Pillow loaded). "
        "Images are processed one at a time, so this stays flat however many there are."
    )


if __name__ == "__main__":
    main()
