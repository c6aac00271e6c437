//! Front matter: the raw serde types written by authors, the `---` fence
//! splitter, date parsing, and YAML errors turned into diagnostics.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Deserializer, Serialize};

use crate::diagnostics::{nearest, Diagnostic};

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
    #[serde(default)]
    pub extra: Extra,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceRef {
    pub name: String,
    pub url: String,
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
    pub extra: Extra,
}

/// Authors often write `countries: Kenya` for a single entry; accept it as a
/// one-item list rather than failing.
fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match Option::<OneOrMany>::deserialize(d)? {
        None => Vec::new(),
        Some(OneOrMany::One(s)) => vec![s],
        Some(OneOrMany::Many(v)) => v,
    })
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

/// Turn a serde_yaml error into a diagnostic with the file's own line and
/// column, and a "did you mean" for misspelt keys.
pub fn yaml_diagnostic(
    err: &serde_yaml::Error,
    file: &Path,
    yaml: &str,
    line_offset: usize,
) -> Diagnostic {
    let message = file_positions(&err.to_string(), line_offset);
    let mut diag = Diagnostic::error(message.clone()).in_file(file);
    if let Some(loc) = err.location() {
        diag = diag.at(loc.line() + line_offset, loc.column());
        diag.help = Some(
            if message.contains("invalid type") || message.contains("invalid value") {
                "check this value against the content format in the README".into()
            } else {
                "check the YAML near this line: brackets, quotes, colons and indentation".into()
            },
        );
    }
    if let Some(field) = between(&message, "unknown field `", "`") {
        let expected: Vec<&str> = message
            .split("expected ")
            .nth(1)
            .map(|list| list.split('`').skip(1).step_by(2).collect())
            .unwrap_or_default();
        diag.message = format!("unknown field `{field}`");
        if let Some(line) = key_line(yaml, field) {
            diag = diag.at(line + line_offset, 1);
        }
        diag.help = Some(match nearest(field, expected.iter().copied()) {
            Some(near) => format!("did you mean `{near}`? Put custom data under `extra`"),
            None => format!(
                "known fields are {}; put custom data under `extra`",
                expected
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        });
    } else if let Some(field) = between(&message, "missing field `", "`") {
        diag.message = format!("missing required field `{field}`");
        diag.help = Some(format!("add a line `{field}: ...` to the front matter"));
    }
    diag
}

/// serde_yaml writes positions as " at line L column C", counted from the
/// start of the YAML. The first is the error's own position, which we print
/// in front; later ones (such as where an unclosed list began) are moved to
/// the file's own line numbers.
fn file_positions(msg: &str, line_offset: usize) -> String {
    let mut out = String::new();
    let mut rest = msg;
    let mut first = true;
    while let Some(i) = rest.find(" at line ") {
        out.push_str(&rest[..i]);
        let after = &rest[i + " at line ".len()..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let line: usize = after[..digits].parse().unwrap_or(0);
        let after = &after[digits..];
        let (col, after) = match after.strip_prefix(" column ") {
            Some(c) => {
                let d = c.bytes().take_while(u8::is_ascii_digit).count();
                (Some(&c[..d]), &c[d..])
            }
            None => (None, after),
        };
        if !first {
            out.push_str(&format!(" at line {}", line + line_offset));
            if let Some(c) = col {
                out.push_str(&format!(" column {c}"));
            }
        }
        first = false;
        rest = after;
    }
    out.push_str(rest);
    out
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = s.find(start)? + start.len();
    let len = s[from..].find(end)?;
    Some(&s[from..from + len])
}

/// 1-based line (within `yaml`) of a top-level key.
pub fn key_line(yaml: &str, key: &str) -> Option<usize> {
    yaml.lines()
        .position(|l| {
            l.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        })
        .map(|i| i + 1)
}

/// 1-based line (within `yaml`) where `value` is written under `key`, falling
/// back to the key's own line.
pub fn value_line(yaml: &str, key: &str, value: &str) -> Option<usize> {
    let start = key_line(yaml, key)?;
    let found = yaml
        .lines()
        .enumerate()
        .skip(start - 1)
        .take_while(|(i, l)| *i == start - 1 || !l.starts_with(|c: char| c.is_alphanumeric()))
        .find(|(_, l)| l.contains(value))
        .map(|(i, _)| i + 1);
    Some(found.unwrap_or(start))
}

/// A publication date: a calendar day, or an instant with its offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub instant: DateTime<FixedOffset>,
    pub has_time: bool,
}

impl Date {
    /// `YYYY-MM-DD` or RFC 3339 with an offset (`2023-09-20T14:00:00+03:00`).
    pub fn parse(s: &str) -> Result<Date, String> {
        let s = s.trim();
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
    fn unknown_key_suggests_the_nearest() {
        let yaml = "title: A\ndate: 2023-09-20\ncontries: [Kenya]\n";
        let err = serde_yaml::from_str::<ArticleFrontMatter>(yaml).unwrap_err();
        let d = yaml_diagnostic(&err, Path::new("a.md"), yaml, 1);
        assert_eq!(d.message, "unknown field `contries`");
        assert_eq!(d.line, Some(4));
        assert!(d.help.unwrap().contains("did you mean `countries`?"));
    }

    #[test]
    fn yaml_positions_are_moved_to_file_lines() {
        assert_eq!(
            file_positions("did not find expected ',' or ']' at line 4 column 1, while parsing a flow sequence at line 3 column 12", 1),
            "did not find expected ',' or ']', while parsing a flow sequence at line 4 column 12"
        );
    }

    #[test]
    fn single_values_become_lists() {
        let fm: ArticleFrontMatter =
            serde_yaml::from_str("title: A\ndate: 2023-09-20\ncountries: Kenya\n").unwrap();
        assert_eq!(fm.countries, vec!["Kenya"]);
    }
}
