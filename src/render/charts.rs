//! Charts drawn at build time as inline SVG: no script, no network. Each
//! has `role="img"` and a text alternative that states its data; colours
//! come from the stylesheet, so dark mode and print restyle them.

use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate};

use crate::content::frontmatter::MONTHS;
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

fn label(period: Period, i: i32) -> String {
    let (year, month) = (i.div_euclid(12), i.rem_euclid(12) as usize);
    match period {
        Period::Month => format!("{} {year}", MONTHS[month]),
        Period::Quarter => format!("Q{} {year}", month / 3 + 1),
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
fn coverage_text(period: Period, bars: &[(i32, u32)], first: i32, end: i32) -> String {
    let total: u32 = bars.iter().map(|b| b.1).sum();
    let (peak, most) = busiest(bars);
    let unit = period.unit();
    let counts: Vec<String> = bars
        .iter()
        .rev()
        .filter(|b| b.1 > 0)
        .map(|&(k, n)| format!("{}: {n}", label(period, k)))
        .collect();
    let s = if total == 1 { "" } else { "s" };
    format!(
        "{total} briefing{s} from {} to {}; most in {}: {most}; by {unit}: {}",
        label(Period::Month, first),
        label(Period::Month, end),
        label(period, peak),
        counts.join(", ")
    )
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
pub fn coverage(monthly: &[MonthCount], today: NaiveDate) -> Option<Coverage> {
    let end = index(today.year(), today.month());
    let months: Vec<&MonthCount> = monthly
        .iter()
        .filter(|m| m.count > 0 && index(m.year, m.month) <= end)
        .collect();
    if months.len() < COVERAGE_MIN_MONTHS {
        return (!months.is_empty()).then(|| Coverage {
            chart: None,
            text: coverage_sentence(&months, end),
            unit: "month",
            to: label(Period::Month, end),
            peak: String::new(),
        });
    }
    let (period, bars) = buckets(monthly, end);
    let first = index(months[0].year, months[0].month);
    let text = coverage_text(period, &bars, first, end);
    let (peak, most) = busiest(&bars);
    // A "busiest" period among equals would single one out for nothing.
    let even = bars.iter().all(|b| b.1 == 0 || b.1 == most);
    let peak = match even {
        true => format!("{most} in each {} with any", period.unit()),
        false => format!("most in {}: {most}", label(period, peak)),
    };
    Some(Coverage {
        chart: Some(coverage_chart(period, &bars, &text)),
        text,
        unit: period.unit(),
        to: label(Period::Month, end),
        peak,
    })
}

/// "3 briefings: 2 in August 2023 and 1 in September 2023; none since, to
/// January 2024."
fn coverage_sentence(months: &[&MonthCount], end: i32) -> String {
    let total: u32 = months.iter().map(|m| m.count).sum();
    let month = |m: &MonthCount| label(Period::Month, index(m.year, m.month));
    let parts: Vec<String> = months
        .iter()
        .map(|m| format!("{} in {}", m.count, month(m)))
        .collect();
    let s = if total == 1 { "" } else { "s" };
    let mut out = match parts.as_slice() {
        [_] => format!("{total} briefing{s}, in {}", month(months[0])),
        _ => format!("{total} briefing{s}: {}", parts.join(" and ")),
    };
    let last = months.last().map(|m| index(m.year, m.month));
    if last.is_some_and(|l| l < end) {
        let _ = write!(out, "; none since, to {}", label(Period::Month, end));
    }
    out.push('.');
    out
}

/// The bars, each with its count on hover, and the first and last periods
/// under the axis.
fn coverage_chart(period: Period, bars: &[(i32, u32)], text: &str) -> String {
    let (width, height, top, bottom) = (600.0, 140.0, 8.0, 30.0);
    let max = bars.iter().map(|b| b.1).max().unwrap_or(1).max(1) as f64;
    let slot = width / bars.len() as f64;
    let bar = (slot * 0.8).max(1.0);
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
            label(period, *k)
        );
    }
    let _ = write!(
        svg,
        r#"<text class="tick" x="0" y="{}" text-anchor="start">{}</text><text class="tick" x="{width}" y="{}" text-anchor="end">{}</text></svg>"#,
        height - 6.0,
        label(period, bars[0].0),
        height - 6.0,
        label(period, bars[bars.len() - 1].0)
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
pub fn offices(positions: &[Position], today: NaiveDate) -> Option<String> {
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
    let text = escape_html(&format!(
        "Offices: {}",
        offices_text(positions, &dated, today)
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
) -> String {
    let day = |d: NaiveDate| d.format("%-d %B %Y").to_string();
    let mut text: Vec<String> = dated
        .iter()
        .map(|(p, f, t)| match p.to {
            Some(to) if to.end() <= today => {
                format!("{} from {} to {}", p.title(), day(*f), day(*t))
            }
            Some(to) => format!("{} since {}, term to {}", p.title(), day(*f), to.human()),
            None => format!("{} since {}", p.title(), day(*f)),
        })
        .collect();
    text.extend(positions.iter().filter_map(|p| {
        let from = p.from?.start();
        (from > today).then(|| format!("{} from {} (not yet begun)", p.title(), day(from)))
    }));
    text.join("; ")
}

/// What the crisis timeline draws: plain data, gathered by the view.
pub struct CrisisTimeline<'a> {
    pub name: &'a str,
    pub start: NaiveDate,
    /// The end, or the reference date while the crisis goes on.
    pub end: NaiveDate,
    pub ongoing: bool,
    pub assessments: &'a [crate::graph::Assessment],
    pub dates: &'a [crate::graph::KeyDate],
    /// Each briefing's day, title and URL.
    pub briefings: Vec<(NaiveDate, &'a str, String)>,
}

/// Briefing ticks are links up to this many; past it they are drawn but
/// not linked, so a long crisis does not add hundreds of tab stops.
pub const LINKED_TICKS: usize = 60;

/// A crisis on a time axis: its span, the month-by-month trend, its key
/// dates, and a tick for each briefing.
pub fn crisis_timeline(t: &CrisisTimeline) -> Option<String> {
    let end = t.end.max(t.start.succ_opt()?);
    let (width, height) = (600.0, 96.0);
    let span = (end - t.start).num_days() as f64;
    let x = |d: NaiveDate| ((d - t.start).num_days() as f64 * width / span).clamp(0.0, width);
    let s = |n: usize| if n == 1 { "" } else { "s" };
    let latest = t
        .assessments
        .last()
        .map(|a| format!(" (latest: {} in {})", a.trend.word(), a.month))
        .unwrap_or_default();
    let text = escape_html(&format!(
        "{}, {} to {}: {} briefing{}, {} monthly assessment{}{latest}, {} key date{}",
        t.name,
        t.start.format("%B %Y"),
        if t.ongoing {
            format!("{} (ongoing)", end.format("%-d %B %Y"))
        } else {
            end.format("%B %Y").to_string()
        },
        t.briefings.len(),
        s(t.briefings.len()),
        t.assessments.len(),
        s(t.assessments.len()),
        t.dates.len(),
        s(t.dates.len()),
    ));
    // With linked ticks it is a group of links, not a picture: an image
    // cannot hold interactive content.
    let linked = t.briefings.len() <= LINKED_TICKS;
    let role = if linked { "group" } else { "img" };
    let mut svg = format!(
        r#"<svg class="chart crisis-timeline" viewBox="0 0 {width} {height}" role="{role}" aria-label="{text}"><title>{text}</title><rect class="span" x="0" y="40" width="{width}" height="8"/>"#
    );
    for a in t.assessments {
        let mid = a.month.start().with_day(15).unwrap_or(a.month.start());
        let class = match a.trend {
            crate::graph::Trend::Deteriorated => "worse",
            crate::graph::Trend::Improved => "better",
            crate::graph::Trend::Unchanged => "same",
        };
        let glyph = a.trend.arrow();
        let alert = if a.alert.is_some() { " alert" } else { "" };
        let _ = write!(
            svg,
            r#"<text class="trend-mark {class}{alert}" x="{:.1}" y="30" text-anchor="middle">{glyph}<title>{}: {}</title></text>"#,
            // Half a glyph in from either end, so a mark at the edge stays
            // inside the picture.
            x(mid).clamp(8.0, width - 8.0),
            a.month,
            a.trend.word()
        );
    }
    for d in t
        .dates
        .iter()
        .filter(|d| d.date >= t.start && d.date <= end)
    {
        let _ = write!(
            svg,
            r#"<path class="key-date" d="M{0:.1} 36 l-4 -7 h8 z"><title>{1}: {2}</title></path>"#,
            x(d.date),
            d.date.format("%-d %B %Y"),
            escape_html(&d.title)
        );
    }
    for (day, title, url) in &t.briefings {
        let tick = format!(
            r#"<line class="tick-mark" x1="{0:.1}" y1="52" x2="{0:.1}" y2="66"/><title>{1}: {2}</title>"#,
            x(*day),
            day.format("%-d %B %Y"),
            escape_html(title)
        );
        if linked {
            let _ = write!(svg, r#"<a href="{}">{tick}</a>"#, escape_html(url));
        } else {
            let _ = write!(svg, "<g>{tick}</g>");
        }
    }
    let _ = write!(
        svg,
        r#"<text class="tick" x="0" y="{}" text-anchor="start">{}</text><text class="tick" x="{width}" y="{}" text-anchor="end">{}</text></svg>"#,
        height - 6.0,
        t.start.format("%b %Y"),
        height - 6.0,
        if t.ongoing {
            "now".to_string()
        } else {
            end.format("%b %Y").to_string()
        }
    );
    Some(svg)
}

/// The largest size, in picture units, the stylesheet sets chart labels in
/// (on a phone, where a 600-unit picture is drawn about 350 px wide). Labels
/// are laid out for it, so they fit at every smaller size too.
pub const LABEL_SIZE: f64 = 20.0;
/// Baseline to baseline, for labels of more than one line.
const LINE: f64 = LABEL_SIZE * 1.2;

/// A generous width for `text` at [`LABEL_SIZE`]: 0.6 em a character is
/// wider than the average of the sans-serif faces the theme asks for.
fn label_width(text: &str) -> f64 {
    text.chars().count() as f64 * 0.6 * LABEL_SIZE
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
pub fn ego_network(center: &str, neighbours: &[Neighbour]) -> Option<String> {
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
    let text = escape_html(&format!(
        "{center} and the {} entities most often named with it, by shared briefings: {}",
        neighbours.len(),
        names.join(", ")
    ));
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
        let c = coverage(&data, day("2024-01-15")).unwrap();
        assert_eq!(
            c.text,
            "13 briefings from January 2021 to January 2024; most in September 2023: 9; \
             by month: September 2023: 9, August 2023: 1, January 2021: 3"
        );
        assert_eq!((c.unit, c.to.as_str()), ("month", "January 2024"));
        assert_eq!(c.peak, "most in September 2023: 9");
        let even = months(&[(2023, 1, 2), (2023, 4, 2), (2023, 9, 2)]);
        assert_eq!(
            coverage(&even, day("2024-01-15")).unwrap().peak,
            "2 in each month with any"
        );
        let svg = c.chart.unwrap();
        // 37 months to the reference month: three bars, and the axis ends
        // with January 2024, four quiet months after the last briefing.
        assert_eq!(svg.matches("<rect").count(), 3);
        assert!(svg.ends_with(">January 2024</text></svg>"), "{svg}");
        // A briefing after the reference date is not counted.
        let later = months(&[(2023, 7, 1), (2023, 8, 1), (2023, 9, 9), (2024, 3, 5)]);
        let c = coverage(&later, day("2024-01-15")).unwrap();
        assert!(
            c.text
                .starts_with("11 briefings from July 2023 to January 2024"),
            "{}",
            c.text
        );
        let long = coverage(
            &months(&[(2010, 1, 2), (2012, 1, 1), (2016, 5, 4)]),
            day("2016-06-01"),
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
        )
        .unwrap();
        assert!(
            longer.text.contains("most in 2023: 4; by year"),
            "{}",
            longer.text
        );
        assert_eq!(coverage(&[], day("2024-01-15")), None);
    }

    #[test]
    fn coverage_of_one_or_two_months_is_a_sentence() {
        let today = day("2024-01-15");
        let one = coverage(&months(&[(2023, 9, 9)]), today).unwrap();
        assert_eq!(one.chart, None);
        assert_eq!(
            one.text,
            "9 briefings, in September 2023; none since, to January 2024."
        );
        let two = coverage(&months(&[(2023, 12, 2), (2024, 1, 1)]), today).unwrap();
        assert_eq!(
            two.text,
            "3 briefings: 2 in December 2023 and 1 in January 2024."
        );
        // Only briefings after the reference date: nothing to say yet.
        assert_eq!(coverage(&months(&[(2024, 2, 1)]), today), None);
        // The threshold's edge: three months draw a chart.
        let three = months(&[(2023, 10, 1), (2023, 11, 1), (2023, 12, 1)]);
        assert!(coverage(&three, today).unwrap().chart.is_some());
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
            let svg = ego_network("Middle", &list).unwrap();
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
        )
        .unwrap();
        let boxes = label_boxes(&svg);
        assert_eq!(boxes.len(), 2);
        assert_eq!(boxes[0].3, 2, "the long name takes two lines: {svg}");
        for (l, r, _, _) in &boxes {
            assert!(*l >= 0.0 && *r <= 600.0, "{l}..{r} in {svg}");
        }
    }

    #[test]
    fn every_chart_parses_as_xml_and_matches_its_snapshot() {
        let charts = [
            coverage(
                &months(&[(2023, 1, 2), (2023, 4, 1), (2023, 9, 5)]),
                day("2024-01-15"),
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
        let timeline = crisis_timeline(&CrisisTimeline {
            name: "Crisis <x>",
            start: day("2023-01-01"),
            end: day("2024-01-15"),
            ongoing: true,
            assessments: &assessments,
            dates: &dates,
            briefings: vec![(day("2023-09-21"), "A & B", "/articles/a/".into())],
        })
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
