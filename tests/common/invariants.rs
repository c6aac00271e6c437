//! Invariants every build must keep, whatever its sources say: no `on*`
//! attribute and no `javascript:` URL on any page, unique `id`s, only the
//! theme's scripts, and every XML and JSON file parses. Shared by the
//! integration tests and the fuzz targets (which include this file by path),
//! so it depends on nothing but `roxmltree` and `serde_json`.
#![allow(dead_code)]

use std::collections::HashSet;
use std::path::Path;

/// One start tag: its lower-cased name and its attributes (name lower-cased,
/// value with character references decoded).
#[derive(Debug)]
pub struct StartTag {
    pub name: String,
    pub attrs: Vec<(String, String)>,
}

/// The start tags of an HTML document, read the way a browser's tokenizer
/// would: comments skipped, `<script>` and `<style>` contents treated as
/// text, quoted and unquoted attribute values.
pub fn start_tags(html: &str) -> Vec<StartTag> {
    let b = html.as_bytes();
    let mut tags = Vec::new();
    let mut i = 0;
    while let Some(off) = html[i..].find('<') {
        i += off + 1;
        if html[i..].starts_with("!--") {
            i = html[i..].find("-->").map_or(b.len(), |e| i + e + 3);
            continue;
        }
        if !b.get(i).is_some_and(u8::is_ascii_alphabetic) {
            continue;
        }
        let start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' && b[i] != b'/' {
            i += 1;
        }
        let name = html[start..i].to_ascii_lowercase();
        let (attrs, end) = attributes(html, i);
        i = end;
        if name == "script" || name == "style" {
            let close = format!("</{name}");
            i = html[i..]
                .to_ascii_lowercase()
                .find(&close)
                .map_or(b.len(), |e| i + e);
        }
        tags.push(StartTag { name, attrs });
    }
    tags
}

/// Attributes from `i` to the end of the tag; returns them and the index
/// after `>`.
fn attributes(html: &str, mut i: usize) -> (Vec<(String, String)>, usize) {
    let b = html.as_bytes();
    let mut attrs = Vec::new();
    loop {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        if i >= b.len() || b[i] == b'>' {
            return (attrs, (i + 1).min(b.len()));
        }
        let start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && !b"=>/".contains(&b[i]) {
            i += 1;
        }
        let name = html[start..i].to_ascii_lowercase();
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = String::new();
        if b.get(i) == Some(&b'=') {
            i += 1;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            let (raw, end) = match b.get(i) {
                Some(&q @ (b'"' | b'\'')) => {
                    let close = html[i + 1..].find(q as char).map_or(b.len(), |e| i + 1 + e);
                    (&html[i + 1..close], (close + 1).min(b.len()))
                }
                _ => {
                    let mut e = i;
                    while e < b.len() && !b[e].is_ascii_whitespace() && b[e] != b'>' {
                        e += 1;
                    }
                    (&html[i..e], e)
                }
            };
            value = decode_references(raw);
            i = end;
        }
        attrs.push((name, value));
    }
}

/// Decode the character references an attacker could use to hide a scheme:
/// numeric ones and the few named ones that matter.
fn decode_references(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest.find(';').filter(|e| *e < 12);
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let c = if let Some(hex) = name.strip_prefix("#x").or(name.strip_prefix("#X")) {
                u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)
            } else if let Some(dec) = name.strip_prefix('#') {
                dec.parse().ok().and_then(char::from_u32)
            } else {
                match name {
                    "amp" => Some('&'),
                    "colon" => Some(':'),
                    "tab" => Some('\t'),
                    "newline" => Some('\n'),
                    "quot" => Some('"'),
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    _ => None,
                }
            };
            c.map(|c| (c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Whether a URL would run script when followed, as a browser reads it:
/// leading spaces and control characters, and tabs and newlines anywhere,
/// are ignored before the scheme.
pub fn is_script_url(url: &str) -> bool {
    let cleaned: String = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect::<String>()
        .to_ascii_lowercase();
    cleaned.starts_with("javascript:") || cleaned.starts_with("vbscript:")
}

/// Check one HTML page: no event-handler attribute, no script URL, no
/// script but the theme's files and JSON-LD, and no `id` twice.
pub fn check_html(html: &str) -> Result<(), String> {
    let mut ids = HashSet::new();
    for tag in start_tags(html) {
        for (name, value) in &tag.attrs {
            if name.starts_with("on") {
                return Err(format!("<{}> carries `{name}={value}`", tag.name));
            }
            let url_attr = matches!(
                name.as_str(),
                "href" | "src" | "action" | "formaction" | "xlink:href" | "srcset" | "poster"
            );
            if url_attr && is_script_url(value) {
                return Err(format!("<{}> links to `{value}`", tag.name));
            }
            if name == "id" && !ids.insert(value.clone()) {
                return Err(format!("the id `{value}` is used twice"));
            }
        }
        if tag.name == "script" {
            let attr = |n: &str| {
                tag.attrs
                    .iter()
                    .find(|(k, _)| k == n)
                    .map(|(_, v)| v.as_str())
            };
            let own_file =
                attr("src").is_some_and(|s| s.ends_with("site.js") || s.ends_with("search.js"));
            // Data a browser never runs: JSON-LD, and the search page's
            // words for search.js.
            let data = attr("type") == Some("application/ld+json")
                || (attr("type") == Some("application/json") && attr("id") == Some("search-words"));
            if !own_file && !data {
                return Err(format!("an unexpected script: {:?}", tag.attrs));
            }
        }
        if matches!(tag.name.as_str(), "iframe" | "object" | "embed" | "base") {
            return Err(format!("an unexpected <{}>", tag.name));
        }
    }
    Ok(())
}

/// Check every file the build wrote under `out`: HTML by [`check_html`],
/// XML and JSON by parsing them.
pub fn check_output(out: &Path) -> Result<(), String> {
    for entry in walkdir::WalkDir::new(out) {
        let entry = entry.map_err(|e| e.to_string())?;
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.path();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
        let text =
            || String::from_utf8(bytes.clone()).map_err(|e| format!("{}: {e}", path.display()));
        let result = match ext {
            "html" => check_html(&text()?),
            "xml" => roxmltree::Document::parse(&text()?)
                .map(|_| ())
                .map_err(|e| e.to_string()),
            "json" => serde_json::from_slice::<serde_json::Value>(&bytes)
                .map(|_| ())
                .map_err(|e| e.to_string()),
            "ics" => check_ics(&text()?),
            _ => Ok(()),
        };
        result.map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(())
}

/// Check an iCalendar file as RFC 5545 reads it: CRLF lines of at most 75
/// octets, one calendar, components that open and close in order, every
/// TEXT value's `;` and `,` escaped (bar the list commas of CATEGORIES),
/// and a parse by the `icalendar` crate's reader.
pub fn check_ics(text: &str) -> Result<(), String> {
    let body = text
        .strip_suffix("\r\n")
        .ok_or("the file does not end in CRLF")?;
    if body.replace("\r\n", "").contains(['\r', '\n']) {
        return Err("a line ends in a bare CR or LF".into());
    }
    for line in body.split("\r\n") {
        if line.len() > 75 {
            return Err(format!("a line of {} octets: {line}", line.len()));
        }
    }
    let mut open: Vec<String> = Vec::new();
    let mut calendars = 0;
    for line in body.replace("\r\n ", "").split("\r\n") {
        let (head, value) = line
            .split_once(':')
            .ok_or_else(|| format!("no `:` in `{line}`"))?;
        let name = head.split(';').next().unwrap_or("");
        match name {
            "BEGIN" => {
                calendars += usize::from(value == "VCALENDAR");
                open.push(value.to_string());
            }
            "END" if open.pop().as_deref() != Some(value) => {
                return Err(format!("`END:{value}` closes what it did not open"));
            }
            "SUMMARY" | "NAME" | "X-WR-CALNAME" | "UID" | "DESCRIPTION" | "LOCATION" => {
                unescaped(value, &[';', ','])
                    .map_err(|c| format!("an unescaped `{c}` in {name}: {value}"))?;
            }
            "CATEGORIES" => {
                unescaped(value, &[';']).map_err(|c| format!("an unescaped `{c}` in {value}"))?
            }
            _ => {}
        }
    }
    if calendars != 1 || !open.is_empty() {
        return Err(format!("{calendars} calendars, {open:?} left open"));
    }
    text.parse::<icalendar::Calendar>()
        .map(|_| ())
        .map_err(|e| format!("the icalendar crate cannot read it: {e}"))
}

/// `Err(c)` for the first of `special` not escaped by a backslash.
fn unescaped(value: &str, special: &[char]) -> Result<(), char> {
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            chars.next();
        } else if special.contains(&c) {
            return Err(c);
        }
    }
    Ok(())
}

/// The output folder holds exactly what the build's marker lists, and the
/// marker itself.
pub fn check_only_own_files(out: &Path) -> Result<(), String> {
    let marker =
        std::fs::read_to_string(out.join(".briefing-output")).map_err(|e| e.to_string())?;
    let listed: HashSet<String> = marker
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.splitn(3, '\t').nth(2).map(str::to_string))
        .collect();
    for entry in walkdir::WalkDir::new(out).min_depth(1) {
        let entry = entry.map_err(|e| e.to_string())?;
        if entry.file_type().is_dir() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(out)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if rel != ".briefing-output" && !listed.contains(&rel) {
            return Err(format!(
                "{rel} is in the output but the build did not write it"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checker_sees_what_a_browser_runs() {
        assert!(check_html(r#"<h2 id="a" onfocus="x">"#).is_err());
        assert!(check_html(r#"<h2 id=a ONCLICK=x>"#).is_err());
        assert!(check_html(r#"<a href=" java&#x09;script:alert(1)">"#).is_err());
        assert!(check_html(r#"<a href="&#106;avascript:x">"#).is_err());
        assert!(check_html(r#"<p id="x"></p><p id="x"></p>"#).is_err());
        assert!(check_html(r#"<script>alert(1)</script>"#).is_err());
        assert!(
            check_html(r#"<p title="onclick=x">on</p><script src="/site.js"></script>"#).is_ok()
        );
    }
}
