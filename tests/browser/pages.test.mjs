// What a reader sees: screenshots of the home page, a country page and a
// crisis page at phone and desktop widths (written to target/screenshots/
// for a person to look at; docs/screenshots/ holds the chosen ones); no page
// scrolls sideways on a phone; the world map's countries are reachable by
// keyboard with a visible focus; print leaves navigation out, and every
// entity page prints on at most two pages of A4 and of Letter.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { root, htmlPages, serveExampleSite, executablePath } from "./example_site.mjs";

const SHOWN = { home: "/", country: "/countries/kenya/", crisis: "/crises/haiti-security-crisis/" };
const WIDTHS = { phone: 390, desktop: 1280 };

let server, browser;
before(async () => {
  server = await serveExampleSite();
  browser = await chromium.launch({ executablePath, args: ["--no-sandbox"] });
});
after(async () => {
  await browser?.close();
  server?.close();
});

test("screenshots at phone and desktop widths, with nothing wider than the screen", async () => {
  const out = join(root, "target", "screenshots");
  mkdirSync(out, { recursive: true });
  for (const [device, width] of Object.entries(WIDTHS)) {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    for (const [name, path] of Object.entries(SHOWN)) {
      await page.goto(server.base + path);
      const png = await page.screenshot({ fullPage: true });
      writeFileSync(join(out, `${name}-${device}.png`), png);
      assert.ok(png.length > 20_000, `${name} at ${width}px looks empty`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${path} scrolls sideways by ${overflow}px at ${width}px`);
    }
    await page.close();
  }
});

test("the header is one row on a desktop and two short rows on a phone, and every asset loads", async () => {
  for (const [width, height, rows] of [[1280, 900, 1], [1024, 768, 1], [390, 844, 2]]) {
    const page = await browser.newPage({ viewport: { width, height } });
    const missing = [];
    page.on("response", (r) => { if (r.status() >= 400) missing.push(r.url()); });
    await page.goto(server.base + "/articles/");
    const header = await page.$eval(".site-header", (h) => h.getBoundingClientRect().height);
    // The title sets the height of a row; a second row adds no more than one.
    const title = await page.$eval(".site-title", (t) => t.getBoundingClientRect().height);
    assert.ok(header < title * rows + 45, `header ${header}px at ${width}px, rows of ${title}px`);
    assert.ok(header / height < 0.11, `header takes ${(100 * header / height).toFixed(1)}% at ${width}px`);
    // Every section is reachable: on a phone, by scrolling the row sideways.
    // Seven sections with the example's briefing book, and Search, which a
    // phone shows in the row and a desktop as the search box.
    assert.equal(await page.$$eval(".site-header nav[aria-label=Sections] a", (as) => as.filter((a) => a.getBoundingClientRect().height > 0).length), width < 640 ? 8 : 7);
    // Search, the way in to everything, is on screen without scrolling.
    if (width < 640) {
      const search = await page.$eval(".nav-search a", (a) => a.getBoundingClientRect().right);
      assert.ok(search <= width, `Search ends at ${search}px on a ${width}px screen`);
    }
    assert.deepEqual(missing, [], "no request fails, the favicon included");
    await page.close();
  }
});

test("the world map's countries are links a keyboard reaches, with a visible focus", async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(server.base + "/");
  let found = null;
  for (let i = 0; i < 60 && !found; i++) {
    await page.keyboard.press("Tab");
    found = await page.evaluate(() => {
      const a = document.activeElement;
      if (!a?.closest("svg.map")) return null;
      const shape = a.querySelector(".land");
      return { title: a.querySelector("title").textContent, stroke: getComputedStyle(shape).strokeWidth };
    });
  }
  assert.ok(found, "Tab never reached a country on the map");
  assert.match(found.title, /^[^:]+: \d+ briefings? in the last \d+ days/);
  assert.equal(found.stroke, "3px", "a focused country is outlined");
  await page.close();
});

test("print leaves navigation out, and entity pages print as one- or two-page cards", async () => {
  const page = await browser.newPage();
  await page.emulateMedia({ media: "print" });
  await page.goto(server.base + "/countries/kenya/");
  const shown = await page.evaluate(() =>
    [".site-header nav", ".site-search", ".follow", ".map-list"].map((s) => {
      const el = document.querySelector(s);
      return el && getComputedStyle(el).display !== "none" ? s : null;
    }).filter(Boolean),
  );
  assert.deepEqual(shown, [], "shown in print");
  const entities = htmlPages().filter((p) => /^\/(countries|leaders|crises)\/[^/]+\/$/.test(p));
  assert.ok(entities.length >= 10);
  const long = [];
  for (const path of entities) {
    await page.goto(server.base + path);
    for (const format of ["A4", "Letter"]) {
      const pdf = (await page.pdf({ format })).toString("latin1");
      const pages = (pdf.match(/\/Type\s*\/Page[^s]/g) || []).length;
      assert.ok(pages >= 1, `${path}: no pages in the PDF`);
      if (pages > 2) long.push(`${path} (${format}): ${pages} pages`);
    }
  }
  assert.deepEqual(long, []);
  await page.close();
});
