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
  // search box on the page the rest of it does nothing. The other
  // languages' stemmers load first, as the search page loads them.
  const window = {};
  const context = vm.createContext({ document: { getElementById: () => null }, window, TextEncoder });
  for (const name of readdirSync(join(root, "static", "stemmers"))) {
    vm.runInContext(readFileSync(join(root, "static", "stemmers", name), "utf8"), context);
  }
  vm.runInContext(readFileSync(join(root, "static", "search.js"), "utf8"), context);
  return vm.runInContext("briefingSearch", context);
}

// Builds a one-briefing site in `language` (English by default) from
// `words` and returns the words (as "word → key") whose key, as search.js
// computes it with the index's stemmer, is not a term of the shard
// search.js would fetch for it.
function missingFromIndex(words, language = "en", stemmer = "english") {
  const site = mkdtempSync(join(tmpdir(), "briefing-terms-"));
  try {
    mkdirSync(join(site, "content", "articles"), { recursive: true });
    writeFileSync(join(site, "site.yaml"), `language: ${language}\n`);
    writeFileSync(
      join(site, "content", "articles", "letters.md"),
      `---\ntitle: Letters\ndate: 2024-01-01\n---\n${words.join(" ")}\n`,
    );
    execFileSync(binary, ["build", site, "--output", join(site, "public")], { stdio: "pipe" });
    const index = join(site, "public", "search-index");
    const meta = JSON.parse(readFileSync(join(index, "meta.json"), "utf8"));
    assert.equal(meta.stemmer, stemmer);
    const { terms, shardFile, stemmerFor } = searchFunctions();
    const stem = stemmerFor(stemmer);
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

// French, Spanish and Arabic: a stem of each of the language's common
// word families with each of its suffixes, and Arabic words with its
// prefixes (the article, conjunctions, prepositions) and suffixes. The
// index (rust-stemmers) and the search page (static/stemmers/) must key
// every one alike.
const FAMILIES = {
  french: [
    "gouvern nation president negoci accord securit mission region politiqu econom democrat paix guerr conflit refugi deplac vot elect minist parl discut soutien aid humanitair frontier sanction cess arm pouvoir transit constitu report menac attaqu violenc dialogu commun intern develop financ rencontr engag declar annonc retrait troup forc oper continu administr organis institut coordin relat diplomat cooper",
    "e es s er ers ement ements ation ations ateur atrice ance ances ence ences ique iques isme iste able ible eux euse ite if ive ais ait aient ant ons ez erai eront issent issement ir ira aux al ale ment logie usion ution amment emment ier iere eau eaux ee ees",
  ],
  spanish: [
    "gobiern nacion president negoci acuerd segur mision region politic econom democrat paz guerr conflict refugi desplaz vot elect ministr parlament discut apoy ayud humanitari fronter sancion arm poder transic constitu inform amenaz ataq violenc dialog comun intern desarroll financ encuentr declar anunci ratific retir trop fuerz oper continu administr organiz institu coordin relac diplomat cooper",
    "a as o os ar aron ando ado ada ados adas amiento acion aciones ador adora ancia encia ico ica ismo ista able ible oso osa idad idades ivo iva aba aban emos era eran iendo ido ida ir iera mente logia ucion es e ia ias",
  ],
};
const ARABIC_WORDS = "سودان حكومة رئيس حرب سلام أمن مفاوضات اتفاق لاجئ مساعدة انتخابات وزير برلمان حدود عقوبات قوات هجوم عنف حوار مجتمع دولي تنمية تمويل اجتماع إعلان انسحاب عملية إدارة منظمة تعاون كينيا هايتي بعثة مجلس قرار محادثات مؤتمر اقتصاد سياسة".split(" ");

for (const [language, stemmer] of [["fr", "french"], ["es", "spanish"]]) {
  test(`search.js stems every ${stemmer} word as the index does`, () => {
    const [stems, suffixes] = FAMILIES[stemmer].map((s) => s.split(" "));
    const words = stems.flatMap((s) => ["", ...suffixes].map((x) => s + x));
    assert.ok(words.length > 2500, `${words.length} words`);
    assert.deepEqual(missingFromIndex(words, language, stemmer), []);
  });
}

test("the other languages' stemmers bring a word's forms together", () => {
  const { stemmerFor } = searchFunctions();
  const meet = [
    ["french", "gouvernement", "gouvernements"],
    ["french", "negociation", "negociations"],
    ["spanish", "negociaciones", "negociar"],
    ["arabic", "الحكومة", "حكومة"],
    ["arabic", "بالحكومة", "الحكومات"],
  ];
  for (const [name, a, b] of meet) assert.equal(stemmerFor(name)(a), stemmerFor(name)(b), `${name}: ${a} ${b}`);
  // A word of another alphabet is left alone, as the index leaves it.
  assert.equal(stemmerFor("arabic")("government"), "government");
  assert.equal(stemmerFor("french")("حكومة"), "حكومة");
});

test("search.js stems every Arabic word as the index does", () => {
  const words = [];
  for (const p of ["", "ال", "وال", "بال", "لل", "و", "ب", "ل", "ف"]) {
    for (const w of ARABIC_WORDS) for (const x of ["", "ات", "ين", "ون", "ة", "ها", "هم", "ية"]) words.push(p + w + x);
  }
  assert.ok(words.length > 2500, `${words.length} words`);
  assert.deepEqual(missingFromIndex(words, "ar", "arabic"), []);
});
