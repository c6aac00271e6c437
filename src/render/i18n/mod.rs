//! The theme's own words, dates and numbers in the page's language.
//!
//! Each language's words are a YAML file beside this one (`en.yaml`, …),
//! compiled into the binary; a site overrides any of them in `site.yaml`
//! (`translations:`, and `translations:` under each of `languages:`). A
//! language with no file of its own uses English words, with its own month
//! names and digit grouping when the locale data knows the language.
//!
//! Templates call `{{ t(key="…") }}` (with `n=` for a count, and any other
//! argument filling a `{name}` in the text) and `{{ date | human }}`; the
//! renderer of each language binds both to that language, so macros, which
//! see only their arguments, need no language passed in. Rust code that
//! builds text for a page asks the same [`Words`] through the reader.

mod plural;

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::sync::Arc;

use chrono::{Locale, NaiveDate};
use tera::Value;

use crate::config::Text;
use crate::content::frontmatter::PartialDate;
use crate::diagnostics::Diagnostic;

/// The built-in words, by language.
const BUILT_IN: &[(&str, &str)] = &[
    ("en", include_str!("en.yaml")),
    ("fr", include_str!("fr.yaml")),
    ("es", include_str!("es.yaml")),
    ("ar", include_str!("ar.yaml")),
];

/// The words `search.js` says, handed to it as JSON by the search page.
pub const SEARCH_KEYS: &[&str] = &[
    "kind_briefing",
    "kind_book",
    "kind_country",
    "kind_leader",
    "kind_crisis",
    "filter_country",
    "filter_leader",
    "filter_crisis",
    "filter_tag",
    "filter_kind",
    "filter_type",
    "filter_from",
    "filter_to",
    "any_year",
    "any_value",
    "search_did_you_mean",
    "search_filter_value",
    "search_quoted",
    "search_none",
    "search_count",
    "search_so_far",
    "search_for",
    "search_in",
    "search_end",
    "search_checked",
    "search_longer",
    "search_searching",
    "search_unavailable",
    "search_not_loaded",
];

/// The languages the theme has words for.
pub fn built_in_languages() -> impl Iterator<Item = &'static str> {
    BUILT_IN.iter().map(|(code, _)| *code)
}

/// Everything the theme says, in one language.
#[derive(Debug)]
pub struct Words {
    lang: String,
    texts: HashMap<String, Text>,
    locale: Locale,
}

fn parse_built_in(lang: &str) -> Option<HashMap<String, Text>> {
    let primary = lang.split('-').next().unwrap_or(lang);
    let (_, yaml) = BUILT_IN.iter().find(|(code, _)| *code == primary)?;
    Some(serde_yaml::from_str(yaml).expect("the built-in words are valid YAML"))
}

impl Words {
    /// The words of `lang`, with the site's `overrides` laid over them. An
    /// override of a key the theme does not have is an error: it would
    /// never show, most likely a typo.
    pub fn new(lang: &str, overrides: &BTreeMap<String, Text>) -> (Words, Vec<Diagnostic>) {
        let english = parse_built_in("en").expect("English is built in");
        let mut texts = parse_built_in(lang).unwrap_or_else(|| english.clone());
        let mut findings = Vec::new();
        for (key, text) in overrides {
            if english.contains_key(key) {
                texts.insert(key.clone(), text.clone());
            } else {
                let near = crate::diagnostics::nearest(key, english.keys().map(String::as_str));
                let help = match near {
                    Some(k) => {
                        format!("did you mean `{k}`? The theme's keys are listed in the README")
                    }
                    None => "the theme's keys are listed in the README".to_string(),
                };
                findings.push(
                    Diagnostic::error(format!(
                        "`translations` for `{lang}` sets `{key}`, which is not one of the theme's words"
                    ))
                    .in_file(crate::config::SITE_FILE)
                    .with_help(help),
                );
            }
        }
        let words = Words {
            lang: lang.to_string(),
            texts,
            locale: locale_of(lang),
        };
        (words, findings)
    }

    pub fn lang(&self) -> &str {
        &self.lang
    }

    /// The text of `key` for a count of `n` (or the one text a key has
    /// when it does not vary), with every `{name}` replaced from `args` and
    /// `{n}` by the count.
    pub fn say(&self, key: &str, n: Option<u64>, args: &[(&str, String)]) -> Option<String> {
        let template = match self.texts.get(key)? {
            Text::One(t) => t.as_str(),
            Text::Plural(forms) => {
                let n = n.unwrap_or(0);
                let form = plural::category(&self.lang, n);
                forms.get(form).or_else(|| forms.get("other"))?.as_str()
            }
        };
        let mut out = String::with_capacity(template.len() + 16);
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let Some(close) = after.find('}') else {
                break;
            };
            let name = &after[..close];
            match (name, n) {
                ("n", Some(n)) => out.push_str(&self.number(n)),
                _ => match args.iter().find(|(k, _)| *k == name) {
                    Some((_, v)) => out.push_str(v),
                    None => {
                        let _ = write!(out, "{{{name}}}");
                    }
                },
            }
            rest = &after[close + 1..];
        }
        out.push_str(rest);
        Some(out)
    }

    /// `keys`' texts as JSON, plural forms as objects, for a script that
    /// fills them in itself.
    pub fn all_of(&self, keys: &[&str]) -> serde_json::Value {
        let mut out = serde_json::Map::new();
        for key in keys {
            let value = match self.texts.get(*key) {
                Some(Text::One(t)) => serde_json::Value::from(t.as_str()),
                Some(Text::Plural(forms)) => serde_json::json!(forms),
                None => continue,
            };
            out.insert(key.to_string(), value);
        }
        serde_json::Value::Object(out)
    }

    /// [`Words::say`] for a key the theme's Rust code knows it has.
    pub fn text(&self, key: &str) -> String {
        self.say(key, None, &[]).unwrap_or_else(|| key.to_string())
    }

    /// [`Words::say`] with arguments, for a key the theme's Rust code knows
    /// it has.
    pub fn with(&self, key: &str, args: &[(&str, String)]) -> String {
        self.say(key, None, args).unwrap_or_else(|| key.to_string())
    }

    /// A crisis status as a word: the theme's for the ones it knows
    /// (`active`, `ended`…), the site's own, capitalised, otherwise.
    pub fn status(&self, status: &str) -> String {
        self.say(&format!("status_{status}"), None, &[])
            .unwrap_or_else(|| capitalized(status))
    }

    /// [`Words::date`] for a full date (with or without a time: people
    /// read the day).
    pub fn day(&self, d: &crate::content::frontmatter::Date) -> String {
        self.date(&PartialDate::from_date(d.instant.date_naive()))
    }

    /// [`Words::say`] for a count, with the theme's own key.
    pub fn count(&self, key: &str, n: u64) -> String {
        self.say(key, Some(n), &[]).unwrap_or_else(|| n.to_string())
    }

    /// A whole number with the locale's digit grouping, from five digits
    /// on (where every locale groups): "12 500" in French.
    pub fn number(&self, n: u64) -> String {
        let digits = n.to_string();
        if digits.len() < 5 {
            return digits;
        }
        let sep = pure_rust_locales::locale_match!(self.locale => LC_NUMERIC::THOUSANDS_SEP);
        let sep = if sep.is_empty() { "," } else { sep };
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push_str(sep);
            }
            out.push(c);
        }
        out
    }

    /// A date as people read it: "21 septembre 2023", "septembre 2023" or
    /// "2023", with the locale's month names.
    pub fn date(&self, d: &PartialDate) -> String {
        let (key, day) = match (d.month, d.day) {
            (Some(m), Some(day)) => ("date_day", NaiveDate::from_ymd_opt(d.year, m, day)),
            (Some(m), None) => ("date_month", NaiveDate::from_ymd_opt(d.year, m, 1)),
            _ => return d.year.to_string(),
        };
        let Some(day) = day else {
            return d.iso();
        };
        let pattern = self.text(key);
        day.format_localized(&pattern, self.locale).to_string()
    }

    /// A month and year as a heading shows it: "Septembre 2023".
    pub fn month_heading(&self, month: &PartialDate) -> String {
        capitalized(&self.date(month))
    }

    /// A month shortened, as a chart's axis shows it: "Sep 2023",
    /// "sept. 2023".
    pub fn short_month(&self, year: i32, month: u32) -> String {
        match NaiveDate::from_ymd_opt(year, month, 1) {
            Some(d) => d.format_localized("%b %Y", self.locale).to_string(),
            None => year.to_string(),
        }
    }

    /// A month's name alone, as a heading shows it: "Septembre".
    pub fn month_name(&self, month: u32) -> String {
        let Some(day) = NaiveDate::from_ymd_opt(2000, month, 1) else {
            return month.to_string();
        };
        capitalized(&day.format_localized("%B", self.locale).to_string())
    }
}

fn capitalized(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The locale data for a language code: its own country's (`fr_FR`,
/// `de_DE`), the region's when the code names one (`pt-br` → `pt_BR`), and
/// a few chosen where the language is written in many countries. English
/// otherwise.
fn locale_of(lang: &str) -> Locale {
    let mut parts = lang.split('-');
    let primary = parts.next().unwrap_or(lang);
    let chosen = match primary {
        "en" => Some("en_GB"),
        // Egypt's months are the ones most Arabic news sites print.
        "ar" => Some("ar_EG"),
        _ => None,
    };
    let mut candidates: Vec<String> = Vec::new();
    if let Some(region) = parts.next() {
        candidates.push(format!("{primary}_{}", region.to_uppercase()));
    }
    candidates.extend(chosen.map(String::from));
    candidates.push(format!("{primary}_{}", primary.to_uppercase()));
    candidates
        .iter()
        .find_map(|c| Locale::try_from(c.as_str()).ok())
        .unwrap_or(Locale::en_GB)
}

/// The Tera side: `t()` and `| human`, bound to one language, with the
/// other languages' words at hand for a template that names one (`t(key,
/// lang="ar")`).
#[derive(Clone)]
pub struct Bound {
    pub words: Arc<Words>,
    pub all: Arc<BTreeMap<String, Arc<Words>>>,
}

impl Bound {
    fn words_for(&self, args: &HashMap<String, Value>) -> &Words {
        match args.get("lang").and_then(Value::as_str) {
            Some(l) if l != self.words.lang => self.all.get(l).map_or(&self.words, |w| w),
            _ => &self.words,
        }
    }
}

impl tera::Function for Bound {
    /// An unknown key is an error naming it, so a typo in a template fails
    /// the build instead of showing.
    fn call(&self, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let key = args
            .get("key")
            .and_then(Value::as_str)
            .ok_or("t() needs key=\"…\"")?;
        let n = args.get("n").and_then(Value::as_u64);
        let values: Vec<(&str, String)> = args
            .iter()
            .filter(|(k, _)| !matches!(k.as_str(), "key" | "n" | "lang" | "default"))
            .map(|(k, v)| (k.as_str(), value_text(v)))
            .collect();
        // `default=` is for keys made from data (`"status_" ~ status`),
        // where the site may use a value the theme has no words for.
        match (
            self.words_for(args).say(key, n, &values),
            args.get("default"),
        ) {
            (Some(text), _) => Ok(Value::String(text)),
            (None, Some(default)) => Ok(Value::String(value_text(default))),
            (None, None) => Err(format!("t(): the theme has no text `{key}`").into()),
        }
    }
}

fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `{{ date | human }}`: a date view (or its `iso` text) as people read it.
pub struct HumanDate(pub Bound);

impl tera::Filter for HumanDate {
    fn filter(&self, value: &Value, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let iso = match value {
            Value::Object(o) => o.get("iso").and_then(Value::as_str),
            Value::String(s) => Some(s.as_str()),
            _ => None,
        }
        .ok_or("`human` takes a date")?;
        // A date with a time is written in full (RFC 3339); people read the day.
        let day = iso.split('T').next().unwrap_or(iso);
        let d = PartialDate::parse(day).map_err(|e| format!("`human`: {e}"))?;
        Ok(Value::String(self.0.words_for(args).date(&d)))
    }
}

#[cfg(test)]
mod tests;
