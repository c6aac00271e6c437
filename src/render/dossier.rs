//! Views of the dossier fields: a leader's offices and contacts, a
//! crisis's assessments and figures, key dates, the calendar page and its
//! iCalendar feeds.

use crate::render::i18n::Words;
use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::ical::Ical;
use super::links::{entity_link, source_view, DateView, Link, SourceView};
use super::reader::Reader;
use crate::content::frontmatter::PartialDate;
use crate::graph::{
    Alert, Assessment, CoMention, Contact, Crisis, Entity, EntityId, EntityKind, Figure, KeyDate,
    Leader, Offices, Position, Standing, Tense, Trend,
};

#[derive(Serialize)]
pub struct PositionView {
    /// The title, with another body's name after it.
    pub office: String,
    pub from: Option<DateView>,
    /// Set only when the office has ended by the reference date; a term
    /// that runs past it is `until`.
    pub to: Option<DateView>,
    /// The scheduled end of an office still held.
    pub until: Option<DateView>,
}

impl PositionView {
    fn new(p: &Position, today: NaiveDate) -> Self {
        let ended = p.to.is_some_and(|t| t.end() <= today);
        PositionView {
            office: p.full_title(),
            from: p.from.as_ref().map(Into::into),
            to: p.to.as_ref().filter(|_| ended).map(Into::into),
            until: p.to.as_ref().filter(|_| !ended).map(Into::into),
        }
    }
}

/// A leader's officeholder box as of the reference date: every office held
/// (the one that heads the page first), those still to begin, and those
/// that have ended.
#[derive(Serialize)]
pub struct OfficeBox {
    pub current: Vec<PositionView>,
    /// How long the first current office has been held: "1 year, 4 months".
    pub tenure: Option<String>,
    pub upcoming: Vec<PositionView>,
    pub earlier: Vec<PositionView>,
    /// Every office has ended and none is to come.
    pub former: bool,
}

pub fn office_box(l: &Leader, today: NaiveDate, w: &Words) -> Option<OfficeBox> {
    if l.positions.is_empty() {
        return None;
    }
    let offices = l.offices();
    let current = offices.held_on(today);
    let view = |p: &Position| PositionView::new(p, today);
    Some(OfficeBox {
        tenure: current
            .first()
            .and_then(|p| p.from)
            .map(|f| tenure(f.start(), today, w)),
        current: current.iter().map(|p| view(p)).collect(),
        upcoming: offices.upcoming_on(today).into_iter().map(view).collect(),
        earlier: l
            .positions
            .iter()
            .filter(|p| p.tense(today) == Tense::Past)
            .map(view)
            .collect(),
        former: offices.standing_on(today) == Standing::Former,
    })
}

/// How long from `from` to `today`, in years and months.
pub fn tenure(from: NaiveDate, today: NaiveDate, w: &Words) -> String {
    let mut months = (today.year() - from.year()) * 12 + today.month() as i32 - from.month() as i32;
    if today.day() < from.day() {
        months -= 1;
    }
    let (y, m) = (months.max(0) / 12, months.max(0) % 12);
    let unit = |n: i32, key: &str| w.count(key, n as u64);
    match (y, m) {
        (0, 0) => w.text("less_than_a_month"),
        (0, m) => unit(m, "n_months"),
        (y, 0) => unit(y, "n_years"),
        (y, m) => format!("{}, {}", unit(y, "n_years"), unit(m, "n_months")),
    }
}

/// A leader as a briefing names them: with the office held on its date.
#[derive(Serialize)]
pub struct LeaderLink<'a> {
    pub name: &'a str,
    pub url: String,
    pub office: Option<String>,
}

/// A leader named with every office held on `day`, "President of Kenya
/// and Chairperson, East African Community".
pub fn leader_on<'a>(r: &Reader<'a>, id: &EntityId, day: NaiveDate) -> LeaderLink<'a> {
    let held = Offices(r.positions(id)).held_on(day);
    let office = (!held.is_empty()).then(|| {
        held.iter()
            .map(|p| p.full_title())
            .collect::<Vec<_>>()
            .join(" and ")
    });
    let Link { name, url } = entity_link(r, id);
    LeaderLink { name, url, office }
}

/// A country's leaders as of the reference date, by where they stand.
#[derive(Default)]
pub struct CountryLeaders<'a> {
    /// One entry per office held: the country's own offices first, then
    /// other bodies' offices, named as those bodies'.
    pub in_office: Vec<LeaderLink<'a>>,
    /// Offices still to begin: "President of Kenya, from 1 September 2024".
    pub incoming: Vec<LeaderLink<'a>>,
    pub former: Vec<LeaderLink<'a>>,
    /// Leaders with no dated office.
    pub other: Vec<LeaderLink<'a>>,
}

pub fn country_leaders<'a>(
    r: &Reader<'a>,
    ids: &[EntityId],
    today: NaiveDate,
) -> CountryLeaders<'a> {
    let mut out = CountryLeaders::default();
    let mut bodies = Vec::new();
    for id in ids {
        let positions = r.positions(id);
        let link = |office: Option<String>| {
            let Link { name, url } = entity_link(r, id);
            LeaderLink { name, url, office }
        };
        let offices = Offices(positions);
        let held = offices.held_on(today);
        for p in &held {
            let entry = link(Some(p.full_title()));
            if p.is_own() {
                out.in_office.push(entry);
            } else {
                bodies.push(entry);
            }
        }
        match offices.standing_on(today) {
            Standing::InOffice => {}
            Standing::Incoming => {
                let p = offices.upcoming_on(today)[0];
                let w = r.words();
                let from = p.from.map(|f| w.date(&f)).unwrap_or_default();
                let args = [("office", p.full_title()), ("date", from)];
                out.incoming.push(link(Some(w.with("office_from", &args))));
            }
            Standing::Former => {
                let last = offices.last_ended_by(today).map(|p| match p.years() {
                    Some(years) => format!("{}, {years}", p.full_title()),
                    None => p.full_title(),
                });
                out.former.push(link(last));
            }
            Standing::Unknown => out.other.push(link(None)),
        }
    }
    out.in_office.extend(bodies);
    out
}

#[derive(Serialize)]
pub struct AssessmentView<'a> {
    pub month: DateView,
    pub trend: Trend,
    /// An arrow for the eye; `label` says it in words.
    pub arrow: &'static str,
    pub label: &'static str,
    pub alert: Option<Alert>,
    pub alert_label: Option<&'static str>,
    pub note: Option<&'a str>,
    pub source: Option<SourceView<'a>>,
}

impl<'a> From<&'a Assessment> for AssessmentView<'a> {
    fn from(a: &'a Assessment) -> Self {
        AssessmentView {
            month: (&a.month).into(),
            trend: a.trend,
            arrow: a.trend.arrow(),
            label: a.trend.label(),
            alert: a.alert,
            alert_label: a.alert.map(|al| match al {
                Alert::Risk => "Risk alert",
                Alert::Opportunity => "Resolution opportunity",
            }),
            note: a.note.as_deref(),
            source: a.source.as_ref().map(source_view),
        }
    }
}

/// The months a crisis strip shows: the last twelve assessed.
pub const STRIP_MONTHS: usize = 12;

pub fn strip(c: &Crisis, today: NaiveDate) -> Vec<AssessmentView<'_>> {
    let assessed = c.assessed_by(today);
    let skip = assessed.len().saturating_sub(STRIP_MONTHS);
    assessed[skip..].iter().map(|a| (*a).into()).collect()
}

#[derive(Serialize)]
pub struct FigureView<'a> {
    /// "200,000", or "150,000–200,000" for a range.
    pub value: String,
    pub as_of: DateView,
    pub source: Option<SourceView<'a>>,
}

/// One measure's values: the newest (several when sources disagree on the
/// same date) and the older ones, newest first.
#[derive(Serialize)]
pub struct FigureGroup<'a> {
    pub metric: &'a str,
    pub label: String,
    pub latest: Vec<FigureView<'a>>,
    pub history: Vec<FigureView<'a>>,
}

/// Each metric's figures as of `today`: the newest (several if sources
/// differ) and the earlier ones. A figure dated later is not known yet.
pub fn figure_groups(c: &Crisis, today: NaiveDate) -> Vec<FigureGroup<'_>> {
    let known = c.figures_by(today);
    let mut metrics: Vec<&str> = Vec::new();
    for f in &known {
        if !metrics.contains(&f.metric.as_str()) {
            metrics.push(&f.metric);
        }
    }
    metrics
        .into_iter()
        .map(|metric| {
            let mut values: Vec<&Figure> = known
                .iter()
                .filter(|f| f.metric == metric)
                .copied()
                .collect();
            values.sort_by_key(|f| std::cmp::Reverse(f.as_of));
            let newest = values[0].as_of;
            let label = values.iter().find_map(|f| f.label.clone());
            FigureGroup {
                metric,
                label: label.unwrap_or_else(|| crate::graph::metric_label(metric)),
                latest: values
                    .iter()
                    .filter(|f| f.as_of == newest)
                    .map(|f| figure_view(f))
                    .collect(),
                history: values
                    .iter()
                    .filter(|f| f.as_of != newest)
                    .map(|f| figure_view(f))
                    .collect(),
            }
        })
        .collect()
}

fn figure_view(f: &Figure) -> FigureView<'_> {
    FigureView {
        value: f.value_text(),
        as_of: (&f.as_of).into(),
        source: f.source.as_ref().map(source_view),
    }
}

#[derive(Serialize)]
pub struct KeyDateView<'a> {
    pub date: DateView,
    pub title: &'a str,
    pub kind: Option<&'a str>,
    /// The entity whose date it is (on the calendar page).
    pub entity: Option<Link<'a>>,
}

/// Key dates split at the reference date: upcoming soonest first, past
/// newest first.
#[derive(Serialize, Default)]
pub struct KeyDates<'a> {
    pub upcoming: Vec<KeyDateView<'a>>,
    pub past: Vec<KeyDateView<'a>>,
}

fn key_date_view<'a>(d: &'a KeyDate, entity: Option<Link<'a>>) -> KeyDateView<'a> {
    KeyDateView {
        date: (&PartialDate::from_date(d.date)).into(),
        title: &d.title,
        kind: d.kind.as_deref(),
        entity,
    }
}

pub fn key_dates(e: &Entity, today: NaiveDate) -> KeyDates<'_> {
    KeyDates {
        upcoming: e
            .dates
            .iter()
            .filter(|d| d.date >= today)
            .map(|d| key_date_view(d, None))
            .collect(),
        past: e
            .dates
            .iter()
            .rev()
            .filter(|d| d.date < today)
            .map(|d| key_date_view(d, None))
            .collect(),
    }
}

#[derive(Serialize)]
pub struct MentionView<'a> {
    pub name: &'a str,
    pub url: String,
    pub kind: &'static str,
    pub shared: usize,
    /// For a leader named with a leader: their first and latest shared
    /// briefings' dates (one, if the same).
    pub first: Option<DateView>,
    pub latest: Option<DateView>,
}

/// The entities most often named with one, each with the dates of its
/// contact history where `contacts` (a leader's) has it: one block where
/// "Appears with" and "Often mentioned with" said the same twice.
pub fn mentioned_with<'a>(
    r: &Reader<'a>,
    list: &[CoMention],
    contacts: &[Contact],
) -> Vec<MentionView<'a>> {
    list.iter()
        .map(|m| {
            let Link { name, url } = entity_link(r, &m.id);
            let contact = contacts.iter().find(|c| c.id == m.id);
            let latest = contact.map(|c| DateView::from(&c.latest));
            let first = contact
                .filter(|c| c.first != c.latest)
                .map(|c| DateView::from(&c.first));
            MentionView {
                name,
                url,
                kind: m.id.kind.noun(),
                shared: m.shared,
                first,
                latest,
            }
        })
        .collect()
}

/// One month of the calendar's recent past.
#[derive(Serialize)]
pub struct CalendarMonth<'a> {
    pub name: String,
    pub dates: Vec<KeyDateView<'a>>,
}

#[derive(Serialize)]
pub struct CalendarView<'a> {
    pub upcoming: Vec<KeyDateView<'a>>,
    pub recent: Vec<CalendarMonth<'a>>,
    pub today: DateView,
}

/// How far back the calendar page shows past dates.
pub const RECENT_MONTHS: u32 = 12;

/// Every key date of the site with its entity, soonest first.
fn all_dates<'a>(r: &Reader<'a>) -> Vec<(&'a KeyDate, &'a EntityId)> {
    let mut out = Vec::new();
    for kind in EntityKind::ALL {
        for id in r.entity_ids(kind) {
            let e = r.entity(id);
            out.extend(e.dates.iter().map(|d| (d, &e.id)));
        }
    }
    out.sort_by(|a, b| {
        a.0.date
            .cmp(&b.0.date)
            .then_with(|| a.0.title.cmp(&b.0.title))
    });
    out
}

pub fn calendar<'a>(r: &Reader<'a>) -> CalendarView<'a> {
    let today = r.config().today;
    let since = today
        .checked_sub_months(chrono::Months::new(RECENT_MONTHS))
        .unwrap_or(today);
    let dates = all_dates(r);
    let view = |(d, id): &(&'a KeyDate, &'a EntityId)| key_date_view(d, Some(entity_link(r, id)));
    let upcoming = dates
        .iter()
        .filter(|(d, _)| d.date >= today)
        .map(view)
        .collect();
    let mut recent: Vec<CalendarMonth> = Vec::new();
    for item in dates
        .iter()
        .rev()
        .filter(|(d, _)| d.date < today && d.date >= since)
    {
        let month = PartialDate {
            day: None,
            ..PartialDate::from_date(item.0.date)
        };
        let name = r.words().month_heading(&month);
        match recent.last_mut() {
            Some(m) if m.name == name => m.dates.push(view(item)),
            _ => recent.push(CalendarMonth {
                name,
                dates: vec![view(item)],
            }),
        }
    }
    CalendarView {
        upcoming,
        recent,
        today: (&PartialDate::from_date(today)).into(),
    }
}

/// How far ahead the home page's "Coming up" looks.
pub const COMING_UP_DAYS: i64 = 30;

/// Key dates in the next 30 days from the reference date, soonest first.
pub fn coming_up<'a>(r: &Reader<'a>) -> Vec<KeyDateView<'a>> {
    let today = r.config().today;
    let until = today + chrono::Duration::days(COMING_UP_DAYS);
    all_dates(r)
        .into_iter()
        .filter(|(d, _)| d.date >= today && d.date <= until)
        .map(|(d, id)| key_date_view(d, Some(entity_link(r, id))))
        .collect()
}

/// An iCalendar feed of key dates: every date as an all-day event with a
/// stable UID, stamped with the reference date so a build is
/// reproducible. Written by [`super::ical`], which escapes and folds.
pub fn ics(r: &Reader, only: Option<&EntityId>) -> Vec<u8> {
    let config = r.config();
    let host = config
        .origin
        .split_once("://")
        .map_or("briefing.invalid", |(_, host)| host);
    let stamp = config
        .today
        .and_hms_opt(0, 0, 0)
        .expect("midnight")
        .and_utc();
    let mut cal = Ical::default();
    cal.raw("BEGIN", "VCALENDAR")
        .raw("VERSION", "2.0")
        .raw("PRODID", "-//briefing//key dates//EN")
        .raw("CALSCALE", "GREGORIAN");
    let name = match only {
        Some(id) => format!("{}: key dates", r.entity_name(id)),
        None => format!("{}: key dates", config.site.title),
    };
    cal.text("NAME", &name).text("X-WR-CALNAME", &name);
    let dates: Vec<(&KeyDate, &EntityId)> = match only {
        Some(id) => r.entity(id).dates.iter().map(|d| (d, id)).collect(),
        None => all_dates(r),
    };
    let books: Vec<&crate::graph::BookId> = match only {
        Some(id) => r.entity(id).books.iter().collect(),
        None => r.book_slugs().collect(),
    };
    for slug in books {
        book_event(&mut cal, r, slug, host, stamp);
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (d, id) in dates {
        let uid = event_uid(id, d, host, &mut seen);
        cal.raw("BEGIN", "VEVENT")
            .text("UID", &uid)
            .instant("DTSTAMP", stamp)
            .text("SUMMARY", &format!("{}: {}", r.entity_name(id), d.title));
        cal.date("DTSTART", d.date)
            .expect("key dates are in years 1 to 9999");
        // An all-day event without DTEND lasts the day (RFC 5545 §3.6.1),
        // which is what a last day of year 9999 needs.
        if let Some(next) = d.date.succ_opt() {
            cal.date("DTEND", next);
        }
        if !config.origin.is_empty() {
            cal.raw("URL", &config.absolute_url(&id.path()));
        }
        if let Some(kind) = &d.kind {
            cal.text_list("CATEGORIES", [kind.as_str()]);
        }
        cal.raw("END", "VEVENT");
    }
    cal.raw("END", "VCALENDAR");
    cal.finish().into_bytes()
}

/// A briefing book's meeting or trip as an all-day event over its days.
fn book_event(
    cal: &mut Ical,
    r: &Reader,
    slug: &str,
    host: &str,
    stamp: chrono::DateTime<chrono::Utc>,
) {
    let b = r.book(slug);
    let config = r.config();
    cal.raw("BEGIN", "VEVENT")
        .text("UID", &format!("book-{slug}@{host}"))
        .instant("DTSTAMP", stamp)
        .text("SUMMARY", &b.title);
    cal.date("DTSTART", b.day())
        .expect("book dates are in years 1 to 9999");
    if let Some(next) = b.last_day().succ_opt() {
        cal.date("DTEND", next);
    }
    if let Some(place) = &b.place {
        cal.text("LOCATION", place);
    }
    if !b.summary.is_empty() {
        cal.text("DESCRIPTION", &b.summary);
    }
    if !config.origin.is_empty() {
        cal.raw("URL", &config.absolute_url(&b.path()));
    }
    cal.text_list("CATEGORIES", ["briefing book"]);
    cal.raw("END", "VEVENT");
}

/// A UID that stays when other dates are added, removed or reordered:
/// the entity, the day and a digest of the title; a second date with the
/// same title on the same day adds its count.
fn event_uid(id: &EntityId, d: &KeyDate, host: &str, seen: &mut HashMap<String, usize>) -> String {
    let title = xxhash_rust::xxh3::xxh3_64(d.title.as_bytes()) as u32;
    let base = format!(
        "{}-{}-{}-{title:08x}",
        id.kind.noun(),
        id.slug,
        d.date.format("%Y%m%d")
    );
    let n = seen.entry(base.clone()).or_default();
    *n += 1;
    match *n {
        1 => format!("{base}@{host}"),
        n => format!("{base}-{n}@{host}"),
    }
}
