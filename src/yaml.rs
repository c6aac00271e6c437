//! The YAML boundary: every call into serde_yaml for reading front matter
//! and `site.yaml`, and every translation of its errors into our
//! diagnostics, is here, so the YAML crate can be swapped in one place.
//! Before parsing, nesting is bounded; after, control characters are taken
//! out of values.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::content::weburl::NOT_WEB;
use crate::diagnostics::{nearest, Diagnostic};

/// Parse `yaml` (whose first line is line `line_offset + 1` of `file`) into
/// `T`. Returns the value and warnings (control characters removed, with
/// file lines), or the error as a diagnostic with file, line, column, the
/// source line and a hint.
pub fn parse<T: DeserializeOwned>(
    yaml: &str,
    file: &Path,
    line_offset: usize,
) -> Result<(T, Vec<Diagnostic>), Diagnostic> {
    check_depth(yaml).map_err(|d| {
        let line = d.line.unwrap_or(1) + line_offset;
        d.in_file(file).at_line(line)
    })?;
    let mut value: T =
        serde_yaml::from_str(yaml).map_err(|e| yaml_diagnostic(&e, file, yaml, line_offset))?;
    let mut warnings = Vec::new();
    if let Some(clean) = without_controls(yaml, &mut warnings) {
        value = clean;
    }
    for w in &mut warnings {
        let line = w.line.unwrap_or(1) + line_offset;
        *w = w.clone().in_file(file).at_line(line);
    }
    Ok((value, warnings))
}

/// `value` as a YAML scalar, quoted if it needs to be, for files that
/// `briefing new` writes.
pub fn to_string<T: serde::Serialize + ?Sized>(value: &T) -> String {
    serde_yaml::to_string(value).expect("plain data serialises")
}

/// Turn a serde_yaml error into a diagnostic with the file's own line and
/// column, and a "did you mean" for misspelt keys.
fn yaml_diagnostic(
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
    } else if let Some(value) = between(&message, "`", &format!("` {NOT_WEB}")) {
        point_at_url(&mut diag, yaml, line_offset, value);
    } else if let Some(field) = between(&message, "missing field `", "`") {
        diag.message = format!("missing required field `{field}`");
        diag.help = Some(format!("add a line `{field}: ...` to the front matter"));
    }
    diag
}

/// A refused URL: serde_yaml points at the map that holds it, so point at
/// the `url:` line below that holds the value, name the field in the
/// message's path, and say what the field takes.
fn point_at_url(diag: &mut Diagnostic, yaml: &str, line_offset: usize, value: &str) {
    let from = diag.line.map_or(0, |l| l.saturating_sub(line_offset + 1));
    let probe: String = value.chars().take(20).collect();
    let found = yaml.lines().enumerate().skip(from).find_map(|(i, l)| {
        let after_key = l.trim_start().strip_prefix("url:")?;
        let value = after_key.trim_start();
        value.contains(&probe).then(|| {
            let col = l[..l.len() - value.len()].chars().count() + 1;
            (i, l, col)
        })
    });
    if let Some((i, line, col)) = found {
        *diag = diag
            .clone()
            .at(i + 1 + line_offset, col)
            .with_source_line(line);
        if let Some((path, rest)) = diag.message.split_once(": `") {
            diag.message = format!("{path}.url: `{rest}");
        }
    }
    diag.help = Some(
        "a source links to the page it came from, on the web: `url: https://…`; other schemes such as `javascript:` and `data:` are never written into a page".into(),
    );
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
fn check_depth(yaml: &str) -> Result<(), Diagnostic> {
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

/// Front matter with control characters taken out of its values and
/// directional controls balanced (`text::balance_bidi`), when it has any
/// (only double-quoted escapes such as `"\x01"` can put control
/// characters there: YAML refuses them written raw). Each top-level key
/// that held a control character gets a warning, its line counted within
/// `yaml`.
fn without_controls<T: DeserializeOwned>(yaml: &str, warnings: &mut Vec<Diagnostic>) -> Option<T> {
    if !yaml.contains('\\') && !yaml.chars().any(crate::text::is_bidi_control) {
        return None;
    }
    let mut value: serde_yaml::Value = serde_yaml::from_str(yaml).ok()?;
    let serde_yaml::Value::Mapping(map) = &mut value else {
        return None;
    };
    let mut changed = false;
    for (key, v) in map.iter_mut() {
        let mut removed = Vec::new();
        changed |= strip_value(v, &mut removed);
        if let (Some(&c), Some(key)) = (removed.first(), key.as_str()) {
            let mut w = control_warning(c, removed.len());
            w.line = key_line(yaml, key);
            w.message = format!("`{key}`: {}", w.message);
            warnings.push(w);
        }
    }
    if !changed {
        return None;
    }
    serde_yaml::from_value(value).ok()
}

/// Clean every string in `v`; whether anything changed.
fn strip_value(v: &mut serde_yaml::Value, removed: &mut Vec<char>) -> bool {
    use serde_yaml::Value;
    match v {
        Value::String(s) => {
            let mut changed = false;
            if let Some((clean, gone)) = crate::text::strip_controls(s) {
                removed.extend(gone.into_iter().map(|(_, c)| c));
                *s = clean;
                changed = true;
            }
            if let Some(balanced) = crate::text::balance_bidi(s) {
                *s = balanced;
                changed = true;
            }
            changed
        }
        Value::Sequence(items) => items
            .iter_mut()
            .fold(false, |c, i| strip_value(i, removed) | c),
        Value::Mapping(map) => map
            .iter_mut()
            .fold(false, |c, (_, i)| strip_value(i, removed) | c),
        Value::Tagged(t) => strip_value(&mut t.value, removed),
        _ => false,
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

/// 1-based line (within `yaml`) of `key` inside item `index` (0-based) of
/// the top-level list `list`, as in
///
/// ```yaml
/// positions:
///   - office: President
///     from: 2022-09-13
/// ```
///
/// Falls back to the item's first line, then to the list's own line.
pub fn item_line(yaml: &str, list: &str, index: usize, key: &str) -> Option<usize> {
    ListItems::new(yaml, list).line(index, key)
}

/// Where each item of a top-level list starts and ends, found in one pass,
/// so that pointing at every item of a long list costs linear time: 10,000
/// unsourced figures took 9 s when each warning scanned the YAML again.
pub struct ListItems<'a> {
    lines: Vec<&'a str>,
    /// 1-based line of the list's key, if it is there.
    list: Option<usize>,
    /// Each item's lines, 0-based, end exclusive.
    items: Vec<(usize, usize)>,
}

impl<'a> ListItems<'a> {
    pub fn new(yaml: &'a str, list: &str) -> Self {
        let lines: Vec<&str> = yaml.lines().collect();
        let start = key_line(yaml, list);
        let mut items: Vec<(usize, usize)> = Vec::new();
        let mut indent = None;
        let mut end = lines.len();
        for (i, line) in lines.iter().enumerate().skip(start.unwrap_or(lines.len())) {
            if line.starts_with(|c: char| c.is_alphanumeric()) {
                end = i;
                break;
            }
            let trimmed = line.trim_start();
            let this_indent = line.len() - trimmed.len();
            if (trimmed.starts_with("- ") || trimmed == "-")
                && indent.is_none_or(|d| d == this_indent)
            {
                indent = Some(this_indent);
                if let Some(last) = items.last_mut() {
                    last.1 = i;
                }
                items.push((i, i));
            }
        }
        if let Some(last) = items.last_mut() {
            last.1 = end;
        }
        ListItems {
            lines,
            list: start,
            items,
        }
    }

    /// 1-based line of `key` in item `index` (0-based), falling back to
    /// the item's first line, then to the list's own line.
    pub fn line(&self, index: usize, key: &str) -> Option<usize> {
        let Some(&(from, to)) = self.items.get(index) else {
            return self.list;
        };
        let found = (from..to).find(|&i| {
            let trimmed = self.lines[i].trim_start();
            let text = trimmed.strip_prefix("- ").unwrap_or(trimmed).trim_start();
            text.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        });
        Some(found.unwrap_or(from) + 1)
    }
}

/// A control character was removed: feeds and sitemaps are XML, which
/// cannot hold it, and one bad briefing must not break every subscriber's
/// feed.
pub fn control_warning(c: char, total: usize) -> Diagnostic {
    let more = if total > 1 {
        format!(" ({total} in all)")
    } else {
        String::new()
    };
    Diagnostic::warning(format!(
        "removed the control character U+{:04X}{more}",
        c as u32
    ))
    .with_help("feeds and sitemaps cannot hold control characters; delete it from the file")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_line_finds_a_key_in_the_nth_list_item() {
        let yaml = "name: X\npositions:\n  - office: A\n    from: 2020\n  - office: B\n    to: 2019\nborn: 1960\n";
        assert_eq!(item_line(yaml, "positions", 0, "from"), Some(4));
        assert_eq!(item_line(yaml, "positions", 1, "office"), Some(5));
        assert_eq!(item_line(yaml, "positions", 1, "to"), Some(6));
        // A key the item lacks: the item's first line.
        assert_eq!(item_line(yaml, "positions", 1, "from"), Some(5));
        assert_eq!(item_line(yaml, "born", 0, "x"), Some(7));
    }

    #[test]
    fn one_pass_finds_every_item_of_a_long_list_with_nested_maps() {
        let mut yaml = String::from("name: X\nfigures:\n");
        for i in 0..1000 {
            yaml.push_str(&format!(
                "  - metric: m{i}\n    source:\n      name: S\n      url: https://s.example/\n    as_of: 2023-09\n"
            ));
        }
        yaml.push_str("dates: []\n");
        let items = ListItems::new(&yaml, "figures");
        for i in 0..1000 {
            assert_eq!(items.line(i, "metric"), Some(3 + 5 * i));
            assert_eq!(items.line(i, "as_of"), Some(7 + 5 * i));
        }
        // Past the last item: the list's own line.
        assert_eq!(items.line(1000, "metric"), Some(2));
        assert_eq!(ListItems::new(&yaml, "missing").line(0, "x"), None);
    }
    use crate::content::frontmatter::ArticleFrontMatter;

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
}
