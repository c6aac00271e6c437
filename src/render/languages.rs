//! A page's versions in the site's other languages: which exist, for
//! `<link rel="alternate" hreflang>`, the sitemap and the language
//! switcher. A page in another language has the default's path under
//! `/<code>/`, so a version exists wherever the same page does.

use serde::Serialize;

use super::page_id::PageId;
use super::reader::Reader;

/// Briefings another language publishes, for a list to point to.
#[derive(Serialize)]
pub struct Elsewhere {
    pub lang: String,
    pub name: &'static str,
    pub count: usize,
    /// That language's list of briefings.
    pub href: String,
}

/// What each other language publishes, in the site's order of languages.
pub fn elsewhere(r: &Reader) -> Vec<Elsewhere> {
    let config = r.config();
    let counts = r.elsewhere();
    config
        .languages
        .iter()
        .filter_map(|lang| {
            let count = *counts.get(lang)?;
            Some(Elsewhere {
                lang: lang.clone(),
                name: endonym(lang),
                count,
                href: config.url_in(lang, "articles/"),
            })
        })
        .collect()
}

/// One language version of a page.
#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
pub struct Version {
    pub lang: String,
    /// The language's name in itself: "Français".
    pub name: &'static str,
    /// Absolute when the site knows its origin, else root-relative: for
    /// `hreflang` links and the sitemap.
    pub url: String,
    /// Root-relative, for links a reader follows (and a preview serves).
    pub href: String,
    /// This page's own language.
    pub current: bool,
}

/// Every language version of `page`, the current one among them, in the
/// site's order; empty on a site with one language. Only pages that exist
/// in every language whatever the content (indexes, profiles' pages) or
/// whose versions are known (a briefing's) have others.
pub fn versions(r: &Reader, page: &PageId) -> Vec<Version> {
    let config = r.config();
    if !config.is_multilingual() {
        return Vec::new();
    }
    let here = config.language();
    let langs: Vec<String> = match page {
        PageId::Article(slug) => r.article(slug).versions.clone(),
        PageId::Entity(id, 1) if r.entity(id).source.is_some() => config.languages.clone(),
        PageId::Home
        | PageId::Articles(1)
        | PageId::EntityIndex(_)
        | PageId::Tags
        | PageId::Archive
        | PageId::Search
        | PageId::Calendar => config.languages.clone(),
        _ => vec![here.to_string()],
    };
    let path = page.path();
    langs
        .into_iter()
        .map(|lang| {
            let href = config.url_in(&lang, &path);
            Version {
                name: endonym(&lang),
                url: format!("{}{href}", config.origin),
                href,
                current: lang == here,
                lang,
            }
        })
        .collect()
}

/// What the language switcher offers: every language of the site, each
/// going to this page's version in it, or to its home page when there is
/// none. Empty on a site with one language.
pub fn switcher(r: &Reader, versions: &[Version]) -> Vec<Version> {
    let config = r.config();
    if !config.is_multilingual() {
        return Vec::new();
    }
    config
        .languages
        .iter()
        .map(|lang| match versions.iter().find(|v| &v.lang == lang) {
            Some(v) => v.clone(),
            None => Version {
                lang: lang.clone(),
                name: endonym(lang),
                url: format!("{}{}", config.origin, config.url_in(lang, "")),
                href: config.url_in(lang, ""),
                current: false,
            },
        })
        .collect()
}

/// The direction a language is written in: `rtl` or `ltr`.
pub fn direction(lang: &str) -> &'static str {
    let primary = lang.split('-').next().unwrap_or(lang);
    if crate::config::RTL_LANGUAGES.contains(&primary) {
        "rtl"
    } else {
        "ltr"
    }
}

/// A language's name in itself, for the switcher; the code when unknown.
pub fn endonym(lang: &str) -> &'static str {
    let primary = lang.split('-').next().unwrap_or(lang);
    match primary {
        "ar" => "العربية",
        "de" => "Deutsch",
        "en" => "English",
        "es" => "Español",
        "fa" => "فارسی",
        "fr" => "Français",
        "he" => "עברית",
        "it" => "Italiano",
        "nl" => "Nederlands",
        "pt" => "Português",
        "ru" => "Русский",
        "sw" => "Kiswahili",
        "tr" => "Türkçe",
        "uk" => "Українська",
        "ur" => "اردو",
        "zh" => "中文",
        _ => "",
    }
}
