// A site in English, French and Arabic (tests/fixtures/multilingual, built
// by scripts/test.sh into target/fixture-multilingual): its French and
// Arabic pages are axe-clean at phone and desktop widths, never scroll
// sideways, Arabic pages lay out right to left, and the language switcher
// goes to the same page in the other language. Screenshots of an Arabic
// page go to target/screenshots/languages/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { root, serveExampleSite, executablePath, axeViolations, sidewaysBy } from "./example_site.mjs";

const fixture = join(root, "target", "fixture-multilingual");
const shots = join(root, "target", "screenshots", "languages");
const PAGES = ["/", "/articles/talks/", "/countries/sudan/", "/countries/kenya/", "/leaders/william-ruto/", "/crises/war-in-sudan/", "/search/", "/calendar/"];

let browser, server;
before(async () => {
  browser = await chromium.launch({ executablePath, args: ["--no-sandbox"] });
  server = await serveExampleSite(fixture);
  mkdirSync(shots, { recursive: true });
});
after(async () => {
  await browser?.close();
  server?.close();
});

for (const width of [390, 1280]) {
  test(`French and Arabic pages are axe-clean and fit a ${width} px screen`, async () => {
    const problems = [];
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    const page = await context.newPage();
    for (const lang of ["fr", "ar"]) {
      for (const p of PAGES) {
        const path = `/${lang}${p}`;
        await page.goto(server.base + path);
        const wide = await sidewaysBy(page);
        if (wide > 0) problems.push(`${path} scrolls sideways by ${wide}px`);
        for (const v of await axeViolations(page)) problems.push(`${path}: ${v.id}: ${v.nodes[0].target.join(" ")}`);
      }
    }
    await page.goto(server.base + "/ar/countries/sudan/");
    await page.screenshot({ path: join(shots, `ar-country-${width}.png`), fullPage: true });
    await context.close();
    assert.deepEqual(problems, []);
  });
}

test("an Arabic page runs right to left, mirrored", async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(server.base + "/ar/countries/sudan/");
  const seen = await page.evaluate(() => {
    const title = document.querySelector(".site-title").getBoundingClientRect();
    const nav = document.querySelector(".site-header nav:not(.languages)").getBoundingClientRect();
    return { dir: getComputedStyle(document.body).direction, titleRight: title.right, navRight: nav.right };
  });
  assert.equal(seen.dir, "rtl");
  // The site's title starts the header on the right, the sections follow
  // to its left.
  assert.ok(seen.titleRight > seen.navRight, JSON.stringify(seen));
  await page.close();
});

test("the language switcher goes to the same page in each language", async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(server.base + "/articles/talks/");
  await page.click("nav.languages a[hreflang=fr]");
  assert.match(new URL(page.url()).pathname, /^\/fr\/articles\/talks\/$/);
  assert.equal(await page.$eval("html", (h) => h.lang), "fr");
  await page.click("nav.languages a[hreflang=ar]");
  assert.match(new URL(page.url()).pathname, /^\/ar\/articles\/talks\/$/);
  const current = await page.$eval("nav.languages [aria-current=page]", (a) => a.getAttribute("hreflang"));
  assert.equal(current, "ar");
  await page.close();
});

test("search speaks the page's language, plural forms included", async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const status = async (path) => {
    await page.goto(server.base + path);
    await page.waitForSelector("#search[data-ready]");
    await page.waitForFunction(() => /\.$/.test(document.querySelector(".search-status").textContent));
    return page.$eval(".search-status", (s) => s.textContent);
  };
  // French counts 0 and 1 as singular; Arabic has a form for 1, 2, 3–10…
  const fr = await status("/fr/search/?q=soudan");
  const n = Number(fr.match(/^\d+/)?.[0]);
  assert.ok(n > 1, fr);
  assert.equal(fr, `${n} résultats pour « soudan ».`);
  assert.equal(await status("/fr/search/?q=zzzzqqq"), "Aucun résultat pour « zzzzqqq ».");
  const ar = await status("/ar/search/?q=السودان");
  const arabic = { 1: "نتيجة واحدة", 2: "نتيجتان" };
  const m = Number(ar.match(/\d+/)?.[0] ?? (ar.startsWith("نتيجتان") ? 2 : 1));
  assert.equal(ar, `${arabic[m] ?? (m <= 10 ? `${m} نتائج` : `${m} نتيجة`)} لـ«السودان».`);
  assert.equal(await status("/search/?q=zzzzqqq"), "No results for “zzzzqqq”.");
  await page.close();
});
