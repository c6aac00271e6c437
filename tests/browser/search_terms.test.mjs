// The browser must split and fold a query exactly as `briefing build` split
// and folded the text it indexed, or accented names would never be found.
// Build a site whose briefing holds a word for every Latin letter with an
// accent or a transliteration (U+00C0–U+024F) and a few other scripts, then
// check that each word, folded by the theme's search.js, is a term in the
// shard search.js would fetch for it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, writeFileSync, rmSync } from "node:fs";
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

// Builds a one-briefing English site from `words` and returns the words
// (as "word → key") whose key, as search.js computes it, is not a term of
// the shard search.js would fetch for it.
function missingFromIndex(words) {
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
    assert.equal(meta.stemmer, "english");
    const { terms, shardFile, stem } = searchFunctions();
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
        const key = stem(term);
        if (!Object.hasOwn(shardFor(key), key)) missing.push(`${word} → ${key}`);
      }
    }
    return missing;
  } finally {
    rmSync(site, { recursive: true, force: true });
  }
}

test("search.js folds every word as the index does", () => {
  const words = [];
  for (let cp = 0xc0; cp <= 0x24f; cp++) {
    const c = String.fromCodePoint(cp);
    if (/[\p{Alphabetic}]/u.test(c)) words.push(`x${c}y`);
  }
  words.push("Côte", "d'Ivoire", "İstanbul", "Кения", "ΕΛΛΆΔΑ", "肯尼亚", "São", "Tomé");
  assert.deepEqual(missingFromIndex(words), []);
  assert.deepEqual([...searchFunctions().terms("Côte d'Ivoire")], ["cote", "ivoire"]);
});

// Snowball's own hard cases (its exceptions and each step's suffixes),
// words with digits, and every word of the example site.
test("search.js stems every word as the index does", () => {
  const words = `generously dying lying tying news skies sky idly gently ugly early only singly
    succeed proceed exceed canning inning earring herring outing andes atlas bias cosmos howe
    communism communication commune commonwealth arsenal generic general generation gener
    deployment deploying deployed mediators mediation mediate sanctions sanctioned ceasefire
    hopefulness callousness decisiveness rationalization relational conditional valenci
    hesitanci digitizer conformabli radicalli differentli vileli analogousli vietnamization
    predication operator feudalism decisiveness hopefulness callousness formaliti sensitiviti
    sensibiliti triplicate formative formalize electriciti electrical hopeful goodness revival
    allowance inference airliner gyroscopic adjustable defensible irritant replacement
    adjustment dependent adoption homologou communism activate angulariti homologous effective
    bowdlerize probate rate cease controll roll yield yes yay ayes boyish boy's
    g3 3d 2023 covid19 b52 y yy yyy ied ies tied cries sss ss us gas this kiwis
    consign consigned consigning consignment consist consisted consistency consistent
    knack knackeries knacks knag knave knaves knavish kneaded kneading knee kneel kneeled
    kneeling kneels knees knell knelt knew knick knif knife knight knightly knights`
    .split(/\s+/).filter(Boolean);
  for (const dir of ["content/articles/2023", "content/countries", "content/leaders", "content/crises"]) {
    for (const name of readdirSync(join(root, dir))) {
      // Link targets are not text.
      const text = readFileSync(join(root, dir, name), "utf8").replace(/\]\([^)]*\)/g, "]");
      words.push(...text.split(/\s+/));
    }
  }
  const unique = [...new Set(words)];
  assert.ok(unique.length > 800, `${unique.length} words`);
  assert.deepEqual(missingFromIndex(unique), []);
  const { stem } = searchFunctions();
  assert.equal(stem("deploying"), stem("deployment"));
  assert.equal(stem("mediators"), stem("mediation"));
});
