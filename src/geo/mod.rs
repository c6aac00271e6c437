//! The world map's data: Natural Earth's country shapes, projected with
//! Equal Earth at development time by `scripts/world-data.mjs`, and the
//! ISO 3166-1 table that places a country by its code or by its name.
//!
//! The data is compiled into the binary (`world.txt`, about 460 KB) and
//! parsed once, on first use, so a site without countries never pays for it.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::text::fold;

/// Where the shapes come from, for captions and the README.
pub const ATTRIBUTION: &str =
    "Natural Earth (public domain), which draws de facto boundaries; Equal Earth projection";

/// A point in the map's frame: x to the east, y to the south.
pub type Point = (f64, f64);

#[derive(Debug)]
pub struct World {
    pub width: f64,
    pub height: f64,
    pub places: Vec<Place>,
    /// Folded code or name to index in `places`; names shared by two
    /// countries ("Congo") are left out, so they never place the wrong one.
    index: HashMap<String, usize>,
}

/// One country or territory with an ISO 3166-1 code.
#[derive(Debug)]
pub struct Place {
    pub alpha2: String,
    pub alpha3: String,
    pub name: String,
    pub names: Vec<String>,
    /// Where a label or a dot goes; `None` when Natural Earth has no shape.
    pub point: Option<Point>,
    /// Closed rings in frame units; empty for places only a dot can show.
    pub rings: Vec<Vec<Point>>,
    /// The rings' bounding box: min x, min y, max x, max y.
    pub bbox: Option<[f64; 4]>,
    /// The largest ring's box: the mainland, which a locator map frames
    /// (the contiguous United States, not Alaska and Hawaii too).
    pub main_bbox: Option<[f64; 4]>,
}

/// The map data, parsed on first use.
pub fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| parse(include_str!("world.txt")))
}

impl World {
    /// The place with this alpha-2 or alpha-3 code, in any case.
    pub fn by_code(&self, code: &str) -> Option<&Place> {
        let code = code.trim().to_ascii_uppercase();
        self.places
            .iter()
            .find(|p| p.alpha2 == code || p.alpha3 == code)
    }

    /// The place one of these names means, if exactly one does.
    pub fn by_name<'a>(&self, names: impl IntoIterator<Item = &'a str>) -> Option<&Place> {
        names
            .into_iter()
            .find_map(|n| self.index.get(&fold(n)))
            .map(|&i| &self.places[i])
    }

    /// A country's place: by its code when it has one, else by its names.
    pub fn place<'a>(
        &self,
        iso: Option<&str>,
        names: impl IntoIterator<Item = &'a str>,
    ) -> Option<&Place> {
        match iso {
            Some(code) => self.by_code(code),
            None => self.by_name(names),
        }
        .filter(|p| p.point.is_some())
    }
}

impl Place {
    /// The rings of the country's main territory: the mainland and what
    /// lies near it (Corsica with metropolitan France), not overseas parts
    /// on other continents (French Guiana, Réunion). Near is within half
    /// the mainland's larger side of its box.
    pub fn home_rings(&self) -> Vec<&Vec<Point>> {
        let Some([x0, y0, x1, y1]) = self.main_bbox else {
            return self.rings.iter().collect();
        };
        let margin = (x1 - x0).max(y1 - y0) / 2.0;
        let home = [x0 - margin, y0 - margin, x1 + margin, y1 + margin];
        self.rings
            .iter()
            .filter(|r| bounds(r.iter()).is_some_and(|b| overlaps(b, home)))
            .collect()
    }
}

fn parse(text: &str) -> World {
    let mut lines = text.lines().filter(|l| !l.starts_with('#'));
    let frame: Vec<f64> = lines
        .next()
        .and_then(|l| l.strip_prefix("frame\t"))
        .expect("world.txt starts with its frame")
        .split('\t')
        .map(|n| n.parse().expect("a number"))
        .collect();
    let scale = frame[2];
    let places: Vec<Place> = lines.map(|l| parse_place(l, scale)).collect();
    World {
        width: frame[0],
        height: frame[1],
        index: name_index(&places),
        places,
    }
}

fn parse_place(line: &str, scale: f64) -> Place {
    let f: Vec<&str> = line.split('\t').collect();
    let point = |s: &str| {
        let (x, y) = s.split_once(',')?;
        Some((
            x.parse::<f64>().ok()? / scale,
            y.parse::<f64>().ok()? / scale,
        ))
    };
    let rings: Vec<Vec<Point>> = f[6]
        .split(';')
        .filter(|r| !r.is_empty())
        .map(|r| {
            let mut at = (0.0, 0.0);
            r.split(' ')
                .filter_map(point)
                .map(|(dx, dy)| {
                    at = (at.0 + dx, at.1 + dy);
                    at
                })
                .collect()
        })
        .collect();
    Place {
        alpha2: f[0].to_string(),
        alpha3: f[1].to_string(),
        name: f[3].to_string(),
        names: f[4]
            .split('|')
            .filter(|n| !n.is_empty())
            .map(String::from)
            .collect(),
        point: point(f[5]),
        bbox: bounds(rings.iter().flatten()),
        main_bbox: rings
            .iter()
            .max_by(|a, b| area(a).total_cmp(&area(b)))
            .and_then(bounds),
        rings,
    }
}

/// A ring's area, by the shoelace formula.
fn area(ring: &[Point]) -> f64 {
    let n = ring.len();
    (0..n)
        .map(|i| {
            let (a, b) = (ring[i], ring[(i + 1) % n]);
            a.0 * b.1 - b.0 * a.1
        })
        .sum::<f64>()
        .abs()
        / 2.0
}

/// Whether two boxes (min x, min y, max x, max y) meet.
pub fn overlaps(a: [f64; 4], b: [f64; 4]) -> bool {
    a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3]
}

/// The bounding box of some points: min x, min y, max x, max y.
pub fn bounds<'a>(points: impl IntoIterator<Item = &'a Point>) -> Option<[f64; 4]> {
    points.into_iter().fold(None, |b, &(x, y)| {
        Some(match b {
            None => [x, y, x, y],
            Some([x0, y0, x1, y1]) => [x0.min(x), y0.min(y), x1.max(x), y1.max(y)],
        })
    })
}

fn name_index(places: &[Place]) -> HashMap<String, usize> {
    let mut seen: HashMap<String, Option<usize>> = HashMap::new();
    for (i, p) in places.iter().enumerate() {
        let keys = [&p.name].into_iter().chain(&p.names).map(|n| fold(n));
        let mut keys: Vec<String> = keys.collect();
        keys.sort();
        keys.dedup();
        for key in keys {
            seen.entry(key).and_modify(|v| *v = None).or_insert(Some(i));
        }
    }
    seen.into_iter()
        .filter_map(|(k, v)| Some((k, v?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_countrys_home_leaves_out_its_parts_on_other_continents() {
        let w = world();
        let france = w.by_code("FR").unwrap();
        let home = france.home_rings();
        assert!(
            home.len() < france.rings.len(),
            "overseas rings are left out"
        );
        let guiana = w.by_code("GF").map(|p| p.point);
        // Natural Earth draws French Guiana in France's shape: none of the
        // home rings reaches South America (far west of the mainland).
        let [mx0, ..] = france.main_bbox.unwrap();
        for ring in &home {
            let [x0, ..] = bounds(ring.iter()).unwrap();
            assert!(
                x0 > mx0 - (france.main_bbox.unwrap()[2] - mx0),
                "{guiana:?}"
            );
        }
        // A country in one piece keeps it.
        let kenya = w.by_code("KE").unwrap();
        assert_eq!(kenya.home_rings().len(), kenya.rings.len());
    }

    #[test]
    fn codes_and_names_place_the_same_country() {
        let w = world();
        assert_eq!(w.by_code("ke").unwrap().name, "Kenya");
        assert_eq!(w.by_code("HTI").unwrap().alpha2, "HT");
        let names = |n| w.by_name([n]).map(|p| p.alpha2.as_str());
        assert_eq!(names("United States"), Some("US"));
        assert_eq!(names("Côte d’Ivoire"), Some("CI"));
        assert_eq!(names("Ivory Coast"), Some("CI"));
        assert_eq!(names("Russia"), Some("RU"));
        assert_eq!(names("Syria"), Some("SY"));
        assert_eq!(names("Kosovo"), Some("XK"));
    }

    #[test]
    fn a_name_two_countries_share_places_neither() {
        assert!(world().by_name(["Congo"]).is_none());
        assert!(world().by_name(["Republic of the Congo"]).is_some());
    }

    #[test]
    fn shapes_lie_inside_the_frame() {
        let w = world();
        for p in &w.places {
            if let Some([x0, y0, x1, y1]) = p.bbox {
                assert!(x0 >= 0.0 && y0 >= 0.0, "{}", p.name);
                assert!(x1 <= w.width && y1 <= w.height + 1.0, "{}", p.name);
            }
        }
    }
}
