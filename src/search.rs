//! Search: a chunked full-text index of the briefings and profiles, written
//! as small static JSON files under `/search-index/` and queried by the
//! theme's `search.js` in the reader's browser, with no server.
//!
//! Why not Pagefind: issue 4 asked for it, and the first versions used it.
//! At 10,000 briefings its indexer took about 25 s of one core and 1 GiB,
//! more than the whole rest of the build, because its API takes one lock
//! for every record (so indexing is single-threaded) and scans every page
//! already added for each new one (quadratic: 5·10⁹ comparisons at 100,000).
//! That made the performance targets unreachable. This index is built from
//! the graph we already hold, in parallel: under 3 s of CPU per 10,000
//! briefings, spread over every core, by `perf` samples.
//!
//! The layout, so a browser fetches only what a query needs:
//! - `meta.json`: the number of documents, the term shards, the filter values
//!   with their counts, and a build id that busts caches;
//! - `terms/<shard>.json`: `{term: [doc delta, weight, doc delta, weight…]}`
//!   for the terms whose longest shard key is `<shard>`; a shard is split by
//!   the next letter until it is small;
//! - `docs/<n>.json`: `[url, title, kind, date, summary]` for documents
//!   `n·DOC_CHUNK…`; documents are numbered newest briefing first, then
//!   profiles, so ties in ranking favour recent briefings;
//! - `text/<n>.json`: the plain text of documents `n·TEXT_CHUNK…`, fetched
//!   only for the results shown, to cut an excerpt around the match and to
//!   check a quoted phrase;
//! - `filters/<kind>.json`: `{value: [doc delta…]}` for country, leader,
//!   crisis, tag, kind (a briefing's `kind:`) and type, fetched only when
//!   the reader opens the filters.
//!
//! `meta.json` also gives each year's briefings as a range of document
//! numbers, since they are numbered by date: a date range costs no fetch.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use anyhow::{Context, Result};
use rayon::prelude::*;

use crate::content::EntityKind;
use crate::graph::{Article, Book, Entity};
use crate::render::Output;
use crate::text::{shorten, strip_tags};
use crate::Site;
use rust_stemmers::{Algorithm, Stemmer};

/// Folder of the index in the output.
pub const DIR: &str = "search-index";
/// Documents per `docs/<n>.json` file: a page of ten results fetches a few
/// small files rather than one large one.
pub const DOC_CHUNK: usize = 50;
/// Documents per `text/<n>.json` file. Results are ranked, not adjacent, so
/// each result shown fetches its whole chunk: at 10k briefings two keep an
/// unquoted query within 100 KB gzipped (93 KB at most, against 81 KB with
/// one text per file and 115 KB with four) and halve the files.
pub const TEXT_CHUNK: usize = 2;
/// A term shard is split by the next letter while its JSON is larger than
/// this many bytes (unless it holds a single term).
const SHARD_BYTES: usize = 48 * 1024;
/// A word in the title counts this many times a word in the text.
const TITLE_WEIGHT: u32 = 8;
/// Summaries shown with results are cut to about this many characters.
const SUMMARY_CHARS: usize = 240;
/// A document's stored text is cut to about this many characters, which
/// bounds what one result can cost a reader to fetch (about 5,000 words).
const TEXT_CHARS: usize = 32_000;

/// One searchable page.
#[derive(Clone, Debug)]
pub struct Record {
    pub url: String,
    pub title: String,
    /// "Briefing", "Country", "Leader", "Crisis" or "Book".
    pub kind: String,
    /// For briefings: the ISO date (for ordering) and the readable one.
    pub date: Option<(String, String)>,
    pub summary: String,
    pub text: RecordText,
    /// What the page is tagged with (a briefing's entities, their aliases
    /// and its tags) or called (a profile's aliases): found like the title,
    /// though the text may never say it.
    pub keywords: String,
    /// A profile's own names, which put it first for a search of its name.
    pub names: Vec<String>,
    pub filters: BTreeMap<String, Vec<String>>,
}

/// A record's text: plain, or a body's HTML shared with the graph, whose
/// tags are stripped only when the index reaches its chunk of records. At
/// 100,000 briefings, making every plain text up front put the search
/// phase's peak 264 MiB above the load's.
#[derive(Clone, Debug)]
pub enum RecordText {
    Plain(String),
    Html(std::sync::Arc<str>),
}

impl Default for RecordText {
    fn default() -> Self {
        RecordText::Plain(String::new())
    }
}

impl From<&str> for RecordText {
    fn from(text: &str) -> Self {
        RecordText::Plain(text.to_string())
    }
}

impl RecordText {
    pub fn plain(&self) -> std::borrow::Cow<'_, str> {
        match self {
            RecordText::Plain(text) => text.into(),
            RecordText::Html(html) => strip_tags(html).into(),
        }
    }

    fn make_plain(&mut self) {
        if let RecordText::Html(html) = self {
            *self = RecordText::Plain(strip_tags(html));
        }
    }
}

/// What serve hands its background indexer: the kept records and the
/// site's language, which picks the stemmer.
pub struct IndexJob {
    pub records: Vec<std::sync::Arc<Record>>,
    pub language: String,
}

/// The filter name for an entity kind, as used in `?crisis=...` searches.
pub fn filter_name(kind: EntityKind) -> &'static str {
    kind.noun()
}

/// How a record writes its date: the page's language's words for a day,
/// handed in by the caller (the renderer's), so both say it the same way.
pub type DayWords<'a> = &'a (dyn Fn(&crate::content::frontmatter::Date) -> String + Sync);

/// Every briefing, profile and book, as search records.
pub fn records(site: &Site, day: DayWords) -> Vec<Record> {
    let mut out = Vec::with_capacity(site.articles.len() + site.entities.len());
    out.par_extend(
        site.articles
            .par_iter()
            .map(|(_, a)| article_record(site, a, day)),
    );
    out.extend(
        site.entities
            .values()
            .filter(|e| e.source.is_some())
            .map(|e| entity_record(site, e)),
    );
    out.extend(site.books.values().map(|b| book_record(site, b, day)));
    out
}

/// A briefing book: its own text and the names it is about, filtered as
/// `type: Book` and by the entities it names.
pub fn book_record(site: &Site, b: &Book, day: DayWords) -> Record {
    let mut filters: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut keywords = String::new();
    for id in b.entities() {
        let e = &site.entities[id];
        let names = filters.entry(filter_name(id.kind).into()).or_default();
        if !names.contains(&e.name) {
            names.push(e.name.clone());
        }
        for name in std::iter::once(&e.name).chain(&e.aliases) {
            keywords.push_str(name);
            keywords.push(' ');
        }
    }
    for t in &b.tags {
        keywords.push_str(t);
        keywords.push(' ');
    }
    if let Some(place) = &b.place {
        keywords.push_str(place);
    }
    filters.insert("type".into(), vec!["Book".into()]);
    Record {
        url: site.url(&b.path()),
        title: b.title.clone(),
        kind: "Book".into(),
        date: Some((b.date.iso(), day(&b.date))),
        summary: b.summary.clone(),
        text: RecordText::Html(b.body_html.clone()),
        keywords,
        names: Vec::new(),
        filters,
    }
}

pub fn article_record(site: &Site, a: &Article, day: DayWords) -> Record {
    let mut filters: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut keywords = String::new();
    for id in &a.entities {
        let e = &site.entities[id];
        filters
            .entry(filter_name(id.kind).into())
            .or_default()
            .push(e.name.clone());
        for name in std::iter::once(&e.name).chain(&e.aliases) {
            keywords.push_str(name);
            keywords.push(' ');
        }
    }
    for t in &a.tags {
        let name = &site.tags[t].name;
        filters.entry("tag".into()).or_default().push(name.clone());
        keywords.push_str(name);
        keywords.push(' ');
    }
    if let Some(kind) = &a.kind {
        filters.insert("kind".into(), vec![crate::text::capitalise(kind)]);
    }
    filters.insert("type".into(), vec!["Briefing".into()]);
    Record {
        url: site.url(&a.path()),
        title: a.title.clone(),
        kind: "Briefing".into(),
        date: Some((a.date.iso(), day(&a.date))),
        summary: a.summary.clone(),
        text: RecordText::Html(a.body_html.clone()),
        keywords,
        names: Vec::new(),
        filters,
    }
}

pub fn entity_record(site: &Site, e: &Entity) -> Record {
    let kind = e.id.kind.label().to_string();
    let mut filters = BTreeMap::new();
    filters.insert("type".into(), vec![kind.clone()]);
    let body = strip_tags(&e.body_html);
    let text = match dossier_text(e) {
        dossier if dossier.is_empty() => body.clone(),
        dossier => format!("{body} {dossier}"),
    };
    Record {
        url: site.url(&e.path()),
        title: e.name.clone(),
        kind,
        date: None,
        summary: body,
        text: RecordText::Plain(text),
        keywords: e.aliases.join(" "),
        names: std::iter::once(&e.name)
            .chain(&e.aliases)
            .cloned()
            .collect(),
        filters,
    }
}

/// What the dossier states in words, searched with the entity's page: a
/// leader's offices, a crisis's monthly notes and figures, and any
/// profile's key dates. A word from a monthly note finds the crisis.
fn dossier_text(e: &Entity) -> String {
    use crate::graph::Details;
    let mut parts: Vec<String> = Vec::new();
    match &e.details {
        Details::Leader(l) => parts.extend(l.positions.iter().map(|p| p.full_title())),
        Details::Crisis(c) => {
            for a in &c.assessments {
                let note = a.note.as_deref().unwrap_or("");
                parts.push(format!("{}: {}. {note}", a.month.human(), a.trend.label()));
            }
            for f in &c.figures {
                let label = f
                    .label
                    .clone()
                    .unwrap_or_else(|| crate::graph::metric_label(&f.metric));
                let value = f.value_text();
                parts.push(format!("{label}: {value} ({})", f.as_of.human()));
            }
        }
        Details::Country(_) => {}
    }
    parts.extend(e.dates.iter().map(|d| match &d.kind {
        Some(kind) => format!("{} ({kind}, {})", d.title, d.date.format("%-d %B %Y")),
        None => format!("{} ({})", d.title, d.date.format("%-d %B %Y")),
    }));
    parts.join(" · ")
}

/// Fold one character the way `search.js` does: lower case, combining
/// accents dropped, and Latin letters without their accents ("Côte" and
/// "cote" meet). Other scripts are only lower-cased, because the browser has
/// no transliteration table for them.
fn fold_char(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    for l in c.to_lowercase() {
        if ('\u{0300}'..='\u{036F}').contains(&l) {
            continue;
        }
        let ascii = ('\u{00C0}'..='\u{024F}')
            .contains(&l)
            .then(|| deunicode::deunicode_char(l))
            .flatten()
            .filter(|a| !a.is_empty() && a.bytes().all(|b| b.is_ascii_alphanumeric()));
        match ascii {
            Some(a) => out.extend(a.chars().map(|a| a.to_ascii_lowercase())),
            None => out.push(l),
        }
    }
}

/// The words of a text as the index stores them: runs of letters and
/// digits, folded, at least two characters long.
pub fn terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    each_term(text, |t| out.push(t.to_string()));
    out
}

/// [`terms`] without allocating a string per word: `f` sees each in turn.
/// Words joined by one apostrophe or hyphen also give their joined form,
/// so "divoire" finds "d'Ivoire" and "okonkwodiallo" "Okonkwo-Diallo",
/// while each part is found alone too.
fn each_term(text: &str, mut f: impl FnMut(&str)) {
    let mut word = String::new();
    // The word before a joining mark, while the next one may join it.
    let mut before = String::new();
    let mut joining = false;
    let mut end_word = |word: &mut String, before: &mut String, joining: bool| {
        if word.chars().nth(1).is_some() {
            f(word);
        }
        if joining && !before.is_empty() && !word.is_empty() {
            before.push_str(word);
            f(before);
        }
        std::mem::swap(before, word);
        word.clear();
    };
    let mut last = ' ';
    for c in text.chars() {
        if c.is_alphanumeric() {
            fold_char(c, &mut word);
        } else if !word.is_empty() {
            end_word(&mut word, &mut before, joining);
            joining = is_joiner(c);
        } else if !(joining && last.is_alphanumeric()) {
            before.clear();
            joining = false;
        }
        if !c.is_alphanumeric() && !is_joiner(c) {
            joining = false;
        }
        last = c;
    }
    end_word(&mut word, &mut before, joining);
}

/// An apostrophe or a hyphen between two parts of one word.
fn is_joiner(c: char) -> bool {
    matches!(c, '\'' | '’' | '-' | '‐')
}

/// Build the index files from `records`. In the `background` (under
/// `serve`) it runs on one thread of its own at the lowest priority, apart
/// from the pool that re-renders edited pages: sharing that pool made edits
/// wait behind indexing (a median of 76 ms and a worst of 474 ms at 10k).
pub fn build_index(records: Vec<Record>, language: &str, background: bool) -> Result<Vec<Output>> {
    let mut outputs = Vec::new();
    let mut keep = |mut files: Vec<Output>| {
        outputs.append(&mut files);
        Ok(())
    };
    if background {
        lower_priority();
        rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .start_handler(|_| lower_priority())
            .build()
            .context("could not start the search indexer")?
            .install(|| write_index(records, language, &mut keep))?;
    } else {
        write_index(records, language, &mut keep)?;
    }
    Ok(outputs)
}

/// [`build_index`], handing each group of files to `emit` as soon as it is
/// made, so a build writes the texts (the bulk of the index) before the
/// terms are counted, rather than holding every file until the end.
pub fn write_index(
    records: Vec<Record>,
    language: &str,
    emit: &mut dyn FnMut(Vec<Output>) -> Result<()>,
) -> Result<()> {
    index(records, stemmer_for(language).as_ref(), emit)
}

fn index(
    mut records: Vec<Record>,
    stemmer: Option<&Stemming>,
    emit: &mut dyn FnMut(Vec<Output>) -> Result<()>,
) -> Result<()> {
    // Newest briefings first, then profiles; the URL breaks ties, so the
    // numbering (and every file) is the same on every build.
    records.sort_by(|a, b| {
        b.date
            .as_ref()
            .map(|d| &d.0)
            .cmp(&a.date.as_ref().map(|d| &d.0))
            .then_with(|| a.url.cmp(&b.url))
    });
    let mut t = crate::Timings::from_env();
    // The build id: a digest of every file, so a browser never mixes files
    // of two builds from its cache. xxh3, so the id does not change with
    // the Rust release that built briefing.
    let mut build = xxhash_rust::xxh3::Xxh3::new();
    hashed(&mut build, emit, doc_files(&records)?)?;
    t.lap("  documents");
    let years = year_ranges(&records);
    // Each chunk's text files go out before its terms are counted, which
    // takes (and frees) each record's text: at no time are all the texts
    // in memory twice.
    let encoded = encoded_postings(&mut records, stemmer, &mut |first, chunk| {
        hashed(&mut build, emit, text_files(first, chunk)?)
    })?;
    t.lap("  texts and terms");
    let (mut outputs, keys) = term_shards(&encoded.postings)?;
    outputs.push(forms_file(encoded.forms)?);
    t.lap("  term shards");
    let (filter_files, counts) = filter_files(&records)?;
    outputs.extend(filter_files);
    t.lap("  filters");
    hashed(&mut build, emit, outputs)?;
    let meta = serde_json::json!({
        "version": 3,
        "stemmer": stemmer.map(|s| s.name),
        "build": format!("{:016x}", build.digest()),
        "docs": records.len(),
        "docChunk": DOC_CHUNK,
        "textChunk": TEXT_CHUNK,
        "shards": keys,
        "filters": counts,
        "years": years,
    });
    emit(vec![Output {
        path: format!("{DIR}/meta.json"),
        bytes: serde_json::to_vec(&meta)?,
    }])
}

/// Add `outputs` to the build id's digest, then hand them on.
fn hashed(
    build: &mut xxhash_rust::xxh3::Xxh3,
    emit: &mut dyn FnMut(Vec<Output>) -> Result<()>,
    outputs: Vec<Output>,
) -> Result<()> {
    for o in &outputs {
        build.update(&(o.path.len() as u64).to_le_bytes());
        build.update(o.path.as_bytes());
        build.update(&(o.bytes.len() as u64).to_le_bytes());
        build.update(&o.bytes);
    }
    emit(outputs)
}

/// BM25's term-frequency saturation and length normalisation.
const BM25_K1: f64 = 1.2;
const BM25_B: f64 = 0.75;
/// A stored weight is BM25's term factor times this, so it fits an integer.
const WEIGHT_SCALE: f64 = 100.0;
/// Added to a profile's weight for each word of its own name (or an
/// alias), divided among the name's words: above any text match, and a
/// one-word name that is the whole query above a longer one.
const NAME_BONUS: u32 = 1000;

/// One record's terms: weighted counts and its length in words.
struct Counted {
    weights: HashMap<String, u32>,
    length: u32,
    names: Vec<String>,
    /// Words of its names and keywords as written, by their folded form:
    /// "kenya" → "Kenya", "cote" → "Côte".
    written: Vec<(String, String)>,
}

fn count(r: &mut Record) -> Counted {
    let mut weights: HashMap<String, u32> = HashMap::new();
    let mut length = 0;
    // Words are counted as written; stems are taken once per distinct
    // word of the whole site, in `stem_postings`.
    let mut add = |t: &str, weight: u32, length: &mut u32| {
        *length += 1;
        match weights.get_mut(t) {
            Some(n) => *n += weight,
            None => {
                weights.insert(t.to_string(), weight);
            }
        }
    };
    let mut ignore = 0;
    each_term(&r.title, |t| add(t, TITLE_WEIGHT, &mut length));
    each_term(&r.keywords, |t| add(t, TITLE_WEIGHT, &mut ignore));
    each_term(&r.summary, |t| add(t, 1, &mut length));
    each_term(&std::mem::take(&mut r.text).plain(), |t| {
        add(t, 1, &mut length)
    });
    let names = std::mem::take(&mut r.names);
    let written = names
        .iter()
        .map(String::as_str)
        .chain([r.keywords.as_str()])
        .flat_map(|n| n.split(|c: char| !c.is_alphanumeric()))
        .filter(|w| w.chars().nth(1).is_some() && w.chars().any(|c| !c.is_lowercase()))
        .map(|w| (terms(w).pop().unwrap_or_default(), w.to_string()))
        .collect();
    Counted {
        weights,
        length,
        names,
        written,
    }
}

/// The name bonus of each word of a profile's names.
fn name_bonus(names: &[String], stemmer: Option<&Stemming>) -> HashMap<String, u32> {
    let mut out: HashMap<String, u32> = HashMap::new();
    for name in names {
        let words = terms(name);
        for w in &words {
            let bonus = NAME_BONUS / words.len() as u32;
            let slot = out.entry(stem(stemmer, w).into_owned()).or_default();
            *slot = (*slot).max(bonus);
        }
    }
    out
}

/// Each term's postings, encoded as `gap,weight,…`, sorted by term. A
/// weight is BM25's term factor (the count, title and tags weighted,
/// saturated and normalised by the document's length) scaled to an
/// integer, plus a profile's name bonus; the browser multiplies it by the
/// term's rarity. Each record's text is taken (and dropped) as it is
/// counted.
/// The postings of every term. `before_count` sees each chunk of records
/// (and the number of its first) while they still hold their text.
fn encoded_postings(
    records: &mut [Record],
    stemmer: Option<&Stemming>,
    before_count: &mut dyn FnMut(usize, &[Record]) -> Result<()>,
) -> Result<Encoded> {
    // Term weights per document, in parallel, a chunk of documents at a
    // time; then postings per term, in document order. Each document's text
    // is dropped once counted: holding every document's word map and text
    // at once took gigabytes at 100,000 briefings.
    const CHUNK: usize = 2048;
    let mut t = crate::Timings::from_env();
    const _: () = assert!(CHUNK % TEXT_CHUNK == 0, "text files do not span chunks");
    let mut postings: HashMap<String, Vec<(u32, u32)>> = HashMap::new();
    let mut lengths: Vec<u32> = Vec::with_capacity(records.len());
    // Name bonuses by term, then document: only profiles have them.
    let mut bonuses: HashMap<String, HashMap<u32, u32>> = HashMap::new();
    let mut written: HashMap<String, String> = HashMap::new();
    for (c, chunk) in records.chunks_mut(CHUNK).enumerate() {
        chunk.par_iter_mut().for_each(|r| r.text.make_plain());
        before_count(c * CHUNK, chunk)?;
        let counted: Vec<Counted> = chunk.par_iter_mut().map(count).collect();
        for (k, counted) in counted.into_iter().enumerate() {
            let doc = (c * CHUNK + k) as u32;
            lengths.push(counted.length);
            for (folded, word) in counted.written {
                written.entry(folded).or_insert(word);
            }
            for (term, bonus) in name_bonus(&counted.names, stemmer) {
                bonuses.entry(term).or_default().insert(doc, bonus);
            }
            for (term, weight) in counted.weights {
                postings.entry(term).or_default().push((doc, weight));
            }
        }
    }
    t.lap("    texts and counting");
    let (postings, forms) = stem_postings(postings, stemmer);
    t.lap("    stems");
    let forms = forms
        .into_iter()
        .filter_map(|(stem, form)| {
            let form = written.get(&form).cloned().unwrap_or(form);
            (form != stem).then_some((stem, form))
        })
        .collect();
    let average = lengths.iter().map(|&l| l as f64).sum::<f64>() / lengths.len().max(1) as f64;
    let bm25 = |weight: u32, doc: u32| {
        let tf = weight as f64;
        let norm = 1.0 - BM25_B + BM25_B * lengths[doc as usize] as f64 / average.max(1.0);
        (WEIGHT_SCALE * tf * (BM25_K1 + 1.0) / (tf + BM25_K1 * norm)).round() as u32
    };
    let mut postings: Vec<(String, Vec<(u32, u32)>)> = postings.into_iter().collect();
    postings.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let postings = postings
        .into_par_iter()
        .map(|(term, list)| {
            let mut s = String::with_capacity(list.len() * 6);
            let mut last = 0;
            let term_bonuses = bonuses.get(&term);
            for (i, (doc, weight)) in list.into_iter().enumerate() {
                if i > 0 {
                    s.push(',');
                }
                let bonus = term_bonuses.and_then(|b| b.get(&doc)).copied().unwrap_or(0);
                let _ = write!(s, "{},{}", doc - last, (bm25(weight, doc) + bonus).max(1));
                last = doc;
            }
            (term, s)
        })
        .collect();
    Ok(Encoded { postings, forms })
}

/// The index's terms with their encoded postings, sorted by term, and the
/// word readers write for a term where it is not the term itself: the
/// most common word of a stem ("secur" → "security"), with the capitals
/// and accents a name or tag gives it ("kenya" → "Kenya").
struct Encoded {
    postings: Vec<(String, String)>,
    forms: HashMap<String, String>,
}

/// A term's (document, weight) pairs, in document order.
type Postings = Vec<(u32, u32)>;

/// Postings keyed by stem: the words of one stem ("deploying",
/// "deployment") merged, their weights in a document added. Stemming each
/// distinct word once, not each occurrence, keeps it off the build's time.
fn stem_postings(
    postings: HashMap<String, Postings>,
    stemmer: Option<&Stemming>,
) -> (HashMap<String, Postings>, HashMap<String, String>) {
    let mut groups: HashMap<String, Vec<(String, Postings)>> =
        HashMap::with_capacity(postings.len());
    for (term, list) in postings {
        let key = stem(stemmer, &term).into_owned();
        groups.entry(key).or_default().push((term, list));
    }
    groups
        .into_par_iter()
        .map(|(key, mut lists)| {
            // The word in the most documents (the shortest, then the first
            // in order, on a tie) is how readers write the stem.
            let form = lists
                .iter()
                .max_by(|a, b| {
                    (
                        a.1.len(),
                        std::cmp::Reverse(a.0.len()),
                        std::cmp::Reverse(&a.0),
                    )
                        .cmp(&(
                            b.1.len(),
                            std::cmp::Reverse(b.0.len()),
                            std::cmp::Reverse(&b.0),
                        ))
                })
                .map(|l| l.0.clone())
                .unwrap_or_default();
            let merged = if lists.len() == 1 {
                lists.pop().expect("one list").1
            } else {
                let mut merged: Vec<(u32, u32)> = lists.into_iter().flat_map(|(_, l)| l).collect();
                merged.sort_unstable_by_key(|p| p.0);
                merged.dedup_by(|b, a| {
                    let same = a.0 == b.0;
                    if same {
                        a.1 += b.1;
                    }
                    same
                });
                merged
            };
            ((key.clone(), merged), (key, form))
        })
        .unzip()
}

/// A language's Snowball stemmer, as the index and the search page both
/// run it, and which words it takes: words of the language's alphabet only,
/// on both sides (`search.js`), since a stemmer changes a word with digits.
pub struct Stemming {
    stemmer: Stemmer,
    /// Its name in `meta.json`, which tells the search page which to run.
    pub name: &'static str,
    arabic: bool,
}

impl Stemming {
    fn takes(&self, term: &str) -> bool {
        match self.arabic {
            true => term
                .chars()
                .all(|c| matches!(c, '\u{0620}'..='\u{064A}' | '\u{066E}'..='\u{06D3}')),
            false => term.bytes().all(|b| b.is_ascii_lowercase()),
        }
    }
}

/// The stemmer for a site's language: Snowball English, French, Spanish
/// or Arabic, the ones the search page has (`static/stemmers/`); none
/// for the rest, whose words are indexed as they are.
pub fn stemmer_for(language: &str) -> Option<Stemming> {
    let primary = language
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    let (algorithm, name) = match primary.as_str() {
        "en" => (Algorithm::English, "english"),
        "fr" => (Algorithm::French, "french"),
        "es" => (Algorithm::Spanish, "spanish"),
        "ar" => (Algorithm::Arabic, "arabic"),
        _ => return None,
    };
    Some(Stemming {
        stemmer: Stemmer::create(algorithm),
        name,
        arabic: name == "arabic",
    })
}

/// The script a search page loads for its language's stemmer, beside
/// `search.js` (English is built into it).
pub fn stemmer_script(language: &str) -> Option<String> {
    let s = stemmer_for(language)?;
    (s.name != "english").then(|| format!("stemmers/{}.js", s.name))
}

/// A term as the index keys it.
fn stem<'a>(stemmer: Option<&Stemming>, term: &'a str) -> std::borrow::Cow<'a, str> {
    match stemmer {
        Some(s) if s.takes(term) => s.stemmer.stem(term),
        _ => std::borrow::Cow::Borrowed(term),
    }
}

/// The term shard files, and their keys.
fn term_shards(encoded: &[(String, String)]) -> Result<(Vec<Output>, Vec<String>)> {
    let mut shards = Vec::new();
    shard(encoded, "", 0, &mut shards);
    let mut outputs = Vec::new();
    let mut keys = Vec::new();
    for (key, range) in shards {
        let mut json = String::from("{");
        for (i, (term, list)) in encoded[range].iter().enumerate() {
            if i > 0 {
                json.push(',');
            }
            let _ = write!(json, "{}:[{list}]", serde_json::to_string(term)?);
        }
        json.push('}');
        outputs.push(Output {
            path: format!("{DIR}/terms/{}.json", shard_file(&key)),
            bytes: json.into_bytes(),
        });
        keys.push(key);
    }

    Ok((outputs, keys))
}

/// `forms.json`: the word readers write for each term that is not the term
/// itself, in one small file (26 KB for 10,000 briefings) that the browser
/// fetches only to suggest a query.
fn forms_file(forms: HashMap<String, String>) -> Result<Output> {
    let sorted: BTreeMap<String, String> = forms.into_iter().collect();
    Ok(Output {
        path: format!("{DIR}/forms.json"),
        bytes: serde_json::to_vec(&sorted)?,
    })
}

/// The document files, `DOC_CHUNK` documents each.
fn doc_files(records: &[Record]) -> Result<Vec<Output>> {
    let mut outputs = Vec::new();
    for (n, chunk) in records.chunks(DOC_CHUNK).enumerate() {
        let docs: Vec<serde_json::Value> = chunk
            .iter()
            .map(|r| {
                serde_json::json!([
                    r.url,
                    r.title,
                    r.kind,
                    r.date.as_ref().map(|d| d.1.as_str()).unwrap_or(""),
                    shorten(&r.summary, SUMMARY_CHARS),
                ])
            })
            .collect();
        outputs.push(Output {
            path: format!("{DIR}/docs/{n}.json"),
            bytes: serde_json::to_vec(&docs)?,
        });
    }

    Ok(outputs)
}

/// The plain text of documents `n·TEXT_CHUNK…`, one JSON array of strings
/// per file, for excerpts and phrase checks; `records` are documents
/// `first…`.
fn text_files(first: usize, records: &[Record]) -> Result<Vec<Output>> {
    debug_assert_eq!(first % TEXT_CHUNK, 0, "a chunk starts a text file");
    records
        .par_chunks(TEXT_CHUNK)
        .enumerate()
        .map(|(i, chunk)| {
            let n = first / TEXT_CHUNK + i;
            let texts: Vec<String> = chunk
                .iter()
                .map(|r| {
                    let text = r.text.plain();
                    let words: Vec<&str> = text.split_whitespace().collect();
                    shorten(&words.join(" "), TEXT_CHARS)
                })
                .collect();
            Ok(Output {
                path: format!("{DIR}/text/{n}.json"),
                bytes: serde_json::to_vec(&texts)?,
            })
        })
        .collect()
}

/// Each year's briefings as `[first, last]` document numbers: briefings
/// are numbered newest first, so a year's are consecutive.
fn year_ranges(records: &[Record]) -> BTreeMap<String, [usize; 2]> {
    let mut years: BTreeMap<String, [usize; 2]> = BTreeMap::new();
    for (n, r) in records.iter().enumerate() {
        if let Some((iso, _)) = &r.date {
            let year = iso.split('-').next().unwrap_or(iso);
            years
                .entry(year.to_string())
                .and_modify(|y| y[1] = n)
                .or_insert([n, n]);
        }
    }
    years
}

/// Filter values to count.
type FilterCounts<'a> = BTreeMap<&'a str, BTreeMap<&'a str, usize>>;

/// The filter postings files, and each filter value's count.
fn filter_files(records: &[Record]) -> Result<(Vec<Output>, FilterCounts<'_>)> {
    let mut outputs = Vec::new();
    let mut filters: BTreeMap<&str, BTreeMap<&str, Vec<u32>>> = BTreeMap::new();
    for (doc, r) in records.iter().enumerate() {
        for (kind, values) in &r.filters {
            for v in values {
                filters
                    .entry(kind)
                    .or_default()
                    .entry(v)
                    .or_default()
                    .push(doc as u32);
            }
        }
    }
    let mut counts: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    for (kind, values) in &filters {
        let mut json = serde_json::Map::new();
        for (value, docs) in values {
            let mut last = 0;
            let deltas: Vec<u32> = docs
                .iter()
                .map(|d| {
                    let delta = d - last;
                    last = *d;
                    delta
                })
                .collect();
            json.insert(value.to_string(), deltas.into());
            counts.entry(kind).or_default().insert(value, docs.len());
        }
        outputs.push(Output {
            path: format!("{DIR}/filters/{kind}.json"),
            bytes: serde_json::to_vec(&json)?,
        });
    }

    Ok((outputs, counts))
}

/// Split the sorted `terms` under `prefix` into shards: the whole group if
/// it is small, else the terms equal to `prefix` plus one group per next
/// character. Each term ends up under the longest shard key that prefixes it.
fn shard(
    terms: &[(String, String)],
    prefix: &str,
    offset: usize,
    out: &mut Vec<(String, std::ops::Range<usize>)>,
) {
    let size: usize = terms.iter().map(|(t, l)| t.len() + l.len() + 6).sum();
    if size <= SHARD_BYTES || terms.len() <= 1 {
        if !terms.is_empty() {
            out.push((prefix.to_string(), offset..offset + terms.len()));
        }
        return;
    }
    let depth = prefix.chars().count();
    let mut start = 0;
    // Terms equal to the prefix sort first and stay in the prefix's shard.
    while start < terms.len() && terms[start].0 == prefix {
        start += 1;
    }
    if start > 0 {
        out.push((prefix.to_string(), offset..offset + start));
    }
    while start < terms.len() {
        let next: String = terms[start].0.chars().take(depth + 1).collect();
        let mut end = start;
        while end < terms.len() && terms[end].0.starts_with(&next) {
            end += 1;
        }
        shard(&terms[start..end], &next, offset + start, out);
        start = end;
    }
}

/// The file name of a shard key: the key itself when it is plain ASCII
/// letters and digits, else `_` and the hex of its UTF-8 bytes (`_` alone
/// for the empty key). `search.js` computes the same.
pub fn shard_file(key: &str) -> String {
    if !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    {
        key.to_string()
    } else {
        let mut s = String::from("_");
        for b in key.bytes() {
            let _ = write!(s, "{b:02x}");
        }
        s
    }
}

/// Give the calling thread the lowest scheduling priority (Linux applies
/// nice values per thread).
fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority on the calling thread's id has no memory effects.
    unsafe {
        let tid = libc::syscall(libc::SYS_gettid) as libc::id_t;
        libc::setpriority(libc::PRIO_PROCESS, tid, 19);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_are_folded_words_of_two_or_more_characters() {
        assert_eq!(
            terms("Côte d'Ivoire, São Tomé & the 2023 plan: a"),
            ["cote", "ivoire", "divoire", "sao", "tome", "the", "2023", "plan"]
        );
        assert_eq!(
            terms("Okonkwo-Diallo and the UN’s - plan"),
            [
                "okonkwo",
                "diallo",
                "okonkwodiallo",
                "and",
                "the",
                "un",
                "uns",
                "plan"
            ]
        );
        assert_eq!(terms("Ærø Łódź straße"), ["aero", "lodz", "strasse"]);
        assert_eq!(terms("Кения 肯尼亚"), ["кения", "肯尼亚"]);
    }

    fn entries(n: usize) -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = (0..n)
            .map(|i| {
                (
                    format!("t{}", i % 7) + &"x".repeat(i % 5),
                    "1,1".repeat(1000),
                )
            })
            .collect();
        v.sort();
        v.dedup_by(|a, b| a.0 == b.0);
        v
    }

    #[test]
    fn every_term_lands_in_its_longest_prefix_shard() {
        let terms = entries(200);
        let mut out = Vec::new();
        shard(&terms, "", 0, &mut out);
        assert!(out.len() > 1, "large input is split");
        let keys: Vec<&str> = out.iter().map(|(k, _)| k.as_str()).collect();
        let mut covered = 0;
        for (key, range) in &out {
            for (term, _) in &terms[range.clone()] {
                let longest = keys
                    .iter()
                    .filter(|k| term.starts_with(**k))
                    .max_by_key(|k| k.len())
                    .unwrap();
                assert_eq!(longest, key, "{term}");
                covered += 1;
            }
        }
        assert_eq!(covered, terms.len());
    }

    fn record(title: &str, text: &str, keywords: &str, names: &[&str]) -> Record {
        Record {
            url: format!("/{}/", crate::text::slugify(title)),
            title: title.into(),
            kind: "Briefing".into(),
            date: None,
            summary: String::new(),
            text: text.into(),
            keywords: keywords.into(),
            names: names.iter().map(|n| n.to_string()).collect(),
            filters: BTreeMap::new(),
        }
    }

    /// Each document's stored weight for `term`.
    fn weights(records: Vec<Record>, term: &str) -> Vec<(String, u32)> {
        let mut records = records;
        let urls: Vec<String> = records.iter().map(|r| r.url.clone()).collect();
        let english = stemmer_for("en");
        let postings = encoded_postings(&mut records, english.as_ref(), &mut |_, _| Ok(()))
            .unwrap()
            .postings;
        let (_, list) = postings.iter().find(|(t, _)| t == term).expect("the term");
        let numbers: Vec<u32> = list.split(',').map(|n| n.parse().unwrap()).collect();
        let mut doc = 0;
        numbers
            .chunks(2)
            .map(|p| {
                doc += p[0];
                (urls[doc as usize].clone(), p[1])
            })
            .collect()
    }

    #[test]
    fn tags_count_like_titles_and_a_profile_wins_its_own_name() {
        let w = weights(
            vec![
                record(
                    "Talks in Nairobi",
                    "The talks went on.",
                    "Haiti security crisis Haiti",
                    &[],
                ),
                record("Haiti", "A Caribbean state.", "", &["Haiti"]),
                record(
                    "Haiti security crisis",
                    "Gangs.",
                    "",
                    &["Haiti security crisis"],
                ),
                record("A long day", &"words ".repeat(200), "", &[]),
            ],
            "haiti",
        );
        let get = |url: &str| w.iter().find(|(u, _)| u == url).map(|(_, n)| *n);
        // Found by its tag, though the text never says it.
        let tagged = get("/talks-in-nairobi/").expect("found by its tag");
        // The profile of that name first, then the crisis named after it.
        let country = get("/haiti/").unwrap();
        let crisis = get("/haiti-security-crisis/").unwrap();
        assert!(country > crisis && crisis > tagged, "{w:?}");
        assert!(country >= NAME_BONUS);
    }

    #[test]
    fn longer_documents_weigh_a_word_less_and_words_meet_by_stem() {
        let w = weights(
            vec![
                record("One", "deploying troops", "", &[]),
                record(
                    "Two",
                    &format!("deployment {}", "filler ".repeat(300)),
                    "",
                    &[],
                ),
            ],
            "deploy",
        );
        assert_eq!(w.len(), 2, "both forms are one stem: {w:?}");
        assert!(
            w[0].1 > w[1].1,
            "the short document's mention weighs more: {w:?}"
        );
        assert!(stemmer_for("de").is_none() && stemmer_for("en-GB").is_some());
        assert_eq!(stemmer_for("fr").map(|s| s.name), Some("french"));
        assert_eq!(stemmer_script("ar").as_deref(), Some("stemmers/arabic.js"));
        assert_eq!(stemmer_script("en"), None);
    }

    #[test]
    fn each_stem_keeps_the_word_readers_write() {
        let records = vec![
            record(
                "Security talks",
                "security secure securities",
                "Kenya",
                &["Kenya"],
            ),
            record(
                "More security",
                "security in Côte d'Ivoire",
                "Côte d'Ivoire",
                &[],
            ),
        ];
        let mut records = records;
        let english = stemmer_for("en");
        let forms = encoded_postings(&mut records, english.as_ref(), &mut |_, _| Ok(()))
            .unwrap()
            .forms;
        // The word in the most documents, not the stem.
        assert_eq!(forms["secur"], "security");
        // Capitals and accents as a name or tag writes them.
        assert_eq!(forms["kenya"], "Kenya");
        assert_eq!(forms["cote"], "Côte");
        // A term that is already the word has no entry.
        assert!(!forms.contains_key("talk") || forms["talk"] == "talks");
        assert!(!forms.contains_key("in"));
    }

    #[test]
    fn texts_are_stored_in_document_order_two_to_a_file() {
        let records: Vec<Record> = ["Alpha", "Bravo", "Charlie"]
            .iter()
            .map(|t| record(t, &format!("{t}  text\nhere"), "", &[]))
            .collect();
        let mut out = Vec::new();
        index(records, None, &mut |mut o| {
            out.append(&mut o);
            Ok(())
        })
        .unwrap();
        let file = |p: &str| {
            let o = out.iter().find(|o| o.path == format!("{DIR}/{p}"));
            serde_json::from_slice::<serde_json::Value>(&o.expect(p).bytes).unwrap()
        };
        // Documents without dates are numbered by URL: alpha, bravo, charlie.
        assert_eq!(
            file("text/0.json"),
            serde_json::json!(["Alpha text here", "Bravo text here"])
        );
        assert_eq!(
            file("text/1.json"),
            serde_json::json!(["Charlie text here"])
        );
        assert!(!out.iter().any(|o| o.path.ends_with("text/2.json")));
        assert_eq!(file("meta.json")["textChunk"], 2);
    }

    #[test]
    fn shard_files_are_plain_or_hex() {
        assert_eq!(shard_file("ha"), "ha");
        assert_eq!(shard_file(""), "_");
        assert_eq!(shard_file("ке"), "_d0bad0b5");
    }

    #[test]
    fn summaries_are_cut_at_a_word() {
        assert_eq!(shorten("one two three", 9), "one two…");
        assert_eq!(shorten("short", 9), "short");
    }
}
