//! The one type every address an author writes goes through: a web URL,
//! checked as the YAML is read, so no other scheme can reach a page, a
//! feed, JSON-LD, the API or a calendar.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

/// An absolute `http://` or `https://` URL with a host, trimmed, with no
/// white space or control characters inside. `javascript:`, `data:` and
/// every other scheme are refused, whatever their case or leading spaces.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct WebUrl(String);

impl WebUrl {
    /// Check `text` as a web address; the error says what is wrong and
    /// shows the form.
    pub fn parse(text: &str) -> Result<WebUrl, String> {
        let url = text.trim();
        let problem = match strip_web_scheme(url) {
            None => "write a full URL starting with `https://` (or `http://`)".to_string(),
            Some(rest) => match url.chars().find(|c| c.is_whitespace() || c.is_control()) {
                Some(c) => format!(
                    "it holds {}; encode a space as `%20`, and remove line breaks and control characters",
                    describe(c)
                ),
                None if !has_host(rest) => {
                    "it has no host; write it as `https://example.org/page`".to_string()
                }
                None => return Ok(WebUrl(url.to_string())),
            },
        };
        let shown: String = url.chars().take(60).collect();
        Err(format!("`{shown}` {NOT_WEB}: {problem}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What every error of [`WebUrl::parse`] says after the value, so the
/// YAML boundary can point at the value's own line.
pub const NOT_WEB: &str = "is not a web address";

/// Whether the part after the scheme starts with a host name.
fn has_host(rest: &str) -> bool {
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or("");
    !host.is_empty() && !host.starts_with(':')
}

/// What follows `http://` or `https://`, in any case.
fn strip_web_scheme(url: &str) -> Option<&str> {
    ["https://", "http://"].into_iter().find_map(|scheme| {
        let head = url.get(..scheme.len())?;
        head.eq_ignore_ascii_case(scheme)
            .then(|| &url[scheme.len()..])
    })
}

fn describe(c: char) -> String {
    match c {
        ' ' => "a space".into(),
        '\n' | '\r' => "a line break".into(),
        '\t' => "a tab".into(),
        c => format!("the character U+{:04X}", c as u32),
    }
}

impl fmt::Display for WebUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for WebUrl {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for WebUrl {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        WebUrl::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_addresses_pass_trimmed() {
        for ok in [
            "https://www.un.org/en/ga/78",
            "  http://example.org",
            "HTTPS://Example.org/?a=1&b=\"2\"",
            "https://user@example.org:8080/x#y",
        ] {
            let url = WebUrl::parse(ok).unwrap_or_else(|e| panic!("{ok}: {e}"));
            assert_eq!(url.as_str(), ok.trim());
        }
    }

    #[test]
    fn every_other_scheme_is_refused() {
        for bad in [
            "javascript:alert(1)",
            "  JaVaScRiPt:alert(1)",
            "\tjavascript:alert(1)",
            "data:text/html;base64,PHNjcmlwdD4=",
            " DATA:text/html,x",
            "vbscript:msgbox(1)",
            "file:///etc/passwd",
            "//example.org/x",
            "/relative/path",
            "example.org",
            "",
            "https://",
            "https:///path",
            "https://:80/",
            "https://exa mple.org",
            "https://example.org/\njavascript:x",
            "java\u{0}script:alert(1)",
            "https:example.org",
        ] {
            assert!(WebUrl::parse(bad).is_err(), "{bad:?} passed");
        }
    }

    #[test]
    fn the_error_names_the_value_and_the_form() {
        let e = WebUrl::parse("javascript:alert(1)").unwrap_err();
        assert!(
            e.contains("`javascript:alert(1)` is not a web address"),
            "{e}"
        );
        assert!(e.contains("https://"), "{e}");
    }
}
