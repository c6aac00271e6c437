#!/usr/bin/env python3
"""Median time from saving an edit to the updated page being served.

usage: incremental.py BRIEFING_BINARY SITE_DIR [EDITS=20] [TITLE_EDITS=3]

Starts `briefing serve` on the site (loopback, a free port), waits until the
first build and its search index are ready, then:
- appends a sentence to one briefing EDITS times (a body edit);
- changes its title TITLE_EDITS times (a front-matter edit, which every
  list showing the briefing must follow).
For each edit it measures from the file write to the first GET of that
briefing's page that shows the change.
"""
import http.client
import os
import re
import statistics
import subprocess
import sys
import time


def get(host, port, path):
    conn = http.client.HTTPConnection(host, port, timeout=10)
    try:
        conn.request("GET", path)
        r = conn.getresponse()
        return r.status, r.read().decode("utf-8", "replace")
    finally:
        conn.close()


def main():
    binary, site = sys.argv[1], sys.argv[2]
    edits = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    articles = os.path.join(site, "content", "articles")
    year = sorted(os.listdir(articles))[-1]
    name = sorted(os.listdir(os.path.join(articles, year)))[-1]
    path = os.path.join(articles, year, name)
    slug = name[:-3]
    server = subprocess.Popen([binary, "serve", site, "--port", "0"], stdout=subprocess.PIPE,
                              stderr=open(os.environ.get("SERVE_LOG", os.devnull), "w"), text=True)
    try:
        line = server.stdout.readline()
        m = re.search(r"http://([\d.]+):(\d+)/", line)
        if not m:
            sys.exit(f"no URL from serve: {line!r}")
        host, port = m.group(1), int(m.group(2))
        page = f"/articles/{slug}/"
        deadline = time.time() + 300
        while get(host, port, "/search-index/meta.json")[0] != 200:
            if time.time() > deadline:
                sys.exit("search index never became ready")
            time.sleep(0.2)
        original = open(path, encoding="utf-8").read()
        title_edits = int(sys.argv[4]) if len(sys.argv) > 4 else 3
        try:
            body = timed(host, port, page, edits, lambda i: append(path, f"Benchmark edit number {i} at {time.time_ns()}."))
            titles = timed(host, port, page, title_edits, lambda i: retitle(path, original, f"Retitled for benchmark {i} at {time.time_ns()}"))
        finally:
            with open(path, "w", encoding="utf-8") as f:
                f.write(original)
        report("body edit", body)
        report("title change", titles)
    finally:
        server.terminate()
        server.wait()


def append(path, marker):
    with open(path, "a", encoding="utf-8") as f:
        f.write(f"\n{marker}\n")
    return marker


def retitle(path, original, title):
    text = re.sub(r"^title: .*$", f"title: {title}", original, count=1, flags=re.M)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return title


def timed(host, port, page, n, make_edit):
    """Milliseconds from each edit to the page showing its marker."""
    times = []
    for i in range(n):
        marker = make_edit(i)
        start = time.perf_counter()
        while marker not in get(host, port, page)[1]:
            if time.perf_counter() - start > 120:
                sys.exit("the edit never appeared")
            time.sleep(0.002)
        times.append((time.perf_counter() - start) * 1000)
        time.sleep(0.3)
    return times


def report(what, times):
    if times:
        print(f"{what}, {len(times)} edits: median {statistics.median(times):.0f} ms, "
              f"min {min(times):.0f} ms, max {max(times):.0f} ms")


if __name__ == "__main__":
    main()
