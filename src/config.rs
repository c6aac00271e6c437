//! Configuration: `site.yaml` plus the command-line options of one build.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chrono::NaiveDate;
use serde::Deserialize;

use crate::content::weburl::WebUrl;
use crate::diagnostics::{BuildFailed, Diagnostic};

pub const SITE_FILE: &str = "site.yaml";

/// The raw contents of `site.yaml`. Every key is optional.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SiteConfig {
    pub title: String,
    pub base_url: String,
    pub description: String,
    pub language: String,
    /// Let raw HTML in Markdown through. Off by default, so nothing an
    /// author writes becomes live markup unless the site owner says so.
    pub raw_html: bool,
    /// Curly quotes, en and em dashes and ellipses in body text. On by
    /// default; a site that writes inline scripts in raw HTML turns it off,
    /// since the quotes in them would be curled too.
    pub typographic_quotes: bool,
    /// Briefings per page on `/articles/`.
    pub paginate: usize,
    /// Pin the reference date ("today") for what is current, upcoming or
    /// stale: for an archive kept as it stood. `YYYY-MM-DD`.
    pub today: Option<String>,
    /// How many days back from the reference date count as recent: the
    /// world map shades countries by their briefings in this window.
    pub recent_days: u32,
    /// What an entity's or tag's feed carries of each briefing: its summary
    /// (the default) or its full text. The site's own feed always has the
    /// full text.
    pub entity_feeds: FeedContent,
    /// The site's other languages, by code, each with its own settings:
    /// `languages: {fr: {title: …}}`. `language` is the default.
    pub languages: BTreeMap<String, LanguageConfig>,
    /// The theme's words in the default language, where the site wants its
    /// own: `translations: {briefings: Analyses}`.
    pub translations: BTreeMap<String, Text>,
    pub extra: BTreeMap<String, serde_json::Value>,
}

/// How much of each briefing a feed carries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FeedContent {
    /// Title, summary and link. At 10,000 briefings, the 830 entity and tag
    /// feeds with full text were 157 of the 579 MB written, 31 MB without
    /// (BENCHMARKS.md, issue 23).
    #[default]
    Summary,
    Full,
}

/// One of the theme's words: a text, or a text per plural form
/// (`{one: "{n} briefing", other: "{n} briefings"}`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum Text {
    One(String),
    Plural(BTreeMap<String, String>),
}

/// What a language other than the default sets for itself.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LanguageConfig {
    pub title: Option<String>,
    pub description: Option<String>,
    /// The theme's words in this language, where the site wants its own.
    pub translations: BTreeMap<String, Text>,
}

/// Languages written right to left: their pages get `dir="rtl"`.
pub const RTL_LANGUAGES: &[&str] = &["ar", "fa", "he", "ur"];

/// Whether `code` looks like a language code: `fr`, `pt-br`.
pub fn is_language_code(code: &str) -> bool {
    let mut parts = code.split('-');
    let primary = parts.next().unwrap_or("");
    let region_ok =
        parts.all(|p| (2..=4).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()));
    (2..=3).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_lowercase()) && region_ok
}

impl Default for SiteConfig {
    fn default() -> Self {
        SiteConfig {
            title: "Briefings".into(),
            base_url: "/".into(),
            description: String::new(),
            language: "en".into(),
            raw_html: false,
            typographic_quotes: true,
            paginate: 20,
            today: None,
            recent_days: 90,
            entity_feeds: FeedContent::Summary,
            languages: BTreeMap::new(),
            translations: BTreeMap::new(),
            extra: BTreeMap::new(),
        }
    }
}

/// What the command line says about one build.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub drafts: bool,
    pub strict: bool,
    /// Overrides `base_url` from `site.yaml`.
    pub base_url: Option<String>,
    /// The reference date, from `--today`; overrides everything else.
    pub today: Option<NaiveDate>,
}

/// Everything a build needs to know before it reads any content.
#[derive(Debug, Clone)]
pub struct Config {
    pub site_dir: PathBuf,
    pub site: SiteConfig,
    /// Scheme and host (`https://example.org`), empty when the site is only
    /// ever served from a root-relative path.
    pub origin: String,
    /// Path every internal link starts with: `/` or `/briefings/`, and
    /// `/fr/` or `/briefings/fr/` for a page in another language than the
    /// default.
    pub base_path: String,
    /// The site's own root path, where its shared files (stylesheet,
    /// scripts) are, whatever the page's language.
    pub root_path: String,
    /// Every language of the site, the default first.
    pub languages: Vec<String>,
    pub drafts: bool,
    pub strict: bool,
    /// The reference date: what "current", "upcoming" and "stale" mean.
    /// See [`reference_date`].
    pub today: NaiveDate,
}

impl Config {
    /// Read `site.yaml` (if any) from `site_dir` and apply `options`.
    pub fn load(site_dir: &Path, options: &BuildOptions) -> Result<Config> {
        let path = site_dir.join(SITE_FILE);
        let mut site = if path.exists() {
            let bytes =
                fs::read(&path).with_context(|| format!("could not read {}", path.display()))?;
            let text = String::from_utf8(bytes).map_err(|e| {
                let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
                let (line, col) =
                    crate::text::line_col(std::str::from_utf8(valid).unwrap_or(""), valid.len());
                BuildFailed {
                    diagnostics: vec![Diagnostic::error("the file is not valid UTF-8")
                        .in_file(SITE_FILE)
                        .at(line, col)
                        .with_help("save site.yaml as UTF-8")],
                }
            })?;
            let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
            if text.trim().is_empty() {
                SiteConfig::default()
            } else {
                let (site, mut problems) =
                    crate::yaml::parse::<SiteConfig>(text, Path::new(SITE_FILE), 0).map_err(
                        |d| BuildFailed {
                            diagnostics: vec![d],
                        },
                    )?;
                // site.yaml has no warnings channel of its own, and its title
                // goes into every feed: a control character is refused.
                if !problems.is_empty() {
                    crate::diagnostics::promote_warnings(&mut problems);
                    for d in &mut problems {
                        d.message = d.message.replace("removed the", "holds the");
                        d.help = Some("delete it: the site's settings go into every feed, which cannot hold it".into());
                    }
                    return Err(BuildFailed {
                        diagnostics: problems,
                    }
                    .into());
                }
                site
            }
        } else {
            SiteConfig::default()
        };
        if let Some(url) = &options.base_url {
            site.base_url = url.clone();
        }
        if site.paginate == 0 {
            return Err(BuildFailed {
                diagnostics: vec![Diagnostic::error("`paginate` must be at least 1")
                    .in_file(SITE_FILE)
                    .with_help("remove the key to use the default of 20")],
            }
            .into());
        }
        let (origin, base_path) = split_base_url(&site.base_url).map_err(|msg| BuildFailed {
            diagnostics: vec![Diagnostic::error(msg).in_file(SITE_FILE).with_help(
                "use a full URL such as `https://example.org/briefings/`, or a path such as `/`",
            )],
        })?;
        let today = reference_date(options.today, site.today.as_deref(), source_date_epoch())
            .map_err(|msg| BuildFailed {
                diagnostics: vec![Diagnostic::error(msg)
                    .in_file(SITE_FILE)
                    .with_help("write the date as `today: 2024-01-15`, or remove the key")],
            })?;
        check_languages(&site)?;
        let mut languages = vec![site.language.clone()];
        languages.extend(site.languages.keys().cloned());
        Ok(Config {
            today,
            site_dir: site_dir.to_path_buf(),
            site,
            origin,
            root_path: base_path.clone(),
            base_path,
            languages,
            drafts: options.drafts,
            strict: options.strict,
        })
    }

    /// The language pages of this config are in.
    pub fn language(&self) -> &str {
        &self.site.language
    }

    /// The default language: the one whose pages are at the root.
    pub fn default_language(&self) -> &str {
        &self.languages[0]
    }

    /// Whether the site has more than one language.
    pub fn is_multilingual(&self) -> bool {
        self.languages.len() > 1
    }

    /// The site's own words for the theme in language `code`.
    pub fn translations_for(&self, code: &str) -> &BTreeMap<String, Text> {
        match self.site.languages.get(code) {
            Some(lang) if code != self.default_language() => &lang.translations,
            _ => &self.site.translations,
        }
    }

    /// The path prefix of this config's language below the root: empty
    /// for the default language, `fr/` for French.
    pub fn language_prefix(&self) -> String {
        prefix_of(self.default_language(), self.language())
    }

    /// The root-relative URL of `path` in language `code`.
    pub fn url_in(&self, code: &str, path: &str) -> String {
        let prefix = prefix_of(self.default_language(), code);
        format!("{}{prefix}{}", self.root_path, path.trim_start_matches('/'))
    }

    /// This config, for the pages of language `code` (one of
    /// [`Config::languages`]): its title and description, and links under
    /// `/<code>/`.
    pub fn for_language(&self, code: &str) -> Config {
        let mut c = self.clone();
        if let Some(lang) = self.site.languages.get(code) {
            if let Some(t) = &lang.title {
                c.site.title = t.clone();
            }
            if let Some(d) = &lang.description {
                c.site.description = d.clone();
            }
        }
        c.site.language = code.to_string();
        c.base_path = format!(
            "{}{}",
            self.root_path,
            prefix_of(self.default_language(), code)
        );
        c
    }

    pub fn content_dir(&self) -> PathBuf {
        self.site_dir.join("content")
    }

    /// The root-relative URL of a site path such as `countries/kenya/`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_path, path.trim_start_matches('/'))
    }

    /// The absolute URL of a site path, when the site knows its origin.
    pub fn absolute_url(&self, path: &str) -> String {
        format!("{}{}", self.origin, self.url(path))
    }
}

fn prefix_of(default: &str, code: &str) -> String {
    if code == default {
        String::new()
    } else {
        format!("{code}/")
    }
}

/// Language codes must look like codes, and the default may not be
/// listed again among the others.
fn check_languages(site: &SiteConfig) -> Result<()> {
    let mut diagnostics = Vec::new();
    let codes = std::iter::once(&site.language).chain(site.languages.keys());
    for code in codes {
        if !is_language_code(code) {
            diagnostics.push(
                Diagnostic::error(format!("`{code}` is not a language code"))
                    .in_file(SITE_FILE)
                    .with_help("write a lower-case code such as `en`, `fr`, `ar` or `pt-br`"),
            );
        }
    }
    if site.languages.contains_key(&site.language) {
        diagnostics.push(
            Diagnostic::error(format!(
                "`{}` is the default `language` and is listed again under `languages`",
                site.language
            ))
            .in_file(SITE_FILE)
            .with_help("list only the other languages under `languages`; the default's title and description are the top-level ones"),
        );
    }
    if diagnostics.is_empty() {
        Ok(())
    } else {
        Err(BuildFailed { diagnostics }.into())
    }
}

/// The reference date: `--today` if given, else `today:` in `site.yaml`,
/// else `SOURCE_DATE_EPOCH` (for reproducible builds), else the clock's
/// date in UTC.
pub fn reference_date(
    flag: Option<NaiveDate>,
    pinned: Option<&str>,
    epoch: Option<i64>,
) -> Result<NaiveDate, String> {
    let day = any_reference_date(flag, pinned, epoch)?;
    // Feeds, sitemaps and calendars write four-digit years, and what is
    // current is worked out a day or a month past the reference date.
    if !crate::content::frontmatter::YEARS.contains(&chrono::Datelike::year(&day)) {
        return Err(format!(
            "the reference date {day} is outside the years 1 to 9999, which feeds and calendars can write"
        ));
    }
    Ok(day)
}

fn any_reference_date(
    flag: Option<NaiveDate>,
    pinned: Option<&str>,
    epoch: Option<i64>,
) -> Result<NaiveDate, String> {
    if let Some(d) = flag {
        return Ok(d);
    }
    if let Some(text) = pinned {
        return NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
            .map_err(|_| format!("`today: {text}` is not a date"));
    }
    let now = match epoch {
        Some(secs) => chrono::DateTime::from_timestamp(secs, 0)
            .ok_or_else(|| format!("SOURCE_DATE_EPOCH={secs} is out of range"))?,
        None => chrono::Utc::now(),
    };
    Ok(now.date_naive())
}

/// `SOURCE_DATE_EPOCH` as seconds, if set to a number.
fn source_date_epoch() -> Option<i64> {
    std::env::var("SOURCE_DATE_EPOCH").ok()?.trim().parse().ok()
}

/// Split `https://example.org/briefings` into (`https://example.org`,
/// `/briefings/`).
fn split_base_url(url: &str) -> Result<(String, String), String> {
    let url = url.trim();
    if url.is_empty() || url == "/" {
        return Ok((String::new(), "/".into()));
    }
    let (origin, path) = if url.starts_with('/') && !url.starts_with("//") {
        (String::new(), url.to_string())
    } else {
        // An address with a host goes through the one URL check every
        // front-matter address does.
        let web = WebUrl::parse(url).map_err(|e| format!("base_url {e}"))?;
        let (scheme, rest) = web.as_str().split_once("://").expect("checked");
        let (host, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        (
            format!("{}://{host}", scheme.to_ascii_lowercase()),
            path.to_string(),
        )
    };
    if path.contains(['?', '#']) {
        return Err(format!(
            "base_url `{url}` must not have a query or fragment"
        ));
    }
    let mut path = path;
    if !path.ends_with('/') {
        path.push('/');
    }
    Ok((origin, path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_codes_and_each_languages_links() {
        for code in ["en", "fr", "ast", "pt-br", "zh-Hant", "en-GB"] {
            assert!(is_language_code(code), "{code}");
        }
        for code in ["", "e", "EN", "english", "fr_", "fr-", "f1", "pt-b"] {
            assert!(!is_language_code(code), "{code}");
        }
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(SITE_FILE),
            "title: Desk\nbase_url: https://x.org/desk/\nlanguages: {fr: {title: Bureau}, ar: {}}\n",
        )
        .unwrap();
        let c = Config::load(dir.path(), &BuildOptions::default()).unwrap();
        assert_eq!(c.languages, ["en", "ar", "fr"]);
        assert!(c.is_multilingual() && c.language_prefix().is_empty());
        let fr = c.for_language("fr");
        assert_eq!((fr.site.title.as_str(), fr.language()), ("Bureau", "fr"));
        assert_eq!(fr.url("countries/sudan/"), "/desk/fr/countries/sudan/");
        assert_eq!(fr.root_path, "/desk/");
        assert_eq!(
            fr.url_in("en", "countries/sudan/"),
            "/desk/countries/sudan/"
        );
        assert_eq!(
            c.for_language("ar").site.title,
            "Desk",
            "no title of its own"
        );
        // The default listed again, or a code that is none, is refused.
        std::fs::write(
            dir.path().join(SITE_FILE),
            "languages: {en: {}, French: {}}\n",
        )
        .unwrap();
        let err = format!(
            "{:#}",
            Config::load(dir.path(), &BuildOptions::default()).unwrap_err()
        );
        assert!(err.contains("`French` is not a language code"), "{err}");
        assert!(
            err.contains("`en` is the default `language` and is listed again"),
            "{err}"
        );
    }

    #[test]
    fn base_url_splits_into_origin_and_path() {
        assert_eq!(
            split_base_url("https://example.org/briefings").unwrap(),
            ("https://example.org".into(), "/briefings/".into())
        );
        assert_eq!(
            split_base_url("http://localhost:1111").unwrap(),
            ("http://localhost:1111".into(), "/".into())
        );
        assert_eq!(split_base_url("/").unwrap(), ("".into(), "/".into()));
        assert!(split_base_url("example.org").is_err());
        assert_eq!(
            split_base_url("HTTPS://Example.org/b").unwrap(),
            ("https://Example.org".into(), "/b/".into())
        );
        for bad in [
            "javascript:alert(1)",
            " JaVaScRiPt:alert(1)//",
            "data:text/html,x",
            "//example.org/",
            "https:///x",
            "https://exa mple.org/",
        ] {
            let err = split_base_url(bad).unwrap_err();
            assert!(err.contains("is not a web address"), "{bad}: {err}");
        }
    }

    #[test]
    fn the_reference_date_comes_from_the_flag_then_the_site_then_the_epoch() {
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let flag = Some(d("2020-01-02"));
        // 2023-10-02T00:00:00Z
        let epoch = Some(1_696_204_800);
        assert_eq!(
            reference_date(flag, Some("2024-01-15"), epoch),
            Ok(d("2020-01-02"))
        );
        assert_eq!(
            reference_date(None, Some("2024-01-15"), epoch),
            Ok(d("2024-01-15"))
        );
        assert_eq!(reference_date(None, None, epoch), Ok(d("2023-10-02")));
        assert!(reference_date(None, Some("soon"), epoch).is_err());
        // Only what feeds and calendars can write.
        assert!(reference_date(Some(d("0000-01-01")), None, epoch).is_err());
        assert!(reference_date(None, Some("+10000-01-01"), epoch).is_err());
        assert_eq!(
            reference_date(Some(d("9999-12-31")), None, epoch),
            Ok(d("9999-12-31"))
        );
    }
}
