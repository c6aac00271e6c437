// Every page of the example site passes axe-core's checks (WCAG 2 A and
// AA, and its best practices), in light and in dark mode, at phone and
// desktop widths. scripts/test.sh builds the site into target/example-site
// first; the pages are served from a local server so scripts and styles
// load as they would on a host.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { readFileSync, readdirSync, statSync, existsSync } from "node:fs";
import { join, dirname, extname, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const site = join(root, "target", "example-site");
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const TYPES = { ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript", ".json": "application/json", ".xml": "application/xml", ".ics": "text/calendar" };

function htmlPages(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...htmlPages(path));
    else if (name.endsWith(".html")) out.push("/" + relative(site, path).replace(/index\.html$/, ""));
  }
  return out.sort();
}

let server, browser, base;
before(async () => {
  assert.ok(existsSync(site), "build the example site into target/example-site first (scripts/test.sh does)");
  server = createServer((req, res) => {
    let path = join(site, decodeURIComponent(new URL(req.url, "http://x").pathname));
    if (existsSync(path) && statSync(path).isDirectory()) path = join(path, "index.html");
    if (!path.startsWith(site) || !existsSync(path)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(path)] ?? "application/octet-stream" });
    res.end(readFileSync(path));
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  base = `http://127.0.0.1:${server.address().port}`;
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: ["--no-sandbox"] });
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
      for (const path of htmlPages(site)) {
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
