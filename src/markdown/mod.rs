//! Markdown: CommonMark with tables, footnotes and strikethrough, plus our
//! link rules: `.md` links and `[[wikilinks]]` become site URLs, the first
//! mention of each tagged entity becomes a link, and raw HTML and unsafe URL
//! schemes are left out unless the site owner turns raw HTML on.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use aho_corasick::{AhoCorasick, MatchKind};
use pulldown_cmark::{
    BlockQuoteKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd,
};

use crate::content::{AssetFile, EntityId};
use crate::diagnostics::Diagnostic;
use crate::text::{normalise_path, slugify, LineIndex};

mod images;

/// Why a briefing file has no page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Unpublished {
    /// `draft: true`, and drafts are not being built.
    Draft,
    /// It has errors, reported against the file itself.
    Failed,
}

/// Everything a Markdown body may link to, built once per site and shared by
/// every document (and every thread).
pub struct LinkIndex {
    pub raw_html: bool,
    /// Curly quotes and dashes (site.yaml `typographic_quotes`).
    pub typographic: bool,
    /// Site-relative source path (`content/articles/a.md`) to article URL.
    pub articles_by_path: HashMap<PathBuf, String>,
    /// Folded name, alias or slug of an entity to its URL and id, for
    /// `[[wikilinks]]`. An entity's key wins over a briefing's.
    wiki_entities: HashMap<String, (String, EntityId)>,
    /// Folded title or slug of a briefing to its URL, for `[[wikilinks]]`.
    pub wiki_articles: HashMap<String, String>,
    /// Briefing files with no page, so a link to one can say why.
    pub unpublished: std::collections::BTreeMap<PathBuf, Unpublished>,
    /// Every other file under `content/`, by site-relative path.
    pub assets: std::collections::BTreeMap<PathBuf, AssetFile>,
    mentions: Option<AhoCorasick>,
    /// For pattern `i` of `mentions`: the name, the entity it names and
    /// its URL.
    mention_targets: Vec<(String, EntityId, String)>,
    /// A digest of `mention_targets`: equal digests find equal mentions.
    pub names_digest: u64,
}

/// One question a body asked the link index. A body rendered against one
/// index renders the same against another that answers its questions the
/// same (and recognises the same names): what `serve` relies on to keep
/// rendered bodies between edits.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Lookup {
    /// A `[[wikilink]]`'s folded name.
    Wiki(String),
    /// A `.md` link's site-relative target.
    Path(PathBuf),
    /// A file a link or image names beside the document.
    Asset(PathBuf),
}

/// What entities add to the link index: wikilink keys, and every name or
/// alias to recognise in prose with its entity and URL.
#[derive(Default)]
pub struct EntityLinks {
    pub wiki: HashMap<String, (String, EntityId)>,
    pub names: Vec<(String, EntityId, String)>,
}

impl LinkIndex {
    /// `articles_by_path` and `wiki_articles` are what briefings add:
    /// their paths, and their folded titles and slugs.
    pub fn new(
        raw_html: bool,
        articles_by_path: HashMap<PathBuf, String>,
        wiki_articles: HashMap<String, String>,
        entities: EntityLinks,
    ) -> Self {
        let mut index = LinkIndex {
            raw_html,
            articles_by_path,
            wiki_entities: HashMap::new(),
            wiki_articles,
            unpublished: Default::default(),
            assets: Default::default(),
            typographic: true,
            mentions: None,
            mention_targets: Vec::new(),
            names_digest: 0,
        };
        index.set_entities(entities);
        index
    }

    /// Take what entities add anew, keeping what briefings add: what a
    /// profile edit changes.
    pub fn set_entities(&mut self, entities: EntityLinks) {
        // One automaton over every name and alias: a body is scanned once,
        // however many entities the site knows. Matching is case-sensitive so
        // the alias "US" does not fire on the word "us".
        let mut names: Vec<_> = entities
            .names
            .into_iter()
            .filter(|(n, _, _)| n.chars().count() >= 2)
            .collect();
        // Multi-word names also match in sentence case mid-sentence: "the war
        // in Sudan" names "War in Sudan". Single words stay exact, so
        // "Turkey" never fires on "turkey".
        let variants: Vec<_> = names
            .iter()
            .filter(|(n, _, _)| n.contains(' ') && n.starts_with(char::is_uppercase))
            .map(|(n, id, url)| {
                let mut chars = n.chars();
                let first: String = chars
                    .next()
                    .into_iter()
                    .flat_map(char::to_lowercase)
                    .collect();
                (first + chars.as_str(), id.clone(), url.clone())
            })
            .collect();
        names.extend(variants);
        self.mentions = (!names.is_empty()).then(|| {
            AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .build(names.iter().map(|(n, _, _)| n.as_str()))
                .expect("entity names form a valid automaton")
        });
        self.names_digest = {
            use std::hash::{Hash, Hasher};
            let mut h = xxhash_rust::xxh3::Xxh3::new();
            names.hash(&mut h);
            h.finish()
        };
        self.mention_targets = names;
        self.wiki_entities = entities.wiki;
    }

    /// Where a `[[wikilink]]`'s folded key goes: an entity's page (with
    /// the entity) before a briefing's.
    pub fn wiki(&self, key: &str) -> Option<(&str, Option<&EntityId>)> {
        match self.wiki_entities.get(key) {
            Some((url, id)) => Some((url, Some(id))),
            None => self.wiki_articles.get(key).map(|url| (url.as_str(), None)),
        }
    }

    /// Whether an entity answers to the folded key.
    pub fn is_entity_key(&self, key: &str) -> bool {
        self.wiki_entities.contains_key(key)
    }

    /// A digest of the index's answer to `lookup`.
    pub fn answer(&self, lookup: &Lookup) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        match lookup {
            Lookup::Wiki(key) => match self.wiki(key) {
                Some(target) => Some(target).hash(&mut h),
                // A miss's warning names the nearest match, which is part
                // of the answer: a new near name must refresh the warning.
                None => self.nearest_wiki(key).hash(&mut h),
            },
            Lookup::Path(p) => {
                self.articles_by_path.get(p).hash(&mut h);
                self.unpublished.get(p).hash(&mut h);
            }
            Lookup::Asset(p) => self.assets.get(p).hash(&mut h),
        }
        h.finish()
    }

    /// For a `[[wikilink]]` that matches nothing: the name it was probably
    /// meant to be, as written in a profile (or the slug of a briefing).
    pub fn nearest_wiki(&self, key: &str) -> Option<String> {
        let keys = self.wiki_entities.keys().chain(self.wiki_articles.keys());
        let near = crate::diagnostics::nearest(key, keys.map(String::as_str))?;
        let name = self
            .mention_targets
            .iter()
            .find(|(name, _, _)| slugify(name) == near)
            .map(|(name, _, _)| name.clone());
        Some(name.unwrap_or_else(|| near.to_string()))
    }

    /// Every name recognised in prose, with its entity and URL.
    pub fn mention_names(&self) -> &[(String, EntityId, String)] {
        &self.mention_targets
    }
}

/// One document's place in the site, for resolving its links.
pub struct DocContext<'a> {
    /// Site-relative path of the source file.
    pub path: &'a Path,
    /// 1-based line in the file where the body starts.
    pub body_line: usize,
    /// Entities whose first mention should become a link.
    pub tagged: &'a HashSet<EntityId>,
}

/// A rendered body.
#[derive(Debug, Default, Clone)]
pub struct Rendered {
    /// Shared, so a body kept by `serve` goes into a new graph uncopied.
    pub html: std::sync::Arc<str>,
    /// The first paragraph as plain text.
    pub first_paragraph: String,
    /// Every heading, in order: for anchor checks and the table of contents.
    pub headings: Vec<Heading>,
    /// Every entity named in prose (outside code, headings and links), with
    /// the line of its first mention.
    pub mentions: Vec<(EntityId, usize)>,
    /// Links to `#fragments`, for `check` to match against heading ids.
    pub anchors: Vec<Anchor>,
    pub diagnostics: Vec<Diagnostic>,
    /// What the body asked the link index, with a digest of each answer.
    pub lookups: Vec<(Lookup, u64)>,
    /// Files beside the document it shows or links to: each one's
    /// site-relative source and its name below the page.
    pub assets: Vec<(PathBuf, String)>,
}

/// A heading of a body, as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Heading {
    /// 2 for `<h2>`: after demotion, so the page title stays the one `h1`.
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// A link to a heading: `#id` in the same document, or `other.md#id`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Anchor {
    /// Site-relative path of the target file; `None` for the same document.
    pub target: Option<PathBuf>,
    pub fragment: String,
    pub line: usize,
}

fn options(typographic: bool) -> Options {
    let base = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_WIKILINKS
        // GitHub's alerts (`> [!NOTE]`), drawn as callouts.
        | Options::ENABLE_GFM;
    if typographic {
        // Curly quotes, dashes and ellipses, in headings too.
        base | Options::ENABLE_SMART_PUNCTUATION
    } else {
        base
    }
}

/// A line of front-matter text (a title, a summary) with the typography
/// body text gets: curly quotes, dashes and ellipses, by the same
/// smart-punctuation rule, so a card's title and summary agree. Every
/// other Markdown character is escaped first, so it stays as written.
pub fn typographic(text: &str) -> String {
    let text = text.trim();
    if !text.contains(['\'', '"', '-', '.']) {
        return text.to_string();
    }
    let mut escaped = String::with_capacity(text.len() + 8);
    // A leading `-` or `1.` would open a list.
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    for (i, c) in text.char_indices() {
        let marker = (i == 0 && c == '-') || (i == digits && digits > 0 && c == '.');
        if marker || (c.is_ascii_punctuation() && !matches!(c, '\'' | '"' | '-' | '.')) {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    let mut out = String::with_capacity(text.len());
    for event in Parser::new_ext(&escaped, Options::ENABLE_SMART_PUNCTUATION) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            _ => {}
        }
    }
    out
}

/// Render one Markdown body.
pub fn render(body: &str, doc: &DocContext, index: &LinkIndex) -> Rendered {
    let mut pass = Pass {
        doc,
        index,
        lines: LineIndex::new(body),
        out: Rendered::default(),
        events: Vec::new(),
        code_depth: 0,
        heading: None,
        headings: Vec::new(),
        footnotes: HashSet::new(),
        link_stack: Vec::new(),
        image_stack: Vec::new(),
        images_seen: 0,
        paragraph_start: None,
        paragraphs_seen: 0,
        callouts: Vec::new(),
        in_first_paragraph: false,
        linked: HashSet::new(),
        mentioned: HashSet::new(),
    };
    for (event, range) in
        coalesce_text(Parser::new_ext(body, options(index.typographic)).into_offset_iter())
    {
        pass.event(event, range.start);
    }
    pass.finish()
}

/// One body's way through the event stream: what is open, what was seen.
struct Pass<'d, 'a> {
    doc: &'d DocContext<'d>,
    index: &'d LinkIndex,
    lines: LineIndex,
    out: Rendered,
    events: Vec<Event<'a>>,
    code_depth: usize,
    /// The heading being read: the index of its Start event, and its text.
    heading: Option<(usize, String)>,
    /// Every heading, as (index of its Start event, its text). Ids are given
    /// once the whole body is known, so footnotes and the theme's own ids
    /// can be kept clear of.
    headings: Vec<(usize, String)>,
    footnotes: HashSet<String>,
    /// For each open link: whether we emitted its Start (and must emit its End).
    link_stack: Vec<bool>,
    /// For each open image: the image being read (`None` if it was
    /// dropped as unsafe).
    image_stack: Vec<Option<images::PendingImage>>,
    images_seen: usize,
    /// Where the open paragraph's events start.
    paragraph_start: Option<usize>,
    paragraphs_seen: usize,
    /// For each open callout: the index of its opening event, and its kind.
    callouts: Vec<(usize, BlockQuoteKind)>,
    in_first_paragraph: bool,
    linked: HashSet<EntityId>,
    mentioned: HashSet<EntityId>,
}

impl<'d, 'a> Pass<'d, 'a> {
    fn line_of(&self, offset: usize) -> usize {
        self.lines.line(offset) + self.doc.body_line - 1
    }

    fn event(&mut self, event: Event<'a>, offset: usize) {
        match event {
            Event::Start(Tag::Paragraph) => {
                self.paragraphs_seen += 1;
                self.in_first_paragraph = self.paragraphs_seen == 1;
                self.paragraph_start = Some(self.events.len());
                self.events.push(Event::Start(Tag::Paragraph));
            }
            Event::End(TagEnd::Paragraph) => {
                self.in_first_paragraph = false;
                let start = self.paragraph_start.take();
                self.end_paragraph(start);
            }
            // A wide table scrolls inside a box a keyboard can reach (axe's
            // scrollable-region-focusable); code wraps instead (style.css).
            Event::Start(Tag::Table(alignments)) => {
                self.events.push(Event::Html(CowStr::Borrowed(
                    "<div class=\"table-scroll\" tabindex=\"0\" role=\"group\" aria-label=\"Table\">\n",
                )));
                self.events.push(Event::Start(Tag::Table(alignments)));
            }
            Event::End(TagEnd::Table) => {
                self.events.push(Event::End(TagEnd::Table));
                self.events.push(Event::Html(CowStr::Borrowed("</div>\n")));
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                self.code_depth += 1;
                self.events.push(Event::Start(Tag::CodeBlock(kind)));
            }
            Event::End(TagEnd::CodeBlock) => {
                self.code_depth -= 1;
                self.events.push(Event::End(TagEnd::CodeBlock));
            }
            Event::Start(heading @ Tag::Heading { .. }) => self.start_heading(heading),
            Event::End(TagEnd::Heading(level)) => {
                self.headings.extend(self.heading.take());
                self.events.push(Event::End(TagEnd::Heading(level)));
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                // Filled in at the end, once a title of its own is known.
                self.callouts.push((self.events.len(), kind));
                self.events.push(Event::Html(CowStr::Borrowed("")));
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => self.close_callout(),
            Event::FootnoteReference(label) => {
                self.events
                    .push(Event::FootnoteReference(footnote_id(&label).into()));
            }
            Event::Start(Tag::FootnoteDefinition(label)) => self.footnote_definition(&label),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => self.link(link_type, dest_url, title, id, offset),
            Event::End(TagEnd::Link) => {
                if self.link_stack.pop().unwrap_or(false) {
                    self.events.push(Event::End(TagEnd::Link));
                }
            }
            Event::Start(Tag::Image {
                dest_url, title, ..
            }) => {
                let line = self.line_of(offset);
                self.start_image(dest_url, title, line);
            }
            Event::End(TagEnd::Image) => self.end_image(),
            Event::Html(html) | Event::InlineHtml(html) if self.index.raw_html => {
                self.events.push(Event::Html(html));
            }
            Event::Html(_) | Event::InlineHtml(_) => {
                // Raw HTML is left out: an author's `<script>` must not run on
                // a reader's page unless the site owner opted in.
            }
            Event::Code(code) => {
                self.read_text(&code);
                self.events.push(Event::Code(code));
            }
            Event::SoftBreak | Event::HardBreak if self.in_first_paragraph => {
                self.out.first_paragraph.push(' ');
                self.events.push(event);
            }
            Event::Text(text) => self.text(text, offset),
            other => self.events.push(other),
        }
    }

    fn start_heading(&mut self, heading: Tag<'a>) {
        let Tag::Heading {
            level,
            id,
            classes,
            attrs,
        } = heading
        else {
            return;
        };
        self.heading = Some((self.events.len(), String::new()));
        // `{key=value}` attributes would let an author write `onfocus=...`:
        // only `id` and `class` are kept, unless the site owner trusts
        // authors with raw HTML.
        let attrs = if self.index.raw_html {
            attrs
        } else {
            Vec::new()
        };
        self.events.push(Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }));
    }

    /// Text counts towards the first paragraph and the open heading.
    fn read_text(&mut self, text: &str) {
        if self.in_first_paragraph {
            self.out.first_paragraph.push_str(text);
        }
        if let Some((_, h)) = self.heading.as_mut() {
            h.push_str(text);
        }
    }

    fn text(&mut self, text: CowStr<'a>, offset: usize) {
        self.read_text(&text);
        let in_prose = self.code_depth == 0
            && self.heading.is_none()
            && self.link_stack.is_empty()
            && self.image_stack.is_empty();
        if !in_prose {
            self.events.push(Event::Text(text));
            return;
        }
        let doc = self.doc;
        let lines = &self.lines;
        let line_of = |o: usize| lines.line(o) + doc.body_line - 1;
        link_mentions(
            text,
            offset,
            &line_of,
            doc,
            self.index,
            &mut self.linked,
            &mut self.mentioned,
            &mut self.out.mentions,
            &mut self.events,
        );
    }

    /// Close a callout: a box with its kind as title ("Note", "Warning"),
    /// or the callout's own title when its first paragraph is nothing but
    /// bold text (`**Key points**`). Events are blanked, not removed, so
    /// the heading indices taken so far stay right.
    fn close_callout(&mut self) {
        let Some((start, kind)) = self.callouts.pop() else {
            return;
        };
        let (class, mut title) = match kind {
            BlockQuoteKind::Note => ("note", "Note".to_string()),
            BlockQuoteKind::Tip => ("tip", "Tip".to_string()),
            BlockQuoteKind::Important => ("important", "Important".to_string()),
            BlockQuoteKind::Warning => ("warning", "Warning".to_string()),
            BlockQuoteKind::Caution => ("caution", "Caution".to_string()),
        };
        if let [Event::Start(Tag::Paragraph), Event::Start(Tag::Strong), Event::Text(t), Event::End(TagEnd::Strong), Event::End(TagEnd::Paragraph), ..] =
            &self.events[start + 1..]
        {
            title = t.to_string();
            for e in &mut self.events[start + 1..start + 6] {
                *e = Event::Html(CowStr::Borrowed(""));
            }
        }
        self.events[start] = Event::Html(
            format!(
                "<div class=\"callout callout-{class}\" role=\"note\">\n<p class=\"callout-title\">{}</p>\n",
                crate::text::escape_html(&title)
            )
            .into(),
        );
        self.events.push(Event::Html(CowStr::Borrowed("</div>\n")));
    }

    /// A label defined twice would give two elements one id; the
    /// references go to the first, and a later one gets a suffix.
    fn footnote_definition(&mut self, label: &str) {
        let base = footnote_id(label);
        let id = std::iter::once(base.clone())
            .chain((1..).map(|n| format!("{base}-{n}")))
            .find(|id| !self.footnotes.contains(id))
            .expect("an unused suffix exists");
        self.footnotes.insert(id.clone());
        self.events
            .push(Event::Start(Tag::FootnoteDefinition(id.into())));
    }

    fn link(
        &mut self,
        link_type: LinkType,
        dest_url: CowStr<'a>,
        title: CowStr<'a>,
        id: CowStr<'a>,
        offset: usize,
    ) {
        let line = self.line_of(offset);
        if let Some(anchor) = anchor_of(link_type, &dest_url, self.doc.path, line) {
            self.out.anchors.push(anchor);
        }
        let beside = match link_type {
            LinkType::WikiLink { .. } => None,
            _ => self.asset(&dest_url),
        };
        let target = match beside {
            Some(Ok(p)) => LinkTarget::Url(p.url, None),
            Some(Err(d)) => LinkTarget::Drop(d),
            None => resolve_link(
                link_type,
                &dest_url,
                self.doc,
                self.index,
                &mut self.out.lookups,
            ),
        };
        let (link_type, dest_url) = match target {
            LinkTarget::Keep => (link_type, dest_url),
            LinkTarget::Url(url, entity) => {
                self.linked.extend(entity);
                (LinkType::Inline, url.into())
            }
            LinkTarget::Drop(diag) => {
                self.out
                    .diagnostics
                    .push(diag.in_file(self.doc.path).at_line(line));
                self.link_stack.push(false);
                return;
            }
        };
        self.link_stack.push(true);
        self.events.push(Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }));
    }

    fn finish(mut self) -> Rendered {
        let mut out = self.out;
        out.first_paragraph = out
            .first_paragraph
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let ids = assign_heading_ids(&mut self.events, &self.headings, self.footnotes);
        demote_headings(&mut self.events);
        out.headings = self
            .headings
            .iter()
            .zip(ids)
            .map(|((start, text), id)| Heading {
                level: match &self.events[*start] {
                    Event::Start(Tag::Heading { level, .. }) => *level as u8,
                    _ => unreachable!("heading index points at a heading start"),
                },
                id,
                text: text.clone(),
            })
            .collect();
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, self.events.into_iter());
        out.html = html.into();
        out
    }
}

/// The `id`s the default theme gives its own elements on pages that show a
/// body. A heading must not take one: `<main id="main">` is the skip link's
/// target. (A test checks this list against the templates.)
pub const THEME_IDS: &[&str] = &[
    "main",
    "office-heading",
    "facts-heading",
    "assessments-heading",
    "figures-heading",
    "key-dates-heading",
    "mentioned-heading",
    "contacts-heading",
    "this-month",
    "map-heading",
    "coming-up",
    "upcoming",
    "recent",
    "former-leaders",
    "site-search-q",
    "search",
    "search-q",
    "search-words",
    "covers-heading",
    "contents-heading",
    "sources-heading",
    "related-heading",
    "relations-heading",
    "timeline-heading",
    "briefings-heading",
    "latest",
    "active",
    "browse",
    "briefing-error",
    "books-heading",
    "upcoming-books-heading",
    "past-books-heading",
    "upcoming-books",
    "book-agenda",
    "book-counterparts",
    "book-countries",
    "book-recent",
];

/// A footnote's `id`, kept apart from heading ids by its prefix.
fn footnote_id(label: &str) -> String {
    format!("fn-{label}")
}

/// Give every heading an `id` unique on the page: not another heading's, a
/// footnote's or one of the theme's. Returns them in document order.
fn assign_heading_ids(
    events: &mut [Event],
    headings: &[(usize, String)],
    footnotes: HashSet<String>,
) -> Vec<String> {
    let mut used = footnotes;
    used.extend(THEME_IDS.iter().map(|s| s.to_string()));
    headings
        .iter()
        .map(|(start, text)| assign_heading_id(&mut events[*start], text, &mut used))
        .collect()
}

/// The page title is the one `h1`. A body that uses `#` headings has every
/// heading moved down a level so the outline stays intact.
fn demote_headings(events: &mut [Event]) {
    let has_h1 = events.iter().any(|e| {
        matches!(
            e,
            Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                ..
            })
        )
    });
    if !has_h1 {
        return;
    }
    let lower = |l: HeadingLevel| match l {
        HeadingLevel::H1 => HeadingLevel::H2,
        HeadingLevel::H2 => HeadingLevel::H3,
        HeadingLevel::H3 => HeadingLevel::H4,
        HeadingLevel::H4 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    };
    for e in events.iter_mut() {
        match e {
            Event::Start(Tag::Heading { level, .. }) => *level = lower(*level),
            Event::End(TagEnd::Heading(level)) => *level = lower(*level),
            _ => {}
        }
    }
}

/// pulldown-cmark may split one run of text into several events (around
/// brackets, entities and the like). Merge them so names that straddle a split
/// are still found.
fn coalesce_text<'a>(
    iter: impl Iterator<Item = (Event<'a>, std::ops::Range<usize>)>,
) -> impl Iterator<Item = (Event<'a>, std::ops::Range<usize>)> {
    let mut iter = iter.peekable();
    std::iter::from_fn(move || {
        let (event, mut range) = iter.next()?;
        let Event::Text(first) = event else {
            return Some((event, range));
        };
        let mut text: Option<String> = None;
        while let Some((Event::Text(_), _)) = iter.peek() {
            let Some((Event::Text(next), r)) = iter.next() else {
                unreachable!()
            };
            text.get_or_insert_with(|| first.to_string())
                .push_str(&next);
            range.end = r.end;
        }
        Some(match text {
            Some(t) => (Event::Text(t.into()), range),
            None => (Event::Text(first), range),
        })
    })
}

fn assign_heading_id(start: &mut Event, text: &str, used: &mut HashSet<String>) -> String {
    let Event::Start(Tag::Heading { id, .. }) = start else {
        unreachable!("heading index points at a heading start");
    };
    let base = match id {
        // An explicit `{#id}` wins, so authors can keep anchors stable when
        // they reword a heading.
        Some(explicit) => explicit.to_string(),
        None => {
            let s = slugify(text);
            if s.is_empty() {
                "section".to_string()
            } else {
                s
            }
        }
    };
    // The first free of `base`, `base-1`, `base-2`…: a counter alone would
    // give "Main", "Main" and "Main-1" the same `main-1`.
    let unique = std::iter::once(base.clone())
        .chain((1..).map(|n| format!("{base}-{n}")))
        .find(|candidate| !used.contains(candidate))
        .expect("an unused suffix exists");
    used.insert(unique.clone());
    *id = Some(unique.clone().into());
    unique
}

enum LinkTarget {
    Keep,
    Url(String, Option<EntityId>),
    Drop(Diagnostic),
}

fn resolve_link(
    link_type: LinkType,
    dest: &str,
    doc: &DocContext,
    index: &LinkIndex,
    lookups: &mut Vec<(Lookup, u64)>,
) -> LinkTarget {
    let mut ask = |lookup: Lookup| {
        let answer = index.answer(&lookup);
        lookups.push((lookup, answer));
    };
    if let LinkType::WikiLink { .. } = link_type {
        let (name, fragment) = split_fragment(dest);
        let key = slugify(name);
        ask(Lookup::Wiki(key.clone()));
        return match index.wiki(&key) {
            Some((url, entity)) => LinkTarget::Url(format!("{url}{fragment}"), entity.cloned()),
            None => LinkTarget::Drop(match index.nearest_wiki(&key) {
                Some(near) => Diagnostic::warning(format!(
                    "[[{dest}]] matches no country, leader, crisis or briefing; did you mean [[{near}]]?"
                ))
                .with_help(format!("write [[{near}]], or add a profile or alias named {name}")),
                None => Diagnostic::warning(format!(
                    "[[{dest}]] matches no country, leader, crisis or briefing"
                ))
                .with_help("check the spelling, or add a profile or alias with that name"),
            }),
        };
    }
    let (path, fragment) = split_fragment(dest);
    if has_scheme(dest) {
        return if index.raw_html || is_safe_url(dest) {
            LinkTarget::Keep
        } else {
            LinkTarget::Drop(
                Diagnostic::warning(format!(
                    "link to `{dest}` uses an unsafe scheme and was removed"
                ))
                .with_help("use an http(s), mailto: or relative link"),
            )
        };
    }
    if !path.ends_with(".md") || path.starts_with('/') {
        return LinkTarget::Keep;
    }
    let base = doc.path.parent().unwrap_or(Path::new(""));
    let target = normalise_path(&base.join(path));
    ask(Lookup::Path(target.clone()));
    match index.articles_by_path.get(&target) {
        Some(url) => LinkTarget::Url(format!("{url}{fragment}"), None),
        None => {
            let shown = target.display();
            LinkTarget::Drop(match index.unpublished.get(&target) {
                Some(Unpublished::Draft) => Diagnostic::warning(format!(
                    "link to `{dest}` points at {shown}, which is a draft"
                ))
                .with_help("remove `draft: true` from it to publish it, or build with --drafts"),
                Some(Unpublished::Failed) => Diagnostic::warning(format!(
                    "link to `{dest}` points at {shown}, which failed to build"
                ))
                .with_help("fix the errors reported for that file; the link works once it builds"),
                None => Diagnostic::warning(format!(
                    "link to `{dest}` points at {shown}, which is not a briefing"
                ))
                .with_help("fix the path: it is relative to this file"),
            })
        }
    }
}

fn anchor_of(link_type: LinkType, dest: &str, from: &Path, line: usize) -> Option<Anchor> {
    if matches!(link_type, LinkType::WikiLink { .. }) || has_scheme(dest) {
        return None;
    }
    let (path, fragment) = split_fragment(dest);
    let fragment = fragment.strip_prefix('#').filter(|f| !f.is_empty())?;
    let target = if path.is_empty() {
        None
    } else if path.ends_with(".md") && !path.starts_with('/') {
        Some(normalise_path(
            &from.parent().unwrap_or(Path::new("")).join(path),
        ))
    } else {
        return None;
    };
    Some(Anchor {
        target,
        fragment: fragment.to_string(),
        line,
    })
}

fn split_fragment(dest: &str) -> (&str, &str) {
    match dest.find('#') {
        Some(i) => (&dest[..i], &dest[i..]),
        None => (dest, ""),
    }
}

fn has_scheme(url: &str) -> bool {
    let Some(colon) = url.find(':') else {
        return false;
    };
    let scheme = &url[..colon];
    !scheme.is_empty()
        && scheme
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !url[..colon].contains('/')
}

/// http(s), mailto and tel links, and anything without a scheme (relative
/// paths, fragments). `javascript:`, `data:` and friends are not safe.
pub fn is_safe_url(url: &str) -> bool {
    let trimmed = url.trim_start();
    if !has_scheme(trimmed) {
        return true;
    }
    let lower = trimmed.to_ascii_lowercase();
    ["http:", "https:", "mailto:", "tel:"]
        .iter()
        .any(|s| lower.starts_with(s))
}

/// Resolve `.` and `..` without touching the file system.
#[allow(clippy::too_many_arguments)]
fn link_mentions<'a>(
    text: CowStr<'a>,
    offset: usize,
    line_of: &impl Fn(usize) -> usize,
    doc: &DocContext,
    index: &LinkIndex,
    linked: &mut HashSet<EntityId>,
    mentioned: &mut HashSet<EntityId>,
    mentions: &mut Vec<(EntityId, usize)>,
    events: &mut Vec<Event<'a>>,
) {
    let Some(ac) = &index.mentions else {
        events.push(Event::Text(text));
        return;
    };
    let mut last = 0;
    let mut pieces: Vec<Event<'a>> = Vec::new();
    for m in ac.find_iter(text.as_ref()) {
        if !at_word_boundary(&text, m.start(), m.end()) {
            continue;
        }
        let (_, id, url) = &index.mention_targets[m.pattern().as_usize()];
        if mentioned.insert(id.clone()) {
            // `offset` is where this text starts in the body; escapes can make
            // the source a little longer than the text, so this line is a
            // close, not exact, guide.
            mentions.push((id.clone(), line_of(offset + m.start())));
        }
        if !doc.tagged.contains(id) || linked.contains(id) {
            continue;
        }
        linked.insert(id.clone());
        if m.start() > last {
            pieces.push(Event::Text(text[last..m.start()].to_string().into()));
        }
        pieces.push(Event::Start(Tag::Link {
            link_type: LinkType::Inline,
            dest_url: url.clone().into(),
            title: CowStr::Borrowed(""),
            id: CowStr::Borrowed(""),
        }));
        pieces.push(Event::Text(text[m.start()..m.end()].to_string().into()));
        pieces.push(Event::End(TagEnd::Link));
        last = m.end();
    }
    if pieces.is_empty() {
        events.push(Event::Text(text));
        return;
    }
    if last < text.len() {
        pieces.push(Event::Text(text[last..].to_string().into()));
    }
    events.extend(pieces);
}

fn at_word_boundary(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::EntityKind;

    fn ids(out: &Rendered) -> Vec<&str> {
        out.headings.iter().map(|h| h.id.as_str()).collect()
    }

    #[test]
    fn headings_keep_their_text_and_the_level_the_page_shows() {
        let out = render_with(
            "# Top

## Under *it*

Text.
",
            &[],
        );
        let got: Vec<(u8, &str, &str)> = out
            .headings
            .iter()
            .map(|h| (h.level, h.id.as_str(), h.text.as_str()))
            .collect();
        // `#` is demoted: the page title is the one h1.
        assert_eq!(got, [(2, "top", "Top"), (3, "under-it", "Under it")]);
    }

    fn index() -> LinkIndex {
        let sudan = EntityId::new(EntityKind::Country, "sudan");
        let war = EntityId::new(EntityKind::Crisis, "war-in-sudan");
        let turkey = EntityId::new(EntityKind::Country, "turkey");
        let names = vec![
            ("Sudan".into(), sudan, "/countries/sudan/".into()),
            ("War in Sudan".into(), war, "/crises/war-in-sudan/".into()),
            ("Turkey".into(), turkey, "/countries/turkey/".into()),
        ];
        let entities = EntityLinks {
            names,
            ..EntityLinks::default()
        };
        LinkIndex::new(false, HashMap::new(), HashMap::new(), entities)
    }

    fn render_with(body: &str, tagged: &[(&str, EntityKind)]) -> Rendered {
        let tagged: HashSet<EntityId> = tagged.iter().map(|(s, k)| EntityId::new(*k, *s)).collect();
        let ctx = DocContext {
            path: Path::new("content/articles/a.md"),
            body_line: 5,
            tagged: &tagged,
        };
        render(body, &ctx, &index())
    }

    #[test]
    fn alerts_become_callouts_with_their_own_title_if_given() {
        let out = render_with(
            "> [!WARNING]\n> Talks <b>may</b> stall.\n\n> [!IMPORTANT]\n> **Key points**\n>\n> - One\n\n> Plain quote.\n",
            &[],
        );
        insta::assert_snapshot!(&*out.html, @r#"
        <div class="callout callout-warning" role="note">
        <p class="callout-title">Warning</p>
        <p>Talks may stall.</p>
        </div>
        <div class="callout callout-important" role="note">
        <p class="callout-title">Key points</p>
        <ul>
        <li>One</li>
        </ul>
        </div>
        <blockquote>
        <p>Plain quote.</p>
        </blockquote>
        "#);
    }

    #[test]
    fn front_matter_lines_get_the_same_typography_and_keep_their_markup_characters() {
        assert_eq!(
            typographic("Kenya's \"new\" deal -- at last..."),
            "Kenya’s “new” deal – at last…"
        );
        for plain in [
            "*not emphasis* and _not_ either",
            "<b>tags</b> & [links](x) `code` #hash",
            "1. Not a list",
            "- Not a list either",
            "# Not a heading",
            "2023: a year | a table? \\ back",
        ] {
            assert_eq!(typographic(plain), plain, "{plain}");
        }
        assert_eq!(typographic("No quotes at all"), "No quotes at all");
    }

    #[test]
    fn quotes_and_dashes_are_typographic_in_text_and_headings() {
        let out = render_with(
            "## Agree on the \"how\" -- now\n\nIt's 2023---\"late\"...\n",
            &[],
        );
        assert_eq!(
            &*out.html,
            "<h2 id=\"agree-on-the-how-now\">Agree on the “how” – now</h2>\n<p>It’s 2023—“late”…</p>\n"
        );
    }

    #[test]
    fn longest_name_wins_and_sentence_case_matches() {
        let out = render_with(
            "They discussed the war in Sudan. Sudan itself, and turkey for dinner.",
            &[
                ("war-in-sudan", EntityKind::Crisis),
                ("sudan", EntityKind::Country),
                ("turkey", EntityKind::Country),
            ],
        );
        assert_eq!(
            &*out.html,
            "<p>They discussed the <a href=\"/crises/war-in-sudan/\">war in Sudan</a>. <a href=\"/countries/sudan/\">Sudan</a> itself, and turkey for dinner.</p>\n"
        );
    }

    #[test]
    fn untagged_mentions_are_recorded_but_not_linked() {
        let out = render_with("Intro.\n\nLater, Sudan.", &[]);
        assert!(!out.html.contains("<a"));
        assert_eq!(
            out.mentions,
            vec![(EntityId::new(EntityKind::Country, "sudan"), 7)]
        );
    }

    #[test]
    fn names_inside_words_are_not_mentions() {
        let out = render_with("Sudanese and Sudan.", &[("sudan", EntityKind::Country)]);
        assert_eq!(
            &*out.html,
            "<p>Sudanese and <a href=\"/countries/sudan/\">Sudan</a>.</p>\n"
        );
    }

    #[test]
    fn headings_get_unique_ids_and_explicit_ids_win() {
        let out = render_with("## Talks\n\n## Talks\n\n## Renamed {#kept}\n", &[]);
        assert_eq!(ids(&out), ["talks", "talks-1", "kept"]);
        assert!(out.html.contains("<h2 id=\"talks-1\">Talks</h2>"));
    }

    #[test]
    fn unsafe_schemes_are_removed_with_a_warning() {
        let out = render_with(
            "[x](javascript:alert(1)) [y](JaVaScRiPt:alert(1)) ![i](data:text/html;base64,xx)",
            &[],
        );
        assert!(
            !out.html.to_lowercase().contains("javascript"),
            "{}",
            out.html
        );
        assert!(!out.html.contains("data:"), "{}", out.html);
        assert_eq!(out.diagnostics.len(), 3);
        assert!(is_safe_url("https://example.org"));
        assert!(is_safe_url("../a.md"));
        assert!(is_safe_url("#top"));
        assert!(!is_safe_url(" vbscript:x"));
    }

    #[test]
    fn summary_is_the_first_paragraph_as_plain_text() {
        let out = render_with("## Heading\n\nFirst *para*\nwith `code`.\n\nSecond.", &[]);
        assert_eq!(out.first_paragraph, "First para with code.");
    }

    #[test]
    fn heading_attributes_cannot_carry_script() {
        for body in [
            "## Title {onfocus=alert(1) tabindex=0}\n",
            "Title {#x onclick=alert(1) .c}\n=====\n",
            "# A {#id onmouseover=\"x\"}\n",
        ] {
            let out = render_with(body, &[]);
            assert!(!out.html.contains(" on"), "{body} gave {}", out.html);
        }
        let out = render_with("## T {#keep .note data-x=1}\n", &[]);
        assert_eq!(&*out.html, "<h2 id=\"keep\" class=\"note\">T</h2>\n");
    }

    #[test]
    fn heading_ids_avoid_the_theme_footnotes_and_each_other() {
        let out = render_with(
            "## Main\n\n## Main\n\n## Main-1\n\n## Fn note\n\nText[^note].\n\n[^note]: A note.\n",
            &[],
        );
        assert_eq!(ids(&out), ["main-1", "main-2", "main-1-1", "fn-note-1"]);
        assert!(out.html.contains("id=\"fn-note\""), "{}", out.html);
        assert!(out.html.contains("href=\"#fn-note\""), "{}", out.html);
        // Found by the fuzzer: one label defined twice.
        let out = render_with("A[^n].\n\n[^n]: one\n\n[^n]: two\n\n## Fn n\n", &[]);
        assert!(out.html.contains("id=\"fn-n\""), "{}", out.html);
        assert!(out.html.contains("id=\"fn-n-1\""), "{}", out.html);
        assert_eq!(ids(&out), ["fn-n-2"]);
    }

    /// Every literal `id` in the built-in templates is reserved, so a
    /// heading can never take one.
    #[test]
    fn theme_ids_match_the_templates() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        for entry in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            for part in text.split(" id=\"").skip(1) {
                let id = &part[..part.find('"').unwrap()];
                if !id.contains("{{") {
                    assert!(THEME_IDS.contains(&id), "add `{id}` to THEME_IDS");
                }
            }
        }
    }
}
