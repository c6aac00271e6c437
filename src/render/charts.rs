//! Charts drawn at build time as inline SVG: no script, no network. Each
//! has `role="img"` and a text alternative that states its data; colours
//! come from the stylesheet, so dark mode and print restyle them.

use crate::render::i18n::Words;
use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate};

use crate::content::frontmatter::{PartialDate, MONTHS};
use crate::graph::{MonthCount, Position};
use crate::text::escape_html;

/// How the coverage chart groups briefings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Period {
    Month,
    Quarter,
    Year,
}

impl Period {
    fn unit(self) -> &'static str {
        match self {
            Period::Month => "month",
            Period::Quarter => "quarter",
            Period::Year => "year",
        }
    }
}

/// The period with the most briefings (the first of equals) and its count.
fn busiest(bars: &[(i32, u32)]) -> (i32, u32) {
    bars.iter().copied().fold(
        (bars[0].0, 0),
        |best, b| if b.1 > best.1 { b } else { best },
    )
}

/// Month index since year 0: 2023-09 is 2023 * 12 + 8.
fn index(year: i32, month: u32) -> i32 {
    year * 12 + month as i32 - 1
}

fn label(period: Period, i: i32, w: &Words) -> String {
    let (year, month) = (i.div_euclid(12), i.rem_euclid(12) as u32);
    match period {
        Period::Month => w.date(&PartialDate {
            year,
            month: Some(month + 1),
            day: None,
        }),
        Period::Quarter => w.with(
            "quarter",
            &[
                ("q", (month / 3 + 1).to_string()),
                ("year", year.to_string()),
            ],
        ),
        Period::Year => year.to_string(),
    }
}

/// Counts per period from the first briefing's month to `end` (the
/// reference date's month), a year at least, empty periods included;
/// briefings after `end` are left out. Long spans are grouped, so bars stay
/// readable: by quarter past four years, by year past sixteen.
fn buckets(monthly: &[MonthCount], end: i32) -> (Period, Vec<(i32, u32)>) {
    let Some(first) = monthly.iter().find(|m| index(m.year, m.month) <= end) else {
        return (Period::Month, Vec::new());
    };
    // At least a year is drawn, so a new entity's one busy month reads as
    // one month of twelve, not as a wall.
    let start = index(first.year, first.month).min(end - 11);
    let period = match end - start + 1 {
        n if n > 192 => Period::Year,
        n if n > 48 => Period::Quarter,
        _ => Period::Month,
    };
    let key = |i: i32| match period {
        Period::Month => i,
        Period::Quarter => i - i.rem_euclid(3),
        Period::Year => i - i.rem_euclid(12),
    };
    let step: usize = match period {
        Period::Month => 1,
        Period::Quarter => 3,
        Period::Year => 12,
    };
    let mut out: Vec<(i32, u32)> = (key(start)..=key(end))
        .step_by(step)
        .map(|k| (k, 0))
        .collect();
    for m in monthly.iter().filter(|m| index(m.year, m.month) <= end) {
        let k = key(index(m.year, m.month));
        let slot = ((k - key(start)) / step as i32) as usize;
        out[slot].1 += m.count;
    }
    (period, out)
}

/// "42 briefings from January 2021 to January 2024; most in September
/// 2023: 9; by month: …" (every period with briefings, newest first).
fn coverage_text(period: Period, bars: &[(i32, u32)], first: i32, end: i32, w: &Words) -> String {
    let total: u32 = bars.iter().map(|b| b.1).sum();
    let (peak, most) = busiest(bars);
    let counts: Vec<String> = bars
        .iter()
        .rev()
        .filter(|b| b.1 > 0)
        .map(|&(k, n)| format!("{}: {n}", label(period, k, w)))
        .collect();
    let args = [
        ("from", label(Period::Month, first, w)),
        ("to", label(Period::Month, end, w)),
        ("peak", label(period, peak, w)),
        ("most", most.to_string()),
        ("unit", w.text(&format!("unit_{}", period.unit()))),
        ("counts", counts.join(w.text("comma").as_str())),
    ];
    w.say("coverage_text", Some(total.into()), &args)
        .unwrap_or_default()
}

/// Fewer months with briefings than this, and the coverage chart is a
/// sentence: one or two bars say nothing a sentence does not say better.
pub const COVERAGE_MIN_MONTHS: usize = 3;

/// How much was written about an entity over time, up to the reference
/// date: a chart with its text alternative, or a sentence alone.
#[derive(Debug, PartialEq, serde::Serialize)]
pub struct Coverage {
    pub chart: Option<String>,
    /// The whole data in words: the chart's text alternative, or the
    /// sentence shown instead of it.
    pub text: String,
    /// For the chart's caption: "month", "quarter" or "year"; the
    /// reference month the window ends with; the busiest period.
    pub unit: &'static str,
    pub to: String,
    pub peak: String,
}

/// Briefings per month (or quarter, or year), from the first briefing's
/// month to the reference date's.
pub fn coverage(monthly: &[MonthCount], today: NaiveDate, w: &Words) -> Option<Coverage> {
    let end = index(today.year(), today.month());
    let months: Vec<&MonthCount> = monthly
        .iter()
        .filter(|m| m.count > 0 && index(m.year, m.month) <= end)
        .collect();
    if months.len() < COVERAGE_MIN_MONTHS {
        return (!months.is_empty()).then(|| Coverage {
            chart: None,
            text: coverage_sentence(&months, end, w),
            unit: "month",
            to: label(Period::Month, end, w),
            peak: String::new(),
        });
    }
    let (period, bars) = buckets(monthly, end);
    let first = index(months[0].year, months[0].month);
    let text = coverage_text(period, &bars, first, end, w);
    let (peak, most) = busiest(&bars);
    // A "busiest" period among equals would single one out for nothing.
    let even = bars.iter().all(|b| b.1 == 0 || b.1 == most);
    let unit = w.text(&format!("unit_{}", period.unit()));
    let peak = match even {
        true => w.with("peak_even", &[("most", most.to_string()), ("unit", unit)]),
        false => w.with(
            "peak_most",
            &[("most", most.to_string()), ("peak", label(period, peak, w))],
        ),
    };
    Some(Coverage {
        chart: Some(coverage_chart(period, &bars, &text, w)),
        text,
        unit: period.unit(),
        to: label(Period::Month, end, w),
        peak,
    })
}

/// "3 briefings: 2 in August 2023 and 1 in September 2023; none since, to
/// January 2024."
fn coverage_sentence(months: &[&MonthCount], end: i32, w: &Words) -> String {
    let total: u64 = months.iter().map(|m| u64::from(m.count)).sum();
    let month = |m: &MonthCount| label(Period::Month, index(m.year, m.month), w);
    let parts: Vec<String> = months
        .iter()
        .map(|m| {
            w.with(
                "count_in",
                &[("count", m.count.to_string()), ("month", month(m))],
            )
        })
        .collect();
    let mut out = match parts.as_slice() {
        [_] => w.say(
            "coverage_one_month",
            Some(total),
            &[("month", month(months[0]))],
        ),
        _ => {
            let and = format!(" {} ", w.text("and"));
            w.say(
                "coverage_months",
                Some(total),
                &[("parts", parts.join(&and))],
            )
        }
    }
    .unwrap_or_default();
    let last = months.last().map(|m| index(m.year, m.month));
    if last.is_some_and(|l| l < end) {
        let to = label(Period::Month, end, w);
        out.push_str(&w.with("none_since", &[("month", to)]));
    }
    out.push('.');
    out
}

/// The bars, each with its count on hover, and the first and last periods
/// under the axis.
fn coverage_chart(period: Period, bars: &[(i32, u32)], text: &str, w: &Words) -> String {
    let (width, height, bottom) = (600.0, 140.0, 30.0);
    let most = bars.iter().map(|b| b.1).max().unwrap_or(1).max(1);
    let max = most as f64;
    let slot = width / bars.len() as f64;
    let bar = (slot * 0.8).max(1.0);
    // Each bar's count over it, where a slot can hold the widest count at
    // a phone's type size; otherwise on hover and in the text alternative.
    let counted = slot >= label_width(&most.to_string()) + 2.0;
    let top = if counted { LABEL_SIZE + 6.0 } else { 8.0 };
    let mut svg = format!(
        r#"<svg class="chart coverage" viewBox="0 0 {width} {height}" role="img" aria-label="{}"><title>{}</title>"#,
        escape_html(text),
        escape_html(text)
    );
    let base = height - bottom;
    let _ = write!(
        svg,
        r#"<line class="axis" x1="0" y1="{base}" x2="{width}" y2="{base}"/>"#
    );
    for (i, (k, n)) in bars.iter().enumerate() {
        if *n == 0 {
            continue;
        }
        let h = (base - top) * *n as f64 / max;
        let x = i as f64 * slot + (slot - bar) / 2.0;
        let _ = write!(
            svg,
            r#"<rect class="bar" x="{x:.1}" y="{:.1}" width="{bar:.1}" height="{h:.1}"><title>{}: {n}</title></rect>"#,
            base - h,
            label(period, *k, w)
        );
        if counted {
            let _ = write!(
                svg,
                r#"<text class="tick count" x="{:.1}" y="{:.1}" text-anchor="middle" aria-hidden="true">{n}</text>"#,
                x + bar / 2.0,
                base - h - 4.0
            );
        }
    }
    let _ = write!(
        svg,
        r#"<text class="tick" x="0" y="{}" text-anchor="start">{}</text><text class="tick" x="{width}" y="{}" text-anchor="end">{}</text></svg>"#,
        height - 6.0,
        label(period, bars[0].0, w),
        height - 6.0,
        label(period, bars[bars.len() - 1].0, w)
    );
    svg
}

/// The months a sparkline covers, ending with the reference date's.
pub const SPARK_MONTHS: i32 = 24;

/// A small line of briefings per month over the last 24 months.
pub fn sparkline(monthly: &[MonthCount], today: NaiveDate) -> Option<String> {
    let end = index(today.year(), today.month());
    let start = end - SPARK_MONTHS + 1;
    let mut counts = vec![0u32; SPARK_MONTHS as usize];
    for m in monthly {
        let i = index(m.year, m.month);
        if (start..=end).contains(&i) {
            counts[(i - start) as usize] = m.count;
        }
    }
    let total: u32 = counts.iter().sum();
    if total == 0 {
        return None;
    }
    let (w, h) = (96.0, 20.0);
    let max = *counts.iter().max().expect("24 months") as f64;
    let points: Vec<String> = counts
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let x = i as f64 * w / (SPARK_MONTHS - 1) as f64;
            let y = h - 2.0 - (h - 4.0) * *n as f64 / max;
            format!("{x:.1},{y:.1}")
        })
        .collect();
    let s = if total == 1 { "" } else { "s" };
    let text = format!(
        "{total} briefing{s} in the 24 months to {} {}",
        MONTHS[today.month0() as usize],
        today.year()
    );
    Some(format!(
        r#"<svg class="chart sparkline" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="{text}"><title>{text}</title><polyline points="{}"/></svg>"#,
        points.join(" ")
    ))
}

/// Each office as a bar on a time axis, from the earliest start to the
/// latest end (the reference date for an office still held).
pub fn offices(positions: &[Position], today: NaiveDate, w: &Words) -> Option<String> {
    // The picture ends at the reference date: an office still to begin is
    // not drawn, and a term that runs past today is drawn to today.
    let dated: Vec<(&Position, NaiveDate, NaiveDate)> = positions
        .iter()
        .filter_map(|p| {
            let from = p.from?.start();
            (from <= today).then_some(())?;
            let to = p.to.map_or(today, |t| t.end()).min(today).max(from);
            Some((p, from, to))
        })
        .collect();
    let start = dated.iter().map(|d| d.1).min()?;
    let end = dated.iter().map(|d| d.2).max()?.max(start.succ_opt()?);
    let width = 600.0;
    let span = (end - start).num_days() as f64;
    let x = |d: NaiveDate| (d - start).num_days() as f64 * width / span;
    let text = escape_html(&w.with(
        "chart_offices",
        &[("list", offices_text(positions, &dated, today, w))],
    ));
    // Each office: its name above its bar, wrapped to the picture's width.
    let per_line = (width / (0.6 * LABEL_SIZE)) as usize;
    let labels: Vec<Vec<String>> = dated
        .iter()
        .map(|(p, _, _)| wrap(&p.title(), per_line, 2))
        .collect();
    // Room over the first label for the tallest of the theme's fonts.
    let mut y = 6.0;
    let mut rows = String::new();
    for ((p, f, t), lines) in dated.iter().zip(&labels) {
        let class = if p.held_on(today) {
            "bar current"
        } else {
            "bar"
        };
        // From the bar's start if the label fits there, else as far left
        // as it must be to end inside the picture.
        let wide = lines.iter().map(|l| label_width(l)).fold(0.0, f64::max);
        let at = x(*f).min(width - wide).max(0.0);
        let bar = y + LINE * lines.len() as f64 + 4.0;
        rows.push_str(&label_text("label", (at, y), 1.0, "start", lines));
        let _ = write!(
            rows,
            r#"<rect class="{class}" x="{:.1}" y="{bar:.1}" width="{:.1}" height="12"/>"#,
            x(*f),
            (x(*t) - x(*f)).max(2.0),
        );
        y = bar + 12.0 + 8.0;
    }
    let height = y + LABEL_SIZE + 6.0;
    Some(format!(
        r#"<svg class="chart offices" viewBox="0 0 {width} {height:.0}" role="img" aria-label="{text}"><title>{text}</title>{rows}<text class="tick" x="0" y="{:.1}" text-anchor="start">{}</text><text class="tick" x="{width}" y="{:.1}" text-anchor="end">{}</text></svg>"#,
        height - 6.0,
        start.year(),
        height - 6.0,
        end.year()
    ))
}

/// What the offices chart states: each office drawn with its dates, then
/// those not begun by `today`.
fn offices_text(
    positions: &[Position],
    dated: &[(&Position, NaiveDate, NaiveDate)],
    today: NaiveDate,
    w: &Words,
) -> String {
    let day = |d: NaiveDate| w.date(&PartialDate::from_date(d));
    let mut text: Vec<String> = dated
        .iter()
        .map(|(p, f, t)| {
            let (office, from) = (("office", p.title()), ("from", day(*f)));
            match p.to {
                Some(to) if to.end() <= today => {
                    w.with("chart_office_from_to", &[office, from, ("to", day(*t))])
                }
                Some(to) => w.with("chart_office_term", &[office, from, ("to", w.date(&to))]),
                None => w.with("chart_office_since", &[office, from]),
            }
        })
        .collect();
    text.extend(positions.iter().filter_map(|p| {
        let from = p.from?.start();
        (from > today).then(|| {
            w.with(
                "chart_office_not_begun",
                &[("office", p.title()), ("from", day(from))],
            )
        })
    }));
    text.join(w.text("semicolon").as_str())
}

/// What the crisis timeline draws: plain data, gathered by the view.
#[derive(Clone, Copy)]
pub struct CrisisTimeline<'a> {
    pub name: &'a str,
    pub start: NaiveDate,
    /// The end, or the reference date while the crisis goes on.
    pub end: NaiveDate,
    pub ongoing: bool,
    /// The reference date: "now" on the axis.
    pub today: NaiveDate,
    pub assessments: &'a [crate::graph::Assessment],
    pub dates: &'a [crate::graph::KeyDate],
    /// Each briefing's day, title and URL.
    pub briefings: &'a [(NaiveDate, &'a str, String)],
}

/// Briefing ticks are links up to this many; past it they are drawn but
/// not linked, so a long crisis does not add hundreds of tab stops.
pub const LINKED_TICKS: usize = 60;

/// How far past the reference date an ongoing crisis's strip reaches to
/// draw the key dates still to come.
pub const AHEAD_DAYS: i64 = 365;

/// The strip's lanes, top to bottom, in picture units.
const TREND_Y: f64 = 8.0;
const TREND_H: f64 = 16.0;
const DATES_Y: f64 = 30.0;
const SPAN_Y: f64 = 54.0;
const TICKS_Y: f64 = 64.0;
const AXIS_Y: f64 = 80.0;

/// A crisis on a dated axis, in lanes that never overlap: each month's
/// assessment as a coloured cell (with its arrow where there is room), key
/// dates as triangles (hollow when still to come, after "now"), the span,
/// and a tick for each briefing.
pub fn crisis_timeline(t: &CrisisTimeline, w: &Words) -> Option<String> {
    let coming: Vec<&crate::graph::KeyDate> = t
        .dates
        .iter()
        .filter(|d| t.ongoing && d.date > t.today && (d.date - t.today).num_days() <= AHEAD_DAYS)
        .collect();
    // The axis runs on to the last date still to come, a little past it,
    // and starts early enough for the first assessment and key date.
    let last = coming
        .iter()
        .map(|d| d.date)
        .max()
        .unwrap_or(t.end)
        .max(t.end);
    let first_assessed = t.assessments.first().map(|a| a.month.start());
    let first_date = t.dates.iter().map(|d| d.date).min();
    let start = [Some(t.start), first_assessed, first_date]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(t.start);
    let t = &CrisisTimeline { start, ..*t };
    let end = last.max(t.start.succ_opt()?);
    let width = 600.0;
    let pad = if last > t.end { 8.0 } else { 0.0 };
    let span = (end - t.start).num_days().max(1) as f64;
    let x = |d: NaiveDate| {
        ((d - t.start).num_days() as f64 * (width - pad) / span).clamp(0.0, width - pad)
    };
    let height = AXIS_Y + LABEL_SIZE + 8.0;
    let text = escape_html(&timeline_text(t, end, coming.len(), w));
    // With linked ticks it is a group of links, not a picture: an image
    // cannot hold interactive content.
    let linked = t.briefings.len() <= LINKED_TICKS;
    let role = if linked { "group" } else { "img" };
    let mut svg = format!(
        r#"<svg class="chart crisis-timeline" viewBox="0 0 {width} {height}" role="{role}" aria-label="{text}"><title>{text}</title>"#
    );
    let now = x(t.end);
    let _ = write!(
        svg,
        r#"<rect class="span" x="0" y="{SPAN_Y}" width="{now:.1}" height="6"/>"#
    );
    if last > t.end {
        let _ = write!(
            svg,
            r#"<rect class="span ahead" x="{now:.1}" y="{SPAN_Y}" width="{:.1}" height="6"/><line class="now" x1="{now:.1}" y1="2" x2="{now:.1}" y2="{}"/>"#,
            width - now,
            TICKS_Y + 14.0
        );
    }
    let _ = write!(
        svg,
        r#"<line class="axis" x1="0" y1="{AXIS_Y}" x2="{width}" y2="{AXIS_Y}"/>"#
    );
    trend_cells(&mut svg, t, &x, w);
    key_date_marks(&mut svg, t.dates, (t.start, end), t.today, &x, w);
    briefing_ticks(&mut svg, t.briefings, linked, &x, w);
    axis_labels(
        &mut svg,
        (t.start, end),
        (t.ongoing || last > t.end).then_some(t.end),
        &x,
        w,
    );
    svg.push_str("</svg>");
    Some(svg)
}

/// The text alternative: span, counts, the latest assessment, dates to come.
fn timeline_text(t: &CrisisTimeline, end: NaiveDate, coming: usize, w: &Words) -> String {
    let assessed: Vec<&crate::graph::Assessment> = t
        .assessments
        .iter()
        .filter(|a| a.month.start() <= t.today)
        .collect();
    let day = |d: NaiveDate| w.date(&PartialDate::from_date(d));
    let month = |d: NaiveDate| {
        w.date(&PartialDate {
            day: None,
            ..PartialDate::from_date(d)
        })
    };
    let latest = assessed
        .last()
        .map(|a| {
            let args = [
                ("trend", trend_word(a.trend, w)),
                ("month", w.date(&a.month)),
            ];
            w.with("chart_latest", &args)
        })
        .unwrap_or_default();
    let to = if t.ongoing {
        w.with("chart_ongoing", &[("date", day(t.end))])
    } else {
        month(t.end)
    };
    let ahead = match coming {
        0 => String::new(),
        n => w
            .say("chart_ahead", Some(n as u64), &[("date", day(end))])
            .unwrap_or_default(),
    };
    let count = |key: &str, n: usize| w.count(key, n as u64);
    let args = [
        ("name", t.name.to_string()),
        ("from", month(t.start)),
        ("to", to),
        ("briefings", count("n_briefings", t.briefings.len())),
        ("assessments", count("n_assessments", assessed.len())),
        ("latest", latest),
        ("dates", count("n_key_dates", t.dates.len())),
        ("ahead", ahead),
    ];
    w.with("chart_timeline", &args)
}

/// A month's trend as a chart's text says it: "deteriorated".
fn trend_word(trend: crate::graph::Trend, w: &Words) -> String {
    w.text(&format!("trend_{}", trend.word())).to_lowercase()
}

/// Each month assessed by the reference date, as a cell the month wide:
/// cells never overlap, however long the crisis. The arrow is written in
/// the cell when the cell is wide enough to hold it.
fn trend_cells(svg: &mut String, t: &CrisisTimeline, x: &dyn Fn(NaiveDate) -> f64, w: &Words) {
    for a in t.assessments.iter().filter(|a| a.month.start() <= t.today) {
        let (from, to) = (
            a.month.start(),
            a.month.end().min(t.end.max(a.month.start())),
        );
        let (x0, x1) = (x(from), x(to).max(x(from) + 1.5));
        let class = match a.trend {
            crate::graph::Trend::Deteriorated => "worse",
            crate::graph::Trend::Improved => "better",
            crate::graph::Trend::Unchanged => "same",
        };
        let alert = if a.alert.is_some() { " alert" } else { "" };
        let _ = write!(
            svg,
            r#"<rect class="trend-cell {class}{alert}" x="{x0:.1}" y="{TREND_Y}" width="{:.1}" height="{TREND_H}"><title>{}: {}{}</title></rect>"#,
            x1 - x0,
            escape_html(&w.date(&a.month)),
            escape_html(&trend_word(a.trend, w)),
            if a.alert.is_some() {
                escape_html(&w.text("chart_with_alert"))
            } else {
                String::new()
            }
        );
        if x1 - x0 >= 14.0 {
            let _ = write!(
                svg,
                r#"<text class="trend-mark" x="{:.1}" y="{:.1}" text-anchor="middle" aria-hidden="true">{}</text>"#,
                (x0 + x1) / 2.0,
                TREND_Y + 12.5,
                a.trend.arrow()
            );
        }
    }
}

/// Key dates as triangles, a second row taking any that would touch the
/// one before in the first (and a mark with no room in either nudged
/// along until clear); those after the reference date hollow.
fn key_date_marks(
    svg: &mut String,
    dates: &[crate::graph::KeyDate],
    (start, end): (NaiveDate, NaiveDate),
    today: NaiveDate,
    x: &dyn Fn(NaiveDate) -> f64,
    w: &Words,
) {
    let mut rows = [f64::NEG_INFINITY; 2];
    let mut shown: Vec<&crate::graph::KeyDate> = dates
        .iter()
        .filter(|d| d.date >= start && d.date <= end)
        .collect();
    shown.sort_by_key(|d| d.date);
    for d in shown {
        let want = x(d.date).clamp(5.0, 595.0);
        // The first row with room; if neither has, the one that frees up
        // first, the mark nudged along it just clear of the one before.
        let row = match (want - rows[0] >= 11.0, want - rows[1] >= 11.0) {
            (true, _) => 0,
            (false, true) => 1,
            _ if rows[0] <= rows[1] => 0,
            _ => 1,
        };
        let at = want.max(rows[row] + 11.0).min(595.0);
        rows[row] = at;
        let top = DATES_Y + row as f64 * 11.0;
        let class = if d.date > today {
            "key-date coming"
        } else {
            "key-date"
        };
        let _ = write!(
            svg,
            r#"<path class="{class}" d="M{at:.1} {:.1} l-5 -9 h10 z"><title>{}: {}{}</title></path>"#,
            top + 9.0,
            escape_html(&w.date(&PartialDate::from_date(d.date))),
            escape_html(&d.title),
            if d.date > today {
                escape_html(&w.text("chart_coming"))
            } else {
                String::new()
            }
        );
    }
}

/// A tick for each briefing, a link while there are few enough.
fn briefing_ticks(
    svg: &mut String,
    briefings: &[(NaiveDate, &str, String)],
    linked: bool,
    x: &dyn Fn(NaiveDate) -> f64,
    w: &Words,
) {
    for (day, title, url) in briefings {
        let tick = format!(
            r#"<line class="tick-mark" x1="{0:.1}" y1="{TICKS_Y}" x2="{0:.1}" y2="{1}"/><title>{2}: {3}</title>"#,
            x(*day).clamp(1.0, 599.0),
            TICKS_Y + 12.0,
            escape_html(&w.date(&PartialDate::from_date(*day))),
            escape_html(title)
        );
        if linked {
            let _ = write!(svg, r#"<a href="{}">{tick}</a>"#, escape_html(url));
        } else {
            let _ = write!(svg, "<g>{tick}</g>");
        }
    }
}

/// The dated axis: a label at each boundary of the shortest step (a
/// month, a quarter, a year, several years) whose labels all fit, and
/// "now" where the reference date falls inside the axis; a label that
/// would still touch the one before, or "now", is left out.
fn axis_labels(
    svg: &mut String,
    (start, end): (NaiveDate, NaiveDate),
    now: Option<NaiveDate>,
    x: &dyn Fn(NaiveDate) -> f64,
    w: &Words,
) {
    let now_word = w.text("chart_now");
    let (first, last) = (
        index(start.year(), start.month()),
        index(end.year(), end.month()),
    );
    let room = 600.0 - now.map_or(0.0, |_| label_width(&now_word) + 8.0);
    let boundaries =
        |step: i32| (first + (step - first.rem_euclid(step)) % step..=last).step_by(step as usize);
    let step = [1, 2, 3, 6, 12, 24, 60, 120, 240]
        .into_iter()
        .find(|&step| {
            let n = boundaries(step).count() as f64;
            n * (label_width(&label_for(step, first, w)) + 8.0) <= room
        })
        .unwrap_or(240);
    let mut marks: Vec<(f64, String)> = boundaries(step)
        .filter_map(|i| {
            let day = NaiveDate::from_ymd_opt(i.div_euclid(12), i.rem_euclid(12) as u32 + 1, 1)?;
            Some((x(day), label_for(step, i, w)))
        })
        .collect();
    if marks.is_empty() {
        marks.push((x(start), label_for(1, first, w)));
    }
    let now_span = now.map(|d| span_of(x(d), &now_word));
    let mut last_right = f64::NEG_INFINITY;
    for (at, label) in marks {
        let (l, r) = span_of(at, &label);
        let clash = now_span.is_some_and(|(nl, nr)| l < nr + 6.0 && r > nl - 6.0);
        if l < last_right + 8.0 || clash {
            continue;
        }
        last_right = r;
        axis_label(svg, at, l, &label);
    }
    if let (Some(d), Some((l, _))) = (now, now_span) {
        axis_label(svg, x(d), l, &now_word);
    }
}

/// A tick on the axis at `at`, its label starting at `left`.
fn axis_label(svg: &mut String, at: f64, left: f64, label: &str) {
    let _ = write!(
        svg,
        r#"<line class="axis-tick" x1="{at:.1}" y1="{:.1}" x2="{at:.1}" y2="{:.1}"/><text class="tick" x="{left:.1}" y="{:.1}" text-anchor="start">{}</text>"#,
        AXIS_Y - 2.0,
        AXIS_Y + 2.0,
        AXIS_Y + LABEL_SIZE,
        escape_html(label)
    );
}

/// A tick label's extent, set to start at `at` but kept inside the picture.
fn span_of(at: f64, label: &str) -> (f64, f64) {
    let w = label_width(label);
    let l = at.min(600.0 - w).max(0.0);
    (l, l + w)
}

/// "2023", or "Sep 2023" on an axis in months.
fn label_for(step: i32, i: i32, w: &Words) -> String {
    let (year, month) = (i.div_euclid(12), i.rem_euclid(12) as u32);
    if step < 12 {
        w.short_month(year, month + 1)
    } else {
        year.to_string()
    }
}

/// The largest size, in picture units, the stylesheet sets chart labels in
/// (on a phone, where a 600-unit picture is drawn about 350 px wide). Labels
/// are laid out for it, so they fit at every smaller size too.
pub const LABEL_SIZE: f64 = 20.0;
/// Baseline to baseline, for labels of more than one line.
const LINE: f64 = LABEL_SIZE * 1.2;

/// A generous width for `text` at [`LABEL_SIZE`]: 0.6 em a character is
/// wider than the average of the sans-serif faces the theme asks for, and
/// 0.4 em more covers a short word of wide letters ("now").
fn label_width(text: &str) -> f64 {
    (text.chars().count() as f64 * 0.6 + 0.4) * LABEL_SIZE
}

/// `text` in lines of at most `width` characters, broken between words,
/// and at most `lines` of them; the last ends in "…" if text is left over.
fn wrap(text: &str, width: usize, lines: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        let fits = out
            .last()
            .is_some_and(|l| l.chars().count() + 1 + word.chars().count() <= width);
        if fits {
            let line = out.last_mut().expect("checked");
            line.push(' ');
            line.push_str(word);
        } else if out.len() == lines {
            let last = out.last_mut().expect("lines is at least one");
            let keep: String = last.chars().take(width.saturating_sub(1)).collect();
            *last = format!("{}…", keep.trim_end());
            break;
        } else if word.chars().count() > width {
            out.push(word.chars().take(width - 1).chain(['…']).collect());
        } else {
            out.push(word.to_string());
        }
    }
    out
}

/// A label of one or more lines, its first baseline `first` em below `y`
/// (negative: above) and each next one 1.2 em lower. In em, so a label
/// keeps its place where the stylesheet sets smaller type.
fn label_text(
    class: &str,
    (x, y): (f64, f64),
    first: f64,
    anchor: &str,
    lines: &[String],
) -> String {
    let mut out = format!(r#"<text class="{class}" x="{x:.1}" y="{y:.1}" text-anchor="{anchor}">"#);
    for (i, line) in lines.iter().enumerate() {
        // Adding 0.0 turns -0.0 into 0.0, so no "-0.00em" is written.
        let dy = if i == 0 { first + 0.0 } else { 1.2 };
        let _ = write!(
            out,
            r#"<tspan x="{x:.1}" dy="{dy:.2}em">{}</tspan>"#,
            escape_html(line)
        );
    }
    out.push_str("</text>");
    out
}

/// One neighbour in an ego network.
pub struct Neighbour<'a> {
    pub name: &'a str,
    pub url: &'a str,
    /// "country", "leader" or "crisis", for its colour and shape.
    pub kind: &'static str,
    pub shared: usize,
}

/// Where a neighbour sits and where its label goes.
struct Spot {
    /// Direction from the middle.
    dx: f64,
    dy: f64,
    lines: Vec<String>,
}

impl Spot {
    fn width(&self) -> f64 {
        self.lines
            .iter()
            .map(|l| label_width(l))
            .fold(0.0, f64::max)
    }
    /// A line's box is taller than its type: ascenders and descenders.
    fn height(&self) -> f64 {
        LINE * self.lines.len() as f64
    }
    /// Set beside its node (left or right), not above or below it.
    fn beside(&self) -> bool {
        self.dx.abs() > 0.3
    }
}

/// An entity and its strongest connections: the entity in the middle, its
/// neighbours on an ellipse in order of strength (strongest at the top,
/// then clockwise), each edge as wide as the briefings they share. The
/// layout is a function of the list alone, so the same input draws the
/// same picture. Labels sit outside the ellipse, anchored away from the
/// middle, wrapped to two lines; the ellipse is narrowed until the widest
/// label beside it fits, and made taller until labels beside each other
/// clear, so no label leaves the picture or runs into another.
pub fn ego_network(center: &str, neighbours: &[Neighbour], words: &Words) -> Option<String> {
    if neighbours.is_empty() {
        return None;
    }
    let w = 600.0;
    let spots: Vec<Spot> = (0..neighbours.len())
        .map(|i| {
            let angle = -std::f64::consts::FRAC_PI_2
                + i as f64 * std::f64::consts::TAU / neighbours.len() as f64;
            Spot {
                dx: angle.cos(),
                dy: angle.sin(),
                lines: wrap(neighbours[i].name, 16, 2),
            }
        })
        .collect();
    let (rx, ry) = ellipse(w, &spots);
    let above = spots
        .iter()
        .filter(|s| !s.beside() && s.dy < 0.0)
        .map(Spot::height)
        .fold(LABEL_SIZE, f64::max);
    let below = spots
        .iter()
        .filter(|s| !s.beside() && s.dy > 0.0)
        .map(Spot::height)
        .fold(LABEL_SIZE, f64::max);
    let (cx, cy) = (w / 2.0, ry + 12.0 + above + 4.0);
    let h = cy + ry + 12.0 + below + 8.0;
    let max = neighbours
        .iter()
        .map(|n| n.shared)
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let mut edges = String::new();
    let mut nodes = String::new();
    for (n, spot) in neighbours.iter().zip(&spots) {
        let (x, y) = (cx + rx * spot.dx, cy + ry * spot.dy);
        let width = 1.0 + 5.0 * n.shared as f64 / max;
        let _ = write!(
            edges,
            r#"<line class="edge" x1="{cx}" y1="{cy:.1}" x2="{x:.1}" y2="{y:.1}" stroke-width="{width:.1}"/>"#
        );
        let more = spot.lines.len() as f64 - 1.0;
        // Beside the node, the block of lines centred on it; above it,
        // ending just over it; below it, starting just under it.
        let (anchor, at, first) = if spot.beside() {
            let side = spot.dx.signum();
            let anchor = if side > 0.0 { "start" } else { "end" };
            (anchor, (x + 12.0 * side, y), 0.35 - 0.6 * more)
        } else if spot.dy < 0.0 {
            ("middle", (x, y - 14.0), -1.2 * more)
        } else {
            ("middle", (x, y + 12.0), 0.9)
        };
        let _ = write!(
            nodes,
            r#"<a href="{}"><circle class="node {}" cx="{x:.1}" cy="{y:.1}" r="7"/>{}<title>{}: {} shared briefing{}</title></a>"#,
            escape_html(n.url),
            n.kind,
            label_text("label", at, first, anchor, &spot.lines),
            escape_html(n.name),
            n.shared,
            if n.shared == 1 { "" } else { "s" }
        );
    }
    let names: Vec<String> = neighbours
        .iter()
        .map(|n| format!("{} ({})", n.name, n.shared))
        .collect();
    let args = [
        ("center", center.to_string()),
        ("list", names.join(words.text("comma").as_str())),
    ];
    let text = escape_html(
        &words
            .say("chart_network", Some(neighbours.len() as u64), &args)
            .unwrap_or_default(),
    );
    Some(format!(
        r#"<svg class="chart network" viewBox="0 0 {w} {h:.0}" role="group" aria-label="{text}"><title>{text}</title>{edges}<circle class="node center" cx="{cx}" cy="{cy:.1}" r="10"/>{nodes}</svg>"#
    ))
}

/// The ellipse's half-width and half-height: as wide as the labels beside
/// it allow in a picture `w` wide, and tall enough that labels beside it
/// on the same side, one above the other, do not touch.
fn ellipse(w: f64, spots: &[Spot]) -> (f64, f64) {
    let mut rx: f64 = 190.0;
    for s in spots.iter().filter(|s| s.beside()) {
        rx = rx.min((w / 2.0 - 12.0 - s.width() - 4.0) / s.dx.abs());
    }
    let mut ry: f64 = 105.0;
    for side in [1.0, -1.0] {
        let mut column: Vec<&Spot> = spots
            .iter()
            .filter(|s| s.beside() && s.dx.signum() == side)
            .collect();
        column.sort_by(|a, b| a.dy.total_cmp(&b.dy));
        for pair in column.windows(2) {
            let gap = (pair[0].height() + pair[1].height()) / 2.0 + 8.0;
            ry = ry.max(gap / (pair[1].dy - pair[0].dy));
        }
    }
    (rx.max(40.0), ry)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn english() -> crate::render::i18n::Words {
        crate::render::i18n::Words::new("en", &Default::default()).0
    }

    fn months(list: &[(i32, u32, u32)]) -> Vec<MonthCount> {
        list.iter()
            .map(|&(year, month, count)| MonthCount { year, month, count })
            .collect()
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn coverage_ends_at_the_reference_date_and_groups_long_spans() {
        let data = months(&[(2021, 1, 3), (2023, 8, 1), (2023, 9, 9)]);
        let c = coverage(&data, day("2024-01-15"), &english()).unwrap();
        assert_eq!(
            c.text,
            "13 briefings from January 2021 to January 2024; most in September 2023: 9; \
             by month: September 2023: 9, August 2023: 1, January 2021: 3"
        );
        assert_eq!((c.unit, c.to.as_str()), ("month", "January 2024"));
        assert_eq!(c.peak, "most in September 2023: 9");
        let even = months(&[(2023, 1, 2), (2023, 4, 2), (2023, 9, 2)]);
        assert_eq!(
            coverage(&even, day("2024-01-15"), &english()).unwrap().peak,
            "2 in each month with any"
        );
        let svg = c.chart.unwrap();
        // 37 months to the reference month: three bars, and the axis ends
        // with January 2024, four quiet months after the last briefing.
        assert_eq!(svg.matches("<rect").count(), 3);
        assert!(svg.ends_with(">January 2024</text></svg>"), "{svg}");
        // 37 bars of 16 units: too narrow to hold a count at a phone's size.
        assert!(!svg.contains("count"), "{svg}");
        // Thirteen months: each bar with briefings carries its count.
        let year = months(&[(2023, 1, 2), (2023, 4, 12), (2023, 9, 5)]);
        let svg = coverage(&year, day("2024-01-15"), &english())
            .unwrap()
            .chart
            .unwrap();
        let counts: Vec<&str> = svg
            .split(r#"class="tick count""#)
            .skip(1)
            .map(|s| &s[s.find('>').unwrap() + 1..s.find('<').unwrap()])
            .collect();
        assert_eq!(counts, ["2", "12", "5"], "{svg}");
        // A briefing after the reference date is not counted.
        let later = months(&[(2023, 7, 1), (2023, 8, 1), (2023, 9, 9), (2024, 3, 5)]);
        let c = coverage(&later, day("2024-01-15"), &english()).unwrap();
        assert!(
            c.text
                .starts_with("11 briefings from July 2023 to January 2024"),
            "{}",
            c.text
        );
        let long = coverage(
            &months(&[(2010, 1, 2), (2012, 1, 1), (2016, 5, 4)]),
            day("2016-06-01"),
            &english(),
        )
        .unwrap();
        assert!(
            long.text.contains("most in Q2 2016: 4; by quarter"),
            "{}",
            long.text
        );
        let longer = coverage(
            &months(&[(2000, 1, 2), (2010, 1, 1), (2023, 5, 4)]),
            day("2023-06-01"),
            &english(),
        )
        .unwrap();
        assert!(
            longer.text.contains("most in 2023: 4; by year"),
            "{}",
            longer.text
        );
        assert_eq!(coverage(&[], day("2024-01-15"), &english()), None);
    }

    #[test]
    fn coverage_of_one_or_two_months_is_a_sentence() {
        let today = day("2024-01-15");
        let one = coverage(&months(&[(2023, 9, 9)]), today, &english()).unwrap();
        assert_eq!(one.chart, None);
        assert_eq!(
            one.text,
            "9 briefings, in September 2023; none since, to January 2024."
        );
        let two = coverage(&months(&[(2023, 12, 2), (2024, 1, 1)]), today, &english()).unwrap();
        assert_eq!(
            two.text,
            "3 briefings: 2 in December 2023 and 1 in January 2024."
        );
        // Only briefings after the reference date: nothing to say yet.
        assert_eq!(coverage(&months(&[(2024, 2, 1)]), today, &english()), None);
        // The threshold's edge: three months draw a chart.
        let three = months(&[(2023, 10, 1), (2023, 11, 1), (2023, 12, 1)]);
        assert!(coverage(&three, today, &english()).unwrap().chart.is_some());
    }

    #[test]
    fn a_sparkline_covers_the_24_months_to_the_reference_date() {
        let data = months(&[(2021, 1, 5), (2023, 2, 1), (2024, 1, 2)]);
        let svg = sparkline(&data, day("2024-01-15")).unwrap();
        assert!(
            svg.contains(r#"aria-label="3 briefings in the 24 months to January 2024""#),
            "{svg}"
        );
        assert_eq!(svg.matches(',').count(), 24, "one point a month");
        assert_eq!(sparkline(&data, day("2027-01-01")), None);
    }

    /// A position of the country's own, from and to as written.
    fn pos(office: &str, from: &str, to: Option<&str>) -> Position {
        let date = |d: &str| crate::content::frontmatter::PartialDate::parse(d).unwrap();
        Position {
            office: office.into(),
            from: Some(date(from)),
            to: to.map(date),
            acting: false,
            body: None,
            primary: false,
        }
    }

    #[test]
    fn the_offices_chart_ends_today_and_never_states_a_later_end_as_past() {
        let svg = offices(
            &[
                pos("Chair", "2023-02-01", Some("2024-02-01")),
                pos("President", "2020-05-01", None),
                pos("Envoy", "2024-09-01", None),
                pos("Minister", "2015-01-01", Some("2020-04-30")),
            ],
            day("2024-01-15"),
            &english(),
        )
        .unwrap();
        let label = &svg[svg.find("aria-label=\"").unwrap()..svg.find("\"><title>").unwrap()];
        assert!(
            label.contains("Chair since 1 February 2023, term to 1 February 2024"),
            "{label}"
        );
        assert!(!label.contains("Chair from 1 February 2023 to"), "{label}");
        assert!(label.contains("President since 1 May 2020"), "{label}");
        assert!(
            label.contains("Minister from 1 January 2015 to 30 April 2020"),
            "{label}"
        );
        assert!(
            label.contains("Envoy from 1 September 2024 (not yet begun)"),
            "{label}"
        );
        // Three bars: the upcoming office is not drawn, and the axis ends
        // at the reference date's year.
        assert_eq!(svg.matches("<rect").count(), 3, "{svg}");
        assert_eq!(svg.matches("bar current").count(), 2, "{svg}");
        assert!(svg.ends_with(">2024</text></svg>"), "{svg}");
    }

    #[test]
    fn wrapping_breaks_between_words_and_marks_what_it_leaves_out() {
        assert_eq!(wrap("Haiti", 16, 2), ["Haiti"]);
        assert_eq!(
            wrap("Al-Shabaab in Somalia", 16, 2),
            ["Al-Shabaab in", "Somalia"]
        );
        assert_eq!(
            wrap("Armed insurgency in the northern borderlands", 16, 2),
            ["Armed insurgency", "in the northern…"]
        );
        assert_eq!(wrap("Supercalifragilistic", 8, 2), ["Superca…"]);
    }

    /// Each label's estimated box, at the largest type the theme sets:
    /// (left, right, first baseline, lines).
    fn label_boxes(svg: &str) -> Vec<(f64, f64, f64, usize)> {
        let doc = roxmltree::Document::parse(svg).unwrap();
        doc.descendants()
            .filter(|n| n.has_tag_name("text") && n.attribute("class") == Some("label"))
            .map(|t| {
                let x: f64 = t.attribute("x").unwrap().parse().unwrap();
                let y: f64 = t.attribute("y").unwrap().parse().unwrap();
                let lines: Vec<&str> = t.children().filter_map(|s| s.text()).collect();
                let w = lines.iter().map(|l| label_width(l)).fold(0.0, f64::max);
                let (l, r) = match t.attribute("text-anchor") {
                    Some("end") => (x - w, x),
                    Some("middle") => (x - w / 2.0, x + w / 2.0),
                    _ => (x, x + w),
                };
                (l, r, y, lines.len())
            })
            .collect()
    }

    #[test]
    fn network_labels_fit_the_picture_however_many_and_however_long() {
        let names = [
            "Sudan",
            "Al-Shabaab in Somalia",
            "Armed insurgency in the northern borderlands of Greater Ruritania",
            "William Ruto",
            "United Federal Republic of Greater Ruritania",
            "DR Congo",
        ];
        for count in 1..=12 {
            let list: Vec<Neighbour> = (0..count)
                .map(|i| Neighbour {
                    name: names[(i * 7 + count) % names.len()],
                    url: "/x/",
                    kind: "country",
                    shared: 12 - i,
                })
                .collect();
            let svg = ego_network("Middle", &list, &english()).unwrap();
            for (l, r, _, _) in label_boxes(&svg) {
                assert!(l >= 0.0 && r <= 600.0, "{count}: {l}..{r} in {svg}");
            }
        }
    }

    #[test]
    fn long_office_names_wrap_inside_the_offices_chart() {
        let long = "President of the United Federal Republic of Greater Ruritania and Its Islands";
        let svg = offices(
            &[
                pos(long, "2023-06-01", None),
                pos("Minister", "2015-01-01", Some("2020-04-30")),
            ],
            day("2024-01-15"),
            &english(),
        )
        .unwrap();
        let boxes = label_boxes(&svg);
        assert_eq!(boxes.len(), 2);
        assert_eq!(boxes[0].3, 2, "the long name takes two lines: {svg}");
        for (l, r, _, _) in &boxes {
            assert!(*l >= 0.0 && *r <= 600.0, "{l}..{r} in {svg}");
        }
    }

    /// (x, y, width) of every element of `class` in `svg`, in order.
    fn boxes(svg: &str, tag: &str, class: &str) -> Vec<(f64, f64, f64)> {
        let doc = roxmltree::Document::parse(svg).unwrap();
        let num = |n: roxmltree::Node, a: &str| n.attribute(a).map_or(0.0, |v| v.parse().unwrap());
        doc.descendants()
            .filter(|n| {
                n.has_tag_name(tag)
                    && n.attribute("class")
                        .is_some_and(|c| c.split(' ').any(|c| c == class))
            })
            .map(|n| match tag {
                // A triangle's path starts at its tip: "M{x} {y} …".
                "path" => {
                    let d = n.attribute("d").unwrap();
                    let mut it = d[1..].split([' ', 'l']).filter(|s| !s.is_empty());
                    let x = it.next().unwrap().parse().unwrap();
                    let y = it.next().unwrap().parse().unwrap();
                    (x, y, 10.0)
                }
                _ => (num(n, "x"), num(n, "y"), num(n, "width")),
            })
            .collect()
    }

    #[test]
    fn the_crisis_strip_keeps_its_marks_apart_and_draws_what_is_coming_after_now() {
        use crate::content::frontmatter::PartialDate;
        use crate::graph::{Assessment, KeyDate, Trend};
        let today = day("2024-01-15");
        // Ten years of monthly assessments, one for a month not begun.
        let assessments: Vec<Assessment> = (0..121)
            .map(|i| Assessment {
                month: PartialDate::parse(&format!("{}-{:02}", 2014 + i / 12, i % 12 + 1)).unwrap(),
                trend: [Trend::Deteriorated, Trend::Improved, Trend::Unchanged][i % 3],
                alert: None,
                note: None,
                source: None,
            })
            .collect();
        let date = |d: &str, title: &str| KeyDate {
            date: day(d),
            title: title.into(),
            kind: None,
        };
        let dates = [
            date("2023-10-02", "Vote"),
            date("2023-10-02", "Talks"),
            date("2023-10-03", "Statement"),
            date("2024-03-01", "Deadline"),
        ];
        let svg = crisis_timeline(
            &CrisisTimeline {
                name: "Long crisis",
                start: day("2014-01-01"),
                end: today,
                ongoing: true,
                today,
                assessments: &assessments,
                dates: &dates,
                briefings: &[],
            },
            &english(),
        )
        .unwrap();
        let cells = boxes(&svg, "rect", "trend-cell");
        assert_eq!(
            cells.len(),
            121,
            "February 2024 is not assessed yet on 15 January"
        );
        for pair in cells.windows(2) {
            assert!(
                pair[0].0 + pair[0].2 <= pair[1].0 + 0.15,
                "cells overlap: {pair:?}"
            );
        }
        assert!(
            !svg.contains("trend-mark"),
            "a month is too narrow for an arrow"
        );
        let marks = boxes(&svg, "path", "key-date");
        assert_eq!(marks.len(), 4);
        // Two dates on one day: one above the other; a third the next day
        // is nudged along the first row until clear. No two touch.
        assert_eq!(marks[0].0, marks[1].0);
        assert_ne!(marks[0].1, marks[1].1);
        for (i, a) in marks.iter().enumerate() {
            for b in &marks[i + 1..] {
                assert!(
                    a.1 != b.1 || (a.0 - b.0).abs() >= 11.0,
                    "{a:?} touches {b:?}"
                );
            }
        }
        // The date to come is hollow and after "now".
        let now = boxes(&svg, "line", "now");
        assert!(svg.contains(r#"class="key-date coming""#), "{svg}");
        let now_x: f64 = {
            let at = svg.find(r#"class="now" x1=""#).unwrap() + r#"class="now" x1=""#.len();
            svg[at..at + svg[at..].find('"').unwrap()].parse().unwrap()
        };
        assert!(
            now.len() == 1 && marks[3].0 > now_x && marks[0].0 < now_x,
            "{svg}"
        );
        // Axis labels, years here, never touch.
        let labels = boxes(&svg, "text", "tick");
        assert!(labels.len() >= 4, "{svg}");
        let texts: Vec<&str> = svg
            .split(r#"class="tick""#)
            .skip(1)
            .map(|s| &s[s.find('>').unwrap() + 1..s.find('<').unwrap()])
            .collect();
        assert_eq!(texts.last(), Some(&"now"));
        for (pair, names) in labels.windows(2).zip(texts.windows(2)) {
            if names[1] != "now" {
                assert!(
                    pair[0].0 + label_width(names[0]) <= pair[1].0,
                    "{names:?} touch"
                );
            }
        }
        assert!(
            svg.contains("4 key dates, 1 still to come, to 1 March 2024"),
            "{svg}"
        );
    }

    #[test]
    fn every_chart_parses_as_xml_and_matches_its_snapshot() {
        let charts = [
            coverage(
                &months(&[(2023, 1, 2), (2023, 4, 1), (2023, 9, 5)]),
                day("2024-01-15"),
                &english(),
            )
            .unwrap()
            .chart
            .unwrap(),
            sparkline(&months(&[(2023, 1, 2), (2023, 9, 5)]), day("2024-01-15")).unwrap(),
            offices(
                &[
                    pos("President of Kenya", "2022-09-13", None),
                    pos(
                        "Deputy President of Kenya",
                        "2013-04-09",
                        Some("2022-09-13"),
                    ),
                ],
                day("2024-01-15"),
                &english(),
            )
            .unwrap(),
        ];
        let assessments = [crate::graph::Assessment {
            month: crate::content::frontmatter::PartialDate::parse("2023-09").unwrap(),
            trend: crate::graph::Trend::Deteriorated,
            alert: Some(crate::graph::Alert::Risk),
            note: None,
            source: None,
        }];
        let dates = [crate::graph::KeyDate {
            date: day("2023-10-02"),
            title: "A vote & a \"test\"".into(),
            kind: None,
        }];
        let timeline = crisis_timeline(
            &CrisisTimeline {
                name: "Crisis <x>",
                start: day("2023-01-01"),
                end: day("2024-01-15"),
                ongoing: true,
                today: day("2024-01-15"),
                assessments: &assessments,
                dates: &dates,
                briefings: &[(day("2023-09-21"), "A & B", "/articles/a/".into())],
            },
            &english(),
        )
        .unwrap();
        assert!(timeline.contains(r#"aria-label="Crisis &lt;x&gt;, January 2023 to 15 January 2024 (ongoing): 1 briefing, 1 monthly assessment (latest: deteriorated in September 2023), 1 key date""#), "{timeline}");
        assert!(timeline.contains(r#"<a href="/articles/a/">"#));
        let network = ego_network(
            "Kenya",
            &[
                Neighbour {
                    name: "Haiti",
                    url: "/countries/haiti/",
                    kind: "country",
                    shared: 4,
                },
                Neighbour {
                    name: "William Ruto",
                    url: "/leaders/william-ruto/",
                    kind: "leader",
                    shared: 3,
                },
                Neighbour {
                    name: "Haiti security crisis",
                    url: "/crises/haiti-security-crisis/",
                    kind: "crisis",
                    shared: 1,
                },
            ],
            &english(),
        )
        .unwrap();
        assert!(network.contains(r#"aria-label="Kenya and the 3 entities most often named with it, by shared briefings: Haiti (4), William Ruto (3), Haiti security crisis (1)""#), "{network}");
        assert_eq!(network.matches("<a href=").count(), 3);
        let charts = [
            charts[0].clone(),
            charts[1].clone(),
            charts[2].clone(),
            timeline,
            network,
        ];
        for svg in &charts {
            roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{e}: {svg}"));
            assert!(svg.contains(r#"role="img""#) || svg.contains(r#"role="group""#));
            assert!(svg.contains("<title>"));
        }
        insta::assert_snapshot!("coverage", charts[0]);
        insta::assert_snapshot!("sparkline", charts[1]);
        insta::assert_snapshot!("offices", charts[2]);
        insta::assert_snapshot!("crisis_timeline", charts[3]);
        insta::assert_snapshot!("network", charts[4]);
    }
}
