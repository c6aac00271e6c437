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
        let source = yaml.lines().nth(loc.line().saturating_sub(1)).unwrap_or("");
        diag = diag.with_source_line(source);
        diag.help = Some(yaml_hint(&message, source));
        if message.starts_with("found character that cannot start any token")
            && source.contains('\t')
        {
            diag.message = "a tab character in the front matter".into();
        }
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

/// How deep front matter may nest. Real front matter nests a few levels;
/// libyaml takes time that grows as the square of the depth before
/// serde_yaml's own limit (128) stops it, so 100,000 levels took minutes.
pub const MAX_DEPTH: usize = 64;

/// Refuse front matter nested more than [`MAX_DEPTH`] levels, before it
/// reaches the YAML parser. A cheap scan that counts block levels by
/// indentation and `- ` markers, and flow levels by `[` and `{` where a
/// value may start (so a bracket inside plain text does not count). The
/// error's line is counted within `yaml`.
pub fn check_depth(yaml: &str) -> Result<(), Diagnostic> {
    let mut indents: Vec<usize> = Vec::new();
    let mut flow = 0usize;
    for (i, line) in yaml.lines().enumerate() {
        let trimmed = line.trim_start_matches(' ');
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let mut rest = trimmed;
        let mut block = 0;
        if flow == 0 {
            let indent = line.len() - trimmed.len();
            while indents.last().is_some_and(|&top| top >= indent) {
                indents.pop();
            }
            indents.push(indent);
            while let Some(after) = rest.strip_prefix("- ").or((rest == "-").then_some("")) {
                block += 1;
                rest = after.trim_start_matches(' ');
            }
        }
        let deepest = flow_depth(rest, &mut flow);
        let depth = indents.len() + block + deepest;
        if depth > MAX_DEPTH {
            return Err(Diagnostic::error(format!(
                "the front matter nests more than {MAX_DEPTH} levels deep"
            ))
            .at_line(i + 1)
            .with_help("front matter holds a few levels of keys and lists; flatten this value"));
        }
    }
    Ok(())
}

/// Track `[`/`{` nesting through one line, starting at `*flow`; returns
/// the deepest level reached on the line.
fn flow_depth(line: &str, flow: &mut usize) -> usize {
    let mut deepest = *flow;
    let mut quote: Option<char> = None;
    // Whether a value may start here: the line's start, or after `: `,
    // `- `, `,`, `[` or `{` (spaces aside).
    let mut value_start = true;
    let mut prev = ' ';
    for c in line.chars() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            prev = c;
            continue;
        }
        match c {
            '[' | '{' if value_start => {
                *flow += 1;
                deepest = deepest.max(*flow);
            }
            ']' | '}' if *flow > 0 => *flow -= 1,
            '"' | '\'' if value_start => quote = Some(c),
            '#' if prev == ' ' => break,
            _ => {}
        }
        value_start = match c {
            ' ' => value_start || prev == ':' || prev == '-',
            '[' | '{' | ',' => true,
            _ => false,
        };
        prev = c;
    }
    deepest
}

/// Front matter with control characters taken out of its values, when it
/// has any (only double-quoted escapes such as `"\x01"` can put them
/// there: YAML refuses them written raw). Each top-level key that held one
/// gets a warning, its line counted within `yaml`.
pub fn without_controls<T: serde::de::DeserializeOwned>(
    yaml: &str,
    warnings: &mut Vec<Diagnostic>,
) -> Option<T> {
    if !yaml.contains('\\') {
        return None;
    }
    let mut value: serde_yaml::Value = serde_yaml::from_str(yaml).ok()?;
    let serde_yaml::Value::Mapping(map) = &mut value else {
        return None;
    };
    for (key, v) in map.iter_mut() {
        let mut removed = Vec::new();
        strip_value(v, &mut removed);
        if let (Some(&c), Some(key)) = (removed.first(), key.as_str()) {
            let mut w = crate::content::control_warning(c, removed.len());
            w.line = key_line(yaml, key);
            w.message = format!("`{key}`: {}", w.message);
            warnings.push(w);
        }
    }
    if warnings.is_empty() {
        return None;
    }
    serde_yaml::from_value(value).ok()
}

fn strip_value(v: &mut serde_yaml::Value, removed: &mut Vec<char>) {
    use serde_yaml::Value;
    match v {
        Value::String(s) => {
            if let Some((clean, gone)) = crate::text::strip_controls(s) {
                removed.extend(gone.into_iter().map(|(_, c)| c));
                *s = clean;
            }
        }
        Value::Sequence(items) => items.iter_mut().for_each(|i| strip_value(i, removed)),
        Value::Mapping(map) => map.iter_mut().for_each(|(_, i)| strip_value(i, removed)),
        Value::Tagged(t) => strip_value(&mut t.value, removed),
        _ => {}
    }
}

/// How to fix the YAML mistakes authors actually make, given serde_yaml's
/// message and the line it points at.
fn yaml_hint(message: &str, line: &str) -> String {
    let quoted = || {
        let (key, value) = line.split_once(':').unwrap_or(("title", line));
        let value = value.trim().replace('\\', "\\\\").replace('"', "\\\"");
        format!("{}: \"{value}\"", key.trim_end())
    };
    if message.contains("mapping values are not allowed") {
        format!(
            "a value that contains `: ` must be in quotes: write `{}`",
            quoted()
        )
    } else if message.contains("invalid type: sequence, expected a string")
        || message.contains("invalid type: map, expected a string")
    {
        format!(
            "a value that starts with `[` or `{{` is read as a list or a map; put it in quotes: `{}`",
            quoted()
        )
    } else if line.contains('\t') && message.contains("cannot start any token") {
        "indent with spaces: YAML does not allow tabs (set your editor to insert spaces in .md files)".into()
    } else if message.contains("expected a name") {
        "write one name, or a list such as `[Kenya, Sudan]`; put a name that is a number in quotes"
            .into()
    } else if message.contains("invalid type") || message.contains("invalid value") {
        "check this value against the content format in the README".into()
    } else {
        "check the YAML near this line: brackets, quotes, colons and indentation".into()
    }
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

/// Years a date may have. Outside them, `archive/<year>/` paths and
/// RFC 3339 timestamps stop being valid (`-001`, `10000`).
const YEARS: std::ops::RangeInclusive<i32> = 1..=9999;

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
