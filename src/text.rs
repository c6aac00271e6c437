//! Small text helpers shared by every stage: slugs, name folding and escaping.

/// A URL slug: ASCII letters and digits joined by single hyphens.
/// Non-Latin text is transliterated, so "Côte d'Ivoire" becomes
/// `cote-d-ivoire` and "Зеленський" becomes `zelenskii`.
pub fn slugify(s: &str) -> String {
    let ascii = deunicode::deunicode(s);
    let mut out = String::with_capacity(ascii.len());
    let mut pending_dash = false;
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.push(c.to_ascii_lowercase());
        } else if c != '\'' {
            // Apostrophes join rather than split, so "Africa's" is `africas`
            // and not `africa-s`.
            pending_dash = true;
        }
    }
    out
}

/// The key under which names are compared: case, accents, punctuation and
/// spacing do not matter, so "cote d'ivoire", "Côte d’Ivoire" and the slug
/// `cote-divoire` all meet.
pub fn fold(s: &str) -> String {
    slugify(s)
}

/// At most `max` characters of `text`, cut at a word boundary with an
/// ellipsis, never inside a word ("African Union tr…").
pub fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let end = text
        .char_indices()
        .nth(max)
        .map(|(i, _)| i)
        .unwrap_or(text.len());
    let head = &text[..end];
    // Cut at the last space unless the character after the cut starts a
    // new word anyway.
    let next_is_space = text[end..].starts_with(char::is_whitespace);
    let head = match head.rfind(char::is_whitespace) {
        Some(i) if !next_is_space => &head[..i],
        _ => head,
    };
    format!(
        "{}…",
        head.trim_end_matches(|c: char| c.is_whitespace() || ",;:.–—-".contains(c))
    )
}

/// `p` with `.` and `..` resolved by name alone, without touching the
/// disk: `content/articles/../x.md` is `content/x.md`.
pub fn normalise_path(p: &std::path::Path) -> std::path::PathBuf {
    use std::path::Component;
    let mut out = std::path::PathBuf::new();
    for c in p.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Escape text for HTML element content and attribute values.
/// Whether XML 1.0 (and so every feed and sitemap) refuses `c`: the C0
/// controls other than tab, newline and carriage return, and the two
/// non-characters U+FFFE and U+FFFF.
pub fn is_forbidden_control(c: char) -> bool {
    matches!(c, '\0'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
}

/// `s` without forbidden control characters, and where each was (byte
/// offset in `s`), or `None` when it has none, the common case.
pub fn strip_controls(s: &str) -> Option<(String, Vec<(usize, char)>)> {
    if !s.chars().any(is_forbidden_control) {
        return None;
    }
    let removed: Vec<(usize, char)> = s
        .char_indices()
        .filter(|(_, c)| is_forbidden_control(*c))
        .collect();
    Some((
        s.chars().filter(|c| !is_forbidden_control(*c)).collect(),
        removed,
    ))
}

/// Whether `c` opens or closes a directional embedding, override or
/// isolate (U+202A–U+202E, U+2066–U+2069).
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `s` with its directional controls balanced, or `None` when they
/// already are (the common case): a closer with nothing open is dropped,
/// and whatever is left open is closed at the end. A name or title that
/// opens a right-to-left override then cannot reorder the text after it,
/// in an attribute, a feed or a page.
pub fn balance_bidi(s: &str) -> Option<String> {
    if !s.chars().any(is_bidi_control) {
        return None;
    }
    let mut out = String::with_capacity(s.len() + 6);
    // What is open, innermost last: embeddings close with PDF, isolates
    // with PDI (which also closes the embeddings opened inside it).
    let mut open: Vec<char> = Vec::new();
    for c in s.chars() {
        match c {
            '\u{202a}' | '\u{202b}' | '\u{202d}' | '\u{202e}' => open.push('\u{202c}'),
            '\u{2066}'..='\u{2068}' => open.push('\u{2069}'),
            '\u{202c}' if open.last() != Some(&'\u{202c}') => continue,
            '\u{202c}' => {
                open.pop();
            }
            '\u{2069}' => {
                let Some(at) = open.iter().rposition(|&o| o == '\u{2069}') else {
                    continue;
                };
                open.truncate(at);
            }
            _ => {}
        }
        out.push(c);
    }
    out.extend(open.into_iter().rev());
    (out != s).then_some(out)
}

/// The bytes `escape_html` replaces or drops: one table look-up per byte
/// for the common case of a byte it keeps.
const NEEDS_ESCAPE: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 32 {
        t[b] = !matches!(b, 9 | 10 | 13);
        b += 1;
    }
    t[b'&' as usize] = true;
    t[b'<' as usize] = true;
    t[b'>' as usize] = true;
    t[b'"' as usize] = true;
    t[b'\'' as usize] = true;
    t
};

pub fn escape_html(s: &str) -> String {
    // Most text needs no escaping: copy runs between special bytes whole
    // rather than pushing one char at a time (this is on every page's hot
    // path, through Tera's autoescape).
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len() + s.len() / 16);
    let mut last = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if !NEEDS_ESCAPE[b as usize] {
            continue;
        }
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            // Control characters are removed when sources load; this keeps
            // any that reach a template by another way out of the output.
            0..=8 | 11 | 12 | 14..=31 => "",
            _ => continue,
        };
        out.push_str(&s[last..i]);
        out.push_str(rep);
        last = i + 1;
    }
    out.push_str(&s[last..]);
    out
}

/// JSON that is safe inside a `<script>` element: `<`, `>` and `&` are
/// written as `\u` escapes, so a value holding `</script>` cannot end the
/// block early.
pub fn json_for_script(value: &serde_json::Value) -> String {
    let raw = serde_json::to_string(value).expect("JSON values always serialise");
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            _ => out.push(c),
        }
    }
    out
}

/// 1-based line and column of a byte offset in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

const BLOCK_TAGS: [&str; 27] = [
    "address",
    "blockquote",
    "br",
    "dd",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "tbody",
    "td",
    "th",
    "tr",
    "ul",
];

/// The text of an HTML fragment we rendered ourselves: tags dropped (block
/// tags become spaces), the five entities we escape decoded.
pub fn strip_tags(html: &str) -> String {
    // One pass: this runs over every briefing's body for the search index.
    const ENTITIES: [(&str, char); 5] = [
        ("&lt;", '<'),
        ("&gt;", '>'),
        ("&quot;", '"'),
        ("&#39;", '\''),
        ("&amp;", '&'),
    ];
    let mut out = String::with_capacity(html.len());
    let mut space = false;
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        // A run of plain ASCII (no markup, entity, space or control) is
        // copied whole; everything else goes a character at a time.
        let run = rest
            .bytes()
            .position(|b| b <= b' ' || b == b'<' || b == b'&' || !b.is_ascii())
            .unwrap_or(rest.len());
        if run > 0 {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push_str(&rest[..run]);
            rest = &rest[run..];
            continue;
        }
        let mut len = c.len_utf8();
        let text = match c {
            '<' => {
                len = rest.find('>').map_or(rest.len(), |i| i + 1);
                let name = rest[1..len]
                    .trim_start_matches('/')
                    .split(|c: char| !c.is_ascii_alphanumeric())
                    .next()
                    .unwrap_or("");
                // Block tags separate words; inline ones (a link, emphasis)
                // sit inside them.
                if BLOCK_TAGS.contains(&name) {
                    None
                } else {
                    rest = &rest[len..];
                    continue;
                }
            }
            '&' => ENTITIES
                .iter()
                .find(|(name, _)| rest.starts_with(name))
                .map(|(name, ch)| {
                    len = name.len();
                    *ch
                })
                .or(Some('&')),
            c => Some(c),
        };
        match text {
            Some(c) if !c.is_whitespace() => {
                if space && !out.is_empty() {
                    out.push(' ');
                }
                space = false;
                out.push(c);
            }
            // Whitespace and tags both separate words.
            _ => space = true,
        }
        rest = &rest[len..];
    }
    out
}

/// Maps byte offsets to 1-based line numbers in one pass over the text, so
/// many look-ups in a long body stay cheap.
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    pub fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset)
    }
}

/// The first letter in upper case: "readout" as "Readout".
pub fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directional_controls_are_closed_where_they_end() {
        // An override left open is closed; a stray closer goes.
        assert_eq!(
            balance_bidi("Evil\u{202e}gnp.exe").as_deref(),
            Some("Evil\u{202e}gnp.exe\u{202c}")
        );
        assert_eq!(balance_bidi("a\u{202c}b\u{2069}").as_deref(), Some("ab"));
        assert_eq!(
            balance_bidi("\u{2067}x\u{202b}y").as_deref(),
            Some("\u{2067}x\u{202b}y\u{202c}\u{2069}")
        );
        // A PDI closes the embeddings opened inside its isolate.
        assert_eq!(balance_bidi("\u{2067}\u{202b}y\u{2069}"), None);
        assert_eq!(balance_bidi("\u{202b}ok\u{202c}"), None);
        assert_eq!(balance_bidi("plain"), None);
    }

    #[test]
    fn shortening_cuts_between_words() {
        let s = "Talks with the African Union transition mission";
        assert_eq!(shorten(s, 100), s);
        // The cut falls inside "transition": the word goes whole.
        assert_eq!(shorten(s, 33), "Talks with the African Union…");
        // The cut falls on a space: nothing is lost before it.
        assert_eq!(shorten(s, 28), "Talks with the African Union…");
        assert_eq!(shorten("Sudan, Kenya and Haiti", 6), "Sudan…");
        assert_eq!(shorten("Antidisestablishment", 5), "Antid…");
    }

    #[test]
    fn slugs_are_ascii_and_stable() {
        assert_eq!(slugify("Côte d'Ivoire"), "cote-divoire");
        assert_eq!(slugify("  DR Congo  "), "dr-congo");
        assert_eq!(slugify("Haiti security crisis"), "haiti-security-crisis");
        assert_eq!(slugify("São Tomé & Príncipe"), "sao-tome-principe");
        assert_eq!(slugify("Al-Shabaab"), "al-shabaab");
    }

    #[test]
    fn folding_ignores_case_accents_and_punctuation() {
        assert_eq!(fold("cote d'ivoire"), fold("Côte d’Ivoire"));
        assert_eq!(fold("KENYA"), fold("kenya"));
    }

    #[test]
    fn escaping_covers_the_five_characters() {
        assert_eq!(
            escape_html(r#"a<b>&"c"'d' é"#),
            "a&lt;b&gt;&amp;&quot;c&quot;&#39;d&#39; é"
        );
        assert_eq!(escape_html("plain"), "plain");
    }

    #[test]
    fn script_json_cannot_close_the_script() {
        let v = serde_json::json!({"headline": "</script><script>alert(1)</script>"});
        let s = json_for_script(&v);
        assert!(!s.contains("</script>"));
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn line_index_matches_line_col() {
        let text = "one\ntwo\n\nfour";
        let idx = LineIndex::new(text);
        for offset in 0..text.len() {
            assert_eq!(
                idx.line(offset),
                line_col(text, offset).0,
                "offset {offset}"
            );
        }
    }

    /// Random HTML-ish text from pieces that exercise every branch: tags
    /// (block and inline), entities, ASCII and Unicode spaces, controls,
    /// quotes and non-ASCII letters.
    fn random_html(seed: u64) -> String {
        const PIECES: [&str; 16] = [
            "<p>",
            "</p>",
            "<a href=\"/x/\">",
            "</a>",
            "<br>",
            "&amp;",
            "&lt;",
            "&#39;",
            "& ",
            " ",
            "\n\t",
            "\u{b}",
            "\u{a0}",
            "Côte",
            "\"q'",
            "word",
        ];
        let mut state = seed;
        (0..40)
            .map(|_| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                PIECES[(state >> 33) as usize % PIECES.len()]
            })
            .collect()
    }

    #[test]
    fn fast_paths_agree_with_a_character_at_a_time() {
        fn escape_slowly(s: &str) -> String {
            s.chars()
                .filter_map(|c| match c {
                    '&' => Some("&amp;".to_string()),
                    '<' => Some("&lt;".into()),
                    '>' => Some("&gt;".into()),
                    '"' => Some("&quot;".into()),
                    '\'' => Some("&#39;".into()),
                    '\t' | '\n' | '\r' => Some(c.to_string()),
                    c if (c as u32) < 32 => None,
                    c => Some(c.to_string()),
                })
                .collect()
        }
        for seed in 0..2000 {
            let html = random_html(seed);
            assert_eq!(escape_html(&html), escape_slowly(&html), "{html:?}");
            // Stripping the tags of escaped text gives the text back, less
            // the controls escaping drops, with its runs of spaces (Unicode
            // ones too) made single.
            let kept: String = html
                .chars()
                .filter(|&c| matches!(c, '\t' | '\n' | '\r') || c as u32 >= 32)
                .collect();
            let words: Vec<&str> = kept.split_whitespace().collect();
            assert_eq!(strip_tags(&escape_html(&html)), words.join(" "), "{html:?}");
            // And the tags of the HTML itself separate words or vanish.
            let stripped = strip_tags(&html);
            assert!(
                !stripped.contains("<p>") && !stripped.contains("  "),
                "{html:?}"
            );
        }
    }

    #[test]
    fn strip_tags_keeps_words_apart() {
        assert_eq!(
            strip_tags("<h2 id=\"a\">Talks</h2><p>Kenya &amp; <a href=\"/x/\">Haiti</a>.</p><ul><li>a</li><li>b&lt;c</li></ul>"),
            "Talks Kenya & Haiti. a b<c"
        );
    }

    #[test]
    fn line_col_counts_from_one() {
        assert_eq!(line_col("ab\ncd", 0), (1, 1));
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
    }
}
