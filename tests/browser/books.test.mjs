// A briefing book is made to be printed: on A4 and on Letter, the example
// site's book (the meeting the seed reports) prints as one document of two
// to four pages, without the site's header, navigation or footer, with its
// contents list and every source's address. Its pages and the books
// fixture's (tests/fixtures/books, built by scripts/test.sh) are axe-clean
// and never scroll sideways, at phone and desktop widths.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { root, serveExampleSite, executablePath, axeViolations, sidewaysBy } from "./example_site.mjs";

const fixture = join(root, "target", "fixture-books");
const EXAMPLE_BOOK = "/books/blinken-ruto-unga-78/";

let browser, example, books;
before(async () => {
  browser = await chromium.launch({ executablePath, args: ["--no-sandbox"] });
  example = await serveExampleSite();
  books = await serveExampleSite(fixture);
});
after(async () => {
  await browser?.close();
  example?.close();
  books?.close();
});

/// Pages in a PDF Chromium wrote: its page objects.
function pdfPages(pdf) {
  return (pdf.toString("latin1").match(/\/Type\s*\/Page(?![a-z])/g) || []).length;
}

for (const format of ["A4", "Letter"]) {
  test(`the example book prints on 2 to 4 ${format} pages`, async () => {
    const page = await browser.newPage();
    await page.goto(example.base + EXAMPLE_BOOK);
    const pages = pdfPages(await page.pdf({ format }));
    assert.ok(pages >= 2 && pages <= 4, `${pages} pages`);
    await page.close();
  });
}

test("a printed book has no site chrome, a contents list and its sources' addresses", async () => {
  const page = await browser.newPage();
  await page.goto(example.base + EXAMPLE_BOOK);
  await page.emulateMedia({ media: "print" });
  const seen = await page.evaluate(() => {
    const shown = (sel) => [...document.querySelectorAll(sel)].some((el) => getComputedStyle(el).display !== "none");
    const after = [...document.querySelectorAll(".book a.source")].map((a) => getComputedStyle(a, "::after").content);
    return {
      header: shown(".site-header"),
      footer: shown(".site-footer"),
      contents: shown(".book .contents"),
      contentsItems: document.querySelectorAll(".book .contents li").length,
      sources: after,
    };
  });
  assert.equal(seen.header, false, "the site header prints");
  assert.equal(seen.footer, false, "the site footer prints");
  assert.equal(seen.contents, true, "the contents list is hidden");
  assert.ok(seen.contentsItems >= 4, `${seen.contentsItems} contents entries`);
  assert.ok(seen.sources.length > 0, "no sources in the example book");
  for (const c of seen.sources) assert.match(c, /https:\/\//);
  await page.close();
});

test("every heading of a printed book is kept with what follows it", async () => {
  // Chromium keeps a heading with its next line when print styles say
  // `break-after: avoid`; a heading without it may end a page alone.
  const page = await browser.newPage({ viewport: { width: 794, height: 1123 } });
  for (const [server, path] of [[example, EXAMPLE_BOOK], [books, "/books/border-talks/"]]) {
    await page.goto(server.base + path);
    await page.emulateMedia({ media: "print" });
    const orphans = await page.evaluate(() => {
      const out = [];
      for (const h of document.querySelectorAll(".book h2, .book h3, .book h4")) {
        const style = getComputedStyle(h);
        if (style.breakAfter !== "avoid" && style.pageBreakAfter !== "avoid") out.push(h.textContent.trim());
      }
      return out;
    });
    assert.deepEqual(orphans, [], `${path}: headings that may be left at a page's foot`);
  }
  await page.close();
});

for (const width of [390, 1280]) {
  test(`book pages are axe-clean and fit a ${width} px screen`, async () => {
    const problems = [];
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    const page = await context.newPage();
    const targets = [
      [example, EXAMPLE_BOOK],
      [example, "/books/"],
      [books, "/books/"],
      [books, "/books/border-talks/"],
      [books, "/books/future-visit/"],
      [books, "/leaders/boris-brun/"],
      [books, "/calendar/"],
    ];
    for (const [server, path] of targets) {
      await page.goto(server.base + path);
      const wide = await sidewaysBy(page);
      if (wide > 0) problems.push(`${path} scrolls sideways by ${wide}px`);
      for (const v of await axeViolations(page)) problems.push(`${path}: ${v.id}: ${v.nodes[0].target.join(" ")}`);
    }
    await context.close();
    assert.deepEqual(problems, []);
  });
}
