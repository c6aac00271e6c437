//! A small RFC 5545 writer for the key-date feeds. Every TEXT value is
//! escaped (backslash, semicolon, comma, line breaks) and every content
//! line folded at 75 octets on a character boundary, so no author text can
//! end a component or split a category.
//!
//! It replaces the `icalendar` crate's writer, which wrote `CATEGORIES` and
//! `NAME` unescaped (a newline in a key date's kind ended the calendar) and
//! folded some lines at 76 octets; its API gives no way to mark a value as
//! TEXT. The crate's parser stays, in the tests, as one of two independent
//! readers of what this writes.

use chrono::{DateTime, Datelike, NaiveDate, Utc};

/// The longest a content line may be, in octets, before the CRLF.
pub const FOLD_AT: usize = 75;

/// An iCalendar object being written: content lines, CRLF-terminated.
#[derive(Default)]
pub struct Ical {
    out: String,
}

impl Ical {
    /// A property whose value is TEXT (RFC 5545 §3.3.11): escaped.
    pub fn text(&mut self, name: &str, value: &str) -> &mut Self {
        self.line(name, &escape_text(value))
    }

    /// A property whose value is a list of TEXT values, such as
    /// `CATEGORIES`: each escaped, so a comma inside one stays in it.
    pub fn text_list<'a>(
        &mut self,
        name: &str,
        values: impl IntoIterator<Item = &'a str>,
    ) -> &mut Self {
        let joined: Vec<String> = values.into_iter().map(escape_text).collect();
        self.line(name, &joined.join(","))
    }

    /// A property whose value has its own grammar (a date, a URI, a
    /// keyword) that we wrote: control characters are dropped, nothing is
    /// escaped.
    pub fn raw(&mut self, name: &str, value: &str) -> &mut Self {
        let clean: String = value.chars().filter(|c| !c.is_control()).collect();
        self.line(name, &clean)
    }

    /// An all-day date, `DTSTART;VALUE=DATE:20230921`. `None` when the
    /// year does not fit the four digits iCalendar allows.
    pub fn date(&mut self, name: &str, day: NaiveDate) -> Option<&mut Self> {
        let value = ical_date(day)?;
        Some(self.line(&format!("{name};VALUE=DATE"), &value))
    }

    /// A UTC instant, `DTSTAMP:20231001T000000Z`.
    pub fn instant(&mut self, name: &str, at: DateTime<Utc>) -> &mut Self {
        let value = at.format("%Y%m%dT%H%M%SZ").to_string();
        self.line(name, &value)
    }

    fn line(&mut self, name: &str, value: &str) -> &mut Self {
        fold_into(&mut self.out, &format!("{name}:{value}"));
        self
    }

    pub fn finish(self) -> String {
        self.out
    }
}

/// `20230921`, or `None` outside the years 0 to 9999.
pub fn ical_date(day: NaiveDate) -> Option<String> {
    (0..=9999)
        .contains(&day.year())
        .then(|| day.format("%Y%m%d").to_string())
}

/// Escape a TEXT value: `\` `;` `,` and line breaks, as RFC 5545 §3.3.11
/// says. A CR is dropped (a CRLF becomes one `\n`), and so is every other
/// control character, which TEXT may not hold.
pub fn escape_text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Append `line` folded at [`FOLD_AT`] octets, each physical line ending in
/// CRLF and each continuation starting with one space (which counts).
/// Lines break between characters, never inside one.
pub fn fold_into(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > FOLD_AT {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_values_are_escaped() {
        assert_eq!(
            escape_text("a\\b;c,d\r\ne\nEND:VCALENDAR\u{7}"),
            "a\\\\b\\;c\\,d\\ne\\nEND:VCALENDAR"
        );
    }

    #[test]
    fn lines_fold_at_75_octets_on_character_boundaries() {
        for text in ["x".repeat(200), "é".repeat(100), "🇰🇪".repeat(40)] {
            let mut out = String::new();
            fold_into(&mut out, &format!("SUMMARY:{text}"));
            assert!(out.ends_with("\r\n"));
            let lines: Vec<&str> = out.trim_end_matches("\r\n").split("\r\n").collect();
            assert!(lines.len() > 1, "{out}");
            for (i, l) in lines.iter().enumerate() {
                assert!(l.len() <= FOLD_AT, "line {i} has {} octets", l.len());
                assert_eq!(i > 0, l.starts_with(' '));
            }
            let unfolded: String = out.trim_end().replace("\r\n ", "");
            assert_eq!(unfolded, format!("SUMMARY:{text}"));
        }
    }

    #[test]
    fn a_category_with_a_comma_stays_one_category() {
        let mut cal = Ical::default();
        cal.text_list("CATEGORIES", ["vote, final", "line\nEND:VEVENT"]);
        assert_eq!(
            cal.finish(),
            "CATEGORIES:vote\\, final,line\\nEND:VEVENT\r\n"
        );
    }

    #[test]
    fn dates_outside_four_digit_years_are_not_written() {
        let mut cal = Ical::default();
        assert!(cal
            .date("DTEND", NaiveDate::from_ymd_opt(10000, 1, 1).unwrap())
            .is_none());
        assert!(cal
            .date("DTEND", NaiveDate::from_ymd_opt(9999, 12, 31).unwrap())
            .is_some());
        assert_eq!(cal.finish(), "DTEND;VALUE=DATE:99991231\r\n");
    }
}
