// Every page of the example site passes axe-core's checks (WCAG 2 A and
// AA, and its best practices), in light and in dark mode, at phone and
// desktop widths.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";
import { htmlPages, serveExampleSite, executablePath } from "./example_site.mjs";

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

let server, browser, base;
before(async () => {
  server = await serveExampleSite();
  base = server.base;
  browser = await chromium.launch({ executablePath, args: ["--no-sandbox"] });
});
after(async () => {
  await browser?.close();
  server?.close();
});

for (const scheme of ["light", "dark"]) {
  test(`every example page is axe-clean (${scheme})`, async () => {
    const problems = [];
    for (const width of [390, 1280]) {
      const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: scheme });
      const page = await context.newPage();
      for (const path of htmlPages()) {
        await page.goto(base + path);
        await page.addScriptTag({ content: axeSource });
        const result = await page.evaluate(() =>
          window.axe.run(document, { runOnly: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] }),
        );
        for (const v of result.violations) {
          problems.push(`${path} at ${width}px: ${v.id} (${v.nodes.length}): ${v.nodes[0].target.join(" ")}`);
        }
      }
      await context.close();
    }
    assert.deepEqual(problems, []);
  });
}
