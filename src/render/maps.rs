//! Maps drawn at build time as inline SVG from the compiled-in world data
//! ([`crate::geo`]): the world map on the home page and the countries
//! index, and locator maps that show a country, or a crisis's countries,
//! in their region. No script, no tiles, no network.

use crate::render::i18n::Words;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::OnceLock;

use crate::geo::{self, Place, Point};
use crate::text::escape_html;

/// A country as a map shows it.
#[derive(Debug, Clone)]
pub struct Mark<'a> {
    /// ISO alpha-2 code, from the graph's `Country::place`.
    pub code: &'a str,
    pub name: &'a str,
    /// Its page, when the map should link it.
    pub url: Option<String>,
    /// Briefings in the recent window, when the map shades by them.
    pub recent: Option<usize>,
    /// Named by an active crisis's profile.
    pub crisis: bool,
    /// Drawn as the subject of a locator map.
    pub highlight: bool,
}

/// World map: drawn 1000 units wide, the frame's own units.
const WORLD_WIDTH: f64 = 1000.0;
/// Locator maps: drawn 400 units wide, in the infobox.
const LOCATOR_WIDTH: f64 = 400.0;
/// How far a simplified outline may stray, in drawn units. The world map
/// is shown near its drawn size, so half a pixel; a locator map is drawn
/// 400 units wide and shown at about 300 px, and keeps under its 15 KB
/// budget with outlines within a pixel.
const WORLD_TOLERANCE: f64 = 0.5;
const LOCATOR_TOLERANCE: f64 = 1.2;
/// Issue 11's budget for a locator map.
const LOCATOR_BYTES: usize = 15_000;
/// A shape narrower than this, in drawn units, also gets a dot.
const TINY: f64 = 4.0;

/// Maps a rectangle of the frame to drawn units.
#[derive(Clone, Copy)]
struct View {
    x0: f64,
    y0: f64,
    scale: f64,
    width: f64,
    height: f64,
}

impl View {
    fn world() -> View {
        let w = geo::world();
        let scale = WORLD_WIDTH / w.width;
        View {
            x0: 0.0,
            y0: 0.0,
            scale,
            width: WORLD_WIDTH,
            height: (w.height * scale).round(),
        }
    }

    fn apply(&self, (x, y): Point) -> Point {
        ((x - self.x0) * self.scale, (y - self.y0) * self.scale)
    }

    /// The frame rectangle it shows: min x, min y, max x, max y.
    fn rect(&self) -> [f64; 4] {
        [
            self.x0,
            self.y0,
            self.x0 + self.width / self.scale,
            self.y0 + self.height / self.scale,
        ]
    }
}

/// Douglas–Peucker: the fewest points that keep every dropped one within
/// `tolerance` of the line that replaces it.
fn simplify(points: &[Point], tolerance: f64) -> Vec<Point> {
    if points.len() < 4 {
        return points.to_vec();
    }
    let mut keep = vec![false; points.len()];
    keep[0] = true;
    keep[points.len() - 1] = true;
    let mut stack = vec![(0, points.len() - 1)];
    while let Some((a, b)) = stack.pop() {
        let (far, dist) = (a + 1..b)
            .map(|i| (i, distance_to_segment(points[i], points[a], points[b])))
            .fold((a, 0.0), |best, d| if d.1 > best.1 { d } else { best });
        if dist > tolerance {
            keep[far] = true;
            stack.push((a, far));
            stack.push((far, b));
        }
    }
    points
        .iter()
        .zip(keep)
        .filter_map(|(p, k)| k.then_some(*p))
        .collect()
}

fn distance_to_segment(p: Point, a: Point, b: Point) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let t = if len2 == 0.0 {
        0.0
    } else {
        (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0)
    };
    ((p.0 - a.0 - t * dx).powi(2) + (p.1 - a.1 - t * dy).powi(2)).sqrt()
}

/// Which side of a clipping edge a point is on, and where a segment meets it.
type Inside = fn(Point, f64) -> bool;
type Cross = fn(Point, Point, f64) -> Point;

/// Sutherland–Hodgman: the part of a ring inside a rectangle, so a
/// locator map does not carry all of Russia to show a corner of it.
fn clip(ring: &[Point], [x0, y0, x1, y1]: [f64; 4]) -> Vec<Point> {
    let edges: [(Inside, Cross, f64); 4] = [
        (|p, v| p.0 >= v, cross_x, x0),
        (|p, v| p.0 <= v, cross_x, x1),
        (|p, v| p.1 >= v, cross_y, y0),
        (|p, v| p.1 <= v, cross_y, y1),
    ];
    let mut out = ring.to_vec();
    for (inside, cross, v) in edges {
        let input = std::mem::take(&mut out);
        for (i, &p) in input.iter().enumerate() {
            let prev = input[(i + input.len() - 1) % input.len()];
            match (inside(prev, v), inside(p, v)) {
                (true, true) => out.push(p),
                (true, false) => out.push(cross(prev, p, v)),
                (false, true) => {
                    out.push(cross(prev, p, v));
                    out.push(p);
                }
                (false, false) => {}
            }
        }
    }
    out
}

fn cross_x(a: Point, b: Point, x: f64) -> Point {
    (x, a.1 + (b.1 - a.1) * (x - a.0) / (b.0 - a.0))
}

fn cross_y(a: Point, b: Point, y: f64) -> Point {
    (a.0 + (b.0 - a.0) * (y - a.1) / (b.1 - a.1), y)
}

/// SVG path data for some rings, in whole drawn units, each ring a
/// moveto and relative linetos: the most compact form SVG has.
fn path_data(
    rings: &[Vec<Point>],
    view: &View,
    clip_to: Option<[f64; 4]>,
    tolerance: f64,
) -> String {
    let mut d = String::new();
    for ring in rings {
        // Clip only rings that cross the edge: most are wholly in or out.
        let clipped;
        let ring: &[Point] = match clip_to.map(|rect| (rect, geo::bounds(ring))) {
            Some((_, None)) => continue,
            Some((rect, Some(b))) if !geo::overlaps(b, rect) => continue,
            Some((rect, Some(b))) if !inside(b, rect) => {
                clipped = clip(ring, rect);
                &clipped
            }
            _ => ring,
        };
        let drawn: Vec<Point> = ring.iter().map(|&p| view.apply(p)).collect();
        let mut points: Vec<(i64, i64)> = simplify(&drawn, tolerance)
            .iter()
            .map(|p| (p.0.round() as i64, p.1.round() as i64))
            .collect();
        points.dedup();
        if points.len() < 3 {
            continue;
        }
        let _ = write!(d, "M{} {}", points[0].0, points[0].1);
        d.push('l');
        for pair in points.windows(2) {
            push_number(&mut d, pair[1].0 - pair[0].0);
            push_number(&mut d, pair[1].1 - pair[0].1);
        }
        d.push('z');
    }
    d
}

/// Appends a number to path data: a minus sign is its own separator.
fn push_number(d: &mut String, n: i64) {
    if n >= 0 && !d.ends_with('l') {
        d.push(' ');
    }
    let _ = write!(d, "{n}");
}

/// The world's outlines at world-map scale, simplified once per process.
fn world_paths() -> &'static Vec<String> {
    static PATHS: OnceLock<Vec<String>> = OnceLock::new();
    PATHS.get_or_init(|| {
        let view = View::world();
        geo::world()
            .places
            .iter()
            .map(|p| path_data(&p.rings, &view, None, WORLD_TOLERANCE))
            .collect()
    })
}

/// Upper bounds of the shading classes: the quartiles of the non-zero
/// counts, so a site with 3 briefings and one with 3,000 both use the scale.
fn classes(marks: &[Mark]) -> Vec<usize> {
    let mut counts: Vec<usize> = marks
        .iter()
        .filter_map(|m| m.recent)
        .filter(|&n| n > 0)
        .collect();
    counts.sort_unstable();
    let mut bounds: Vec<usize> = (1..=4)
        .filter_map(|q| {
            counts
                .get((counts.len() * q).div_ceil(4).max(1) - 1)
                .copied()
        })
        .collect();
    bounds.dedup();
    bounds
}

fn class_of(bounds: &[usize], n: usize) -> usize {
    if n == 0 {
        return 0;
    }
    1 + bounds
        .iter()
        .position(|&b| n <= b)
        .unwrap_or(bounds.len() - 1)
}

/// The legend's labels, one per shading class: "1–2", "3–5", "6+".
pub fn legend(marks: &[Mark]) -> Vec<(usize, String)> {
    let bounds = classes(marks);
    let mut out = vec![(0, "none".to_string())];
    let mut low = 1;
    for (i, &b) in bounds.iter().enumerate() {
        let label = if low == b {
            b.to_string()
        } else {
            format!("{low}–{b}")
        };
        out.push((i + 1, label));
        low = b + 1;
    }
    out
}

/// One place drawn: its shape (linked when it has a page), and a dot
/// when the shape is too small to see or missing.
fn draw_place(
    out: &mut String,
    place: &Place,
    d: &str,
    mark: Option<&Mark>,
    class: usize,
    view: &View,
    describe: &dyn Fn(&Mark) -> String,
) {
    let title = match mark {
        Some(m) => describe(m),
        None => place.name.clone(),
    };
    let mut classes = format!("land s{class}");
    if mark.is_some_and(|m| m.crisis) {
        classes.push_str(" crisis");
    }
    if mark.is_some_and(|m| m.highlight) {
        classes.push_str(" here");
    }
    let tiny = d.is_empty()
        || place
            .bbox
            .is_none_or(|[x0, y0, x1, y1]| (x1 - x0).max(y1 - y0) * view.scale < TINY);
    // A crisis country's shape has an id, for the hatching drawn over it.
    let mut id = match mark {
        Some(m) if m.crisis => format!(r#" id="{}""#, hatch_id(m.code)),
        _ => String::new(),
    };
    let mut shape = String::new();
    if !d.is_empty() {
        let _ = write!(shape, r#"<path{id} class="{classes}" d="{d}"/>"#);
        id.clear();
    }
    if let (true, Some(p)) = (tiny, place.point) {
        let (x, y) = view.apply(p);
        let r = if mark.is_some() { 4 } else { 2 };
        let _ = write!(
            shape,
            r#"<circle{id} class="{classes}" cx="{x:.0}" cy="{y:.0}" r="{r}"/>"#
        );
    }
    if shape.is_empty() {
        return;
    }
    match mark.and_then(|m| m.url.as_ref()) {
        Some(url) => {
            let _ = write!(
                out,
                r#"<a href="{}"><title>{}</title>{shape}</a>"#,
                escape_html(url),
                escape_html(&title)
            );
        }
        None => {
            let _ = write!(out, "<g><title>{}</title>{shape}</g>", escape_html(&title));
        }
    }
}

fn hatch_id(code: &str) -> String {
    format!("map-{code}")
}

fn index<'a>(marks: &'a [Mark<'a>]) -> HashMap<&'a str, &'a Mark<'a>> {
    marks.iter().map(|m| (m.code, m)).collect()
}

/// "Kenya: 3 briefings in the last 90 days; in an active crisis".
pub fn describe(m: &Mark, days: u32, w: &Words) -> String {
    let mut s = m.name.to_string();
    if let Some(n) = m.recent {
        let recent = w.say(
            "n_in_last_days",
            Some(n as u64),
            &[("days", days.to_string())],
        );
        let _ = write!(s, ": {}", recent.unwrap_or_default());
    }
    if m.crisis {
        let sep = if m.recent.is_some() { "; " } else { ": " };
        let _ = write!(s, "{sep}{}", w.text("in_active_crisis"));
    }
    s
}

/// The world map: every country, those with pages linked and shaded by
/// briefings in the last `days` days, those in an active crisis hatched.
pub fn world_map(marks: &[Mark], days: u32, label: &str, w: &Words) -> String {
    let view = View::world();
    let by_code = index(marks);
    let bounds = classes(marks);
    let mut body = String::new();
    let mut hatched = String::new();
    for (place, d) in geo::world().places.iter().zip(world_paths()) {
        let mark = by_code.get(place.alpha2.as_str()).copied();
        let class = mark
            .and_then(|m| m.recent)
            .map_or(0, |n| class_of(&bounds, n));
        draw_place(&mut body, place, d, mark, class, &view, &|m| {
            describe(m, days, w)
        });
        if mark.is_some_and(|m| m.crisis) {
            hatch(&mut hatched, place, &view);
        }
    }
    // Hatching, not colour alone, marks a country in an active crisis; it
    // is drawn over the shapes and lets clicks through to their links.
    if !hatched.is_empty() {
        body = format!(
            r#"<defs><pattern id="map-hatch" patternUnits="userSpaceOnUse" width="5" height="5" patternTransform="rotate(45)"><rect class="hatch-line" width="1.6" height="5"/></pattern></defs>{body}{hatched}"#
        );
    }
    svg("world", &view, label, &body)
}

/// Hatching over a crisis country's main territory only: a crisis that
/// names France does not mark French Guiana or Réunion. A country whose
/// shape is all home reuses its drawn outline.
fn hatch(out: &mut String, place: &Place, view: &View) {
    let home = place.home_rings();
    if home.len() == place.rings.len() {
        let _ = write!(
            out,
            r##"<use href="#{}" class="hatch"/>"##,
            hatch_id(&place.alpha2)
        );
        return;
    }
    let rings: Vec<Vec<Point>> = home.into_iter().cloned().collect();
    let d = path_data(&rings, view, None, WORLD_TOLERANCE);
    if !d.is_empty() {
        let _ = write!(out, r#"<path class="hatch" d="{d}"/>"#);
    }
}

/// A locator map: the highlighted countries in their region, with the
/// neighbours drawn for context.
/// `what` names the subject in the text alternative, which also lists the
/// neighbours shown.
pub fn locator_map(marks: &[Mark], what: &str, w: &Words) -> Option<String> {
    let subjects: Vec<&Place> = marks
        .iter()
        .filter(|m| m.highlight)
        .filter_map(|m| geo::world().by_code(m.code))
        .collect();
    let view = locator_view(&subjects)?;
    // A country with many neighbours (China has fourteen) is drawn again
    // with coarser outlines until the map fits its budget.
    let mut svg = String::new();
    for factor in [1.0, 2.0, 4.0, 8.0] {
        let tolerance = factor * LOCATOR_TOLERANCE;
        svg = draw_locator(marks, what, &view, tolerance, w);
        if svg.len() <= LOCATOR_BYTES {
            break;
        }
    }
    Some(svg)
}

fn draw_locator(marks: &[Mark], what: &str, view: &View, tolerance: f64, w: &Words) -> String {
    let by_code = index(marks);
    let rect = view.rect();
    let margin = 2.0 / view.scale;
    let clip_rect = [
        rect[0] - margin,
        rect[1] - margin,
        rect[2] + margin,
        rect[3] + margin,
    ];
    let bounds = classes(marks);
    let mut body = String::new();
    let mut shown = Vec::new();
    for place in &geo::world().places {
        let visible = match (place.bbox, place.point) {
            (Some(b), _) => geo::overlaps(b, rect),
            (None, Some(p)) => geo::overlaps([p.0, p.1, p.0, p.1], rect),
            _ => false,
        };
        if !visible {
            continue;
        }
        let d = path_data(&place.rings, view, Some(clip_rect), tolerance);
        let mark = by_code.get(place.alpha2.as_str()).copied();
        // Islands too small to draw are left off a locator map unless they
        // are what it shows: it is about the region, not every dot in it.
        if d.is_empty() && mark.is_none() {
            continue;
        }
        if !d.is_empty() && !mark.is_some_and(|m| m.highlight) {
            shown.push(place.name.as_str());
        }
        let class = mark
            .and_then(|m| m.recent)
            .map_or(0, |n| class_of(&bounds, n));
        draw_place(&mut body, place, &d, mark, class, view, &|m| {
            describe(m, 0, w)
        });
    }
    let label = match shown.len() {
        0 => w.with("map_label", &[("what", what.to_string())]),
        _ => w.with(
            "map_label_among",
            &[("what", what.to_string()), ("others", shown.join(", "))],
        ),
    };
    svg("locator", view, &label, &body)
}

/// Whether box `a` lies wholly within box `b`.
fn inside(a: [f64; 4], b: [f64; 4]) -> bool {
    a[0] >= b[0] && a[1] >= b[1] && a[2] <= b[2] && a[3] <= b[3]
}

/// The region around some places: their mainlands' bounding box with room
/// around it, at least an eighth of the world wide, 3:2.
fn locator_view(subjects: &[&Place]) -> Option<View> {
    let points: Vec<Point> = subjects
        .iter()
        .flat_map(|p| match p.main_bbox {
            Some([x0, y0, x1, y1]) => vec![(x0, y0), (x1, y1)],
            None => p.point.into_iter().collect(),
        })
        .collect();
    let [x0, y0, x1, y1] = geo::bounds(&points)?;
    let world = geo::world();
    let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
    // Room around a small country; less around a large one, whose
    // neighbours are many and whose region is half the world already.
    let span = (x1 - x0).max((y1 - y0) * 1.5);
    let room = (2.5 - span / 250.0).clamp(1.3, 2.5);
    let w = (span * room).max(world.width / 8.0);
    let h = w / 1.5;
    Some(View {
        x0: cx - w / 2.0,
        y0: cy - h / 2.0,
        scale: LOCATOR_WIDTH / w,
        width: LOCATOR_WIDTH,
        height: (LOCATOR_WIDTH / 1.5).round(),
    })
}

fn svg(kind: &str, view: &View, label: &str, body: &str) -> String {
    let label = escape_html(label);
    format!(
        r#"<svg class="map {kind}" viewBox="0 0 {} {}" role="group" aria-label="{label}"><title>{label}</title><rect class="sea" width="100%" height="100%"/>{body}</svg>"#,
        view.width, view.height
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn english() -> Words {
        Words::new("en", &Default::default()).0
    }

    fn mark<'a>(code: &'a str, name: &'a str, recent: usize) -> Mark<'a> {
        Mark {
            code,
            name,
            url: Some(format!("/countries/{}/", name.to_lowercase())),
            recent: Some(recent),
            crisis: false,
            highlight: false,
        }
    }

    #[test]
    fn simplify_keeps_corners_and_drops_points_on_a_line() {
        let line = [
            (0.0, 0.0),
            (1.0, 0.01),
            (2.0, 0.0),
            (2.0, 2.0),
            (0.0, 2.0),
            (0.0, 0.0),
        ];
        assert_eq!(
            simplify(&line, 0.1),
            vec![(0.0, 0.0), (2.0, 0.0), (2.0, 2.0), (0.0, 2.0), (0.0, 0.0)]
        );
    }

    #[test]
    fn clip_cuts_a_ring_to_the_rectangle() {
        let square = [(-1.0, -1.0), (3.0, -1.0), (3.0, 3.0), (-1.0, 3.0)];
        let clipped = clip(&square, [0.0, 0.0, 2.0, 2.0]);
        assert!(clipped
            .iter()
            .all(|&(x, y)| (0.0..=2.0).contains(&x) && (0.0..=2.0).contains(&y)));
        assert_eq!(geo::bounds(&clipped), Some([0.0, 0.0, 2.0, 2.0]));
    }

    #[test]
    fn shading_classes_follow_the_quartiles() {
        let marks: Vec<Mark> = [1, 2, 3, 4, 8, 20, 0]
            .iter()
            .map(|&n| mark("KE", "Kenya", n))
            .collect();
        let bounds = classes(&marks);
        assert_eq!(bounds, vec![2, 3, 8, 20]);
        assert_eq!(class_of(&bounds, 0), 0);
        assert_eq!(class_of(&bounds, 1), 1);
        assert_eq!(class_of(&bounds, 20), 4);
        let labels: Vec<String> = legend(&marks).into_iter().map(|l| l.1).collect();
        assert_eq!(labels, ["none", "1–2", "3", "4–8", "9–20"]);
    }

    #[test]
    fn world_map_links_marked_countries_and_names_every_shape() {
        let marks = [mark("KE", "Kenya", 3), mark("TV", "Tuvalu", 1)];
        let svg = world_map(&marks, 90, "A map", &english());
        assert!(svg.contains(r#"<a href="/countries/kenya/"><title>Kenya: 3 briefings in the last 90 days</title><path class="land s"#));
        // Tuvalu has no shape at this scale: a dot, still linked.
        assert!(svg.contains(r#"<a href="/countries/tuvalu/"><title>Tuvalu: 1 briefing in the last 90 days</title><circle"#));
        assert!(svg.contains("<title>Brazil</title>"));
        // One title for the map, then one for each place drawn.
        assert_eq!(svg.matches("<title>").count(), 1 + 238);
        eprintln!("world map: {} bytes", svg.len());
    }

    #[test]
    fn locator_map_shows_the_country_and_its_neighbours_only() {
        let mut ke = mark("KE", "Kenya", 3);
        ke.highlight = true;
        ke.recent = None;
        let svg = locator_map(&[ke], "Kenya", &english()).unwrap();
        assert!(svg.contains(r#"aria-label="Map: Kenya, highlighted among "#));
        assert!(svg.contains(r#"class="land s0 here""#));
        assert!(svg.contains("<title>Ethiopia</title>"));
        assert!(!svg.contains("<title>Brazil</title>"));
        assert!(svg.len() < 15_000, "{} bytes", svg.len());
        // The largest countries and those with the most neighbours too.
        for code in ["CN", "RU", "US", "CA", "BR", "FR", "DE", "CD", "IN"] {
            let mut m = mark(code, code, 0);
            m.highlight = true;
            let svg = locator_map(&[m], code, &english()).unwrap();
            assert!(svg.len() <= LOCATOR_BYTES, "{code}: {} bytes", svg.len());
        }
    }

    #[test]
    fn maps_parse_as_xml_and_stay_deterministic() {
        let mut ht = mark("HT", "Haiti", 2);
        ht.crisis = true;
        let mut ke = mark("KE", "Kenya", 5);
        ke.crisis = true;
        let marks = [ht, ke, mark("US", "United States", 1)];
        let world = world_map(&marks, 90, "World <map> & \"more\"", &english());
        let mut crisis = marks.clone();
        for m in &mut crisis[..2] {
            m.highlight = true;
            m.recent = None;
        }
        let locator = locator_map(&crisis[..1], "Haiti", &english()).unwrap();
        for svg in [&world, &locator] {
            let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(doc.root_element().attribute("role"), Some("group"));
        }
        // Hatching over both crisis countries, by reference to their shapes.
        assert!(world.contains(r##"<use href="#map-HT" class="hatch"/>"##));
        assert!(world.contains(r#"id="map-KE" class="land s3 crisis""#));
        // Same input, same output.
        assert_eq!(
            world,
            world_map(&marks, 90, "World <map> & \"more\"", &english())
        );
        insta::assert_snapshot!("locator_haiti", locator);
    }
}
