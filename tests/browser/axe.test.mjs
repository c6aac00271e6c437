// Every page of the example site passes axe-core's checks (WCAG 2 A and
// AA, and its best practices), in light and in dark mode, at phone and
// desktop widths.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, writeFileSync, copyFileSync, rmSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { root, htmlPages, serveExampleSite, executablePath, axeViolations } from "./example_site.mjs";

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
        for (const v of await axeViolations(page)) {
          problems.push(`${path} at ${width}px: ${v.id} (${v.nodes.length}): ${v.nodes[0].target.join(" ")}`);
        }
      }
      await context.close();
    }
    assert.deepEqual(problems, []);
  });
}

// What the example site lacks: a table wider than a phone, a long line of
// code, every kind of callout and a captioned image, in light and dark.
test("wide tables and code, callouts and figures are axe-clean", async () => {
  const dir = mkdtempSync(join(tmpdir(), "briefing-axe-"));
  const binary = process.env.BRIEFING_BIN ?? join(root, "target", "debug", "briefing");
  try {
    const folder = join(dir, "content", "articles", "wide");
    mkdirSync(folder, { recursive: true });
    copyFileSync(join(root, "docs", "screenshots", "country-desktop.png"), join(folder, "mark.png"));
    const row = Array.from({ length: 12 }, (_, i) => `Column ${i + 1}`);
    const kinds = ["NOTE", "TIP", "IMPORTANT", "WARNING", "CAUTION"].map((k) => `> [!${k}]\n> A ${k.toLowerCase()} callout.\n`).join("\n");
    writeFileSync(join(folder, "index.md"), `---\ntitle: Wide things\ndate: 2024-01-01\n---\nIntro.\n\n| ${row.join(" | ")} |\n|${row.map(() => "---").join("|")}|\n| ${row.map((_, i) => `value-${i}-that-is-long`).join(" | ")} |\n\n\`\`\`\n${"x".repeat(300)}\n\`\`\`\n\n${kinds}\n![The mark](mark.png "A screenshot | Credit: briefing")\n`);
    execFileSync(binary, ["build", dir, "--output", join(dir, "public")], { stdio: "pipe" });
    const other = await serveExampleSite(join(dir, "public"));
    const problems = [];
    try {
      for (const scheme of ["light", "dark"]) {
        for (const width of [390, 1280]) {
          const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: scheme });
          const page = await context.newPage();
          await page.goto(`${other.base}/articles/wide/`);
          assert.equal(await page.$$eval(".callout", (c) => c.length), 5);
          assert.equal(await page.$$eval("figure img[width][height]", (i) => i.length), 1);
          for (const v of await axeViolations(page)) problems.push(`${scheme} ${width}px: ${v.id}: ${v.nodes[0].target.join(" ")}`);
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          if (overflow > 0) problems.push(`${scheme} ${width}px: the page scrolls sideways by ${overflow}px`);
          await context.close();
        }
      }
    } finally {
      other.close();
    }
    assert.deepEqual(problems, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
