// Pictures that read at any width: on every entity page, index and the home
// page of the example site and of a fixture with long names and titles
// (tests/fixtures/pictures-long-names, built by scripts/test.sh), at 390 and
// 1280 px, light and dark, no chart label leaves its picture or runs into
// another, no fact-box label or value leaves its box, and nothing scrolls
// sideways. Screenshots go to target/screenshots/pictures/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { root, site, htmlPages, serveExampleSite, executablePath } from "./example_site.mjs";

const fixture = join(root, "target", "fixture-pictures");
const WIDTHS = [390, 1280];
const SCHEMES = ["light", "dark"];

let browser;
const servers = [];
before(async () => {
  browser = await chromium.launch({ executablePath, args: ["--no-sandbox"] });
});
after(async () => {
  await browser?.close();
  for (const s of servers) s.close();
});

/// The pages a picture or a fact box can be on.
function shownPages(dir) {
  return htmlPages(dir).filter((p) => p === "/" || /^\/(countries|leaders|crises)\/([^/]+\/)?$/.test(p));
}

/// Everything wrong with the pictures and fact boxes of the page shown:
/// a text's box outside its SVG's, two texts' boxes crossing, a fact-box
/// label or value wider than its box, the page wider than the screen.
function problems() {
  const out = [];
  const slack = 1;
  const name = (el) => JSON.stringify(el.textContent.trim().slice(0, 40));
  for (const svg of document.querySelectorAll("svg")) {
    const box = svg.getBoundingClientRect();
    if (box.width === 0) continue;
    const texts = [...svg.querySelectorAll("text")]
      .map((t) => [t, t.getBoundingClientRect()])
      .filter(([, r]) => r.width > 0);
    for (const [t, r] of texts) {
      if (r.left < box.left - slack || r.right > box.right + slack || r.top < box.top - slack || r.bottom > box.bottom + slack) {
        out.push(`${name(t)} leaves its ${svg.getAttribute("class")} picture`);
      }
    }
    for (let i = 0; i < texts.length; i++) {
      for (let j = i + 1; j < texts.length; j++) {
        const [a, ra] = texts[i];
        const [b, rb] = texts[j];
        const w = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
        const h = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
        if (w > slack && h > slack) out.push(`${name(a)} overlaps ${name(b)} in ${svg.getAttribute("class")}`);
      }
    }
  }
  for (const dl of document.querySelectorAll(".facts")) {
    const box = dl.getBoundingClientRect();
    for (const item of dl.querySelectorAll("dt, dd")) {
      const r = item.getBoundingClientRect();
      if (r.width > 0 && (r.left < box.left - slack || r.right > box.right + slack || item.scrollWidth > item.clientWidth + slack)) {
        out.push(`fact ${name(item)} leaves its box`);
      }
    }
  }
  const wide = document.documentElement.scrollWidth - window.innerWidth;
  if (wide > 0) out.push(`the page scrolls sideways by ${wide}px`);
  return out;
}

test("no chart label or fact leaves its box or overlaps another, at any width, light or dark", async () => {
  assert.ok(existsSync(fixture), `build ${fixture} first (scripts/test.sh does)`);
  const out = join(root, "target", "screenshots", "pictures");
  mkdirSync(out, { recursive: true });
  const found = [];
  for (const dir of [site, fixture]) {
    const server = await serveExampleSite(dir);
    servers.push(server);
    const pages = shownPages(dir);
    assert.ok(pages.length >= 8, `${dir}: only ${pages.length} pages to look at`);
    for (const width of WIDTHS) {
      for (const colorScheme of SCHEMES) {
        const page = await browser.newPage({ viewport: { width, height: 900 }, colorScheme });
        for (const path of pages) {
          await page.goto(server.base + path);
          for (const p of await page.evaluate(problems)) found.push(`${dir === site ? "example" : "fixture"} ${path} at ${width}px ${colorScheme}: ${p}`);
          if (colorScheme === "light" && dir === fixture) {
            const file = `${path.replace(/\//g, "_") || "home"}-${width}.png`;
            writeFileSync(join(out, file), await page.screenshot({ fullPage: true }));
          }
        }
        await page.close();
      }
    }
  }
  writeFileSync(join(out, "problems.txt"), found.join("\n") + "\n");
  assert.deepEqual(found, [], `${found.length} problems, all in ${join(out, "problems.txt")}`);
});

test("in print every source keeps its address, no larger than the text it sources", async () => {
  const page = await browser.newPage();
  await page.emulateMedia({ media: "print" });
  let checked = 0;
  const wrong = [];
  for (const dir of [site, fixture]) {
  const server = await serveExampleSite(dir);
  servers.push(server);
  for (const path of shownPages(dir)) {
    await page.goto(server.base + path);
    const found = await page.evaluate(() =>
      [...document.querySelectorAll("a.source")].map((a) => {
        const after = getComputedStyle(a, "::after").content;
        const size = parseFloat(getComputedStyle(a).fontSize);
        const note = a.closest("p, dd, li");
        const noteSize = parseFloat(getComputedStyle(note).fontSize);
        return { text: a.textContent, url: a.href, after, size, noteSize };
      }),
    );
    for (const s of found) {
      checked++;
      if (!s.after.includes("attr(href)") && !s.after.includes(s.url)) wrong.push(`${path}: ${s.text} prints without its address (${s.after})`);
      if (s.size > s.noteSize + 0.01) wrong.push(`${path}: ${s.text} prints at ${s.size}px in a ${s.noteSize}px note`);
    }
  }
  }
  await page.close();
  assert.ok(checked >= 3, `only ${checked} sources on the example's pages`);
  assert.deepEqual(wrong, []);
});

test("the search page does not shift as the script starts and results arrive", async () => {
  const server = await serveExampleSite(site);
  servers.push(server);
  for (const width of WIDTHS) {
    const page = await browser.newPage({ viewport: { width, height: 800 } });
    await page.addInitScript(() => {
      window.__shift = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) if (!e.hadRecentInput) window.__shift += e.value;
      }).observe({ type: "layout-shift", buffered: true });
    });
    await page.goto(server.base + "/search/?q=kenya");
    await page.waitForSelector(".search-results li");
    await page.waitForTimeout(500);
    const shift = await page.evaluate(() => window.__shift);
    assert.ok(shift < 0.01, `cumulative layout shift ${shift.toFixed(3)} at ${width}px`);
    await page.close();
  }
});
