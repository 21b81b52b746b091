"""A CDN in front: how many requests reach the site while Varnish serves a crowd.

Set-up, all in a temporary folder: the sample fixtures imported into a fresh
SQLite database; gunicorn (2 sync workers, DEBUG off) behind Varnish with the
shipped ``deploy/varnish/default.vcl`` and ``CDN_S_MAXAGE`` on. wrk then asks
Varnish for every public page of the site in turn (front page, every article,
topic, provider, their feeds) at 64 connections for 30 s. The site's own
request log counts what reached it: near one request per distinct page means
the shared cache absorbed the crowd. A kill in the middle shows what a purge
costs: only the killed article's page and its lists come back to the site.

Needs ``varnishd`` (Debian: ``apt-get install varnish``) and ``wrk``; prints a
note instead of numbers when either is missing.

Prints one markdown section. ``python bench/bench_cdn.py [--seconds 30] [--connections 64]``
"""

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from common import free_port, log

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

ROTATE_LUA = """
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i], {["X-Forwarded-Proto"] = "https"})
end
"""

PAGES = """
from articles.models import Article, Topic
from providers.models import Provider
live = Article.objects.live()
paths = ["/", "/rss/", "/atom/", "/topics/", "/providers/", "/archive/"]
paths += [a.get_absolute_url() for a in live]
paths += [t.get_absolute_url() for t in Topic.objects.live()]
paths += [p.get_absolute_url() for p in Provider.objects.live()]
print("\\n".join(paths))
print("KILL", live.order_by("-published_at").first().slug)
"""

KILL = """
from django.contrib.auth.models import User
from articles import workflow
from articles.models import Article
user = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser("bench", "b@example.com", "x-bench-42")
workflow.kill(Article.objects.get(slug={slug!r}), by=user, note="Benchmark")
"""


def environment(workdir, varnish_port):
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_SETTINGS")}
    env.update(
        DATABASE_URL=f"sqlite:///{workdir / 'cdn.sqlite3'}", DEBUG="0",
        SECRET_KEY="bench-only-secret-key-not-for-production-" + "x" * 20,
        ALLOWED_HOSTS="127.0.0.1", STATIC_MANIFEST="0", LOG_LEVEL="WARNING",
        CACHE_URL="locmemcache://bench-cdn", SHARED_CACHE_URL=f"filecache://{workdir / 'cache'}",
        TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend",
        CDN_PURGE_BACKEND="varnish", CDN_PURGE_URL=f"http://127.0.0.1:{varnish_port}/",
        CDN_S_MAXAGE="3600", TRUSTED_PROXY_COUNT="1",
    )
    return env


def manage(env, *args):
    return subprocess.run([str(BIN / "python"), "manage.py", *args], cwd=ROOT, env=env, check=True,
                          capture_output=True, text=True).stdout


def wait_for(port, process, what):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with status {process.returncode}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{what} did not start")


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)


def origin_count(access_log):
    return sum(1 for _ in access_log.open()) if access_log.exists() else 0


def wrk(port, paths_file, seconds, connections):
    out = subprocess.run(
        ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s",
         "-s", str(paths_file.with_suffix(".lua")), f"http://127.0.0.1:{port}"],
        env={**os.environ, "BENCH_PATHS": str(paths_file)}, capture_output=True, text=True, check=True,
    ).stdout
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "requests": requests, "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "bad": int(non2xx.group(1)) if non2xx else 0,
        "errors": sum(int(n) for n in errors.groups()) if errors else 0,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--connections", type=int, default=64)
    args = parser.parse_args()
    varnishd = shutil.which("varnishd") or ("/usr/sbin/varnishd" if Path("/usr/sbin/varnishd").exists() else None)
    print("## A CDN in front: origin requests behind Varnish\n")
    if not (varnishd and shutil.which("wrk")):
        print("Not measured: needs `varnishd` and `wrk` (`apt-get install varnish wrk`).")
        return
    with tempfile.TemporaryDirectory(prefix="bench-cdn-") as tmp:
        workdir = Path(tmp)
        varnish_port, site_port = free_port(), free_port()
        env = environment(workdir, varnish_port)
        log("   migrate + import the sample fixtures")
        manage(env, "migrate", "--noinput")
        manage({**env, "CDN_PURGE_BACKEND": ""}, "import_articles", "fixtures/", "--no-progress")
        found = manage(env, "shell", "-v", "0", "-c", PAGES).split()
        kill_slug = found[found.index("KILL") + 1]
        paths = [p for p in found[:found.index("KILL")] if p.startswith("/")]
        paths_file = workdir / "paths.txt"
        paths_file.write_text("\n".join(paths) + "\n")
        paths_file.with_suffix(".lua").write_text(ROTATE_LUA)
        access_log = workdir / "access.log"
        site = subprocess.Popen(
            [str(BIN / "gunicorn"), "newsroom.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{site_port}",
             "--access-logfile", str(access_log), "--log-level", "warning"],
            cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        vcl = workdir / "default.vcl"
        vcl.write_text((ROOT / "deploy/varnish/default.vcl").read_text().replace(
            '.port = "8000";', f'.port = "{site_port}";'))
        proxy = subprocess.Popen(
            [varnishd, "-F", "-j", "none", "-a", f"127.0.0.1:{varnish_port}", "-f", str(vcl),
             "-n", str(workdir / "varnish"), "-s", "malloc,256m", "-T", "none"],
            start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            wait_for(site_port, site, "gunicorn")
            wait_for(varnish_port, proxy, "varnishd")
            before = origin_count(access_log)
            load_before = os.getloadavg()
            log(f"   wrk: {args.connections} connections, {args.seconds} s, {len(paths)} distinct pages")
            first = wrk(varnish_port, paths_file, args.seconds, args.connections)
            origin_first = origin_count(access_log) - before
            log("   kill one article, then the same load again")
            manage(env, "shell", "-v", "0", "-c", KILL.format(slug=kill_slug))
            before = origin_count(access_log)
            second = wrk(varnish_port, paths_file, args.seconds, args.connections)
            origin_second = origin_count(access_log) - before
            gone = {}
            for path in paths:
                request = urllib.request.Request(f"http://127.0.0.1:{varnish_port}{path}",
                                                 headers={"X-Forwarded-Proto": "https"})
                try:
                    urllib.request.urlopen(request, timeout=10).read()
                except urllib.error.HTTPError as error:
                    gone[path] = error.code
            load_after = os.getloadavg()
        finally:
            stop(proxy)
            stop(site)
    print(f"{args.connections} connections for {args.seconds} s through Varnish 7 (the shipped VCL) to "
          f"gunicorn (2 workers, SQLite, sample fixtures); the pages rotate over {len(paths)} distinct "
          f"public pages. Load average {load_before[0]:.2f} before, {load_after[0]:.2f} after; "
          f"{datetime.now(UTC):%Y-%m-%d}.\n")
    print("| run | requests served | requests/s | reached the site | per distinct page | non-2xx | socket errors |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for label, result, origin in [("cold cache", first, origin_first), ("after a kill", second, origin_second)]:
        print(f"| {label} | {result['requests']:,} | {result['rps']:,.0f} | {origin:,} | "
              f"{origin / len(paths):.2f} | {result['bad']:,} | {result['errors']} |")
    not_found = sorted(path for path, code in gone.items() if code == 404)
    print(f"\nAfter the kill, {sum(code == 410 for code in gone.values())} page answers 410 Gone (kept by Varnish "
          f"under the article's key) and {len(not_found)} answer 404 ({', '.join(not_found) or 'none'}: "
          "the lists the killed article alone filled, kept by Varnish under their list keys until an "
          "article arrives there). The rest of the second run's origin requests are the pages the kill "
          "purged, fetched once again.")


if __name__ == "__main__":
    main()
