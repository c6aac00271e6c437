// What a reader means: queries on the example site and the results they
// should put first, run through the real search page in headless Chromium.
// Stems, tags, names, aliases and the profile first for its own name.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { root, serveExampleSite, executablePath } from "./example_site.mjs";

const binary = process.env.BRIEFING_BIN ?? join(root, "target", "debug", "briefing");

const UNGA = [
  "Ruto and Blinken discuss Haiti, Sudan and regional security at the UN",
  "Ruto cites progress on Sudan in talks with Blinken",
  "Haiti and Kenya open diplomatic relations",
  "Ruto commits Kenya to the Haiti mission after a round of meetings in New York",
];

// [query, the title (or any of the titles) expected in the top three, and
// whether it must be first]
export const QUERIES = [
  ["Haiti", "Haiti", true],
  ["Kenya", "Kenya", true],
  ["Ruto", "William Ruto", true],
  ["William Ruto", "William Ruto", true],
  ["Haiti security crisis", "Haiti security crisis", true],
  ["Blinken", "Antony Blinken", true],
  // Tagged "UNGA 78"; only one of the four says "UNGA" in its text.
  ["UNGA", UNGA, false],
  ["UNGA 78", UNGA, false],
  ["mediation", "Kenya", false],
  ["deployment", "Haiti and Kenya open diplomatic relations", false],
  ["Haitian security crisis", "Haiti security crisis", true],
];

let server, browser, page;
before(async () => {
  server = await serveExampleSite();
  browser = await chromium.launch({ executablePath, args: ["--no-sandbox"] });
  page = await browser.newPage();
});
after(async () => {
  await browser?.close();
  server?.close();
});

async function top(query) {
  await page.goto(`${server.base}/search/?q=${encodeURIComponent(query)}`);
  await page.waitForFunction(() => /result/.test(document.querySelector(".search-status")?.textContent || ""));
  return page.$$eval(".search-results .card-title a", (as) => as.slice(0, 3).map((a) => a.textContent));
}

test("each query finds what a reader means in the top three", async () => {
  const wrong = [];
  for (const [query, expected, first] of QUERIES) {
    const titles = await top(query);
    const wanted = [expected].flat();
    const rank = titles.findIndex((t) => wanted.includes(t)) + 1;
    if (rank === 0 || (first && rank !== 1)) wrong.push(`${query}: ${expected} at ${rank || "none"} of ${JSON.stringify(titles)}`);
  }
  assert.deepEqual(wrong, []);
});

test("a query with no results suggests the nearest word", async () => {
  await page.goto(`${server.base}/search/?q=Keyna`);
  await page.waitForFunction(() => /Did you mean/.test(document.querySelector(".search-status")?.textContent || ""));
  assert.equal(await page.$eval(".search-status a", (a) => a.textContent), "kenya");
  await page.click(".search-status a");
  await page.waitForFunction(() => /\d+ results? for “kenya”/.test(document.querySelector(".search-status")?.textContent || ""));
});

test("the header's search box shows the query on the search page", async () => {
  await page.goto(`${server.base}/search/?q=Kenya`);
  await page.waitForSelector(".search-results .card");
  assert.equal(await page.$eval("#site-search-q", (i) => i.value), "Kenya");
});

test("text from the index is shown as text, never as markup", async () => {
  // A briefing whose title and text carry markup, built into a site of its own.
  const dir = mkdtempSync(join(tmpdir(), "briefing-xss-"));
  try {
    mkdirSync(join(dir, "content", "articles"), { recursive: true });
    writeFileSync(
      join(dir, "content", "articles", "x.md"),
      '---\ntitle: "Talks <img src=x onerror=alert(1)>"\ndate: 2024-01-01\nsummary: "Talks <script>alert(2)</script>"\n---\nTalks.\n',
    );
    execFileSync(binary, ["build", dir, "--output", join(dir, "public")], { stdio: "pipe" });
    const other = await serveExampleSite(join(dir, "public"));
    try {
      await page.goto(`${other.base}/search/?q=talks`);
      await page.waitForSelector(".search-results .card");
      const title = await page.$eval(".search-results .card-title a", (a) => a.textContent);
      assert.equal(title, "Talks <img src=x onerror=alert(1)>");
      assert.equal(await page.$$eval(".search-results img, .search-results script", (e) => e.length), 0);
    } finally {
      other.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
