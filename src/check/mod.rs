//! Check: the full validation without writing anything, plus editorial
//! checks a build does not make: entities mentioned but not tagged, leaders
//! whose country is unknown, stale active crises and broken in-page anchors.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::Result;
use chrono::Duration;
use serde::Serialize;

use crate::config::{BuildOptions, Config};
use crate::diagnostics::{self, BuildFailed, Diagnostic, Severity};

mod languages;
use crate::graph::{Details, EntityId, EntityKind, Site};

/// An active crisis with no briefing for this long is probably stale.
pub const STALE_AFTER_DAYS: i64 = 180;

/// Every finding for the site at `site_dir`, sorted by file and line.
/// Configuration errors that stop loading altogether come back as findings
/// too, so the caller always gets a list.
pub fn check(site_dir: &std::path::Path, options: &BuildOptions) -> Result<Vec<Diagnostic>> {
    let lenient = BuildOptions {
        strict: false,
        ..options.clone()
    };
    let config = match Config::load(site_dir, &lenient) {
        Ok(c) => c,
        Err(e) => return e.downcast::<BuildFailed>().map(|f| f.diagnostics),
    };
    // Every language is a site of its own: each is loaded and checked, and
    // a finding that several share is listed once.
    let mut diags = Vec::new();
    let mut default_names = None;
    for lang in &config.languages {
        let (site, found) = crate::load_with_diagnostics(&config.for_language(lang))?;
        diags.extend(found);
        match &default_names {
            // The default language judges the profiles; another language,
            // only its own files (a French load has fewer briefings, so
            // "no briefing lately" would be true of French, not the site).
            None => {
                diags.extend(editorial(&site));
                default_names = Some(languages::names(&site));
            }
            Some(names) => {
                diags.extend(editorial(&site).into_iter().filter(|d| {
                    d.file.as_deref().and_then(languages::file_language) == Some(lang.as_str())
                }));
                diags.extend(languages::untranslated(&site));
                diags.extend(languages::clashes(&site, names));
            }
        }
    }
    if options.strict {
        diagnostics::promote_warnings(&mut diags);
    }
    diagnostics::sort(&mut diags);
    diags.dedup();
    Ok(diags)
}

/// The checks that look at the resolved graph as a whole.
/// What is stale is measured from the site's reference date.
pub fn editorial(site: &Site) -> Vec<Diagnostic> {
    let mut out = article_checks(site);
    out.extend(base_url_check(site));
    out.extend(profile_checks(site, site.config.today));
    out.extend(map_checks(site));
    out.extend(placeholder_checks(site));
    out.extend(site.books.values().flat_map(|b| book_checks(site, b)));
    out
}

/// An agenda crisis counts as assessed when a month assessed ends within
/// this many months before the book's date.
pub const BOOK_ASSESSMENT_MONTHS: u32 = 3;

/// What a book states as of its date that a reader should know is thin:
/// an agenda crisis with no recent assessment, a counterpart with no
/// office that day, and names in its text it does not list.
fn book_checks(site: &Site, b: &crate::graph::Book) -> Vec<Diagnostic> {
    let day = b.day();
    let at = |id: &crate::graph::EntityId, msg: String, help: &str| {
        let d = Diagnostic::warning(msg)
            .in_file(&b.source)
            .with_help(help.to_string());
        match b.line_of(id) {
            Some(line) => d.at_line(line),
            None => d,
        }
    };
    let mut out = Vec::new();
    let since = day
        .checked_sub_months(chrono::Months::new(BOOK_ASSESSMENT_MONTHS))
        .unwrap_or(day);
    for id in &b.crises {
        let e = &site.entities[id];
        let Details::Crisis(c) = &e.details else {
            continue;
        };
        let help = "add the month's assessment to the crisis's profile, or say in the book why there is none";
        match c.latest_assessment(day) {
            None => out.push(at(
                id,
                format!("the agenda's {} has no assessment by {}", e.name, day.format("%-d %B %Y")),
                help,
            )),
            Some(a) if a.month.end() < since => out.push(at(
                id,
                format!(
                    "the agenda's latest assessment of {} is from {}, more than {BOOK_ASSESSMENT_MONTHS} months before the book's date",
                    e.name,
                    a.month.human()
                ),
                help,
            )),
            Some(_) => {}
        }
    }
    for id in &b.counterparts {
        let e = &site.entities[id];
        let held = match &e.details {
            Details::Leader(l) => !l.offices().held_on(day).is_empty(),
            _ => true,
        };
        if !held {
            out.push(at(
                id,
                format!(
                    "counterpart {} holds no office on {} by their profile",
                    e.name,
                    day.format("%-d %B %Y")
                ),
                "add the office to `positions:` in their profile, with the dates it was held",
            ));
        }
    }
    let named: HashSet<&EntityId> = b.entities().collect();
    out.extend(untagged(
        site,
        &b.source,
        &b.mentions,
        &named,
        |kind| match kind {
            EntityKind::Leader => "counterparts",
            kind => kind.article_key(),
        },
    ));
    out
}

/// Stubs from `briefing new` published as they were written, and countries
/// with no region (the countries index lists them under "Other").
fn placeholder_checks(site: &Site) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    // The summary is the first paragraph as plain text, so compare its
    // first sentence, which has no markup.
    let first_line = crate::scaffold::ARTICLE_PLACEHOLDER
        .split_inclusive(". ")
        .next()
        .unwrap_or_default()
        .trim_end();
    for a in site.articles.values() {
        if a.summary.starts_with(first_line) {
            out.push(
                placeholder(&site.config.site_dir, &a.source, first_line)
                    .with_help("write the briefing in place of this line (and `summary:` if you want one of your own)"),
            );
        }
    }
    for e in site.entities.values() {
        let Some(source) = &e.source else { continue };
        if e.summary
            .starts_with(crate::scaffold::PROFILE_PLACEHOLDER_START)
            && e.summary
                .ends_with(crate::scaffold::PROFILE_PLACEHOLDER_END)
        {
            out.push(
                placeholder(
                    &site.config.site_dir,
                    source,
                    crate::scaffold::PROFILE_PLACEHOLDER_START,
                )
                .with_help(
                    "write a sentence or two about who or what this is, in place of this line",
                ),
            );
        }
        if let Details::Country(c) = &e.details {
            if c.region.is_none() {
                out.push(
                    Diagnostic::warning(format!("country {} has no `region`", e.name))
                        .in_file(source)
                        .with_help("add `region: East Africa` (or the like): the countries index groups countries by region, and lists those without one under \"Other\""),
                );
            }
        }
    }
    out
}

/// A warning that `source` still holds the placeholder text `line`, at
/// the line where it is.
fn placeholder(site_dir: &std::path::Path, source: &std::path::Path, line: &str) -> Diagnostic {
    let text = std::fs::read_to_string(site_dir.join(source)).unwrap_or_default();
    let at = text
        .lines()
        .position(|l| l.starts_with(line))
        .map(|i| i + 1);
    let d =
        Diagnostic::warning("still holds the placeholder text from `briefing new`").in_file(source);
    match at {
        Some(n) => d.at_line(n),
        None => d,
    }
}

/// Countries the world map cannot place: it would silently leave them out.
fn map_checks(site: &Site) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for e in site.entities.values() {
        let Details::Country(c) = &e.details else {
            continue;
        };
        if c.place.is_some() {
            continue;
        }
        let problem = match &c.iso {
            Some(code) => format!("country {}: `iso: {code}` is not a code the world map knows", e.name),
            None => format!("country {} cannot be placed on the world map: its name matches no ISO 3166 country", e.name),
        };
        let diag = Diagnostic::warning(problem);
        out.push(match &e.source {
            Some(source) => diag.in_file(source).with_help(
                "set `iso:` to the country's ISO 3166-1 alpha-2 code, e.g. `iso: KE` for Kenya",
            ),
            None => {
                let first = e.articles.last().map(|a| &site.articles[a].source);
                let diag = diag.with_help(format!(
                    "add content/countries/{}.md with `iso:` set to its ISO 3166-1 alpha-2 code",
                    e.id.slug
                ));
                match first {
                    Some(source) => diag.in_file(source),
                    None => diag,
                }
            }
        });
    }
    out
}

/// The entities a body mentions that its front matter does not list, each
/// with the key (`key_of` its kind) to list it under.
fn untagged(
    site: &Site,
    source: &std::path::Path,
    mentions: &[(EntityId, usize)],
    listed: &HashSet<&EntityId>,
    key_of: impl Fn(EntityKind) -> &'static str,
) -> Vec<Diagnostic> {
    mentions
        .iter()
        .filter(|(id, _)| !listed.contains(id))
        .map(|(id, line)| {
            let e = &site.entities[id];
            Diagnostic::warning(format!(
                "mentions {} ({}) but does not tag it",
                e.name,
                id.kind.noun()
            ))
            .in_file(source)
            .at_line(*line)
            .with_help(format!(
                "add `{}` to `{}` in the front matter",
                e.name,
                key_of(id.kind)
            ))
        })
        .collect()
}

/// Untagged mentions and links to headings that do not exist.
fn article_checks(site: &Site) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let by_source: HashMap<&PathBuf, &crate::graph::Article> =
        site.articles.values().map(|a| (&a.source, a)).collect();
    for a in site.articles.values() {
        if let Some(d) = future_date(site, a) {
            out.push(d);
        }
        let tagged: HashSet<&EntityId> = a.entities.iter().collect();
        out.extend(untagged(
            site,
            &a.source,
            &a.mentions,
            &tagged,
            EntityKind::article_key,
        ));
        for anchor in &a.anchors {
            let target = match &anchor.target {
                None => Some(a),
                Some(path) => by_source.get(path).copied(),
            };
            // A missing target file is already reported as a broken link.
            let Some(target) = target else { continue };
            if !target.headings.iter().any(|h| h.id == anchor.fragment) {
                let place = if anchor.target.is_none() {
                    "this briefing".to_string()
                } else {
                    target.source.display().to_string()
                };
                out.push(
                    Diagnostic::warning(format!(
                        "link to `#{}`: {place} has no heading with that id",
                        anchor.fragment
                    ))
                    .in_file(&a.source)
                    .at_line(anchor.line)
                    .with_help(format!(
                        "headings there: {}",
                        list_or_none(
                            &target
                                .headings
                                .iter()
                                .map(|h| h.id.clone())
                                .collect::<Vec<_>>()
                        )
                    )),
                );
            }
        }
    }

    out
}

/// A site published without its address writes relative URLs where only
/// absolute ones work: the sitemap's `<loc>`, robots.txt's `Sitemap:`,
/// calendars' `URL`, feeds' ids and canonical links.
fn base_url_check(site: &Site) -> Option<Diagnostic> {
    site.config.origin.is_empty().then(|| {
        Diagnostic::warning(format!(
            "`base_url: {}` is not an absolute http(s) URL: the sitemap, robots.txt, feeds and calendars get relative addresses that readers and search engines cannot follow",
            site.config.site.base_url.trim()
        ))
        .in_file(crate::config::SITE_FILE)
        .with_help("set `base_url:` in site.yaml to the site's address, e.g. `base_url: https://example.org/briefings/`, or pass `--base-url` to check and build")
    })
}

/// A briefing dated after the reference date tops the home page of an
/// archive pinned in time, and the feeds.
fn future_date(site: &Site, a: &crate::graph::Article) -> Option<Diagnostic> {
    let today = site.config.today;
    let day = a.date.instant.date_naive();
    (day > today).then(|| {
        // The file's own `date:` line (the front matter is its first
        // block, so the first such line is the key); else the line after
        // the opening `---`.
        let line = std::fs::read_to_string(site.config.site_dir.join(&a.source))
            .ok()
            .and_then(|text| crate::yaml::key_line(&text, "date"))
            .unwrap_or(2);
        Diagnostic::warning(format!(
            "dated {}, after the reference date ({}): it comes first on the home page and in the feeds",
            a.date.human(),
            today.format("%-d %B %Y")
        ))
        .in_file(&a.source)
        .at_line(line)
        .with_help("check the year in `date`, or move the reference date (`today:` in site.yaml, or --today)")
    })
}

/// Countries named in at least half of a crisis's briefings (and in three
/// or more) that its profile does not list: co-mention suggests the
/// relation, and only the editor can state it.
fn suggest_countries(
    site: &Site,
    e: &crate::graph::Entity,
    c: &crate::graph::Crisis,
) -> Vec<Diagnostic> {
    let Some(source) = &e.source else {
        return Vec::new();
    };
    let total = e.articles.len();
    e.mentioned_with
        .iter()
        .filter(|m| m.id.kind == crate::graph::EntityKind::Country)
        .filter(|m| m.shared >= 3 && m.shared * 2 >= total && !c.countries.contains(&m.id))
        .map(|m| {
            let name = &site.entities[&m.id].name;
            Diagnostic::warning(format!(
                "{name} appears in {} of {total} briefings about {}; add it to `countries`?",
                m.shared, e.name
            ))
            .in_file(source)
            .with_help(format!("list it as `countries: [{name}]` if it is a party to the crisis; the page shows only what the profile states"))
        })
        .collect()
}

/// Leaders without a known country, and active crises gone quiet.
fn profile_checks(site: &Site, today: chrono::NaiveDate) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for e in site.entities.values() {
        let Some(source) = &e.source else { continue };
        match &e.details {
            Details::Leader(l) => match &l.country {
                None => out.push(
                    Diagnostic::warning(format!("leader {} has no `country`", e.name))
                        .in_file(source)
                        .with_help("add `country: <name>` so the leader appears on a country page"),
                ),
                Some(c) if site.entities[c].source.is_none() => out.push(
                    Diagnostic::warning(format!(
                        "leader {}'s country `{}` has no profile",
                        e.name, site.entities[c].name
                    ))
                    .in_file(source)
                    .with_help(format!(
                        "check the spelling, or add content/countries/{}.md",
                        c.slug
                    )),
                ),
                Some(_) => {}
            },
            Details::Crisis(c) if !c.is_active() => out.extend(suggest_countries(site, e, c)),
            Details::Crisis(c) => {
                out.extend(suggest_countries(site, e, c));
                let newest = e.articles.first().map(|s| site.articles[s].date.instant);
                let stale = match newest {
                    None => true,
                    Some(d) => {
                        today.signed_duration_since(d.date_naive())
                            > Duration::days(STALE_AFTER_DAYS)
                    }
                };
                if stale {
                    let when = newest
                        .map(|d| format!("the latest is from {}", d.format("%-d %B %Y")))
                        .unwrap_or_else(|| "it has none".into());
                    out.push(
                        Diagnostic::warning(format!(
                            "crisis {} is marked active but has no briefing in the last {STALE_AFTER_DAYS} days ({when})",
                            e.name
                        ))
                        .in_file(source)
                        .with_help("write an update, or change `status` (e.g. to `resolved` or `dormant`)"),
                    );
                }
            }
            _ => {}
        }
    }
    out
}

fn list_or_none(ids: &[String]) -> String {
    if ids.is_empty() {
        "none".into()
    } else {
        ids.iter()
            .map(|i| format!("#{i}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Human-readable report, grouped by file.
/// The findings grouped by file, one line each; `color` paints the labels.
pub fn format_text(diags: &[Diagnostic], color: bool) -> String {
    let mut out = String::new();
    let mut current: Option<Option<&Path>> = None;
    for d in diags {
        if current != Some(d.file.as_deref()) {
            if current.is_some() {
                out.push('\n');
            }
            let name = d
                .file
                .as_ref()
                .map(|f| f.display().to_string().replace('\\', "/"))
                .unwrap_or_else(|| "(site)".into());
            out.push_str(&name);
            out.push('\n');
            current = Some(d.file.as_deref());
        }
        let pos = match (d.line, d.column) {
            (Some(l), Some(c)) => format!("{l}:{c}"),
            (Some(l), None) => l.to_string(),
            _ => "-".into(),
        };
        // Padded before painting, so colour codes do not upset the columns.
        let label = format!("{:<7}", d.severity.label());
        let label = crate::diagnostics::paint(d.severity.style(), &label, color);
        out.push_str(&format!("  {pos:<7} {label} {}\n", d.message));
        if let Some(help) = &d.help {
            let help_label = crate::diagnostics::paint(crate::diagnostics::HELP, "help:", color);
            out.push_str(&format!("  {:<7} {:<7} {help_label} {help}\n", "", ""));
        }
    }
    out
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    severity: &'static str,
    file: Option<String>,
    line: Option<usize>,
    column: Option<usize>,
    message: &'a str,
    help: Option<&'a str>,
}

/// Machine-readable report for editors and CI.
pub fn format_json(diags: &[Diagnostic]) -> String {
    let findings: Vec<JsonFinding> = diags
        .iter()
        .map(|d| JsonFinding {
            severity: d.severity.label(),
            file: d
                .file
                .as_ref()
                .map(|f| f.display().to_string().replace('\\', "/")),
            line: d.line,
            column: d.column,
            message: &d.message,
            help: d.help.as_deref(),
        })
        .collect();
    serde_json::to_string_pretty(&serde_json::json!({
        "errors": diags.iter().filter(|d| d.is_error()).count(),
        "warnings": diags.iter().filter(|d| d.severity == Severity::Warning).count(),
        "notes": diags.iter().filter(|d| d.severity == Severity::Note).count(),
        "findings": findings,
    }))
    .expect("findings serialise")
}
