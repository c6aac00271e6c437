// End-to-end: real headless Chromium (Debian's) against `briefing serve`.
// Opens a briefing, edits its source and waits for the browser to reload to
// the new text; breaks the file and sees the error overlay over the last good
// page; fixes it and sees the overlay go.
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
  assert.match(await page.locator("h1").innerText(), /Ruto and Blinken/, "the last good page stays");

  writeFileSync(article, original.replace("Ruto and Blinken discuss", "Ruto and Blinken meet to discuss"));
  await page.waitForSelector("text=meet to discuss", { timeout: 15000 });
  assert.equal(await page.locator("#briefing-error").count(), 0);
});
