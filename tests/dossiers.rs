//! Time-aware dossiers: offices as of a date, crisis assessments and
//! figures, key dates, the calendar and its iCalendar feeds, contact
//! history. Every build pins the reference date, so nothing depends on the
//! day the tests run.

mod common;

use chrono::NaiveDate;
use common::{on, TestSite};

fn built(fixture: &str, day: &str) -> (TestSite, Vec<String>) {
    let site = TestSite::fixture(fixture);
    let report = site
        .build_with(&on(day))
        .unwrap_or_else(|e| panic!("build failed: {e:#}"));
    let warnings = report.warnings.iter().map(|w| w.to_string()).collect();
    (site, warnings)
}

/// The text of the "In this briefing" leaders line.
fn leaders_line(html: &str) -> &str {
    let start = html.find("<dt>Leaders</dt> <dd>").expect("a leaders line");
    let rest = &html[start..];
    &rest[..rest.find("</dd>").unwrap()]
}

#[test]
fn a_briefing_names_each_leader_with_the_office_held_on_its_date() {
    let (site, _) = built("dossier-offices", "2024-01-15");
    let old = site.page("articles/2020-ruto/");
    assert!(
        leaders_line(&old).contains("William Ruto</bdi></a>, <bdi>Deputy President of Kenya</bdi>"),
        "{}",
        leaders_line(&old)
    );
    assert!(leaders_line(&old).contains("Uhuru Kenyatta</bdi></a>, <bdi>President of Kenya</bdi>"));
    let new = site.page("articles/2023-ruto/");
    assert!(
        leaders_line(&new).contains("William Ruto</bdi></a>, <bdi>President of Kenya</bdi>"),
        "{}",
        leaders_line(&new)
    );
    // The office/term shorthand counts as one position.
    assert!(leaders_line(&new).contains("Antony Blinken</bdi></a>, <bdi>Secretary of State</bdi>"));
    // Before any office: the name alone.
    let before = site.page("articles/2012-kenyatta/");
    assert!(
        leaders_line(&before).ends_with("Uhuru Kenyatta</bdi></a>"),
        "{}",
        leaders_line(&before)
    );
    // The briefing's kind is its kicker.
    assert!(old.contains("<p class=\"kicker\">Readout</p>"));
}

#[test]
fn a_leader_page_shows_the_current_office_since_when_and_the_earlier_ones() {
    let (site, _) = built("dossier-offices", "2024-01-15");
    let ruto = site.page("leaders/william-ruto/");
    assert!(
        ruto.contains("<p class=\"office-now\">President of Kenya</p>"),
        "{ruto}"
    );
    assert!(ruto.contains("Since <time datetime=\"2022-09-13\">13 September 2022</time> <span class=\"detail\">(1 year, 4 months)</span>"));
    assert!(ruto.contains("Earlier offices"));
    assert!(ruto.contains("Deputy President of Kenya"));
    assert!(ruto.contains("United Democratic Alliance"));
    let kenyatta = site.page("leaders/uhuru-kenyatta/");
    assert!(
        kenyatta.contains("<span class=\"former\">Former</span> President of Kenya"),
        "{kenyatta}"
    );
}

#[test]
fn indexes_and_country_pages_split_leaders_in_office_from_former_ones() {
    let (site, _) = built("dossier-offices", "2024-01-15");
    let index = site.page("leaders/");
    let former = index
        .find("id=\"former-leaders\"")
        .expect("a former section");
    assert!(index.find("William Ruto").unwrap() < former);
    assert!(index.find("Uhuru Kenyatta").unwrap() > former);
    // A former leader's card names the last office and its years.
    assert!(
        index.contains("Uhuru Kenyatta</bdi></a> <span class=\"detail\">Former President of Kenya, 2013–2022</span>"),
        "{index}"
    );
    let kenya = site.page("countries/kenya/");
    assert!(kenya.contains("<dt>President of Kenya</dt> <dd><a href=\"/leaders/william-ruto/\"><bdi>William Ruto</bdi></a></dd>"), "{kenya}");
    let former_line = &kenya[kenya
        .find("<dt>Former leaders</dt>")
        .expect("former leaders")..];
    let former_line = &former_line[..former_line.find("</dd>").unwrap()];
    // With the office they left and its years.
    assert!(
        former_line.contains("Uhuru Kenyatta</bdi></a> <span class=\"detail\">(<bdi>President of Kenya, 2013–2022</bdi>)</span>"),
        "{former_line}"
    );
    // One jump link a group: Kenya's former leaders are named as such.
    let toc = &index[index.find("<nav class=\"toc\"").expect("a toc")..];
    let toc = &toc[..toc.find("</nav>").unwrap()];
    assert!(toc.contains("Kenya</bdi></a>"), "{toc}");
    assert!(
        toc.contains("Kenya</bdi> <span class=\"detail\">(former leaders)</span></a>"),
        "{toc}"
    );
}

#[test]
fn overlapping_offices_warn_but_a_handover_on_the_same_day_does_not() {
    let (_, warnings) = built("dossier-offices", "2024-01-15");
    let overlaps: Vec<&String> = warnings
        .iter()
        .filter(|w| w.contains("over overlapping dates"))
        .collect();
    assert_eq!(overlaps.len(), 2, "{warnings:#?}");
    assert!(overlaps
        .iter()
        .any(|w| w
            .contains("Overlapping Claimant and Uhuru Kenyatta both hold `President of Kenya`")));
    assert!(overlaps.iter().any(
        |w| w.contains("Overlapping Claimant and William Ruto both hold `President of Kenya`")
    ));
    // Kenyatta's term ends on 13 September 2022, the day Ruto's begins.
    assert!(!warnings
        .iter()
        .any(|w| w.contains("Uhuru Kenyatta and William Ruto")));
}

#[test]
fn leaders_named_together_are_one_list_with_their_dates_and_no_repeated_links() {
    let (site, _) = built("dossier-offices", "2024-01-15");
    let ruto = site.page("leaders/william-ruto/");
    assert!(!ruto.contains("Appears with"), "one block, not two");
    let list = &ruto[ruto
        .find("id=\"mentioned-heading\"")
        .expect("often mentioned with")..];
    let list = &list[..list.find("</section>").unwrap()];
    let blinken = list.find("Antony Blinken").unwrap();
    let kenyatta = list.find("Uhuru Kenyatta").unwrap();
    assert!(
        blinken < kenyatta,
        "Blinken shares two briefings, Kenyatta one"
    );
    assert!(list.contains("leader, 2 shared briefings, <time datetime=\"2023-09-21\">21 September 2023</time> to <time datetime=\"2023-09-22\">22 September 2023</time>"), "{list}");
    // A shared briefing is not linked again under each leader.
    assert!(!list.contains("/articles/"), "{list}");
}

#[test]
fn a_crisis_page_shows_its_trend_strip_and_figures_with_ranges_and_disagreeing_sources() {
    let (site, _) = built("dossier-crisis", "2024-02-15");
    let page = site.page("crises/gang-crisis/");
    // The latest assessment as of the reference date leads, with its alert
    // if any: December's, not April's, a month not begun on 15 February.
    let latest = &page[page.find("<p class=\"latest\">").unwrap()..];
    assert!(
        latest
            .starts_with("<p class=\"latest\"><span class=\"trend\" data-trend=\"deteriorated\">"),
        "{}",
        &latest[..200]
    );
    // November and December; April 2024 is not assessed yet on 15 February.
    assert_eq!(page.matches("<li data-trend=").count(), 2);
    assert!(page.contains("Risk alert"));
    // Two sources for December 2023, side by side; June's value as history.
    let figures = &page[page.find("id=\"figures-heading\"").unwrap()..];
    let latest_values: Vec<&str> = figures
        .split("<span class=\"number\">")
        .skip(1)
        .map(|s| &s[..s.find('<').unwrap()])
        .collect();
    assert_eq!(latest_values[..2], ["150,000–200,000", "170,000"]);
    assert!(figures.contains("Earlier: 100,000 (<time datetime=\"2023-06\">June 2023</time>"));
    assert!(figures.contains("source not given"));
}

#[test]
fn stale_and_unsourced_figures_future_months_and_untitled_dates_warn() {
    let (_, warnings) = built("dossier-crisis", "2024-02-15");
    for expected in [
        "content/crises/gang-crisis.md:32: stale figure: `killed` is from November 2022, more than 12 months before 15 February 2024",
        "content/crises/gang-crisis.md:34: the figure `unsourced` (January 2024) has no source",
        "content/crises/gang-crisis.md:13: the assessment for April 2024 is after the reference date (15 February 2024)",
        "content/crises/gang-crisis.md:41: the key date 1 March 2024 has no title",
    ] {
        assert!(warnings.iter().any(|w| w.contains(expected)), "missing {expected:?} in {warnings:#?}");
    }
    // A year earlier, nothing is stale yet and April 2024 is not assessed.
    let (_, earlier) = built("dossier-crisis", "2023-06-15");
    assert!(
        !earlier.iter().any(|w| w.contains("stale figure")),
        "{earlier:#?}"
    );
}

#[test]
fn the_calendar_splits_upcoming_from_recent_at_the_reference_date() {
    let (site, _) = built("dossier-crisis", "2024-02-15");
    let page = site.page("calendar/");
    let upcoming =
        &page[page.find("id=\"upcoming\"").unwrap()..page.find("id=\"recent\"").unwrap()];
    let recent = &page[page.find("id=\"recent\"").unwrap()..];
    assert!(upcoming.contains("A fixture vote"));
    assert!(upcoming.contains("<a href=\"/crises/gang-crisis/\"><bdi>Gang crisis</bdi></a>"));
    assert!(recent.contains("<h3>February 2024</h3>"));
    assert!(recent.contains("A fixture date in the past month"));
    // Older than the recent window: in the feeds, not on the page.
    assert!(!page.contains("An old date"));
    // The same dates on the entity page: upcoming first.
    let crisis = site.page("crises/gang-crisis/");
    assert!(crisis.contains("<h3>Coming up</h3>"));
    // A day later, the vote is past.
    let (later, _) = built("dossier-crisis", "2024-03-02");
    let page = later.page("calendar/");
    assert!(page[page.find("id=\"recent\"").unwrap()..].contains("A fixture vote"));
}

#[test]
fn ics_feeds_parse_back_with_stable_uids_and_all_day_events() {
    use icalendar::{Calendar, CalendarComponent, Component};
    let (site, _) = built("dossier-crisis", "2024-02-15");
    let read = |path: &str| std::fs::read_to_string(site.out().join(path)).unwrap();
    let text = read("calendar.ics");
    assert!(text.contains("\r\n"), "RFC 5545 lines end in CRLF");
    let cal: Calendar = text.parse().expect("the feed parses");
    let events: Vec<_> = cal
        .components
        .iter()
        .filter_map(|c| match c {
            CalendarComponent::Event(e) => Some(e),
            _ => None,
        })
        .collect();
    assert_eq!(events.len(), 4);
    let uids: std::collections::BTreeSet<&str> =
        events.iter().map(|e| e.get_uid().unwrap()).collect();
    assert_eq!(uids.len(), 4, "UIDs are unique");
    let vote = events
        .iter()
        .find(|e| e.get_summary() == Some("Gang crisis: A fixture vote"))
        .unwrap();
    assert_eq!(
        vote.get_start(),
        Some(icalendar::DatePerhapsTime::Date(
            NaiveDate::from_ymd_opt(2024, 3, 1).unwrap()
        ))
    );
    assert!(text.contains("DTSTART;VALUE=DATE:20240301"));
    assert!(text.contains("DTEND;VALUE=DATE:20240302"));
    // The crisis's own feed holds its two dates; UIDs do not change between builds.
    let own: Calendar = read("crises/gang-crisis/calendar.ics").parse().unwrap();
    assert_eq!(own.components.len(), 2);
    let (again, _) = built("dossier-crisis", "2024-02-15");
    assert_eq!(
        std::fs::read(again.out().join("calendar.ics")).unwrap(),
        text.as_bytes()
    );
}

#[test]
fn the_export_and_json_ld_carry_the_dossier() {
    let (site, _) = built("dossier-offices", "2024-01-15");
    let api: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(site.out().join("api/entities.json")).unwrap(),
    )
    .unwrap();
    let ruto = api["entities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["slug"] == "william-ruto")
        .unwrap();
    assert_eq!(ruto["positions"][0]["office"], "President of Kenya");
    assert_eq!(ruto["positions"][1]["to"], "2022-09-13");
    let ld = common::json_ld(&site.page("leaders/william-ruto/"));
    let person = &ld[0];
    assert_eq!(person["@type"], "Person");
    assert_eq!(person["jobTitle"], "President of Kenya");
    let roles = person["hasOccupation"].as_array().unwrap();
    assert_eq!(roles[1]["@type"], "Role");
    assert_eq!(roles[1]["startDate"], "2013-04-09");
    assert_eq!(roles[1]["endDate"], "2022-09-13");
    assert_eq!(roles[1]["hasOccupation"]["@type"], "Occupation");

    let (crisis, _) = built("dossier-crisis", "2024-02-15");
    let api: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(crisis.out().join("api/entities.json")).unwrap(),
    )
    .unwrap();
    let gang = api["entities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["slug"] == "gang-crisis")
        .unwrap();
    assert_eq!(gang["assessments"][1]["alert"], "risk");
    assert_eq!(gang["figures"][0]["min"], 150000.0);
    assert_eq!(gang["dates"][0]["date"], "2024-03-01");
    let ld = common::json_ld(&crisis.page("crises/gang-crisis/"));
    assert_eq!(ld[0]["subjectOf"][0]["@type"], "Event");
    assert_eq!(ld[0]["subjectOf"][0]["startDate"], "2024-03-01");
}

/// Every `@type` in the JSON-LD of the fixture sites is a schema.org type,
/// and every property used is one schema.org defines. The list is checked
/// by hand against schema.org's vocabulary (https://schema.org/docs/full.html).
#[test]
fn json_ld_uses_only_schema_org_types_and_properties() {
    const TYPES: &[&str] = &[
        "NewsArticle",
        "Organization",
        "Person",
        "Country",
        "Event",
        "Role",
        "Occupation",
        "Place",
        "PropertyValue",
    ];
    const PROPERTIES: &[&str] = &[
        "@context",
        "@type",
        "@id",
        "name",
        "url",
        "alternateName",
        "description",
        "identifier",
        "jobTitle",
        "nationality",
        "hasOccupation",
        "roleName",
        "startDate",
        "endDate",
        "location",
        "subjectOf",
        "headline",
        "datePublished",
        "dateModified",
        "mainEntityOfPage",
        "inLanguage",
        "keywords",
        "about",
        "mentions",
        "publisher",
        "author",
        "image",
        "additionalProperty",
        "propertyID",
        "value",
        "minValue",
        "maxValue",
        "unitText",
    ];
    fn walk(v: &serde_json::Value, bad: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(map) => {
                for (k, val) in map {
                    if !PROPERTIES.contains(&k.as_str()) {
                        bad.push(format!("property {k}"));
                    }
                    if k == "@type" && !TYPES.contains(&val.as_str().unwrap_or("")) {
                        bad.push(format!("type {val}"));
                    }
                    walk(val, bad);
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|i| walk(i, bad)),
            _ => {}
        }
    }
    for (fixture, day) in [
        ("dossier-offices", "2024-01-15"),
        ("dossier-crisis", "2024-02-15"),
    ] {
        let (site, _) = built(fixture, day);
        for page in common::html_files(&site.out()) {
            let html = std::fs::read_to_string(site.out().join(&page)).unwrap();
            let mut bad = Vec::new();
            for ld in common::json_ld(&html) {
                walk(&ld, &mut bad);
            }
            assert!(bad.is_empty(), "{}: {bad:?}", page.display());
        }
    }
}

#[test]
fn check_suggests_a_country_that_co_mention_strongly_implies() {
    let site = TestSite::empty();
    site.write(
        "content/crises/war-in-sudan.md",
        "---\nname: War in Sudan\nstatus: active\n---\nA crisis.\n",
    );
    site.write(
        "content/countries/sudan.md",
        "---\nname: Sudan\n---\nA country.\n",
    );
    site.write(
        "content/countries/chad.md",
        "---\nname: Chad\n---\nA country.\n",
    );
    for i in 1..=4 {
        let countries = if i == 1 { "[Sudan, Chad]" } else { "[Sudan]" };
        site.write(
            &format!("content/articles/a{i}.md"),
            &format!("---\ntitle: Note {i}\ndate: 2024-01-0{i}\ncrises: [War in Sudan]\ncountries: {countries}\n---\nText.\n"),
        );
    }
    let findings: Vec<String> = briefing::check::check(site.path(), &on("2024-01-10"))
        .unwrap()
        .iter()
        .map(|d| d.to_string())
        .collect();
    assert!(
        findings.iter().any(|f| f.contains(
            "Sudan appears in 4 of 4 briefings about War in Sudan; add it to `countries`?"
        )),
        "{findings:#?}"
    );
    // One shared briefing is not a pattern.
    assert!(
        !findings.iter().any(|f| f.contains("Chad appears")),
        "{findings:#?}"
    );
    // Stated in the profile, it is no longer suggested, and the page says it.
    site.write(
        "content/crises/war-in-sudan.md",
        "---\nname: War in Sudan\nstatus: active\ncountries: [Sudan]\n---\nA crisis.\n",
    );
    let findings = briefing::check::check(site.path(), &on("2024-01-10")).unwrap();
    assert!(!findings
        .iter()
        .any(|d| d.to_string().contains("appears in")));
}

#[test]
fn typed_relations_come_from_profiles_and_co_mention_is_only_a_signal() {
    let site = TestSite::empty();
    site.write(
        "content/crises/haiti-crisis.md",
        "---\nname: Haiti crisis\nstatus: active\ncountries: [Haiti]\n---\nA crisis.\n",
    );
    site.write(
        "content/countries/haiti.md",
        "---\nname: Haiti\n---\nA country.\n",
    );
    site.write(
        "content/countries/ukraine.md",
        "---\nname: Ukraine\n---\nA country.\n",
    );
    site.write(
        "content/articles/a.md",
        "---\ntitle: One briefing naming both\ndate: 2023-09-21\ncountries: [Haiti, Ukraine]\ncrises: [Haiti crisis]\n---\nText.\n",
    );
    site.build_with(&on("2023-10-01")).unwrap();
    let ukraine = site.page("countries/ukraine/");
    // Not stated as a connection...
    assert!(!ukraine.contains("<dt>Crises</dt>"), "{ukraine}");
    // ...but shown as co-mention, with the count.
    let mentioned = &ukraine[ukraine
        .find("id=\"mentioned-heading\"")
        .expect("co-mention")..];
    assert!(
        mentioned.contains(
            "Haiti crisis</bdi></a> <span class=\"detail\">crisis, 1 shared briefing</span>"
        ),
        "{mentioned}"
    );
    let haiti = site.page("countries/haiti/");
    assert!(haiti.contains("<dt>Crises</dt>"));
    let crisis = site.page("crises/haiti-crisis/");
    let facts = &crisis[crisis.find("<dt>Countries</dt>").unwrap()..];
    assert!(!facts[..facts.find("</dd>").unwrap()].contains("Ukraine"));
}

#[test]
fn co_mention_ranks_by_strength_so_a_hub_does_not_top_every_list() {
    let site = TestSite::empty();
    site.write(
        "content/leaders/x.md",
        "---\nname: Leader X\n---\nA leader.\n",
    );
    // The hub is named in every briefing; Chad only in two, both with X.
    for i in 1..=12 {
        let mut countries = vec!["United States"];
        let mut leaders = "";
        if i <= 4 {
            leaders = "leaders: [Leader X]\n";
        }
        if i <= 2 {
            countries.push("Chad");
        }
        site.write(
            &format!("content/articles/a{i:02}.md"),
            &format!("---\ntitle: Note {i}\ndate: 2024-01-{i:02}\ncountries: [{}]\n{leaders}---\nText.\n", countries.join(", ")),
        );
    }
    site.build_with(&on("2024-02-01")).unwrap();
    let page = site.page("leaders/x/");
    let list = &page[page.find("id=\"mentioned-heading\"").unwrap()..];
    let chad = list.find(">Chad</bdi></a>").expect("Chad listed");
    let hub = list
        .find(">United States</bdi></a>")
        .expect("the hub listed");
    assert!(chad < hub, "2 of 2 shared outranks 4 of 12: {list}");
    assert!(list.contains(
        "United States</bdi></a> <span class=\"detail\">country, 4 shared briefings</span>"
    ));
}

#[test]
fn the_home_page_lists_the_next_30_days_of_key_dates() {
    let (site, _) = built("dossier-crisis", "2024-02-15");
    let home = site.page("");
    let coming = &home[home.find("id=\"coming-up\"").expect("coming up")..];
    let coming = &coming[..coming.find("</section>").unwrap()];
    assert!(coming.contains("A fixture vote"), "{coming}");
    assert!(!coming.contains("A fixture date in the past month"));
    // Thirty days later the vote is past and nothing is within reach.
    let (later, _) = built("dossier-crisis", "2024-03-20");
    assert!(!later.page("").contains("id=\"coming-up\""));
}

/// The `<dl class="facts">` of a page.
fn fact_box(html: &str) -> &str {
    let start = html.find("<dl class=\"facts\">").expect("a fact box");
    let rest = &html[start..];
    &rest[..rest.find("</dl>").unwrap()]
}

#[test]
fn several_offices_held_at_once_are_all_current() {
    let (site, _) = built("dossier-concurrent-offices", "2024-01-15");
    let ada = site.page("leaders/ada-example/");
    // Her own country's office heads the page; the bloc's chair is also held.
    assert!(
        ada.contains("<p class=\"office-now\">President of Ruritania</p>"),
        "{ada}"
    );
    let also = &ada[ada.find("<h3>Also holds</h3>").expect("also holds")..];
    assert!(also.contains("<li>Chair, Regional Bloc"), "{also}");
    assert!(!ada.contains("Earlier offices"), "{ada}");
    // The country's fact box names the president; the bloc's office is the bloc's.
    let country = site.page("countries/ruritania/");
    let facts = fact_box(&country);
    assert!(facts.contains("<dt>President of Ruritania</dt> <dd><a href=\"/leaders/ada-example/\"><bdi>Ada Example</bdi></a></dd>"), "{facts}");
    assert!(facts.contains("<dt>Chair, Regional Bloc</dt>"), "{facts}");
    assert!(
        facts.find("President of Ruritania").unwrap() < facts.find("Chair, Regional Bloc").unwrap()
    );
    // A briefing names every office held on its date.
    let meeting = site.page("articles/meeting/");
    assert!(meeting.contains("<bdi>Ada Example</bdi></a>, <bdi>President of Ruritania and Chair, Regional Bloc</bdi>"), "{meeting}");
    // The primary flag decides between two of the country's own offices.
    let dee = site.page("leaders/dee-primary/");
    assert!(
        dee.contains("<p class=\"office-now\">Minister of Foreign Affairs of Ruritania</p>"),
        "{dee}"
    );
    // The day the chair's term ends, the chair is earlier.
    let (later, _) = built("dossier-concurrent-offices", "2024-02-01");
    let ada = later.page("leaders/ada-example/");
    assert!(!ada.contains("Also holds"), "{ada}");
    assert!(ada.contains("<h3>Earlier offices</h3>"), "{ada}");
}

#[test]
fn an_office_not_begun_is_upcoming_and_its_holder_neither_current_nor_former() {
    for (day, begun) in [("2024-08-31", false), ("2024-09-01", true)] {
        let (site, _) = built("dossier-concurrent-offices", day);
        let country = site.page("countries/ruritania/");
        let facts = fact_box(&country);
        let relations = &country[country.find("id=\"relations-heading\"").unwrap()..];
        let former = relations
            .find("<dt>Former leaders</dt>")
            .map(|i| &relations[i..relations[i..].find("</dd>").unwrap() + i])
            .unwrap_or("");
        assert!(former.contains("Cy Former"), "{day}: {relations}");
        assert!(!former.contains("Ben Incoming"), "{day}: {former}");
        let ben = site.page("leaders/ben-incoming/");
        let index = site.page("leaders/");
        let former_index = &index[index.find("id=\"former-leaders\"").expect("former")..];
        assert!(!former_index.contains("Ben Incoming"), "{day}");
        if begun {
            assert!(
                facts.contains(
                    "<dt>Prime Minister of Ruritania</dt> <dd><a href=\"/leaders/ben-incoming/\">"
                ),
                "{facts}"
            );
            assert!(ben.contains("<p class=\"office-now\">Prime Minister of Ruritania</p>"));
        } else {
            assert!(!facts.contains("Ben Incoming"), "{facts}");
            assert!(relations.contains("<dt>Taking office</dt> <dd><a href=\"/leaders/ben-incoming/\"><bdi>Ben Incoming</bdi></a>, <bdi>Prime Minister of Ruritania, from 1 September 2024</bdi></dd>"), "{relations}");
            assert!(
                ben.contains("<span class=\"former\">Incoming</span> Prime Minister of Ruritania"),
                "{ben}"
            );
            assert!(
                ben.contains("From <time datetime=\"2024-09-01\">1 September 2024</time>"),
                "{ben}"
            );
            assert!(!ben.contains(">Former<"), "{ben}");
            assert!(
                index.contains("Prime Minister of Ruritania from 1 September 2024"),
                "{index}"
            );
        }
    }
}

#[test]
fn an_empty_office_is_an_error() {
    let site = TestSite::fixture("dossier-concurrent-offices");
    site.write(
        "content/leaders/empty.md",
        "---\nname: Empty Office\npositions:\n  - office: \"  \"\n    from: 2020-01-01\n---\n",
    );
    let err = site.build_err(&on("2024-01-15"));
    assert!(
        err.contains("content/leaders/empty.md:4: a position with an empty `office`"),
        "{err}"
    );
}

#[test]
fn figures_carry_their_unit_everywhere_and_only_the_newest_value_goes_stale() {
    let (site, warnings) = built("dossier-figures", "2024-02-15");
    let page = site.page("crises/unit-crisis/");
    assert!(
        page.contains("<span class=\"number\">170,000 people</span>"),
        "{page}"
    );
    assert!(page.contains("Earlier: 150,000–200,000 people ("), "{page}");
    assert!(
        page.contains("<span class=\"number\">34.5%</span>"),
        "{page}"
    );
    assert!(
        page.contains("<span class=\"number\">USD 720,000,000</span>"),
        "{page}"
    );
    // JSON-LD: a PropertyValue with unitText.
    let ld = common::json_ld(&page);
    let props = ld[0]["additionalProperty"]
        .as_array()
        .expect("figures in JSON-LD");
    let funded = props.iter().find(|p| p["propertyID"] == "funded").unwrap();
    assert_eq!(funded["unitText"], "%");
    assert_eq!(funded["value"], 34.5);
    let range = props.iter().find(|p| p["minValue"] == 150000.0).unwrap();
    assert_eq!(range["unitText"], "people");
    // The export.
    let api: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(site.out().join("api/entities.json")).unwrap(),
    )
    .unwrap();
    let crisis = api["entities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["slug"] == "unit-crisis")
        .unwrap();
    let units: Vec<&str> = crisis["figures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["unit"].as_str().unwrap())
        .collect();
    assert_eq!(units, ["people", "people", "%", "USD"]);
    // The 2021 range is old, but a newer value of `displaced` exists; the
    // 2022 funding share has none.
    let stale: Vec<&String> = warnings
        .iter()
        .filter(|w| w.contains("stale figure"))
        .collect();
    assert_eq!(stale.len(), 1, "{stale:#?}");
    assert!(
        stale[0].contains("`funded` is from January 2022"),
        "{stale:#?}"
    );
}

/// The crisis page's month-by-month list and key figures, as of `day`:
/// (months listed, the newest displaced figures shown).
fn crisis_as_of(day: &str) -> (Vec<String>, Vec<String>) {
    let (site, _) = built("dossier-crisis", day);
    let page = site.page("crises/gang-crisis/");
    let months = page
        .split("<li data-trend=")
        .skip(1)
        .map(|s| {
            let t = &s[s.find("<time datetime=\"").unwrap() + 16..];
            t[..t.find('"').unwrap()].to_string()
        })
        .collect();
    let figures = &page[page.find("id=\"figures-heading\"").unwrap()..];
    // Up to the next metric: the fixture's second is "killed".
    let displaced = &figures[..figures.find("<dt>Killed</dt>").unwrap()];
    let values = displaced
        .split("<span class=\"number\">")
        .skip(1)
        .map(|s| s[..s.find('<').unwrap()].to_string())
        .collect();
    (months, values)
}

#[test]
fn a_crisis_page_states_no_assessment_or_figure_dated_after_the_reference_date() {
    // April 2024's assessment: not on 31 March, listed from 1 April.
    assert_eq!(crisis_as_of("2024-03-31").0, ["2023-11", "2023-12"]);
    assert_eq!(
        crisis_as_of("2024-04-01").0,
        ["2023-11", "2023-12", "2024-04"]
    );
    assert_eq!(
        crisis_as_of("2024-04-02").0,
        ["2023-11", "2023-12", "2024-04"]
    );
    // December 2023's displacement figures: on 30 November the newest is
    // June's; from 1 December, December's two sources.
    assert_eq!(crisis_as_of("2023-11-30").1, ["100,000"]);
    assert_eq!(crisis_as_of("2023-12-01").1, ["150,000–200,000", "170,000"]);
    assert_eq!(crisis_as_of("2023-12-02").1, ["150,000–200,000", "170,000"]);
}
