//! Front matter: the raw serde types written by authors, the `---` fence
//! splitter, date parsing, and YAML errors turned into diagnostics.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Deserializer, Serialize};

pub use super::weburl::WebUrl;
use crate::diagnostics::Diagnostic;

/// Free-form data an author keeps beside the known keys.
pub type Extra = BTreeMap<String, serde_json::Value>;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArticleFrontMatter {
    pub title: String,
    pub date: String,
    #[serde(default)]
    pub updated: Option<String>,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub countries: Vec<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub leaders: Vec<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub crises: Vec<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub tags: Vec<String>,
    #[serde(default)]
    pub sources: Vec<SourceRef>,
    #[serde(default)]
    pub draft: bool,
    #[serde(default)]
    pub slug: Option<String>,
    /// What sort of briefing: readout, call, meeting, statement, analysis…
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub extra: Extra,
}

/// A briefing book: `content/books/<slug>.md`, written before a meeting
/// or a trip. Its names resolve like a briefing's; what the book shows of
/// them is worked out as of `date`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BookFrontMatter {
    pub title: String,
    /// The meeting's day, or a trip's first day.
    pub date: String,
    /// A trip's last day.
    #[serde(default)]
    pub end: Option<String>,
    #[serde(default)]
    pub place: Option<String>,
    /// The leader the book is for.
    #[serde(default)]
    pub principal: Option<String>,
    /// The leaders met.
    #[serde(default, deserialize_with = "one_or_many")]
    pub counterparts: Vec<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub countries: Vec<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub crises: Vec<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub tags: Vec<String>,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub draft: bool,
    #[serde(default)]
    pub slug: Option<String>,
    #[serde(default)]
    pub extra: Extra,
}

/// A profile's translation into another language than the default
/// (`sudan.fr.md`): its name and aliases there, and the body. Everything
/// else comes from the original.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileTranslation {
    pub name: String,
    #[serde(default, deserialize_with = "one_or_many")]
    pub aliases: Vec<String>,
}

/// Where a statement comes from. Its address is a [`WebUrl`], so an
/// unsafe scheme fails as the file is read.
#[derive(Debug, Clone, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a source with `name` and `url`, such as `{name: UN News, url: \"https://news.un.org/\"}`"
)]
pub struct SourceRef {
    pub name: String,
    pub url: WebUrl,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CountryFrontMatter {
    pub name: String,
    #[serde(default, deserialize_with = "one_or_many")]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub iso: Option<String>,
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub capital: Option<String>,
    #[serde(default)]
    pub dates: Vec<KeyDateFrontMatter>,
    #[serde(default)]
    pub extra: Extra,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeaderFrontMatter {
    pub name: String,
    #[serde(default, deserialize_with = "one_or_many")]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub office: Option<String>,
    #[serde(default)]
    pub term: Option<TermFrontMatter>,
    #[serde(default)]
    pub positions: Vec<PositionFrontMatter>,
    #[serde(default)]
    pub born: Option<String>,
    #[serde(default)]
    pub party: Option<String>,
    #[serde(default)]
    pub dates: Vec<KeyDateFrontMatter>,
    #[serde(default)]
    pub extra: Extra,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TermFrontMatter {
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrisisFrontMatter {
    pub name: String,
    #[serde(default, deserialize_with = "one_or_many")]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub started: Option<String>,
    #[serde(default)]
    pub ended: Option<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub countries: Vec<String>,
    #[serde(default)]
    pub assessments: Vec<AssessmentFrontMatter>,
    #[serde(default)]
    pub figures: Vec<FigureFrontMatter>,
    #[serde(default)]
    pub dates: Vec<KeyDateFrontMatter>,
    #[serde(default)]
    pub extra: Extra,
}

/// One office a leader held: `positions:` in a leader profile.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PositionFrontMatter {
    pub office: String,
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
    #[serde(default)]
    pub acting: bool,
    /// The body the office belongs to when it is not the leader's own
    /// country's: `African Union`, `East African Community`.
    #[serde(default)]
    pub body: Option<String>,
    /// This office heads the leader's page while several are held at once.
    #[serde(default)]
    pub primary: bool,
}

/// One month's CrisisWatch-style assessment of a crisis.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssessmentFrontMatter {
    pub month: String,
    pub trend: String,
    #[serde(default)]
    pub alert: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub source: Option<SourceRef>,
}

/// One sourced number about a crisis: an exact `value`, or a `min`/`max`
/// range.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FigureFrontMatter {
    pub metric: String,
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub value: Option<f64>,
    #[serde(default)]
    pub min: Option<f64>,
    #[serde(default)]
    pub max: Option<f64>,
    pub as_of: String,
    /// What the number counts: `%`, a currency code such as `USD`, or a
    /// word such as `people`.
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub source: Option<SourceRef>,
}

/// A date worth knowing: a vote, an election, a mandate's expiry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyDateFrontMatter {
    pub date: String,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub kind: Option<String>,
}

/// Authors often write `countries: Kenya` for a single entry; accept it as a
/// one-item list rather than failing. Anything else (a number, a map) is an
/// error that says what the field takes, not serde's "untagged enum".
fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    struct Names;
    impl<'de> serde::de::Visitor<'de> for Names {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a name or a list of names, such as `Kenya` or `[Kenya, Sudan]`")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(vec![v.to_string()])
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(name) = seq.next_element::<Name>()? {
                out.push(name.0);
            }
            Ok(out)
        }
    }
    d.deserialize_any(Names)
}

/// One entry of a list of names.
struct Name(String);

impl<'de> Deserialize<'de> for Name {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Name;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a name (quote it if it is a number, like `\"2023\"`)")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Name, E> {
                Ok(Name(v.to_string()))
            }
        }
        d.deserialize_str(V)
    }
}

/// A Markdown file cut at its front-matter fences.
#[derive(Debug)]
pub struct Split<'a> {
    pub yaml: &'a str,
    pub body: &'a str,
    /// 1-based line of the first YAML line in the file.
    pub yaml_line: usize,
    /// 1-based line of the first body line in the file.
    pub body_line: usize,
}

/// Normalise line endings and drop a byte-order mark, so Windows editors'
/// files parse like any other.
pub fn normalise(text: &str) -> String {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    text.replace("\r\n", "\n")
}

/// Cut `text` (already normalised) into YAML front matter and body.
pub fn split(text: &str) -> Result<Split<'_>, Diagnostic> {
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "---" {
        return Err(
            Diagnostic::error("the file does not start with front matter")
                .at(1, 1)
                .with_help("begin the file with a line `---`, the YAML fields, then another `---`"),
        );
    }
    let yaml_start = first.len();
    let mut offset = yaml_start;
    let mut line_no = 1;
    for line in lines {
        line_no += 1;
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed == "..." {
            return Ok(Split {
                yaml: &text[yaml_start..offset],
                body: &text[offset + line.len()..],
                yaml_line: 2,
                body_line: line_no + 1,
            });
        }
        offset += line.len();
    }
    Err(Diagnostic::error("the front matter is never closed")
        .at(1, 1)
        .with_help("end the front matter with a line `---` before the body"))
}

/// A publication date: a calendar day, or an instant with its offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub instant: DateTime<FixedOffset>,
    pub has_time: bool,
}

/// Years a date may have. Outside them, `archive/<year>/` paths and
/// RFC 3339 timestamps stop being valid (`-001`, `10000`).
pub const YEARS: std::ops::RangeInclusive<i32> = 1..=9999;

fn year_error(s: &str) -> String {
    format!("`{s}` has a year outside 1 to 9999: write a four-digit year such as `2023-09-20`")
}

impl Date {
    /// `YYYY-MM-DD` or RFC 3339 with an offset (`2023-09-20T14:00:00+03:00`).
    pub fn parse(s: &str) -> Result<Date, String> {
        let s = s.trim();
        let date = Date::parse_any_year(s)?;
        if !YEARS.contains(&date.instant.year())
            || !YEARS.contains(&date.instant.naive_utc().year())
        {
            return Err(year_error(s));
        }
        Ok(date)
    }

    fn parse_any_year(s: &str) -> Result<Date, String> {
        if let Ok(day) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            if s.len() == 10 {
                let midnight = day.and_hms_opt(0, 0, 0).expect("midnight exists");
                return Ok(Date {
                    instant: Utc.from_utc_datetime(&midnight).fixed_offset(),
                    has_time: false,
                });
            }
        }
        DateTime::parse_from_rfc3339(s)
            .map(|instant| Date {
                instant,
                has_time: true,
            })
            .map_err(|_| {
                format!("`{s}` is not a date: write `YYYY-MM-DD` or RFC 3339 such as `2023-09-20T14:30:00+03:00`")
            })
    }

    /// Machine-readable form for `<time datetime>` and feeds.
    pub fn iso(&self) -> String {
        if self.has_time {
            self.instant.to_rfc3339()
        } else {
            self.instant.format("%Y-%m-%d").to_string()
        }
    }

    /// Full RFC 3339, as feeds and sitemaps need.
    pub fn rfc3339(&self) -> String {
        self.instant.to_rfc3339()
    }

    /// Readable form: "20 September 2023".
    pub fn human(&self) -> String {
        self.instant.format("%-d %B %Y").to_string()
    }

    pub fn year(&self) -> i32 {
        self.instant.year()
    }

    pub fn month(&self) -> u32 {
        self.instant.month()
    }
}

/// English month names, for readable dates.
pub const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A date that may be only a year or a month, as terms of office and crises
/// are often known: `2006`, `2023-04`, `2023-04-15`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct PartialDate {
    pub year: i32,
    pub month: Option<u32>,
    pub day: Option<u32>,
}

impl PartialDate {
    pub fn parse(s: &str) -> Result<PartialDate, String> {
        let s = s.trim();
        let bad = || format!("`{s}` is not a date: write `YYYY`, `YYYY-MM` or `YYYY-MM-DD`");
        let parts: Vec<&str> = s.split('-').collect();
        let num = |p: &str, len: usize| {
            if p.len() == len && p.bytes().all(|b| b.is_ascii_digit()) {
                p.parse::<u32>().ok()
            } else {
                None
            }
        };
        let year = num(parts[0], 4).ok_or_else(bad)? as i32;
        if !YEARS.contains(&year) {
            return Err(year_error(s));
        }
        let month = parts
            .get(1)
            .map(|p| num(p, 2).filter(|m| (1..=12).contains(m)).ok_or_else(bad))
            .transpose()?;
        let day = parts
            .get(2)
            .map(|p| num(p, 2).ok_or_else(bad))
            .transpose()?;
        if parts.len() > 3 {
            return Err(bad());
        }
        if let (Some(m), Some(d)) = (month, day) {
            NaiveDate::from_ymd_opt(year, m, d).ok_or_else(bad)?;
        }
        Ok(PartialDate { year, month, day })
    }

    /// The first day the date covers: 2023-04 starts on 1 April.
    pub fn start(&self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
            .expect("checked when parsed")
    }

    /// The first day after the date, as the end of a term: a term to
    /// 2024-04 covers April; a term to 2022-09-13 ends as that day begins,
    /// the day a successor takes office.
    pub fn end(&self) -> NaiveDate {
        match (self.month, self.day) {
            (Some(_), Some(_)) => Some(self.start()),
            (Some(12), None) => NaiveDate::from_ymd_opt(self.year + 1, 1, 1),
            (Some(m), None) => NaiveDate::from_ymd_opt(self.year, m + 1, 1),
            _ => NaiveDate::from_ymd_opt(self.year + 1, 1, 1),
        }
        .unwrap_or(NaiveDate::MAX)
    }

    pub fn from_date(d: NaiveDate) -> PartialDate {
        PartialDate {
            year: d.year(),
            month: Some(d.month()),
            day: Some(d.day()),
        }
    }

    pub fn iso(&self) -> String {
        match (self.month, self.day) {
            (Some(m), Some(d)) => format!("{:04}-{m:02}-{d:02}", self.year),
            (Some(m), None) => format!("{:04}-{m:02}", self.year),
            _ => format!("{:04}", self.year),
        }
    }

    pub fn human(&self) -> String {
        match (self.month, self.day) {
            (Some(m), Some(d)) => format!("{d} {} {}", MONTHS[m as usize - 1], self.year),
            (Some(m), None) => format!("{} {}", MONTHS[m as usize - 1], self.year),
            _ => self.year.to_string(),
        }
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.human())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_finds_fences_and_lines() {
        let text = "---\ntitle: A\ndate: 2023-09-20\n---\nBody\n";
        let s = split(text).unwrap();
        assert_eq!(s.yaml, "title: A\ndate: 2023-09-20\n");
        assert_eq!(s.body, "Body\n");
        assert_eq!(s.body_line, 5);
    }

    #[test]
    fn split_rejects_missing_fences() {
        assert!(split("title: A\n")
            .unwrap_err()
            .message
            .contains("does not start"));
        assert!(split("---\ntitle: A\n")
            .unwrap_err()
            .message
            .contains("never closed"));
    }

    #[test]
    fn normalise_drops_bom_and_crlf() {
        assert_eq!(
            normalise("\u{feff}---\r\na: 1\r\n---\r\n"),
            "---\na: 1\n---\n"
        );
    }

    #[test]
    fn dates_accept_days_and_rfc3339() {
        let d = Date::parse("2023-09-20").unwrap();
        assert_eq!(d.iso(), "2023-09-20");
        assert_eq!(d.human(), "20 September 2023");
        let t = Date::parse("2023-09-20T14:30:00+03:00").unwrap();
        assert_eq!(t.iso(), "2023-09-20T14:30:00+03:00");
        assert!(t > d);
        assert!(Date::parse("20/09/2023").is_err());
        assert!(Date::parse("2023-02-30").is_err());
    }

    #[test]
    fn partial_dates() {
        assert_eq!(PartialDate::parse("2006").unwrap().human(), "2006");
        assert_eq!(PartialDate::parse("2023-04").unwrap().human(), "April 2023");
        assert_eq!(
            PartialDate::parse("2023-04-15").unwrap().iso(),
            "2023-04-15"
        );
        assert!(PartialDate::parse("2023-13").is_err());
        assert!(PartialDate::parse("soon").is_err());
    }

    #[test]
    fn single_values_become_lists() {
        let fm: ArticleFrontMatter =
            serde_yaml::from_str("title: A\ndate: 2023-09-20\ncountries: Kenya\n").unwrap();
        assert_eq!(fm.countries, vec!["Kenya"]);
    }
}
