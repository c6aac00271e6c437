// The example site as the browser tests see it: built by scripts/test.sh
// into target/example-site and served from a local server, so scripts and
// styles load as they would on a host.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { readFileSync, readdirSync, statSync, existsSync } from "node:fs";
import { join, dirname, extname, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const site = join(root, "target", "example-site");
export const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const TYPES = { ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript", ".json": "application/json", ".xml": "application/xml", ".ics": "text/calendar", ".txt": "text/plain; charset=utf-8" };

/// Every HTML page's URL path, sorted. Redirect pages (an entity's old
/// address) are left out: the browser leaves them at once, and the Nu
/// checker validates them with the rest.
export function htmlPages(dir = site, top = dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...htmlPages(path, top));
    else if (name.endsWith(".html") && !readFileSync(path, "utf8").includes('http-equiv="refresh"')) {
      out.push("/" + relative(top, path).replace(/index\.html$/, ""));
    }
  }
  return out.sort();
}

/// Serves a built site (the example site unless told); resolves to its
/// base URL and a close function.
export async function serveExampleSite(dir = site) {
  assert.ok(existsSync(dir), `build the site into ${dir} first (scripts/test.sh builds the example)`);
  const server = createServer((req, res) => {
    let path = join(dir, decodeURIComponent(new URL(req.url, "http://x").pathname));
    if (existsSync(path) && statSync(path).isDirectory()) path = join(path, "index.html");
    if (!path.startsWith(dir) || !existsSync(path)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(path)] ?? "application/octet-stream" });
    res.end(readFileSync(path));
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  return { base: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/// axe-core's violations on the page shown (WCAG 2 A and AA, and its best
/// practices): the one set of rules every browser test checks.
export async function axeViolations(page) {
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(() =>
    window.axe.run(document, { runOnly: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] }),
  );
  return result.violations;
}

/// How many pixels the page shown scrolls sideways (0 when it fits).
export async function sidewaysBy(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}
