// End-to-end: real headless Chromium (Debian's) against `briefing serve`.
// Searches the example site through the theme's search page; then opens a briefing, edits
// its source and waits for the browser to reload to the new text; breaks the
// file and sees the error overlay over the last good page; fixes it and sees
// the overlay go.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";
import { chromium } from "playwright-core";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const binary = process.env.BRIEFING_BIN ?? join(root, "target", "debug", "briefing");
const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";

let site, server, url, browser;

before(async () => {
  site = mkdtempSync(join(tmpdir(), "briefing-e2e-"));
  cpSync(join(root, "content"), join(site, "content"), { recursive: true });
  server = spawn(binary, ["serve", site, "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
  url = await new Promise((resolve, reject) => {
    const lines = createInterface({ input: server.stdout });
    lines.on("line", (line) => {
      const m = line.match(/http:\/\/\S+/);
      if (m) resolve(m[0]);
    });
    server.on("exit", (code) => reject(new Error(`serve exited with ${code}`)));
  });
  browser = await chromium.launch({
    executablePath,
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
});

after(async () => {
  await browser?.close();
  server?.kill();
  if (site) rmSync(site, { recursive: true, force: true });
});

async function resultTitles(path) {
  const page = await browser.newPage();
  try {
    await page.goto(url + path);
    // search.js announces the count once the first results are listed.
    await page.waitForFunction(
      () => /results?\b/.test(document.querySelector(".search-status")?.textContent ?? ""),
      null,
      { timeout: 15000 },
    );
    return await page.locator(".search-results .card-title a").allInnerTexts();
  } finally {
    await page.close();
  }
}

test("searching Haiti lists the Haiti briefings, and a crisis filter narrows them", async () => {
  // serve builds the search index in the background after the first build,
  // at low priority, so allow a slow machine a full minute.
  let ready = false;
  for (let i = 0; i < 600 && !ready; i++) {
    const r = await fetch(url + "search-index/meta.json");
    await r.arrayBuffer(); // read the body so the connection is released
    ready = r.ok;
    if (!ready) await new Promise((ok) => setTimeout(ok, 100));
  }
  assert.ok(ready, "the search index was never served");
  const haiti = await resultTitles("search/?q=Haiti");
  for (const title of [
    "Haiti and Kenya open diplomatic relations",
    "Ruto commits Kenya to the Haiti mission after a round of meetings in New York",
    "Ruto and Blinken discuss Haiti, Sudan and regional security at the UN",
  ]) {
    assert.ok(haiti.includes(title), `${title} missing from ${JSON.stringify(haiti)}`);
  }
  const sudan = await resultTitles("search/?q=Kenya&crisis=War+in+Sudan");
  assert.ok(sudan.includes("Ruto cites progress on Sudan in talks with Blinken"), JSON.stringify(sudan));
  assert.ok(!sudan.includes("Haiti and Kenya open diplomatic relations"), JSON.stringify(sudan));
});

test("an edit reloads the open page, and a broken file shows the overlay", async () => {
  const page = await browser.newPage();
  const article = join(site, "content/articles/2023/2023-09-21-ruto-blinken-unga.md");
  const original = readFileSync(article, "utf8");
  await page.goto(url + "articles/2023-09-21-ruto-blinken-unga/");
  assert.match(await page.locator("h1").innerText(), /Ruto and Blinken/);
  // The live-reload script marks the page once its event stream is open.
  await page.waitForSelector("html[data-briefing-live]", { state: "attached" });

  writeFileSync(article, original.replace("Peace in Sudan, in Haiti", "Peace in Sudan, in Haiti (edited live)"));
  await page.waitForSelector("text=edited live", { timeout: 15000 });

  writeFileSync(article, original.replace(/^date: .*$/m, "date: someday"));
  const overlay = page.locator("#briefing-error");
  await overlay.waitFor({ timeout: 15000 });
  assert.match(await overlay.innerText(), /2023-09-21-ruto-blinken-unga\.md:3/);
  // The error comes first, in a block of its own.
  const first = overlay.locator("pre").first();
  assert.equal(await first.getAttribute("class"), "briefing-error");
  assert.match(await first.innerText(), /^error: \S*ruto-blinken-unga\.md:3: /);
  assert.match(await page.locator("h1").innerText(), /Ruto and Blinken/, "the last good page stays");
  // Opaque, and closed by Escape or its button.
  assert.equal(await overlay.evaluate((o) => getComputedStyle(o).backgroundColor), "rgb(42, 10, 10)");
  await page.keyboard.press("Escape");
  assert.equal(await page.locator("#briefing-error").count(), 0);
  writeFileSync(article, original.replace(/^date: .*$/m, "date: another day"));
  await overlay.waitFor({ timeout: 15000 });
  await overlay.getByRole("button", { name: "Close (Esc)" }).click();
  assert.equal(await page.locator("#briefing-error").count(), 0);

  writeFileSync(article, original.replace("Ruto and Blinken discuss", "Ruto and Blinken meet to discuss"));
  await page.waitForSelector("text=meet to discuss", { timeout: 15000 });
  assert.equal(await page.locator("#briefing-error").count(), 0);
});
