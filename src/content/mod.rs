//! Content loading: walks `content/`, splits each Markdown file into front
//! matter and body, and parses the raw front-matter types. Nothing is
//! resolved here; that is the graph's job.

pub mod frontmatter;
pub mod weburl;

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use anyhow::{bail, Result};
use rayon::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::config::Config;
use crate::diagnostics::Diagnostic;
use frontmatter::{
    normalise, split, ArticleFrontMatter, BookFrontMatter, CountryFrontMatter, CrisisFrontMatter,
    LeaderFrontMatter, ProfileTranslation,
};

/// The three kinds of entity a briefing can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EntityKind {
    Country,
    Leader,
    Crisis,
}

impl EntityKind {
    pub const ALL: [EntityKind; 3] = [EntityKind::Country, EntityKind::Leader, EntityKind::Crisis];

    /// Folder under `content/` and first URL segment.
    pub fn dir(self) -> &'static str {
        match self {
            EntityKind::Country => "countries",
            EntityKind::Leader => "leaders",
            EntityKind::Crisis => "crises",
        }
    }

    /// Lower-case singular noun, as in "mentions Sudan (country)".
    pub fn noun(self) -> &'static str {
        match self {
            EntityKind::Country => "country",
            EntityKind::Leader => "leader",
            EntityKind::Crisis => "crisis",
        }
    }

    /// The article front-matter key that lists this kind.
    pub fn article_key(self) -> &'static str {
        self.dir()
    }

    /// Singular, for people: "Country".
    pub fn label(self) -> &'static str {
        match self {
            EntityKind::Country => "Country",
            EntityKind::Leader => "Leader",
            EntityKind::Crisis => "Crisis",
        }
    }

    /// Plural, for index pages: "Countries".
    pub fn title(self) -> &'static str {
        match self {
            EntityKind::Country => "Countries",
            EntityKind::Leader => "Leaders",
            EntityKind::Crisis => "Crises",
        }
    }
}

/// An entity's id: its kind and slug. `/countries/kenya/` is
/// `EntityId { kind: Country, slug: "kenya" }`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct EntityId {
    pub kind: EntityKind,
    pub slug: String,
}

impl EntityId {
    pub fn new(kind: EntityKind, slug: impl Into<String>) -> Self {
        EntityId {
            kind,
            slug: slug.into(),
        }
    }

    /// Site path of the entity's page, e.g. `countries/kenya/`.
    pub fn path(&self) -> String {
        format!("{}/{}/", self.kind.dir(), self.slug)
    }
}

/// One parsed Markdown file.
#[derive(Debug, Clone)]
pub struct Document<T> {
    /// Path relative to the site folder, e.g. `content/articles/2023/a.md`.
    pub path: PathBuf,
    pub front: T,
    pub yaml: String,
    pub yaml_line: usize,
    pub body: String,
    pub body_line: usize,
    /// Problems fixed while reading the file (control characters removed).
    pub warnings: Vec<Diagnostic>,
    /// The language its file name gives (`x.fr.md`), on a site with
    /// several; `None` for the default language's.
    pub lang: Option<String>,
}

impl<T> Document<T> {
    /// The default slug: the file's name without `.md`, or, for a page
    /// bundle's `index.md`, its folder's name (`articles/2023/ruto-unga/
    /// index.md` is `ruto-unga`).
    pub fn stem(&self) -> String {
        let stem = self.path.file_stem().map(|s| {
            let s = s.to_string_lossy();
            match &self.lang {
                Some(code) => s
                    .strip_suffix(&format!(".{code}"))
                    .unwrap_or(&s)
                    .to_string(),
                None => s.into_owned(),
            }
        });
        match stem.as_deref() {
            Some("index") => self
                .path
                .parent()
                .and_then(Path::file_name)
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default(),
            _ => stem.unwrap_or_default(),
        }
    }

    /// A diagnostic pointing at the front-matter line that holds `key`
    /// (and `value`, for list entries).
    pub fn diag_at_key(&self, mut diag: Diagnostic, key: &str, value: Option<&str>) -> Diagnostic {
        let line = match value {
            Some(v) => crate::yaml::value_line(&self.yaml, key, v),
            None => crate::yaml::key_line(&self.yaml, key),
        };
        diag = diag.in_file(&self.path);
        match line {
            Some(l) => diag.at_line(l + self.yaml_line - 1),
            None => diag,
        }
    }
}

/// Everything under `content/`, parsed but not yet resolved. Documents are
/// shared with `serve`'s [`Cache`], so keeping them costs no copy.
#[derive(Debug, Default)]
pub struct RawContent {
    pub articles: Vec<Arc<Document<ArticleFrontMatter>>>,
    pub countries: Vec<Arc<Document<CountryFrontMatter>>>,
    pub leaders: Vec<Arc<Document<LeaderFrontMatter>>>,
    pub crises: Vec<Arc<Document<CrisisFrontMatter>>>,
    /// Briefing books, `content/books/<slug>.md`.
    pub books: Vec<Arc<Document<BookFrontMatter>>>,
    /// On a site with several languages, loaded for one other than the
    /// default: the translations of profiles into it (`sudan.fr.md`).
    pub profile_translations: Vec<Arc<Document<ProfileTranslation>>>,
    /// For every briefing and book file, by its path without a language
    /// suffix: the languages it is written in.
    pub versions: std::collections::BTreeMap<PathBuf, Vec<String>>,
    /// Files that could not be read or parsed (their errors are reported).
    pub failed: Vec<PathBuf>,
    /// Every other file under `content/`, by site-relative path: what a
    /// briefing may show or link to beside it.
    pub assets: std::collections::BTreeMap<PathBuf, AssetFile>,
}

/// A file beside the briefings, as far as pages need to know it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AssetFile {
    /// Width and height in pixels, for an image format `imagesize` reads.
    pub size: Option<(u32, u32)>,
    /// Its length and modification time, digested: a page that publishes
    /// the file is written again when it changes.
    pub stamp: u64,
}

impl AssetFile {
    /// Read what pages need of the file at `abs`: its header, not its bytes.
    pub fn read(abs: &Path) -> Option<AssetFile> {
        use std::hash::{Hash, Hasher};
        let meta = fs::metadata(abs).ok()?;
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        meta.len().hash(&mut h);
        meta.modified().ok().hash(&mut h);
        let size = imagesize::size(abs)
            .ok()
            .and_then(|s| Some((u32::try_from(s.width).ok()?, u32::try_from(s.height).ok()?)));
        Some(AssetFile {
            size,
            stamp: h.finish(),
        })
    }
}

#[derive(Clone, Copy)]
enum Source {
    Article,
    Profile(EntityKind),
    Book,
    /// A profile's translation into another language than the default.
    Translation,
}

/// Parsed files kept by `serve` between loads. A file is parsed again only
/// when the watcher names it or its size or modification time changed.
/// Off (the default) for a one-shot build, which would only pay to fill it.
/// Cheap to clone: documents are shared.
#[derive(Default, Clone)]
pub struct Cache {
    enabled: bool,
    files: HashMap<PathBuf, (Stamp, Result<Parsed, Diagnostic>)>,
}

impl Cache {
    /// A cache that keeps what each load parsed, for the next.
    pub fn kept() -> Self {
        Cache {
            enabled: true,
            files: HashMap::new(),
        }
    }
}

impl Cache {
    /// The kept parse of the briefing at `abs`, if it parsed.
    pub fn article(&self, abs: &Path) -> Option<Arc<Document<ArticleFrontMatter>>> {
        match self.files.get(abs) {
            Some((_, Ok(Parsed::Article(d)))) => Some(d.clone()),
            _ => None,
        }
    }

    /// The kept parse of the book at `abs`, if it parsed.
    pub fn book(&self, abs: &Path) -> Option<Arc<Document<BookFrontMatter>>> {
        match self.files.get(abs) {
            Some((_, Ok(Parsed::Book(d)))) => Some(d.clone()),
            _ => None,
        }
    }

    /// The kept body of the document at `abs` and the line it starts on,
    /// whatever its kind, if it parsed.
    pub fn body(&self, abs: &Path) -> Option<(&str, usize)> {
        let (body, line) = match self.files.get(abs) {
            Some((_, Ok(Parsed::Article(d)))) => (&d.body, d.body_line),
            Some((_, Ok(Parsed::Country(d)))) => (&d.body, d.body_line),
            Some((_, Ok(Parsed::Leader(d)))) => (&d.body, d.body_line),
            Some((_, Ok(Parsed::Crisis(d)))) => (&d.body, d.body_line),
            Some((_, Ok(Parsed::Book(d)))) => (&d.body, d.body_line),
            Some((_, Ok(Parsed::Translation(d)))) => (&d.body, d.body_line),
            _ => return None,
        };
        Some((body.as_str(), line))
    }

    /// Parse the briefing at `abs` (`rel` from the site folder) again and
    /// keep the result. `None` when the file is gone, which is forgotten.
    pub fn reparse_article(
        &mut self,
        abs: &Path,
        rel: &Path,
    ) -> Option<Result<Arc<Document<ArticleFrontMatter>>, Diagnostic>> {
        Some(self.reparse(abs, rel)?.map(|p| match p {
            Parsed::Article(d) => d,
            _ => unreachable!("a file under content/articles/ is a briefing"),
        }))
    }

    /// Parse the content file at `abs` (`rel` from the site folder) again,
    /// as what its place makes it, and keep the result. `None` when the
    /// file is gone (it is forgotten) or is not a briefing or a profile.
    pub fn reparse(&mut self, abs: &Path, rel: &Path) -> Option<Result<Parsed, Diagnostic>> {
        let kind = classify(rel.strip_prefix("content").ok()?)?;
        if !abs.is_file() {
            self.files.remove(abs);
            return None;
        }
        let s = stamp(abs);
        let parsed = parse_file(abs, rel, &(kind, None));
        self.files.insert(abs.to_path_buf(), (s, parsed.clone()));
        Some(parsed)
    }
}

/// A file's size and modification time.
type Stamp = (u64, Option<SystemTime>);

fn stamp(abs: &Path) -> Stamp {
    fs::metadata(abs).map_or((0, None), |m| (m.len(), m.modified().ok()))
}

/// Walk `content/` and parse every briefing and profile. Problems in single
/// files are pushed onto `diags` so that the caller can report them all.
pub fn load(config: &Config, diags: &mut Vec<Diagnostic>) -> Result<RawContent> {
    load_cached(config, diags, &mut Cache::default(), &HashSet::new())
}

/// [`load`], reusing what `cache` holds for files that are not in `edited`
/// (absolute paths) and look unchanged.
pub fn load_cached(
    config: &Config,
    diags: &mut Vec<Diagnostic>,
    cache: &mut Cache,
    edited: &HashSet<PathBuf>,
) -> Result<RawContent> {
    let content_dir = config.content_dir();
    if !content_dir.is_dir() {
        bail!(
            "{} has no content/ folder; put your briefings in content/articles/ (or run `briefing build` in the site folder)",
            config.site_dir.display()
        );
    }
    let mut files = Vec::new();
    let mut assets = Vec::new();
    // Briefings and books in any language, for the links between versions:
    // (path without suffix, language, file, site-relative path) for each.
    let mut versions: Vec<(PathBuf, String, PathBuf, PathBuf)> = Vec::new();
    for (name, abs) in crate::source::walk(&config.site_dir, &content_dir, diags) {
        let rel = Path::new(&name);
        let site_rel = Path::new("content").join(rel);
        if rel.extension().is_none_or(|e| e != "md") {
            assets.push((site_rel, abs));
            continue;
        }
        let lang = match language_of(config, &site_rel) {
            Ok(lang) => lang,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        let kind = classify(rel);
        // Which languages each briefing is in: only a site with several
        // has any to tell.
        if config.is_multilingual() && matches!(kind, Some(Source::Article | Source::Book)) {
            let base = without_language(&site_rel, lang.as_deref());
            let lang = lang
                .clone()
                .unwrap_or_else(|| config.default_language().to_string());
            versions.push((base, lang, abs.clone(), site_rel.clone()));
        }
        match in_projection(config, kind, lang.as_deref()) {
            Some(kind) => files.push((abs, site_rel, (kind, lang))),
            None if kind.is_some() => {}
            None => diags.push(
                Diagnostic::warning("this file is not a briefing or a profile, so it was ignored")
                    .in_file(&site_rel)
                    .with_help(
                        "briefings go under content/articles/, profiles directly in content/countries/, content/leaders/ or content/crises/, briefing books directly in content/books/",
                    ),
            ),
        }
    }

    let parsed = parse_files(files, cache, edited);
    let mut raw = gather(parsed, diags);
    raw.versions = published_versions(config, versions, &raw);
    raw.assets = assets
        .par_iter()
        .filter_map(|(rel, abs)| Some((rel.clone(), AssetFile::read(abs)?)))
        .collect();
    Ok(raw)
}

/// Parse the files `cache` has no fresh copy of, in parallel, and keep
/// every result in it; returns each file's result in walk order.
/// What a content file is, and its language.
type FileKind = (Source, Option<String>);

/// A content file to parse: where it is, what it is, and its language.
type ToParse = (PathBuf, PathBuf, FileKind);

fn parse_files(
    files: Vec<ToParse>,
    cache: &mut Cache,
    edited: &HashSet<PathBuf>,
) -> Vec<Result<Parsed, Diagnostic>> {
    if !cache.enabled {
        return files
            .par_iter()
            .map(|(abs, rel, kind)| parse_file(abs, rel, kind))
            .collect();
    }
    let stamped: Vec<(PathBuf, PathBuf, FileKind, Stamp)> = files
        .into_par_iter()
        .map(|(abs, rel, kind)| {
            let s = stamp(&abs);
            (abs, rel, kind, s)
        })
        .collect();
    let fresh: HashMap<PathBuf, (Stamp, Result<Parsed, Diagnostic>)> = stamped
        .par_iter()
        .filter(|(abs, _, _, s)| {
            edited.contains(abs) || cache.files.get(abs).is_none_or(|(old, _)| old != s)
        })
        .map(|(abs, rel, kind, s)| (abs.clone(), (*s, parse_file(abs, rel, kind))))
        .collect();
    let mut kept = HashMap::with_capacity(stamped.len());
    let mut out = Vec::with_capacity(stamped.len());
    for (abs, _, _, _) in stamped {
        let entry = match fresh.get(&abs) {
            Some(e) => e.clone(),
            None => cache.files[&abs].clone(),
        };
        out.push(entry.1.clone());
        kept.insert(abs, entry);
    }
    cache.files = kept;
    out
}

/// Sort parsed files by kind; each file's own warnings join the run's.
fn gather(parsed: Vec<Result<Parsed, Diagnostic>>, diags: &mut Vec<Diagnostic>) -> RawContent {
    let mut raw = RawContent::default();
    fn keep<T>(d: Arc<Document<T>>, into: &mut Vec<Arc<Document<T>>>, diags: &mut Vec<Diagnostic>) {
        diags.extend(d.warnings.iter().cloned());
        into.push(d);
    }
    for p in parsed {
        match p {
            Ok(Parsed::Article(d)) => keep(d, &mut raw.articles, diags),
            Ok(Parsed::Country(d)) => keep(d, &mut raw.countries, diags),
            Ok(Parsed::Leader(d)) => keep(d, &mut raw.leaders, diags),
            Ok(Parsed::Crisis(d)) => keep(d, &mut raw.crises, diags),
            Ok(Parsed::Book(d)) => keep(d, &mut raw.books, diags),
            Ok(Parsed::Translation(d)) => keep(d, &mut raw.profile_translations, diags),
            Err(d) => {
                raw.failed.extend(d.file.as_deref().map(Path::to_path_buf));
                diags.push(d)
            }
        }
    }
    raw
}

fn classify(rel: &Path) -> Option<Source> {
    let mut parts = rel.components();
    let first = parts.next()?.as_os_str().to_str()?;
    let depth = rel.components().count();
    if first == "articles" {
        return Some(Source::Article);
    }
    if first == "books" && depth == 2 {
        return Some(Source::Book);
    }
    EntityKind::ALL
        .into_iter()
        .find(|k| k.dir() == first && depth == 2)
        .map(Source::Profile)
}

/// One parsed source file, of whichever kind.
#[derive(Clone)]
pub enum Parsed {
    Article(Arc<Document<ArticleFrontMatter>>),
    Country(Arc<Document<CountryFrontMatter>>),
    Leader(Arc<Document<LeaderFrontMatter>>),
    Crisis(Arc<Document<CrisisFrontMatter>>),
    Book(Arc<Document<BookFrontMatter>>),
    Translation(Arc<Document<ProfileTranslation>>),
}

fn parse_file(abs: &Path, rel: &Path, (kind, lang): &FileKind) -> Result<Parsed, Diagnostic> {
    let bytes = fs::read(abs)
        .map_err(|e| Diagnostic::error(format!("could not read the file: {e}")).in_file(rel))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let (line, col) = frontmatter_pos(&e);
        Diagnostic::error("the file is not valid UTF-8")
            .in_file(rel)
            .at(line, col)
            .with_help("save the file as UTF-8")
    })?;
    fn doc<T: DeserializeOwned>(
        text: &str,
        rel: &Path,
        lang: &Option<String>,
    ) -> Result<Arc<Document<T>>, Diagnostic> {
        let mut d = parse_document(text, rel)?;
        d.lang = lang.clone();
        Ok(d.into())
    }
    Ok(match kind {
        Source::Article => Parsed::Article(doc(&text, rel, lang)?),
        Source::Profile(EntityKind::Country) => Parsed::Country(doc(&text, rel, lang)?),
        Source::Profile(EntityKind::Leader) => Parsed::Leader(doc(&text, rel, lang)?),
        Source::Profile(EntityKind::Crisis) => Parsed::Crisis(doc(&text, rel, lang)?),
        Source::Book => Parsed::Book(doc(&text, rel, lang)?),
        Source::Translation => {
            Parsed::Translation(doc(&text, rel, lang).map_err(|d| translation_hint(d, rel))?)
        }
    })
}

/// A translation's front matter holds only what is said in its language;
/// a dossier key there would override the original's.
fn translation_hint(mut d: Diagnostic, rel: &Path) -> Diagnostic {
    if d.message.starts_with("unknown field") {
        let original = without_language(rel, None);
        d.help = Some(format!(
            "a translation gives only `name`, `aliases` and the body in its language; the rest of the profile belongs to the original{}",
            original
                .to_str()
                .map(|p| format!(", {p}"))
                .unwrap_or_default()
        ));
    }
    d
}

/// Which languages each briefing and book is published in: every version
/// but the drafts (unless drafts are built). A file this load parsed gives
/// its `draft` from that parse; a version this load does not parse has its
/// `draft` read here with the front matter's own parser, ignoring every
/// other key. A file that cannot be read counts as published, and its own
/// language's load reports it.
fn published_versions(
    config: &Config,
    versions: Vec<(PathBuf, String, PathBuf, PathBuf)>,
    raw: &RawContent,
) -> std::collections::BTreeMap<PathBuf, Vec<String>> {
    let parsed: HashMap<&Path, bool> = raw
        .articles
        .iter()
        .map(|d| (d.path.as_path(), d.front.draft))
        .chain(raw.books.iter().map(|d| (d.path.as_path(), d.front.draft)))
        .collect();
    #[derive(serde::Deserialize)]
    struct Draft {
        #[serde(default)]
        draft: bool,
    }
    let published: Vec<(PathBuf, String)> = versions
        .into_par_iter()
        .filter(|(_, _, abs, rel)| {
            if let Some(draft) = parsed.get(rel.as_path()) {
                return config.drafts || !draft;
            }
            config.drafts
                || fs::read_to_string(abs).ok().is_none_or(|text| {
                    let draft = frontmatter::split(&text)
                        .ok()
                        .and_then(|s| serde_yaml::from_str::<Draft>(s.yaml).ok());
                    !draft.is_some_and(|d| d.draft)
                })
        })
        .map(|(base, lang, _, _)| (base, lang))
        .collect();
    let mut out: std::collections::BTreeMap<PathBuf, Vec<String>> = Default::default();
    for (base, lang) in published {
        out.entry(base).or_default().push(lang);
    }
    out
}

/// The language a content file's name gives it, on a site with several:
/// `x.fr.md` is French. A suffix shaped like a language code that the
/// site does not have is an error; one-language sites have no suffixes.
fn language_of(config: &Config, rel: &Path) -> Result<Option<String>, Diagnostic> {
    if !config.is_multilingual() || rel.extension().is_none_or(|e| e != "md") {
        return Ok(None);
    }
    let stem = rel.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    let Some((_, suffix)) = stem.rsplit_once('.') else {
        return Ok(None);
    };
    if !crate::config::is_language_code(suffix) {
        return Ok(None);
    }
    if suffix == config.default_language() {
        return Err(Diagnostic::error(format!(
            "`.{suffix}` is the default language, whose files have no language suffix"
        ))
        .in_file(rel)
        .with_help(format!("rename the file without `.{suffix}`")));
    }
    if config.languages.iter().any(|l| l == suffix) {
        return Ok(Some(suffix.to_string()));
    }
    // Codes are two or three letters: one letter off is a typo.
    let one_off = |code: &&String| {
        code.len() == suffix.len()
            && code
                .chars()
                .zip(suffix.chars())
                .filter(|(a, b)| a != b)
                .count()
                == 1
    };
    let near = config.languages[1..].iter().find(one_off);
    let mut d = Diagnostic::error(format!(
        "`.{suffix}` is not one of the site's languages ({})",
        config.languages.join(", ")
    ))
    .in_file(rel);
    d = match near {
        Some(n) => d.with_help(format!(
            "did you mean `.{n}`? Or add `{suffix}` under `languages:` in site.yaml"
        )),
        None => d.with_help(format!(
            "add `{suffix}` under `languages:` in site.yaml, or rename the file"
        )),
    };
    Err(d)
}

/// `rel` without its language suffix: `x.fr.md` is `x.md`. With `lang`
/// `None`, any last dotted part of the stem goes.
pub fn without_language(rel: &Path, lang: Option<&str>) -> PathBuf {
    let name = rel.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let stripped = match lang {
        Some(code) => name.replacen(&format!(".{code}.md"), ".md", 1),
        None => match name.strip_suffix(".md").and_then(|s| s.rsplit_once('.')) {
            Some((base, _)) => format!("{base}.md"),
            None => name.to_string(),
        },
    };
    rel.with_file_name(stripped)
}

/// What a file is in the content loaded for `config`'s language, or
/// `None` when it is another language's.
fn in_projection(config: &Config, kind: Option<Source>, lang: Option<&str>) -> Option<Source> {
    let here = (config.language() != config.default_language()).then(|| config.language());
    match (kind?, lang) {
        (Source::Profile(_), Some(l)) if Some(l) == here => Some(Source::Translation),
        (Source::Profile(k), None) => Some(Source::Profile(k)),
        (Source::Profile(_), Some(_)) => None,
        (k, l) if l == here => Some(k),
        _ => None,
    }
}

fn frontmatter_pos(e: &std::string::FromUtf8Error) -> (usize, usize) {
    let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
    let text = std::str::from_utf8(valid).unwrap_or("");
    crate::text::line_col(text, text.len())
}

/// Parse one file's text into a typed document.
pub fn parse_document<T: DeserializeOwned>(
    text: &str,
    rel: &Path,
) -> Result<Document<T>, Diagnostic> {
    let text = normalise(text);
    let parts = split(&text).map_err(|d| d.in_file(rel))?;
    if parts.yaml.trim().is_empty() {
        return Err(Diagnostic::error("the front matter is empty")
            .in_file(rel)
            .at(parts.yaml_line, 1)
            .with_help("add the required fields between the `---` lines"));
    }
    let (front, mut warnings) = crate::yaml::parse::<T>(parts.yaml, rel, parts.yaml_line - 1)?;
    let body = match crate::text::strip_controls(parts.body) {
        None => parts.body.to_string(),
        Some((clean, removed)) => {
            warnings.extend(removed.iter().take(3).map(|&(offset, c)| {
                let (line, col) = crate::text::line_col(parts.body, offset);
                crate::yaml::control_warning(c, removed.len())
                    .in_file(rel)
                    .at(line + parts.body_line - 1, col)
            }));
            clean
        }
    };
    Ok(Document {
        path: rel.to_path_buf(),
        front,
        yaml: parts.yaml.to_string(),
        yaml_line: parts.yaml_line,
        body,
        body_line: parts.body_line,
        warnings,
        lang: None,
    })
}
