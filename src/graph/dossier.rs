//! Dossier fields of profiles: a leader's offices over time, a crisis's
//! monthly assessments and sourced figures, and any profile's key dates,
//! read from front matter and checked.

use chrono::{Datelike, NaiveDate};

use super::{profiles, Details, Entity, EntityId, PartialDate, Source};
use crate::content::frontmatter::{
    AssessmentFrontMatter, CrisisFrontMatter, FigureFrontMatter, KeyDateFrontMatter,
    LeaderFrontMatter, SourceRef,
};
use crate::content::Document;
use crate::diagnostics::{nearest, Diagnostic};
use serde::Serialize;
use std::collections::BTreeMap;

/// An office a leader held, from `positions:` (or `office:` and `term:`).
#[derive(Debug, Clone, Hash, PartialEq, Eq)]
pub struct Position {
    pub office: String,
    pub from: Option<PartialDate>,
    pub to: Option<PartialDate>,
    pub acting: bool,
    /// Another body's office (a regional bloc's chair), not the leader's
    /// own country's.
    pub body: Option<String>,
    /// Heads the leader's page while several offices are held at once.
    pub primary: bool,
}

/// Offices held at once, the one that heads a leader's page first: one
/// marked `primary`, then the leader's own country's before another
/// body's, then the longest held. The one rule, for pages and briefings.
pub fn heading_first<'a>(held: impl Iterator<Item = &'a Position>) -> Vec<&'a Position> {
    let mut held: Vec<&Position> = held.collect();
    held.sort_by_key(|p| (!p.primary, !p.is_own(), p.from));
    held
}

/// Where an office stands on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tense {
    /// Begins after the day: "from 1 September 2024".
    Upcoming,
    Current,
    /// Ended before the day.
    Past,
}

impl Position {
    pub fn tense(&self, day: NaiveDate) -> Tense {
        if self.from.is_some_and(|f| f.start() > day) {
            Tense::Upcoming
        } else if self.held_on(day) {
            Tense::Current
        } else {
            Tense::Past
        }
    }

    /// Whether the office belongs to the leader's own country.
    pub fn is_own(&self) -> bool {
        self.body.is_none()
    }

    /// Whether the office was held on `day`: from the first day `from`
    /// covers, until `to` ends (see [`PartialDate::end`]).
    pub fn held_on(&self, day: NaiveDate) -> bool {
        self.from.is_none_or(|f| f.start() <= day) && self.to.is_none_or(|t| day < t.end())
    }

    /// The title with the body it belongs to, when that is not the
    /// leader's own country: "Chairperson, African Union".
    pub fn full_title(&self) -> String {
        match &self.body {
            Some(body) => format!("{}, {body}", self.title()),
            None => self.title(),
        }
    }

    /// The years it was held, when it has ended: "2013–2022", or "2022"
    /// for a term within one year.
    pub fn years(&self) -> Option<String> {
        let to = self.to?.year;
        Some(match self.from.map(|f| f.year) {
            Some(from) if from != to => format!("{from}–{to}"),
            _ => to.to_string(),
        })
    }

    /// The office's title, "Acting" first when it was held in an acting
    /// capacity and the title does not say so.
    pub fn title(&self) -> String {
        if self.acting && !self.office.to_lowercase().contains("acting") {
            format!("Acting {}", self.office)
        } else {
            self.office.clone()
        }
    }
}

/// How a crisis went in one month, CrisisWatch-style.
#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Trend {
    Deteriorated,
    Improved,
    Unchanged,
}

impl Trend {
    /// As the front matter writes it: "deteriorated".
    pub const fn word(self) -> &'static str {
        match self {
            Trend::Deteriorated => "deteriorated",
            Trend::Improved => "improved",
            Trend::Unchanged => "unchanged",
        }
    }

    /// As a heading shows it: "Deteriorated".
    pub fn label(self) -> &'static str {
        match self {
            Trend::Deteriorated => "Deteriorated",
            Trend::Improved => "Improved",
            Trend::Unchanged => "Unchanged",
        }
    }

    /// CrisisWatch's arrow, for the eye; the word says it for everyone.
    pub fn arrow(self) -> &'static str {
        match self {
            Trend::Deteriorated => "↓",
            Trend::Improved => "↑",
            Trend::Unchanged => "→",
        }
    }
}

/// A flag on a month: a risk of escalation, or a chance to make peace.
#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Alert {
    Risk,
    Opportunity,
}

#[derive(Debug, Clone, Hash)]
pub struct Assessment {
    /// The month assessed: a year and a month.
    pub month: PartialDate,
    pub trend: Trend,
    pub alert: Option<Alert>,
    pub note: Option<String>,
    pub source: Option<Source>,
}

/// A number, exact or a range. Kept as written; hashed by its bits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Amount {
    Exact(f64),
    Range(f64, f64),
}

impl std::hash::Hash for Amount {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        match self {
            Amount::Exact(v) => (0u8, v.to_bits()).hash(h),
            Amount::Range(a, b) => (1u8, a.to_bits(), b.to_bits()).hash(h),
        }
    }
}

#[derive(Debug, Clone, Hash)]
pub struct Figure {
    /// The key that ties values of one measure together: `displaced`.
    pub metric: String,
    pub label: Option<String>,
    pub amount: Amount,
    pub unit: Option<Unit>,
    pub as_of: PartialDate,
    pub source: Option<Source>,
}

/// A metric key as words, where no figure gives a label:
/// `displaced_people` as "Displaced people".
pub fn metric_label(metric: &str) -> String {
    crate::text::capitalise(&metric.replace(['_', '-'], " "))
}

impl Figure {
    /// The number or range with its unit: "45%", "USD 1,200",
    /// "150,000–200,000 people".
    pub fn value_text(&self) -> String {
        let number = match self.amount {
            Amount::Exact(v) => number(v),
            Amount::Range(lo, hi) => format!("{}–{}", number(lo), number(hi)),
        };
        match &self.unit {
            Some(unit) => unit.apply(&number),
            None => number,
        }
    }
}

/// A number with thousands separators, as written: 200000 as "200,000",
/// 2.5 as "2.5".
pub fn number(v: f64) -> String {
    let text = format!("{v}");
    let (int, frac) = text
        .split_once('.')
        .map_or((text.as_str(), None), |(i, f)| (i, Some(f)));
    let (sign, digits) = int.strip_prefix('-').map_or(("", int), |d| ("-", d));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{out}.{f}"),
        None => format!("{sign}{out}"),
    }
}

/// What a figure counts, which decides where it is written beside the
/// number: `%` right after it, a currency code before it, a word after it.
#[derive(Debug, Clone, Hash, PartialEq, Eq)]
pub enum Unit {
    Percent,
    /// An ISO 4217 code as written: `USD`.
    Currency(String),
    /// `people`, `tonnes`, `km²`.
    Word(String),
}

impl Unit {
    pub fn parse(text: &str) -> Option<Unit> {
        let text = text.trim();
        Some(match text {
            "" => return None,
            "%" | "percent" => Unit::Percent,
            t if t.len() == 3 && t.bytes().all(|b| b.is_ascii_uppercase()) => {
                Unit::Currency(t.to_string())
            }
            t => Unit::Word(t.to_string()),
        })
    }

    /// As written in front matter and the export.
    pub fn as_str(&self) -> &str {
        match self {
            Unit::Percent => "%",
            Unit::Currency(c) | Unit::Word(c) => c,
        }
    }

    /// `number` (already formatted, a value or a range) with the unit.
    pub fn apply(&self, number: &str) -> String {
        match self {
            Unit::Percent => format!("{number}%"),
            Unit::Currency(code) => format!("{code} {number}"),
            Unit::Word(word) => format!("{number} {word}"),
        }
    }
}

/// A date on a profile: a vote, an election, a deadline.
#[derive(Debug, Clone, Hash, PartialEq, Eq)]
pub struct KeyDate {
    pub date: NaiveDate,
    pub title: String,
    pub kind: Option<String>,
}

/// A figure older than this, on an active crisis, is flagged as stale.
pub const STALE_FIGURE_MONTHS: i32 = 12;

const TREND_VALUES: [Trend; 3] = [Trend::Deteriorated, Trend::Improved, Trend::Unchanged];
const TRENDS: [&str; 3] = [
    TREND_VALUES[0].word(),
    TREND_VALUES[1].word(),
    TREND_VALUES[2].word(),
];
const ALERTS: [&str; 2] = ["risk", "opportunity"];

fn source(s: &Option<SourceRef>) -> Option<Source> {
    s.as_ref().map(Source::from)
}

/// A list of a profile's front matter, whose items' lines are found (in
/// one pass over the YAML) only when a diagnostic first needs them.
struct List<'a> {
    yaml: &'a str,
    name: &'a str,
    items: std::cell::OnceCell<crate::yaml::ListItems<'a>>,
}

impl<'a> List<'a> {
    fn of<T>(doc: &'a Document<T>, name: &'a str) -> Self {
        List {
            yaml: &doc.yaml,
            name,
            items: std::cell::OnceCell::new(),
        }
    }

    fn at(&self, index: usize) -> At<'_, 'a> {
        At { list: self, index }
    }
}

/// Where a list entry is: its list and its index, so its diagnostics
/// point at its line.
#[derive(Clone, Copy)]
struct At<'l, 'a> {
    list: &'l List<'a>,
    index: usize,
}

impl At<'_, '_> {
    fn diag<T>(self, doc: &Document<T>, diag: Diagnostic, key: &str) -> Diagnostic {
        let items = self
            .list
            .items
            .get_or_init(|| crate::yaml::ListItems::new(self.list.yaml, self.list.name));
        let diag = diag.in_file(&doc.path);
        match items.line(self.index, key) {
            Some(l) => diag.at_line(l + doc.yaml_line - 1),
            None => diag,
        }
    }
}

/// A date field of a list entry, as a [`PartialDate`].
fn entry_date<T>(
    doc: &Document<T>,
    at: At,
    key: &str,
    value: &str,
    diags: &mut Vec<Diagnostic>,
) -> Option<PartialDate> {
    match PartialDate::parse(value) {
        Ok(d) => Some(d),
        Err(msg) => {
            diags.push(at.diag(doc, Diagnostic::error(format!("`{key}`: {msg}")), key));
            None
        }
    }
}

/// A leader's offices, newest first: `positions:`, or the one-position
/// shorthand `office:` with `term:`. Both at once is an error.
pub(super) fn positions(
    doc: &Document<LeaderFrontMatter>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Position> {
    let f = &doc.front;
    let shorthand = f.office.as_deref().is_some_and(|o| !o.trim().is_empty()) || f.term.is_some();
    if shorthand && !f.positions.is_empty() {
        let diag = Diagnostic::error("this profile has both `positions` and `office`/`term`")
            .with_help("list every office under `positions` and remove `office` and `term`");
        diags.push(doc.diag_at_key(diag, "positions", None));
        return Vec::new();
    }
    let mut out = Vec::new();
    if shorthand {
        if let Some(office) = profiles::non_empty(&f.office) {
            let term = f.term.as_ref();
            out.push(Position {
                office,
                from: term.and_then(|t| profiles::parse_partial(doc, "from", &t.from, diags)),
                to: term.and_then(|t| profiles::parse_partial(doc, "to", &t.to, diags)),
                acting: false,
                body: None,
                primary: false,
            });
        }
    }
    let list_positions = List::of(doc, "positions");
    for (index, p) in f.positions.iter().enumerate() {
        let at = list_positions.at(index);
        let date = |key, v: &Option<String>, diags: &mut Vec<Diagnostic>| {
            let v = v
                .as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty() && *v != "present")?;
            entry_date(doc, at, key, v, diags)
        };
        if p.office.trim().is_empty() {
            let diag = Diagnostic::error("a position with an empty `office`").with_help(
                "name the office, e.g. `office: President of Kenya`, or remove the entry",
            );
            diags.push(at.diag(doc, diag, "office"));
            continue;
        }
        let position = Position {
            office: p.office.trim().to_string(),
            from: date("from", &p.from, diags),
            to: date("to", &p.to, diags),
            acting: p.acting,
            body: profiles::non_empty(&p.body),
            primary: p.primary,
        };
        if let (Some(from), Some(to)) = (position.from, position.to) {
            if to.end() <= from.start() {
                let diag = Diagnostic::error(format!(
                    "the position `{}` ends ({to}) before it starts ({from})",
                    position.office
                ))
                .with_help("swap `from` and `to`, or fix the year");
                diags.push(at.diag(doc, diag, "to"));
                continue;
            }
        }
        out.push(position);
    }
    out.sort_by_key(|p| std::cmp::Reverse(p.from));
    out
}

/// A crisis's assessments, oldest first. An unknown trend or alert, or
/// two for one month, is an error; a month after `today` is a warning.
pub(super) fn assessments(
    doc: &Document<CrisisFrontMatter>,
    today: NaiveDate,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Assessment> {
    let mut out: Vec<Assessment> = Vec::new();
    let mut months = Vec::new();
    let list_assessments = List::of(doc, "assessments");
    for (index, a) in doc.front.assessments.iter().enumerate() {
        let at = list_assessments.at(index);
        let Some(month) = assessment_month(doc, at, a, diags) else {
            continue;
        };
        let written = a.trend.trim().to_lowercase();
        let trend = match TREND_VALUES.into_iter().find(|t| t.word() == written) {
            Some(t) => Some(t),
            None => unknown_value(doc, at, "trend", &written, &TRENDS, diags),
        };
        let alert = match a.alert.as_deref().map(|s| s.trim().to_lowercase()) {
            None => Some(None),
            Some(s) if s == "risk" => Some(Some(Alert::Risk)),
            Some(s) if s == "opportunity" => Some(Some(Alert::Opportunity)),
            Some(other) => unknown_value(doc, at, "alert", &other, &ALERTS, diags).map(Some),
        };
        if months.contains(&month) {
            let diag = Diagnostic::error(format!("two assessments for {month}"))
                .with_help("keep one assessment per month: merge their notes");
            diags.push(at.diag(doc, diag, "month"));
            continue;
        }
        months.push(month);
        if month.start() > today {
            let diag = Diagnostic::warning(format!(
                "the assessment for {month} is after the reference date ({})",
                today.format("%-d %B %Y")
            ))
            .with_help("check the year; assess a month once it has happened");
            diags.push(at.diag(doc, diag, "month"));
        }
        if let (Some(trend), Some(alert)) = (trend, alert) {
            out.push(Assessment {
                month,
                trend,
                alert,
                note: profiles::non_empty(&a.note),
                source: source(&a.source),
            });
        }
    }
    out.sort_by_key(|a| a.month);
    out
}

fn assessment_month(
    doc: &Document<CrisisFrontMatter>,
    at: At,
    a: &AssessmentFrontMatter,
    diags: &mut Vec<Diagnostic>,
) -> Option<PartialDate> {
    let month = entry_date(doc, at, "month", &a.month, diags)?;
    if month.month.is_none() || month.day.is_some() {
        let diag = Diagnostic::error(format!("`month: {}` is not a month", a.month.trim()))
            .with_help("write the month as `YYYY-MM`, e.g. `month: 2023-09`");
        diags.push(at.diag(doc, diag, "month"));
        return None;
    }
    Some(month)
}

/// An error for a value outside `allowed`, with the nearest as a hint.
fn unknown_value<T, V>(
    doc: &Document<T>,
    at: At,
    key: &str,
    value: &str,
    allowed: &[&str],
    diags: &mut Vec<Diagnostic>,
) -> Option<V> {
    let help = match nearest(value, allowed.iter().copied()) {
        Some(near) => format!(
            "did you mean `{near}`? {key} is one of {}",
            allowed.join(", ")
        ),
        None => format!("{key} is one of {}", allowed.join(", ")),
    };
    let diag = Diagnostic::error(format!("unknown {key} `{value}`")).with_help(help);
    diags.push(at.diag(doc, diag, key));
    None
}

/// A crisis's figures, in the order written. A figure with no source is a
/// warning, and so is an old one while the crisis is active, unless a
/// newer value of the same metric exists.
pub(super) fn figures(
    doc: &Document<CrisisFrontMatter>,
    active: bool,
    today: NaiveDate,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Figure> {
    let mut out = Vec::new();
    let mut stale = Vec::new();
    let list_figures = List::of(doc, "figures");
    for (index, f) in doc.front.figures.iter().enumerate() {
        let at = list_figures.at(index);
        let Some(amount) = amount(doc, at, f, diags) else {
            continue;
        };
        let Some(as_of) = entry_date(doc, at, "as_of", &f.as_of, diags) else {
            continue;
        };
        let metric = f.metric.trim().to_string();
        if f.source.is_none() {
            let diag = Diagnostic::warning(format!("the figure `{metric}` ({as_of}) has no source"))
                .with_help("add `source: {name: …, url: …}`: a figure a reader cannot check is not worth showing");
            diags.push(at.diag(doc, diag, "metric"));
        }
        if active && months_between(as_of.start(), today) > STALE_FIGURE_MONTHS {
            stale.push((at, out.len()));
        }
        out.push(Figure {
            metric,
            label: profiles::non_empty(&f.label),
            amount,
            unit: f.unit.as_deref().and_then(Unit::parse),
            as_of,
            source: f.source.as_ref().map(Source::from),
        });
    }
    for (at, i) in stale {
        let f = &out[i];
        if out
            .iter()
            .any(|g| g.metric == f.metric && g.as_of > f.as_of)
        {
            continue;
        }
        let diag = Diagnostic::warning(format!(
            "stale figure: `{}` is from {}, more than {STALE_FIGURE_MONTHS} months before {}",
            f.metric,
            f.as_of,
            today.format("%-d %B %Y")
        ))
        .with_help("add a newer value with its source, or mark the crisis resolved");
        diags.push(at.diag(doc, diag, "as_of"));
    }
    out
}

fn amount(
    doc: &Document<CrisisFrontMatter>,
    at: At,
    f: &FigureFrontMatter,
    diags: &mut Vec<Diagnostic>,
) -> Option<Amount> {
    let finite = [f.value, f.min, f.max]
        .into_iter()
        .flatten()
        .all(f64::is_finite);
    let problem = match (f.value, f.min, f.max) {
        _ if !finite => "it is not a finite number (`.nan` or `.inf`)",
        (Some(v), None, None) => return Some(Amount::Exact(v)),
        (None, Some(a), Some(b)) if a <= b => return Some(Amount::Range(a, b)),
        (None, Some(_), Some(_)) => "its `min` is larger than its `max`",
        (None, None, None) => "it has no `value`",
        (Some(_), _, _) => "it has both `value` and `min`/`max`",
        _ => "a range needs both `min` and `max`",
    };
    let diag = Diagnostic::error(format!("the figure `{}`: {problem}", f.metric.trim()))
        .with_help("give `value: 200000`, or a range as `min: 150000` and `max: 200000`");
    diags.push(at.diag(doc, diag, "metric"));
    None
}

/// Whole months from `a` to `b`.
fn months_between(a: NaiveDate, b: NaiveDate) -> i32 {
    (b.year() - a.year()) * 12 + b.month() as i32 - a.month() as i32
}

/// A profile's key dates, soonest first. A date with no title is a warning.
pub(super) fn key_dates<T>(
    doc: &Document<T>,
    dates: &[KeyDateFrontMatter],
    diags: &mut Vec<Diagnostic>,
) -> Vec<KeyDate> {
    let mut out = Vec::new();
    let list_dates = List::of(doc, "dates");
    for (index, d) in dates.iter().enumerate() {
        let at = list_dates.at(index);
        let Some(day) = entry_date(doc, at, "date", &d.date, diags) else {
            continue;
        };
        if day.day.is_none() {
            let diag = Diagnostic::error(format!("key date `{}` is not a day", d.date.trim()))
                .with_help("write the day as `YYYY-MM-DD`, so calendars can hold it");
            diags.push(at.diag(doc, diag, "date"));
            continue;
        }
        let title = profiles::non_empty(&d.title).unwrap_or_else(|| {
            let diag = Diagnostic::warning(format!("the key date {day} has no title"))
                .with_help("add `title:` saying what happens that day");
            diags.push(at.diag(doc, diag, "date"));
            profiles::non_empty(&d.kind).unwrap_or_else(|| "Key date".into())
        });
        out.push(KeyDate {
            date: day.start(),
            title,
            kind: profiles::non_empty(&d.kind),
        });
    }
    out.sort_by(|a, b| a.date.cmp(&b.date).then_with(|| a.title.cmp(&b.title)));
    out
}

/// Two leaders of one country in the same office at once is a warning.
/// "Foreign Minister" of two countries is two offices, so offices are
/// compared within a country (and among leaders with none).
pub(super) fn check_offices(entities: &BTreeMap<EntityId, Entity>, diags: &mut Vec<Diagnostic>) {
    type Office<'a> = (Option<&'a EntityId>, String);
    let mut holders: BTreeMap<Office, Vec<(&Entity, &Position)>> = BTreeMap::new();
    for e in entities.values() {
        if let Details::Leader(l) = &e.details {
            for p in &l.positions {
                let office = (l.country.as_ref(), p.office.to_lowercase());
                holders.entry(office).or_default().push((e, p));
            }
        }
    }
    for list in holders.values() {
        for (i, (a, pa)) in list.iter().enumerate() {
            for (b, pb) in &list[i + 1..] {
                if a.id == b.id || !overlap(pa, pb) {
                    continue;
                }
                let Some(source) = &a.source else { continue };
                diags.push(
                    Diagnostic::warning(format!(
                        "{} and {} both hold `{}` over overlapping dates",
                        a.name, b.name, pa.office
                    ))
                    .in_file(source)
                    .with_help(format!(
                        "check the `from`/`to` dates here and in {}",
                        b.source
                            .as_deref()
                            .map(|p| p.display().to_string())
                            .unwrap_or_default()
                    )),
                );
            }
        }
    }
}

fn overlap(a: &Position, b: &Position) -> bool {
    let start = |p: &Position| p.from.map_or(NaiveDate::MIN, |d| d.start());
    let end = |p: &Position| p.to.map_or(NaiveDate::MAX, |d| d.end());
    start(a) < end(b) && start(b) < end(a)
}
