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
  // Accents: the text says "Moïse", the alias "República Dominicana".
  ["Jovenel Moise", ["Ariel Henry", "Haiti security crisis"], false],
  ["Republica Dominicana", "Dominican Republic", true],
  // Only this briefing has the two words side by side (in its summary).
  ['"security mission"', "Haiti and Kenya open diplomatic relations", true],
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

test("a quoted phrase matches the words in that order only", async () => {
  const status = () => page.$eval(".search-status", (e) => e.textContent);
  // Unquoted, both words anywhere: four briefings and the briefing book.
  await top("security mission");
  assert.match(await status(), /^5 results/);
  await top('"security mission"');
  assert.match(await status(), /^1 result for/);
  const marks = await page.$$eval(".search-results .card:first-child mark", (ms) => ms.map((m) => m.textContent));
  assert.deepEqual(marks, ["security", "mission"]);
});

test("results show an excerpt around the match, from the text", async () => {
  // "deploying" is in the briefing's text, not in its summary.
  await top("deployment");
  const excerpt = await page.$eval(".search-results .card:first-child .summary", (p) => ({
    text: p.textContent,
    marks: [...p.querySelectorAll("mark")].map((m) => m.textContent),
  }));
  assert.deepEqual(excerpt.marks, ["deploying"]);
  assert.match(excerpt.text, /^… .+ …$/);
  assert.ok(excerpt.text.split(" ").length <= 34, excerpt.text);
});

test("filters count what each choice leaves of this search, and narrow by year", async () => {
  const dir = mkdtempSync(join(tmpdir(), "briefing-facets-"));
  const brief = (name, date, country, text) => writeFileSync(
    join(dir, "content", "articles", `${name}.md`),
    `---\ntitle: "${name}"\ndate: ${date}\ncountries: [${country}]\n---\n${text}\n`,
  );
  try {
    mkdirSync(join(dir, "content", "articles"), { recursive: true });
    brief("a", "2022-03-01", "Kenya", "Talks on the border.");
    brief("b", "2023-03-01", "Kenya", "Talks on trade.");
    brief("c", "2023-04-01", "Sudan", "Talks in Jeddah.");
    brief("d", "2023-05-01", "Sudan", "A budget vote.");
    execFileSync(binary, ["build", dir, "--output", join(dir, "public")], { stdio: "pipe" });
    const other = await serveExampleSite(join(dir, "public"));
    const options = (id) => page.$$eval(`#${id} option`, (os) => os.slice(1).map((o) => `${o.textContent}${o.disabled ? " off" : ""}`));
    const settled = (text) => page.waitForFunction((t) => document.querySelector(".search-status")?.textContent.startsWith(t), text);
    try {
      await page.goto(`${other.base}/search/?q=talks`);
      await settled("3 results");
      await page.click(".search-filters summary");
      await page.waitForSelector(".search-filter-note:not([hidden])");
      assert.deepEqual(await options("search-country"), ["Kenya (2)", "Sudan (1)"]);
      assert.deepEqual(await options("search-from"), ["2023 (2)", "2022 (1)"]);
      await page.selectOption("#search-from", "2023");
      await settled("2 results");
      await page.waitForFunction(() => document.querySelector("#search-country option[value=Kenya]").textContent === "Kenya (1)");
      assert.deepEqual(await options("search-country"), ["Kenya (1)", "Sudan (1)"]);
      // A search arriving with filters shows them, open.
      await page.goto(`${other.base}/search/?q=talks&to=2022`);
      await settled("1 result");
      assert.equal(await page.$eval(".search-filters", (d) => d.open), true);
      assert.equal(await page.$eval(".search-results .card-title a", (a) => a.textContent), "a");
    } finally {
      other.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a query with no results suggests the nearest word, as readers write it", async () => {
  const suggested = async (query) => {
    await page.goto(`${server.base}/search/?q=${encodeURIComponent(query)}`);
    await page.waitForFunction(() => /Did you mean/.test(document.querySelector(".search-status")?.textContent || ""));
    return page.$eval(".search-status a", (a) => a.textContent);
  };
  // Not the index's stems ("kenya", "secur"): the word as written.
  assert.equal(await suggested("Keyna"), "Kenya");
  assert.equal(await suggested("secruity"), "security");
  // A typo in a long inflected word, whose stem is far from the term's.
  assert.equal(await suggested("relatoins"), "relations");
  await suggested("Keyna");
  await page.click(".search-status a");
  await page.waitForFunction(() => /\d+ results? for “Kenya”/.test(document.querySelector(".search-status")?.textContent || ""));
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
