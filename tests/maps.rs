//! The world map and locator maps: which countries are placed, how, and
//! what the pages show. The reference date is pinned.

mod common;

use briefing::BuildOptions;
use chrono::NaiveDate;
use common::TestSite;

fn options() -> BuildOptions {
    BuildOptions {
        today: Some(NaiveDate::from_ymd_opt(2024, 1, 15).unwrap()),
        ..BuildOptions::default()
    }
}

/// The first `<svg class="map …">…</svg>` on a page.
fn map_svg(html: &str) -> &str {
    let start = html.find(r#"<svg class="map"#).expect("a map");
    let len = html[start..].find("</svg>").unwrap() + "</svg>".len();
    &html[start..start + len]
}

/// `check`'s warnings about countries the world map cannot place.
fn map_warnings(dir: &std::path::Path, options: &BuildOptions) -> Vec<String> {
    briefing::check::check(dir, options)
        .unwrap()
        .iter()
        .map(|w| w.to_string())
        .filter(|w| w.contains("world map"))
        .collect()
}

#[test]
fn countries_are_placed_by_code_or_by_name_and_the_rest_are_reported() {
    let site = TestSite::fixture("maps");
    site.build_with(&options()).unwrap();
    let home = site.page("");
    let map = map_svg(&home);
    roxmltree::Document::parse(map).expect("the map is XML");
    // By code (in any case), by name with no `iso`, and by the name a
    // briefing uses when there is no profile at all.
    for (url, title) in [
        (
            "/countries/kenya/",
            "Kenya: 1 briefing in the last 90 days; in an active crisis",
        ),
        (
            "/countries/ivory-coast/",
            "Côte d&#39;Ivoire: 1 briefing in the last 90 days",
        ),
        ("/countries/sudan/", "Sudan: 1 briefing in the last 90 days"),
    ] {
        assert!(
            map.contains(&format!(r#"<a href="{url}"><title>{title}</title>"#)),
            "{url} not placed as expected"
        );
    }
    assert!(!map.contains("Freedonia"));
    // Hatching marks the crisis country, and the list says it in words.
    assert!(map.contains(r##"<use href="#map-KE" class="hatch"/>"##));
    assert!(home.contains("in an active crisis</li>"));

    let placed = map_warnings(site.path(), &options());
    assert_eq!(placed.len(), 1, "{placed:?}");
    assert!(placed[0].contains("country Freedonia cannot be placed on the world map"));
    assert!(placed[0].contains("freedonia.md"), "{}", placed[0]);
    assert!(placed[0].contains("set `iso:`"), "{}", placed[0]);
}

#[test]
fn country_and_crisis_pages_have_small_locator_maps() {
    let site = TestSite::fixture("maps");
    site.build_with(&options()).unwrap();
    let kenya = site.page("countries/kenya/");
    let map = map_svg(&kenya);
    assert!(map.contains(r#"class="map locator""#));
    assert!(map.contains(r#"class="land s0 here""#));
    assert!(map.contains("<title>Ethiopia</title>"));
    assert!(map.len() < 15_000, "locator map is {} bytes", map.len());
    let crisis = site.page("crises/fixture-crisis/");
    assert!(map_svg(&crisis).contains(r#"<a href="/countries/kenya/"><title>Kenya</title>"#));
    // No place, no map.
    assert!(!site
        .page("countries/freedonia/")
        .contains(r#"<svg class="map"#));
}

#[test]
fn every_country_on_the_example_site_is_placed() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let unplaced = map_warnings(dir, &BuildOptions::default());
    assert!(unplaced.is_empty(), "{unplaced:?}");
    let config = briefing::Config::load(dir, &BuildOptions::default()).unwrap();
    let (site, _) = briefing::load(&config).unwrap();
    let countries: Vec<_> = site
        .entities_of(briefing::graph::EntityKind::Country)
        .collect();
    assert!(countries.len() >= 9);
    for c in countries {
        let briefing::graph::Details::Country(d) = &c.details else {
            unreachable!()
        };
        assert!(d.place.is_some(), "{} is not placed", c.name);
    }
}

/// Every UN member state can be placed, by its code and by its name.
/// The list: https://www.un.org/en/about-us/member-states (193 states).
#[test]
fn every_un_member_state_can_be_placed() {
    const MEMBERS: &str = "AD AE AF AG AL AM AO AR AT AU AZ BA BB BD BE BF BG BH BI BJ BN BO BR BS BT BW BY BZ CA CD CF CG CH CI CL CM CN CO CR CU CV CY CZ DE DJ DK DM DO DZ EC EE EG ER ES ET FI FJ FM FR GA GB GD GE GH GM GN GQ GR GT GW GY HN HR HT HU ID IE IL IN IQ IR IS IT JM JO JP KE KG KH KI KM KN KP KR KW KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MG MH MK ML MM MN MR MT MU MV MW MX MY MZ NA NE NG NI NL NO NP NR NZ OM PA PE PG PH PK PL PT PW PY QA RO RS RU RW SA SB SC SD SE SG SI SK SL SM SN SO SR SS ST SV SY SZ TD TG TH TJ TL TM TN TO TR TT TV TZ UA UG US UY UZ VC VE VN VU WS YE ZA ZM ZW";
    let codes: Vec<&str> = MEMBERS.split(' ').collect();
    assert_eq!(codes.len(), 193);
    let world = briefing::geo::world();
    for code in codes {
        let place = world
            .place(Some(code), [])
            .unwrap_or_else(|| panic!("{code} not placed"));
        assert_eq!(
            world.place(None, [place.name.as_str()]).map(|p| &p.alpha2),
            Some(&place.alpha2),
            "{} is not placed by its name",
            place.name
        );
    }
}

#[test]
fn recent_days_sets_the_window_the_shading_counts() {
    let site = TestSite::fixture("maps");
    site.write("site.yaml", "title: Maps\nrecent_days: 400\n");
    site.build_with(&options()).unwrap();
    let home = site.page("");
    // The year-old briefing now counts for Kenya.
    assert!(map_svg(&home)
        .contains("<title>Kenya: 2 briefings in the last 400 days; in an active crisis</title>"));
    assert!(home.contains("Briefings in the 400 days to 15 January 2024:"));
}

/// A crisis that names France hatches metropolitan France, not French
/// Guiana or Réunion, which Natural Earth draws as parts of France's
/// shape; the caption says which rule.
#[test]
fn a_crisis_hatches_a_countrys_main_territory_not_its_overseas_parts() {
    let site = TestSite::fixture("maps");
    site.write(
        "content/crises/french-crisis.md",
        "---\nname: French fixture crisis\nstatus: active\ncountries: [France]\n---\nA fixture.\n",
    );
    site.build_with(&options()).unwrap();
    let home = site.page("countries/");
    let map = map_svg(&home);
    // Kenya is one piece: its outline is reused.
    assert!(
        map.contains(r##"<use href="#map-KE" class="hatch"/>"##),
        "{map}"
    );
    // France is not: the hatching is a path of its own, smaller than the
    // outline drawn for France.
    assert!(!map.contains(r##"<use href="#map-FR""##));
    let france = &map[map.find(r#"id="map-FR""#).expect("France's shape")..];
    let outline = &france[france.find(" d=\"").unwrap() + 4..];
    let outline = &outline[..outline.find('"').unwrap()];
    let hatch = &map[map
        .find(r#"<path class="hatch" d=""#)
        .expect("a hatch path")
        + 24..];
    let hatch = &hatch[..hatch.find('"').unwrap()];
    assert!(
        hatch.matches('M').count() < outline.matches('M').count(),
        "fewer rings hatched ({}) than drawn ({})",
        hatch.matches('M').count(),
        outline.matches('M').count()
    );
    assert!(home.contains("main territory"), "the caption says the rule");
}
