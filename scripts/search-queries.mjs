// Runs queries through a built site's real search page in headless
// Chromium and prints, for each, the rank of the first expected result,
// how many results there were, and the bytes the query fetched (raw and
// as the host would send them gzipped).
//
//   node scripts/search-queries.mjs OUT_DIR 'query=Expected title' …
//
// An expected title of `tag:NAME` counts any briefing tagged NAME, read
// from the result cards; `*` expects nothing in particular.
import { createServer } from "node:http";
import { readFileSync, existsSync, statSync } from "node:fs";
import { join, extname } from "node:path";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";

const [dir, ...queries] = process.argv.slice(2);
const TYPES = { ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript", ".json": "application/json", ".txt": "text/plain; charset=utf-8" };
let fetched = [];
const server = createServer((req, res) => {
  const url = new URL(req.url, "http://x");
  let path = join(dir, decodeURIComponent(url.pathname));
  if (existsSync(path) && statSync(path).isDirectory()) path = join(path, "index.html");
  if (!existsSync(path)) return res.writeHead(404).end();
  const body = readFileSync(path);
  if (url.pathname.includes("/search-index/")) fetched.push(body);
  res.writeHead(200, { "content-type": TYPES[extname(path)] ?? "application/octet-stream" });
  res.end(body);
});
await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: ["--no-sandbox"] });
const page = await browser.newPage();
console.log("| query | expected | rank | results | fetched | gzipped |\n|---|---|---:|---:|---:|---:|");
for (const q of queries) {
  const [query, expected] = q.split("=");
  fetched = [];
  await page.goto(`${base}/search/?q=${encodeURIComponent(query)}`);
  await page.waitForFunction(() => /result/.test(document.querySelector(".search-status")?.textContent || ""));
  const status = await page.$eval(".search-status", (s) => s.textContent);
  const titles = await page.$$eval(".search-results .card-title a", (as) => as.map((a) => a.textContent));
  const hrefs = await page.$$eval(".search-results .card-title a", (as) => as.map((a) => a.getAttribute("href")));
  let rank = "-";
  if (expected.startsWith("tag:")) {
    // Tagged briefings among the first ten shown.
    const tag = expected.slice(4).toLowerCase();
    let n = 0;
    for (const href of hrefs) {
      const html = readFileSync(join(dir, href, "index.html"), "utf8");
      if (html.includes(`/tags/${tag}/"`)) n++;
    }
    rank = `${n} of ${hrefs.length} tagged`;
  } else if (expected !== "*") {
    const i = titles.indexOf(expected);
    rank = i < 0 ? "not in top 10" : String(i + 1);
  }
  const count = (status.match(/^(\d+|No)/) || ["?"])[0];
  const raw = fetched.reduce((a, b) => a + b.length, 0);
  const gz = fetched.reduce((a, b) => a + gzipSync(b).length, 0);
  console.log(`| ${query} | ${expected} | ${rank} | ${count} | ${(raw / 1024).toFixed(0)} KB | ${(gz / 1024).toFixed(0)} KB |`);
}
await browser.close();
server.close();
