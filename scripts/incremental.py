#!/usr/bin/env python3
"""Median time from saving an edit to the updated page being served.

usage: incremental.py BRIEFING_BINARY SITE_DIR [EDITS=20] [FRONT_EDITS=3]

Starts `briefing serve` on the site (loopback, a free port), waits until the
first build and its search index are ready, then:
- appends a sentence to one briefing EDITS times (a body edit);
- FRONT_EDITS times each: changes its title; adds a tag; moves its date
  (and so its place in the timeline); renames a leader's profile; adds a
  new briefing; deletes that briefing again; and, if the site has
  content/books/, retitles its first briefing book.
For each edit it measures from the file write to the first GET of the
affected page that shows the change (or, for a deletion, answers 404),
and, where the server has /__briefing/status, to the end of its check
against a full load (convergence); the next edit waits for that.
All files are restored at the end.
"""
import http.client
import json
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
        front = int(sys.argv[4]) if len(sys.argv) > 4 else 3
        leaders = os.path.join(site, "content", "leaders")
        leader = os.path.join(leaders, sorted(os.listdir(leaders))[0])
        leader_page = f"/leaders/{os.path.basename(leader)[:-3]}/"
        leader_original = open(leader, encoding="utf-8").read()
        new_dir = os.path.join(articles, year)
        books = os.path.join(site, "content", "books")
        book = None
        if os.path.isdir(books) and os.listdir(books):
            book = os.path.join(books, sorted(os.listdir(books))[0])
            book_original = open(book, encoding="utf-8").read()
        results = []
        try:
            def run(what, measure, *args):
                results.append((what, measure(*args, what)))
            run("body edit", timed, host, port, page, edits,
                lambda i: append(path, f"Benchmark edit number {i} at {time.time_ns()}."))
            run("title change", timed, host, port, page, front,
                lambda i: rewrite(path, original, "title", f"Retitled for benchmark {i} at {time.time_ns()}"))
            run("tag added", timed, host, port, page, front,
                lambda i: add_tag(path, original, f"benchtag{i}x{time.time_ns()}"))
            run("date change", timed, host, port, page, front,
                lambda i: rewrite(path, original, "date", f"2001-02-{i + 10:02}", marker=f"2001-02-{i + 10:02}"))
            run("profile name change", timed, host, port, leader_page, front,
                lambda i: rewrite(leader, leader_original, "name", f"Renamed Leader {i} {time.time_ns()}"))
            run("new briefing", timed_status, host, port, front,
                lambda i: new_briefing(new_dir, i), 200)
            run("deleted briefing", timed_status, host, port, front,
                lambda i: delete_briefing(new_dir, i), 404)
            if book:
                run("book title change", timed, host, port,
                    f"/books/{os.path.basename(book)[:-3]}/", front,
                    lambda i: rewrite(book, book_original, "title", f"Retitled book {i} at {time.time_ns()}"))
        finally:
            if book:
                with open(book, "w", encoding="utf-8") as f:
                    f.write(book_original)
            with open(path, "w", encoding="utf-8") as f:
                f.write(original)
            with open(leader, "w", encoding="utf-8") as f:
                f.write(leader_original)
            for i in range(front):
                p = os.path.join(new_dir, f"zz-bench-new-{i}.md")
                if os.path.exists(p):
                    os.remove(p)
        for what, times in results:
            report(what, times)
        for what, times in results:
            report(f"converged after {what}", CONVERGED.get(what, []))
    finally:
        server.terminate()
        server.wait()


def append(path, marker):
    with open(path, "a", encoding="utf-8") as f:
        f.write(f"\n{marker}\n")
    return marker


def rewrite(path, original, key, value, marker=None):
    """Set one front-matter key; the page then shows `marker` (or `value`)."""
    text = re.sub(rf"^{key}: .*$", f'{key}: "{value}"', original, count=1, flags=re.M)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return marker or value


def add_tag(path, original, tag):
    text = re.sub(r"^tags: \[", f'tags: ["{tag}", ', original, count=1, flags=re.M)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return tag


def new_briefing(folder, i):
    title = f"New benchmark briefing {i} at {time.time_ns()}"
    with open(os.path.join(folder, f"zz-bench-new-{i}.md"), "w", encoding="utf-8") as f:
        f.write(f'---\ntitle: "{title}"\ndate: 2024-06-01\ncountries: ["Quindania"]\n---\nA new briefing.\n')
    return f"/articles/zz-bench-new-{i}/", title


def delete_briefing(folder, i):
    os.remove(os.path.join(folder, f"zz-bench-new-{i}.md"))
    return f"/articles/zz-bench-new-{i}/", None


CONVERGED = {}


def edits_seen(host, port):
    """(edits, checked) from the server, or None if it cannot say."""
    status, body = get(host, port, "/__briefing/status")
    if status != 200:
        return None
    j = json.loads(body)
    return j["edits"], j["checked"]


def wait_converged(host, port, before, start, what):
    """Milliseconds from `start` until the server took in an edit after
    `before` and checked it against a full load."""
    if before is None:
        return
    while True:
        edits, checked = edits_seen(host, port)
        if edits > before[0] and checked == edits:
            break
        if time.perf_counter() - start > 120:
            sys.exit("the preview never converged")
        time.sleep(0.01)
    CONVERGED.setdefault(what, []).append((time.perf_counter() - start) * 1000)


def timed_status(host, port, n, make_edit, status, what):
    """Milliseconds from each edit to its page answering `status`."""
    times = []
    for i in range(n):
        before = edits_seen(host, port)
        page, marker = make_edit(i)
        start = time.perf_counter()
        while True:
            got, body = get(host, port, page)
            if got == status and (marker is None or marker in body):
                break
            if time.perf_counter() - start > 120:
                sys.exit(f"{page} never answered {status}")
            time.sleep(0.002)
        times.append((time.perf_counter() - start) * 1000)
        wait_converged(host, port, before, start, what)
        time.sleep(0.3)
    return times


def timed(host, port, page, n, make_edit, what):
    """Milliseconds from each edit to the page showing its marker."""
    times = []
    for i in range(n):
        before = edits_seen(host, port)
        marker = make_edit(i)
        start = time.perf_counter()
        while marker not in get(host, port, page)[1]:
            if time.perf_counter() - start > 120:
                sys.exit("the edit never appeared")
            time.sleep(0.002)
        times.append((time.perf_counter() - start) * 1000)
        wait_converged(host, port, before, start, what)
        time.sleep(0.3)
    return times


def report(what, times):
    if times:
        print(f"{what}, {len(times)} edits: median {statistics.median(times):.0f} ms, "
              f"min {min(times):.0f} ms, max {max(times):.0f} ms")


if __name__ == "__main__":
    main()
