// The search page. It queries the static index that `briefing build` writes
// under /search-index/ (its layout is described in src/search.rs), fetching
// only the files a query needs. /search/?q=Haiti&crisis=Haiti+security+crisis
// searches "Haiti" within that crisis; country, leader, crisis, tag and type
// filters are recognised, a briefing's kind (readout, meeting…), and a date
// range (&from=2022&to=2023). Words in "double quotes" must appear in that
// order. All text is inserted as text, never as HTML.

// Snowball English (Porter2), the stemmer the index was built with
// (rust-stemmers in src/search.rs), so "deploying" and "deployment" meet.
// Vendored unchanged from wink-porter2-stemmer 2.0.1, MIT licence (its
// notice follows); tests/browser/search_terms.test.mjs checks that it stems
// every word as the index did.
const briefingStem = (() => {
  const module = { exports: null };
//     wink-porter2-stemmer
//     Implementation of Porter Stemmer Algorithm V2 by Dr Martin F Porter
//
//     Copyright (C) 2017-19  GRAYPE Systems Private Limited
//
//     This file is part of “wink-porter2-stemmer”.
//
//     Permission is hereby granted, free of charge, to any person obtaining a
//     copy of this software and associated documentation files (the "Software"),
//     to deal in the Software without restriction, including without limitation
//     the rights to use, copy, modify, merge, publish, distribute, sublicense,
//     and/or sell copies of the Software, and to permit persons to whom the
//     Software is furnished to do so, subject to the following conditions:
//
//     The above copyright notice and this permission notice shall be included
//     in all copies or substantial portions of the Software.
//
//     THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS
//     OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
//     FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL
//     THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
//     LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING
//     FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER
//     DEALINGS IN THE SOFTWARE.

// Implements the Porter Stemmer Algorithm V2 by Dr Martin F Porter.
// Reference: https://snowballstem.org/algorithms/english/stemmer.html

// ## Regex Definitions

// Regex definition of `double`.
var rgxDouble = /(bb|dd|ff|gg|mm|nn|pp|rr|tt)$/;
// Definition for Step Ia suffixes.
var rgxSFXsses = /(.+)(sses)$/;
var rgxSFXiedORies2 = /(.{2,})(ied|ies)$/;
var rgxSFXiedORies1 = /(.{1})(ied|ies)$/;
var rgxSFXusORss = /(.+)(us|ss)$/;
var rgxSFXs = /(.+)(s)$/;
// Definition for Step Ib suffixes.
var rgxSFXeedlyOReed = /(.*)(eedly|eed)$/;
var rgxSFXedORedlyORinglyORing = /([aeiouy].*)(ed|edly|ingly|ing)$/;
var rgxSFXatORblORiz = /(at|bl|iz)$/;
// Definition for Step Ic suffixes.
var rgxSFXyOR3 = /(.+[^aeiouy])([y3])$/;
// Definition for Step II suffixes; note we have spot the longest suffix.
var rgxSFXstep2 = /(ization|ational|fulness|ousness|iveness|tional|biliti|lessli|entli|ation|alism|aliti|ousli|iviti|fulli|enci|anci|abli|izer|ator|alli|bli|ogi|li)$/;
var rgxSFXstep2WithReplacements = [
  // Length 7.
  { rgx: /ational$/, replacement: 'ate' },
  { rgx: /ization$/, replacement: 'ize' },
  { rgx: /fulness$/, replacement: 'ful' },
  { rgx: /ousness$/, replacement: 'ous' },
  { rgx: /iveness$/, replacement: 'ive' },
  // Length 6.
  { rgx: /tional$/, replacement: 'tion' },
  { rgx: /biliti$/, replacement: 'ble' },
  { rgx: /lessli$/, replacement: 'less' },
  // Length 5.
  { rgx: /iviti$/, replacement: 'ive' },
  { rgx: /ousli$/, replacement: 'ous' },
  { rgx: /ation$/, replacement: 'ate' },
  { rgx: /entli$/, replacement: 'ent' },
  { rgx: /(.*)(alism|aliti)$/, replacement: '$1al' },
  { rgx: /fulli$/, replacement: 'ful' },
  // Length 4.
  { rgx: /alli$/, replacement: 'al' },
  { rgx: /ator$/, replacement: 'ate' },
  { rgx: /izer$/, replacement: 'ize' },
  { rgx: /enci$/, replacement: 'ence' },
  { rgx: /anci$/, replacement: 'ance' },
  { rgx: /abli$/, replacement: 'able' },
  // Length 3.
  { rgx: /bli$/, replacement: 'ble' },
  { rgx: /(.*)(l)(ogi)$/, replacement: '$1$2og' },
  // Length 2.
  { rgx: /(.*)([cdeghkmnrt])(li)$/, replacement: '$1$2' }
];
// Definition for Step III suffixes; once again spot the longest one first!
var rgxSFXstep3 = /(ational|tional|alize|icate|iciti|ative|ical|ness|ful)$/;
var rgxSFXstep3WithReplacements = [
  { rgx: /ational$/, replacement: 'ate' },
  { rgx: /tional$/, replacement: 'tion' },
  { rgx: /alize$/, replacement: 'al' },
  { rgx: /(.*)(icate|iciti|ical)$/, replacement: '$1ic' },
  { rgx: /(ness|ful)$/, replacement: '' },
];
// Definition for Step IV suffixes.
var rgxSFXstep4 = /(ement|ance|ence|able|ible|ment|ant|ent|ism|ate|iti|ous|ive|ize|al|er|ic)$/;
var rgxSFXstep4Full = /(ement|ance|ence|able|ible|ment|ant|ent|ism|ate|iti|ous|ive|ize|ion|al|er|ic)$/;
var rgxSFXstep4ion = /(.*)(s|t)(ion)$/;
// Exceptions Set I.
var exceptions1 = Object.create( null );
// Mapped!
exceptions1.skis = 'ski';
exceptions1.skies = 'sky';
exceptions1.dying = 'die';
exceptions1.lying = 'lie';
exceptions1.tying = 'tie';
exceptions1.idly = 'idl';
exceptions1.gently = 'gentl';
exceptions1.ugly = 'ugli';
exceptions1.early = 'earli';
exceptions1.only = 'onli';
exceptions1.singly = 'singl';
// Invariants!
exceptions1.sky = 'sky';
exceptions1.news = 'news';
exceptions1.atlas = 'atlas';
exceptions1.cosmos = 'cosmos';
exceptions1.bias = 'bias';
exceptions1.andes = 'andes';

// Exceptions Set II.
// Note, these are to be treated as full words.
var rgxException2 = /^(inning|outing|canning|herring|proceed|exceed|succeed|earring)$/;

// ## Private functions

// ### prelude
/**
 * Performs initial pre-processing by transforming the input string `s` as
 * per the replacements.
 *
 * @param {String} s Input string
 * @return {String} Processed string
 * @private
 */
var prelude = function ( s ) {
  return ( s
            // Handle `y`'s.
            .replace( /^y/, '3' )
            .replace( /([aeiou])y/, '$13' )
            // Handle apostrophe.
            .replace( /\’s$|\'s$/, '' )
            .replace( /s\’$|s\'$/, '' )
            .replace( /[\’\']$/, '' )
         );
}; // prelude()

// ### isShort
/**
 * @param {String} s Input string
 * @return {Boolean} `true` if `s` is a short syllable, `false` otherwise
 * @private
 */
var isShort = function ( s ) {
  // (a) a vowel followed by a non-vowel other than w, x or 3 and
  // preceded by a non-vowel, **or** (b) a vowel at the beginning of the word
  // followed by a non-vowel.
  return (
    (
      (
        ( /[^aeiouy][aeiouy][^aeiouywx3]$/ ).test( s ) ||
        ( /^[aeiouy][^aeiouy]{0,1}$/ ).test( s ) // Removed this new changed??
      )
    )
  );
}; // isShort()

// ### markRegions
/**
 * @param {String} s Input string
 * @return {Object} the `R1` and `R2` regions as an object from the input string `s`.
 * @private
 */
var markRegions = function ( s ) {
  // Matches of `R1` and `R2`.
  var m1, m2;
  // To detect regions i.e. `R1` and `R2`.
  var rgxRegions = /[aeiouy]+([^aeiouy]{1}.+)/;
  m1 = rgxRegions.exec( s );
  if ( !m1 ) return ( { r1: '', r2: '' } );
  m1 = m1[ 1 ].slice( 1 );
  // Handle exceptions here to prevent over stemming.
  m1 = ( ( /^(gener|commun|arsen)/ ).test( s ) ) ? s.replace( /^(gener|commun|arsen)(.*)/, '$2') : m1;
  m2 = rgxRegions.exec( m1 );
  if ( !m2 ) return ( { r1: m1, r2: '' } );
  m2 = m2[ 1 ].slice( 1 );
  return ( { r1: m1, r2: m2 } );
}; // markRegions()

// ### step1a
/**
 * @param {String} s Input string
 * @return {String} Processed string
 * @private
 */
var step1a = function ( s ) {
  var wordPart;
  if ( rgxSFXsses.test( s ) ) return ( s.replace( rgxSFXsses, '$1ss' ) );
  if ( rgxSFXiedORies2.test( s ) ) return ( s.replace( rgxSFXiedORies2, '$1i' ) );
  if ( rgxSFXiedORies1.test( s ) ) return ( s.replace( rgxSFXiedORies1, '$1ie' ) );
  if ( rgxSFXusORss.test( s ) ) return ( s );
  wordPart = s.replace( rgxSFXs, '$1' );
  if ( ( /[aeiuouy](.+)$/ ).test( wordPart ) ) return ( s.replace( rgxSFXs, '$1' ) );
  return ( s );
}; // step1a()

// ### step1b
/**
 * @param {String} s Input string
 * @return {String} Processed string
 * @private
 */
var step1b = function ( s ) {
  var rgn = markRegions( s ),
  sd;
  // Search for the longest among the `eedly|eed` suffixes.
  if ( rgxSFXeedlyOReed.test( s ) )
    // Replace by ee if in R1.
    return ( rgxSFXeedlyOReed.test( rgn.r1 ) ? s.replace( rgxSFXeedlyOReed, '$1ee' ) : s );
  // Delete `ed|edly|ingly|ing` if the preceding word part contains a vowel.
  if ( rgxSFXedORedlyORinglyORing.test( s ) ) {
    sd = s.replace( rgxSFXedORedlyORinglyORing, '$1' );
    rgn = markRegions( sd );
    // And after deletion, return either
    return ( rgxSFXatORblORiz.test( sd ) ) ? ( sd + 'e' ) :
            // or
            ( rgxDouble.test( sd ) ) ? ( sd.replace( /.$/, '' ) ) :
              // or
              ( ( isShort( sd ) ) && ( rgn.r1 === '' ) ) ? ( sd + 'e' ) :
                // or
                sd;
  }
  return ( s );
}; // step1b()

// ### step1c
/**
 * @param {String} s Input string
 * @return {String} Processed string
 * @private
 */
var step1c = function ( s ) {
  return ( s.replace( rgxSFXyOR3, '$1i') );
}; // step1c()

// ### step2
/**
 * @param {String} s Input string
 * @return {String} Processed string
 * @private
 */
var step2 = function ( s ) {
  var i, imax,
      rgn = markRegions( s ),
      us; // updated s.
  var match = s.match( rgxSFXstep2 );
  match = ( match === null ) ? '$$$$$' : match[ 1 ];
  if ( rgn.r1.indexOf( match ) !== -1 ) {
    for ( i = 0, imax = rgxSFXstep2WithReplacements.length; i < imax; i += 1 ) {
      us = s.replace( rgxSFXstep2WithReplacements[ i ].rgx, rgxSFXstep2WithReplacements[ i ].replacement );
      if ( s !== us ) return ( us );
    }
  }
  return ( s );
}; // step2()

// ### step3
/**
 * @param {String} s Input string
 * @return {String} Processed string
 * @private
 */
var step3 = function ( s ) {
  var i, imax,
      rgn = markRegions( s ),
      us; // updated s.
  var match = s.match( rgxSFXstep3 );
  match = ( match === null ) ? '$$$$$' : match[ 1 ];

  if ( rgn.r1.indexOf( match ) !== -1 ) {
    for ( i = 0, imax = rgxSFXstep3WithReplacements.length; i < imax; i += 1 ) {
      us = s.replace( rgxSFXstep3WithReplacements[ i ].rgx, rgxSFXstep3WithReplacements[ i ].replacement );
      if ( s !== us ) return ( us );
    }
    if ( ( /ative/ ).test( rgn.r2 ) ) return s.replace( /ative$/, '' );
  }
  return ( s );
}; // step3()

// ### step4
/**
 * @param {String} s Input string
 * @return {String} Processed string
 * @private
 */
var step4 = function ( s ) {
  var rgn = markRegions( s );
  var match = s.match( rgxSFXstep4Full );
  match = ( match === null ) ? '$$$$$' : match[ 1 ];
  if ( rgxSFXstep4Full.test( s ) &&  rgn.r2.indexOf( match ) !== -1 ) {
    return rgxSFXstep4.test( s ) ? s.replace( rgxSFXstep4, '' ) :
    (
      rgxSFXstep4ion.test( s ) ?
      s.replace( rgxSFXstep4ion, '$1$2') :
      s
    );
  }
  return ( s );
}; // step4()

// ### step5
/**
 * @param {String} s Input string
 * @return {String} Processed string
 * @private
 */
var step5 = function ( s ) {
  var preceding, rgn;
  // Search for the `e` suffixes.
  rgn = markRegions( s );
  if ( ( /e$/i ).test( s ) ) {
    preceding = s.replace( /e$/, '' );
    return (
              // Found: delete if in R2, or in R1 and not preceded by a short syllable
              ( /e/ ).test( rgn.r2 ) || ( ( /e/ ).test( rgn.r1 ) && !isShort( preceding ) ) ?
              preceding : s
           );
  }
  // Search for the `l` suffixes.
  if ( ( /l$/ ).test( s ) ) {
    rgn = markRegions( s );
    // Found: delete if in R2
    return ( rgn.r2 && ( /l$/ ).test( rgn.r2 ) ? s.replace( ( /ll$/ ), 'l' ) : s );
  }
  // If nothing happens, must return the string!
  return ( s );
}; // step5()

// ## Public functions
// ### stem
/**
 *
 * Stems an inflected `word` using Porter2 stemming algorithm.
 *
 * @param {string} word — word to be stemmed.
 * @return {string} — the stemmed word.
 *
 * @example
 * stem( 'consisting' );
 * // -> consist
 */
var stem = function ( word ) {
  var str = word.toLowerCase();
  if ( str.length < 3 ) return ( str );
  if ( exceptions1[ str ] ) return ( exceptions1[ str ] );
  str = prelude( str );
  str = step1a( str );

  if ( !rgxException2.test( str ) ) {
    str = step1b( str );
    str = step1c( str );
    str = step2( str );
    str = step3( str );
    str = step4( str );
    str = step5( str );
  }

  str = str.replace( /3/g , 'y' );
  return ( str );
}; // stem()

// Export stem function.
module.exports = stem;

  return module.exports;
})();

// Folding and splitting: must match `terms` in src/search.rs (lower case,
// Latin letters without accents, runs of letters and digits of two or more
// characters), as must the shard file names. tests/browser/search_terms.test.mjs
// checks the two agree.
const briefingSearch = (() => {
  // Latin letters whose accent-free form is not their Unicode decomposition
  // (the Rust side transliterates with deunicode; tests compare the two).
  const LATIN = {
    "ß": "ss", "æ": "ae", "ð": "d", "ø": "o", "þ": "th", "đ": "d", "ħ": "h", "ı": "i", "ĸ": "k",
    "ŀ": "l", "ł": "l", "ŉ": "ŉ", "ŋ": "ng", "œ": "oe", "ŧ": "t", "ƀ": "b", "ƃ": "b", "ƅ": "6",
    "ƈ": "c", "ƌ": "d", "ƍ": "d", "ƒ": "f", "ƕ": "hv", "ƙ": "k", "ƚ": "l", "ƛ": "l", "ƞ": "n",
    "ƣ": "oi", "ƥ": "p", "ƨ": "2", "ƪ": "sh", "ƫ": "t", "ƭ": "t", "ƴ": "y", "ƶ": "z", "ƹ": "zh",
    "ƺ": "zh", "ƻ": "2", "ƽ": "5", "ƾ": "ts", "ƿ": "w", "ǣ": "ae", "ǥ": "g", "ǯ": "zh", "ǽ": "ae",
    "ǿ": "o", "ȝ": "y", "ȡ": "d", "ȣ": "ou", "ȥ": "z", "ȴ": "l", "ȵ": "n", "ȶ": "t", "ȷ": "j",
    "ȸ": "db", "ȹ": "qp", "ȼ": "c", "ȿ": "s", "ɀ": "z", "ɇ": "e", "ɉ": "j", "ɋ": "q", "ɍ": "r",
    "ɏ": "y"
  };
  const fold = (s) => Array.from(s.toLowerCase(), (c) => {
    if (c >= "\u0300" && c <= "\u036f") return "";
    if (c < "\u00c0" || c > "\u024f") return c;
    return LATIN[c] || c.normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
  }).join("");
  const WORD = /[\p{Alphabetic}\p{N}]+/gu;
  const terms = (s) => (fold(s).match(WORD) || []).filter((w) => Array.from(w).length > 1);
  // A shard key's file name: the key when plain a-z0-9, else "_" and the
  // hex of its UTF-8 bytes (`shard_file` in src/search.rs).
  const shardFile = (key) => /^[a-z0-9]+$/.test(key) ? key
    : "_" + Array.from(new TextEncoder().encode(key), (b) => b.toString(16).padStart(2, "0")).join("");
  // Only plain a-z words are stemmed, on both sides: the stemmer marks a
  // "y" as "3" inside, so words with digits would come out changed.
  const stem = (w) => /^[a-z]+$/.test(w) ? briefingStem(w) : w;
  // The index's stemmer by its name in meta.json: English built in, the
  // others from static/stemmers/, which the search page loads for its
  // language. Each takes the words of its alphabet only, as
  // `Stemming::takes` in src/search.rs does.
  const ARABIC = /^[\u0620-\u064A\u066E-\u06D3]+$/;
  const stemmerFor = (name) => {
    if (name === "english") return stem;
    const own = typeof window !== "undefined" && window.briefingStemmers && window.briefingStemmers[name];
    if (!own) return (w) => w;
    const takes = name === "arabic" ? (w) => ARABIC.test(w) : (w) => /^[a-z]+$/.test(w);
    return (w) => (takes(w) ? own(w) : w);
  };
  return { fold, terms, WORD, shardFile, stem, stemmerFor };
})();

(() => {
  "use strict";
  const root = document.getElementById("search");
  if (!root || !window.fetch) return;
  const base = root.dataset.index;
  const form = root.querySelector(".search-form");
  const input = form.elements.q;
  const filterBox = root.querySelector(".search-filters");
  const filterList = filterBox.querySelector(".search-filter-list");
  const status = root.querySelector(".search-status");
  const list = root.querySelector(".search-results");
  const more = root.querySelector(".search-more");
  // The page's words, from the theme in the page's language (the search
  // page writes them as JSON); plural forms are picked by the browser's
  // own CLDR rules for the page's language.
  const WORDS = JSON.parse(document.getElementById("search-words")?.textContent || "{}");
  const plurals = new Intl.PluralRules(document.documentElement.lang || "en");
  function say(key, args = {}, n) {
    const text = WORDS[key];
    const form = typeof text === "object" && text !== null ? (text[plurals.select(n)] ?? text.other) : text;
    return String(form ?? key).replace(/\{(\w+)\}/g, (m, name) => (name === "n" ? n : args[name]) ?? m);
  }
  const KINDS = Object.fromEntries(["country", "leader", "crisis", "tag", "kind", "type"].map((k) => [k, say(`filter_${k}`)]));
  const YEARS = { from: say("filter_from"), to: say("filter_to") };
  const PAGE = 10;
  // A quoted phrase is checked against the text of results in rank order;
  // one "Show more" checks at most this many, which bounds what it fetches.
  const PHRASE_CHECKS = 60;
  // Words in an excerpt, and before its first match.
  const WINDOW = 30;
  const LEAD = 8;
  root.hidden = false;

  const { fold, terms, WORD, shardFile, stem, stemmerFor } = briefingSearch;

  let meta = null;
  const cache = new Map();
  const load = (path, as = "json") => {
    if (!cache.has(path)) {
      cache.set(path, fetch(`${base}${path}?v=${meta.build}`).then((r) => {
        if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
        return r[as]();
      }));
    }
    return cache.get(path);
  };

  // The shards that can hold terms starting with `q`: every key that starts
  // with it, and the longest key that is a proper prefix of it.
  function shardsFor(q) {
    const keys = meta.shards.filter((k) => k.startsWith(q));
    let parent = null;
    for (const k of meta.shards) {
      if (k.length < q.length && q.startsWith(k) && (parent === null || k.length > parent.length)) parent = k;
    }
    if (parent !== null) keys.push(parent);
    return keys;
  }

  // The index holds stems when the site's language has a stemmer.
  const key = (w) => stemmerFor(meta.stemmer)(w);

  // The quoted phrases of a query, each as index keys; a phrase of one word
  // is just a word.
  function phrases(query) {
    return [...query.matchAll(/["“”„]([^"“”„]+)["“”]/g)]
      .map((m) => terms(m[1]).map(key))
      .filter((p) => p.length > 1);
  }

  // Documents matching one query word (as the index keys it), with a
  // score: the stored weight (BM25's term factor, plus a bonus on a
  // profile's own name) times the term's rarity. Longer words that start
  // with it ("sanct" → "sanctions") count less; words of two letters match
  // only exactly.
  async function matches(q) {
    const prefix = q.length > 2;
    const shards = await Promise.all(shardsFor(q).map((k) => load(`terms/${shardFile(k)}.json`)));
    const scores = new Map();
    for (const shard of shards) {
      for (const [term, postings] of Object.entries(shard)) {
        if (term !== q && !(prefix && term.startsWith(q))) continue;
        const idf = Math.log(1 + meta.docs / (postings.length / 2));
        const factor = term === q ? 1 : 0.6;
        let doc = 0;
        for (let i = 0; i < postings.length; i += 2) {
          doc += postings[i];
          const score = idf * (postings[i + 1] / 100) * factor;
          if (score > (scores.get(doc) || 0)) scores.set(doc, score);
        }
      }
    }
    return scores;
  }

  // Every value of a filter with its documents, from deltas.
  async function filterValues(kind) {
    const all = await load(`filters/${kind}.json`);
    return new Map(Object.entries(all).map(([value, deltas]) => {
      let doc = 0;
      return [value, deltas.map((d) => (doc += d))];
    }));
  }

  async function filterDocs(kind, value) {
    // Own properties only (a tag may well be called "constructor"), which
    // a Map gives.
    return new Set((await filterValues(kind)).get(value) || []);
  }

  // The documents of briefings dated within the years chosen, as a
  // [first, last] range of document numbers (newest first), or null when
  // no year is chosen.
  function dateRange(from, to) {
    if (!from && !to) return null;
    let lo = Infinity, hi = -1;
    for (const [year, [first, last]] of Object.entries(meta.years || {})) {
      if ((from && year < from) || (to && year > to)) continue;
      lo = Math.min(lo, first);
      hi = Math.max(hi, last);
    }
    return [lo, hi];
  }

  function activeFilters() {
    const out = [];
    for (const select of filterList.querySelectorAll("select")) {
      if (select.value) out.push([select.name, select.value]);
    }
    return out;
  }

  // The query's words, each document's score for all of them (null when
  // the query has no words: every document), and the quoted phrases.
  async function scoreWords(query) {
    const words = [...new Set(terms(query).map(key))];
    let scores = null;
    for (const map of await Promise.all(words.map(matches))) {
      if (scores === null) {
        scores = map;
      } else {
        const both = new Map();
        for (const [doc, s] of scores) if (map.has(doc)) both.set(doc, s + map.get(doc));
        scores = both;
      }
    }
    return { words, scores, phrases: phrases(query) };
  }

  // Keep the documents that pass every filter but `except`.
  async function narrowed(scores, filters, except) {
    const keep = new Map(scores || Array.from({ length: meta.docs }, (_, d) => [d, 0]));
    const years = Object.fromEntries(filters.filter(([k]) => k in YEARS));
    const range = except === "year" ? null : dateRange(years.from, years.to);
    if (range) for (const doc of keep.keys()) if (doc < range[0] || doc > range[1]) keep.delete(doc);
    const others = filters.filter(([k]) => !(k in YEARS) && k !== except);
    for (const docs of await Promise.all(others.map(([k, v]) => filterDocs(k, v)))) {
      for (const doc of keep.keys()) if (!docs.has(doc)) keep.delete(doc);
    }
    return keep;
  }

  async function search(query, filters) {
    const found = await scoreWords(query);
    const scores = await narrowed(found.scores, filters, null);
    // Documents are numbered newest briefing first, so ties go to recent ones.
    const docs = [...scores].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([doc]) => doc);
    return { ...found, filters, docs, checked: 0, shown: 0 };
  }

  // Edit distance with transpositions ("keyna" → "kenya" is 1), given up
  // past 2.
  function distance(a, b) {
    if (Math.abs(a.length - b.length) > 2) return 3;
    const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) d[0][j] = j;
    for (let i = 1; i <= a.length; i++) {
      for (let j = 1; j <= b.length; j++) {
        const cost = a[i - 1] === b[j - 1] ? 0 : 1;
        d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length][b.length];
  }

  // For a query with no results: each word that is not a term replaced by
  // the closest term in the shards already fetched (the most common of the
  // closest), or null when there is none. A term is shown as readers write
  // it ("security", "Kenya"), from forms.json, which is fetched only here;
  // and a typo is measured against that word too, so a long inflected word
  // ("deploymnets") finds "deployments".
  async function suggestion(query) {
    const paths = [...cache.keys()].filter((p) => p.startsWith("terms/"));
    const forms = await load("forms.json").catch(() => ({}));
    const shards = await Promise.all(paths.map(async (p) => [await load(p).catch(() => ({})), forms]));
    let changed = false;
    const words = terms(query).map((w) => {
      const k = key(w);
      if (k.length < 4 || shards.some(([sh]) => Object.hasOwn(sh, k))) return w;
      const most = Array.from(w).length > 6 ? 2 : 1;
      let best = null;
      for (const [sh, forms] of shards) {
        for (const [term, postings] of Object.entries(sh)) {
          const form = forms[term] ?? term;
          const d = Math.min(distance(k, term), distance(w, fold(form)));
          if (d <= most && (!best || d < best.d || (d === best.d && postings.length > best.n))) {
            best = { form, d, n: postings.length };
          }
        }
      }
      if (!best) return w;
      changed = true;
      return best.form;
    });
    return changed ? words.join(" ") : null;
  }

  function didYouMean(better) {
    const span = document.createElement("span");
    const a = document.createElement("a");
    a.href = `?q=${encodeURIComponent(better)}`;
    a.textContent = better;
    a.addEventListener("click", (e) => {
      e.preventDefault();
      input.value = better;
      update();
    });
    const [before, after = ""] = say("search_did_you_mean").split("{word}");
    span.append(before, a, after);
    return span;
  }

  async function doc(n) {
    const chunk = await load(`docs/${Math.floor(n / meta.docChunk)}.json`);
    const [url, title, kind, date, summary] = chunk[n % meta.docChunk];
    // The text is only for the excerpt and phrase checks: a result still
    // shows, with its summary, if it cannot be had.
    const texts = await load(`text/${Math.floor(n / meta.textChunk)}.json`).catch(() => []);
    const text = texts[n % meta.textChunk] ?? "";
    return { url, title, kind, date, summary, text };
  }

  // The words of `text` as the index keys them, with where each is.
  function tokens(text) {
    const out = [];
    for (const m of text.matchAll(WORD)) {
      const folded = fold(m[0]);
      if (Array.from(folded).length < 2) continue;
      out.push({ at: m.index, end: m.index + m[0].length, key: key(folded) });
    }
    return out;
  }

  // Where in `toks` each phrase starts.
  function phraseStarts(toks, phraseList) {
    const starts = new Set();
    for (const p of phraseList) {
      for (let i = 0; i + p.length <= toks.length; i++) {
        if (p.every((k, j) => toks[i + j].key === k)) starts.add(i);
      }
    }
    return starts;
  }

  function hasPhrases(d, phraseList) {
    return phraseList.every((p) => [d.title, d.summary, d.text].some((t) => phraseStarts(tokens(t), [p]).size));
  }

  // About WINDOW words of `text` around its best match: the most distinct
  // query words, a quoted phrase first; null when no query word is in it.
  function excerpt(text, words, phraseList) {
    const toks = tokens(text);
    const hit = toks.map((t) => words.findIndex((q) => t.key === q || (q.length > 2 && t.key.startsWith(q))));
    const starts = phraseStarts(toks, phraseList);
    let best = -1, bestScore = 0;
    for (let i = 0; i < toks.length; i++) {
      if (hit[i] < 0) continue;
      const seen = new Set();
      for (let j = i; j < Math.min(toks.length, i + WINDOW - LEAD); j++) if (hit[j] >= 0) seen.add(hit[j]);
      const score = seen.size + (starts.has(i) ? words.length : 0);
      if (score > bestScore) [best, bestScore] = [i, score];
    }
    if (best < 0) return null;
    const first = Math.max(0, best - LEAD);
    const last = Math.min(toks.length, first + WINDOW) - 1;
    const p = document.createElement("p");
    p.className = "summary excerpt";
    if (first > 0) p.append("… ");
    let at = toks[first].at;
    for (let i = first; i <= last; i++) {
      if (hit[i] < 0) continue;
      p.append(text.slice(at, toks[i].at));
      const mark = document.createElement("mark");
      mark.textContent = text.slice(toks[i].at, toks[i].end);
      p.append(mark);
      at = toks[i].end;
    }
    p.append(text.slice(at, last + 1 < toks.length ? toks[last].end : text.length));
    if (last + 1 < toks.length) p.append(" …");
    return p;
  }

  // The summary with every query word in <mark>, for a result whose text
  // does not hold one (it matched on its title or tags).
  function highlighted(text, words) {
    const p = document.createElement("p");
    p.className = "summary";
    let last = 0;
    for (const t of tokens(text)) {
      if (!words.some((q) => t.key === q || (q.length > 2 && t.key.startsWith(q)))) continue;
      const mark = document.createElement("mark");
      mark.textContent = text.slice(t.at, t.end);
      p.append(text.slice(last, t.at), mark);
      last = t.end;
    }
    p.append(text.slice(last));
    return p;
  }

  function item(d, result) {
    const li = document.createElement("li");
    li.className = "card";
    const info = document.createElement("p");
    info.className = "meta";
    // The theme's word for a kind it knows; an author's own kind as written.
    const kind = WORDS[`kind_${d.kind.toLowerCase()}`] ?? d.kind;
    info.textContent = d.date ? `${kind} · ${d.date}` : kind;
    const h = document.createElement("h2");
    h.className = "card-title";
    const a = document.createElement("a");
    a.href = d.url;
    a.textContent = d.title;
    h.append(a);
    li.append(h, info);
    // The excerpt comes from the text, or from the summary when only the
    // summary holds the quoted phrase.
    const has = (t) => t && phraseStarts(tokens(t), result.phrases).size > 0;
    const source = result.phrases.length && !has(d.text) && has(d.summary) ? d.summary : d.text;
    const cut = result.words.length ? excerpt(source, result.words, result.phrases) : null;
    if (cut) li.append(cut);
    else if (d.summary) li.append(highlighted(d.summary, result.words));
    return li;
  }

  // The next results to show. With a quoted phrase, candidates are checked
  // in rank order until a page is found or PHRASE_CHECKS were read.
  async function nextPage(result) {
    if (!result.phrases.length) {
      const next = result.docs.slice(result.checked, result.checked + PAGE);
      result.checked += next.length;
      return Promise.all(next.map(doc));
    }
    const found = [];
    let budget = PHRASE_CHECKS;
    while (found.length < PAGE && result.checked < result.docs.length && budget > 0) {
      const batch = result.docs.slice(result.checked, result.checked + Math.min(PAGE, budget));
      result.checked += batch.length;
      budget -= batch.length;
      for (const d of await Promise.all(batch.map(doc))) if (hasPhrases(d, result.phrases)) found.push(d);
    }
    return found;
  }

  let run = 0;
  let current = null;

  async function showMore() {
    const mine = run;
    const result = current;
    const docs = await nextPage(result);
    if (mine !== run) return;
    for (const d of docs) list.append(item(d, result));
    result.shown += docs.length;
    more.hidden = result.checked >= result.docs.length;
    announce(result);
  }

  function announce(result) {
    const query = input.value.trim();
    const within = result.filters.map(([k, v]) => say("search_filter_value", { filter: (KINDS[k] || YEARS[k]).toLowerCase(), value: v })).join(", ");
    // A phrase search counts what it has checked so far; it can only know
    // the whole count once every page with all the words was read.
    const partial = result.phrases.length > 0 && result.checked < result.docs.length;
    const n = result.phrases.length ? result.shown : result.docs.length;
    const quoted = /^["“«]/.test(query) ? query : say("search_quoted", { query });
    status.textContent = (n === 0 ? say("search_none") : say("search_count", {}, n))
      + (partial ? say("search_so_far") : "")
      + (query ? say("search_for", { query: quoted }) : "") + (within ? say("search_in", { filters: within }) : "") + say("search_end")
      + (partial ? say("search_checked", { checked: result.checked, total: result.docs.length }) : "");
  }

  async function update() {
    const mine = ++run;
    const query = input.value.trim();
    const filters = activeFilters();
    const params = new URLSearchParams();
    if (query) params.set("q", query);
    for (const [k, v] of filters) params.append(k, v);
    const qs = params.toString();
    history.replaceState(null, "", qs ? `?${qs}` : location.pathname);
    list.replaceChildren();
    more.hidden = true;
    if (!terms(query).length && !filters.length) {
      status.textContent = query ? say("search_longer") : "";
      if (filterBox.open) showCounts(null, filters);
      return;
    }
    status.textContent = say("search_searching");
    try {
      const result = await search(query, filters);
      if (mine !== run) return;
      current = result;
      // The count is announced once the first results are on the page.
      await showMore();
      if (mine !== run) return;
      if (filterBox.open) showCounts(result, filters);
      if (result.docs.length === 0 && query) {
        const better = await suggestion(query);
        if (mine === run && better) status.append(" ", didYouMean(better));
      }
    } catch (e) {
      if (mine === run) status.textContent = say("search_unavailable", { error: e.message });
    }
  }

  // Each filter value's count among the results of the query with every
  // other filter applied, so a reader sees what a choice would leave.
  // Fetches the filter files, so it runs only once the filters are open.
  async function showCounts(result, filters) {
    const mine = run;
    const scores = result ? result.scores : null;
    const counts = {};
    for (const kind of Object.keys(KINDS)) {
      if (!filterList.querySelector(`select[name="${kind}"]`)) continue;
      const docs = await narrowed(scores, filters, kind);
      counts[kind] = new Map([...(await filterValues(kind))].map(([v, list]) => [v, list.filter((d) => docs.has(d)).length]));
    }
    const docs = await narrowed(scores, filters, "year");
    counts.year = new Map(Object.entries(meta.years || {}).map(([y, [first, last]]) => {
      let n = 0;
      for (const d of docs.keys()) if (d >= first && d <= last) n++;
      return [y, n];
    }));
    if (mine !== run) return;
    for (const select of filterList.querySelectorAll("select")) {
      const c = counts[select.name in YEARS ? "year" : select.name];
      for (const option of select.options) {
        if (!option.value) continue;
        const n = c.get(option.value) || 0;
        option.textContent = `${option.value} (${n})`;
        option.disabled = n === 0 && option.value !== select.value;
      }
    }
    filterBox.querySelector(".search-filter-note").hidden = false;
  }

  function addSelect(name, label, values, params) {
    const wrap = document.createElement("p");
    const lab = document.createElement("label");
    const select = document.createElement("select");
    select.name = name;
    select.id = `search-${name}`;
    lab.htmlFor = select.id;
    lab.textContent = label;
    select.append(new Option(name in YEARS ? say("any_year") : say("any_value", { label: label.toLowerCase() }), ""));
    for (const [value, count] of values) select.append(new Option(`${value} (${count})`, value));
    const wanted = params.get(name);
    if (wanted && values.some(([v]) => v === wanted)) select.value = wanted;
    select.addEventListener("change", update);
    wrap.append(lab, select);
    filterList.append(wrap);
  }

  function buildFilters(params) {
    for (const [kind, label] of Object.entries(KINDS)) {
      const values = Object.entries(meta.filters[kind] || {});
      if (values.length) addSelect(kind, label, values, params);
    }
    const years = Object.entries(meta.years || {}).map(([y, [first, last]]) => [y, last - first + 1]).reverse();
    if (years.length > 1) for (const [name, label] of Object.entries(YEARS)) addSelect(name, label, years, params);
    filterBox.hidden = !filterList.querySelector("select");
    // A search that arrives with filters shows them open.
    if (activeFilters().length) filterBox.open = true;
    filterBox.addEventListener("toggle", () => {
      if (filterBox.open) update();
    });
  }

  let timer;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(update, 150);
  });
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    clearTimeout(timer);
    update();
  });
  more.addEventListener("click", () => showMore());

  fetch(`${base}meta.json`, { cache: "no-cache" })
    .then((r) => {
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
      return r.json();
    })
    .then((m) => {
      meta = m;
      const params = new URLSearchParams(location.search);
      input.value = params.get("q") || "";
      // The header's box shows the query too, as on any search results page.
      const header = document.getElementById("site-search-q");
      if (header) {
        header.value = input.value;
        input.addEventListener("input", () => { header.value = input.value; });
      }
      buildFilters(params);
      root.dataset.ready = "";
      update();
    })
    .catch((e) => {
      status.textContent = say("search_not_loaded", { error: e.message });
    });
})();
