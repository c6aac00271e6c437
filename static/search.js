// The search page. It queries the static index that `briefing build` writes
// under /search-index/ (its layout is described in src/search.rs), fetching
// only the files a query needs. /search/?q=Haiti&crisis=Haiti+security+crisis
// searches "Haiti" within that crisis; country, leader, crisis, tag and type
// filters are recognised, and a briefing's kind (readout, meeting…). All text is inserted as text, never as HTML.

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
  return { fold, terms, WORD, shardFile };
})();

(() => {
  "use strict";
  const root = document.getElementById("search");
  if (!root || !window.fetch) return;
  const base = root.dataset.index;
  const form = root.querySelector(".search-form");
  const input = form.elements.q;
  const filterBox = root.querySelector(".search-filters");
  const status = root.querySelector(".search-status");
  const list = root.querySelector(".search-results");
  const more = root.querySelector(".search-more");
  const KINDS = { country: "Country", leader: "Leader", crisis: "Crisis", tag: "Tag", kind: "Briefing kind", type: "Kind" };
  const PAGE = 10;
  root.hidden = false;

  const { fold, terms, WORD, shardFile } = briefingSearch;

  let meta = null;
  const cache = new Map();
  const load = (path) => {
    if (!cache.has(path)) {
      cache.set(path, fetch(`${base}${path}?v=${meta.build}`).then((r) => {
        if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
        return r.json();
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

  // Documents matching one query word, with a score: exact words count
  // fully, longer words that start with it ("sanction" → "sanctions") less.
  // Words of two letters match only exactly.
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
          const score = idf * (1 + Math.log(postings[i + 1])) * factor;
          if (score > (scores.get(doc) || 0)) scores.set(doc, score);
        }
      }
    }
    return scores;
  }

  async function filterDocs(kind, value) {
    // Own properties only: a tag may well be called "constructor".
    const all = await load(`filters/${kind}.json`);
    const postings = Object.hasOwn(all, value) ? all[value] : [];
    const docs = new Set();
    let doc = 0;
    for (const d of postings) docs.add(doc += d);
    return docs;
  }

  function activeFilters() {
    const out = [];
    for (const select of filterBox.querySelectorAll("select")) {
      if (select.value) out.push([select.name, select.value]);
    }
    return out;
  }

  async function search(query, filters) {
    const words = [...new Set(terms(query))];
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
    for (const docs of await Promise.all(filters.map(([k, v]) => filterDocs(k, v)))) {
      if (scores === null) {
        scores = new Map([...docs].map((d) => [d, 0]));
      } else {
        for (const doc of scores.keys()) if (!docs.has(doc)) scores.delete(doc);
      }
    }
    // Documents are numbered newest briefing first, so ties go to recent ones.
    const ranked = [...(scores || new Map())].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    return { words, docs: ranked.map(([doc]) => doc) };
  }

  async function doc(n) {
    const chunk = await load(`docs/${Math.floor(n / meta.docChunk)}.json`);
    const [url, title, kind, date, summary] = chunk[n % meta.docChunk];
    return { url, title, kind, date, summary };
  }

  // Text with every word that starts with a query word in <mark>.
  function highlighted(text, words) {
    const p = document.createElement("p");
    p.className = "summary";
    let last = 0;
    for (const m of text.matchAll(WORD)) {
      const w = fold(m[0]);
      if (!words.some((q) => w === q || (q.length > 2 && w.startsWith(q)))) continue;
      p.append(text.slice(last, m.index));
      const mark = document.createElement("mark");
      mark.textContent = m[0];
      p.append(mark);
      last = m.index + m[0].length;
    }
    p.append(text.slice(last));
    return p;
  }

  function item(d, words) {
    const li = document.createElement("li");
    li.className = "card";
    const info = document.createElement("p");
    info.className = "meta";
    info.textContent = d.date ? `${d.kind} · ${d.date}` : d.kind;
    const h = document.createElement("h2");
    h.className = "card-title";
    const a = document.createElement("a");
    a.href = d.url;
    a.textContent = d.title;
    h.append(a);
    li.append(h, info);
    if (d.summary) li.append(highlighted(d.summary, words));
    return li;
  }

  let run = 0;
  let shown = [];
  let current = null;

  async function showMore() {
    const mine = run;
    const next = current.docs.slice(shown.length, shown.length + PAGE);
    const docs = await Promise.all(next.map(doc));
    if (mine !== run) return;
    for (const d of docs) list.append(item(d, current.words));
    shown = shown.concat(next);
    more.hidden = shown.length >= current.docs.length;
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
    shown = [];
    if (!terms(query).length && !filters.length) {
      status.textContent = query ? "Type a longer word to search." : "";
      return;
    }
    status.textContent = "Searching…";
    try {
      const result = await search(query, filters);
      if (mine !== run) return;
      current = result;
      // The count is announced once the first results are on the page.
      await showMore();
      if (mine !== run) return;
      const n = result.docs.length;
      const within = filters.map(([k, v]) => `${KINDS[k].toLowerCase()} “${v}”`).join(", ");
      status.textContent = `${n === 0 ? "No" : n} result${n === 1 ? "" : "s"}`
        + (query ? ` for “${query}”` : "") + (within ? ` in ${within}` : "") + ".";
    } catch (e) {
      if (mine === run) status.textContent = `Search is unavailable: ${e.message}`;
    }
  }

  function buildFilters(params) {
    for (const [kind, label] of Object.entries(KINDS)) {
      const values = Object.entries(meta.filters[kind] || {});
      if (!values.length) continue;
      const wrap = document.createElement("p");
      const lab = document.createElement("label");
      const select = document.createElement("select");
      select.name = kind;
      select.id = `search-${kind}`;
      lab.htmlFor = select.id;
      lab.textContent = label;
      const any = new Option(`Any ${label.toLowerCase()}`, "");
      select.append(any);
      for (const [value, count] of values) select.append(new Option(`${value} (${count})`, value));
      const wanted = params.get(kind);
      if (wanted && Object.hasOwn(meta.filters[kind], wanted)) select.value = wanted;
      select.addEventListener("change", update);
      wrap.append(lab, select);
      filterBox.append(wrap);
    }
    filterBox.hidden = !filterBox.querySelector("select");
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
      buildFilters(params);
      root.dataset.ready = "";
      update();
    })
    .catch((e) => {
      status.textContent = `The search index could not be loaded (${e.message}).`;
    });
})();
