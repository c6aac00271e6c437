// The browser must split and fold a query exactly as `briefing build` split
// and folded the text it indexed, or accented names would never be found.
// Build a site whose briefing holds a word for every Latin letter with an
// accent or a transliteration (U+00C0–U+024F) and a few other scripts, then
// check that each word, folded by the theme's search.js, is a term in the
// shard search.js would fetch for it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const binary = process.env.BRIEFING_BIN ?? join(root, "target", "debug", "briefing");

function searchFunctions() {
  // search.js defines its folding before touching the page; without a
  // search box on the page the rest of it does nothing.
  const context = vm.createContext({ document: { getElementById: () => null }, window: {}, TextEncoder });
  vm.runInContext(readFileSync(join(root, "static", "search.js"), "utf8"), context);
  return vm.runInContext("briefingSearch", context);
}

test("search.js folds every word as the index does", () => {
  const words = [];
  for (let cp = 0xc0; cp <= 0x24f; cp++) {
    const c = String.fromCodePoint(cp);
    if (/[\p{Alphabetic}]/u.test(c)) words.push(`x${c}y`);
  }
  words.push("Côte", "d'Ivoire", "İstanbul", "Кения", "ΕΛΛΆΔΑ", "肯尼亚", "São", "Tomé");
  const site = mkdtempSync(join(tmpdir(), "briefing-terms-"));
  try {
    mkdirSync(join(site, "content", "articles"), { recursive: true });
    writeFileSync(
      join(site, "content", "articles", "letters.md"),
      `---\ntitle: Letters\ndate: 2024-01-01\n---\n${words.join(" ")}\n`,
    );
    execFileSync(binary, ["build", site, "--output", join(site, "public")], { stdio: "pipe" });
    const index = join(site, "public", "search-index");
    const meta = JSON.parse(readFileSync(join(index, "meta.json"), "utf8"));
    const { terms, shardFile } = searchFunctions();
    const shards = new Map();
    const shardFor = (term) => {
      const key = meta.shards.filter((k) => term.startsWith(k)).sort((a, b) => b.length - a.length)[0];
      assert.notEqual(key, undefined, `no shard for ${term}`);
      if (!shards.has(key)) {
        shards.set(key, JSON.parse(readFileSync(join(index, "terms", `${shardFile(key)}.json`), "utf8")));
      }
      return shards.get(key);
    };
    const missing = [];
    for (const word of words) {
      for (const term of terms(word)) {
        if (!(term in shardFor(term))) missing.push(`${word} → ${term}`);
      }
    }
    assert.deepEqual(missing, []);
    assert.deepEqual([...terms("Côte d'Ivoire")], ["cote", "ivoire"]);
  } finally {
    rmSync(site, { recursive: true, force: true });
  }
});
