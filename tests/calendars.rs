//! The iCalendar feeds: author text stays text (RFC 5545 escaping), lines
//! fold at 75 octets, UIDs stay put, and every calendar that the example
//! and the fixture sites write reads back. `tests/browser/calendars.test.mjs`
//! reads the same files with a second, independent parser (ical.js).

mod common;

use briefing::BuildOptions;
use common::{invariants, TestSite};
use icalendar::{Calendar, CalendarComponent, Component};
use std::path::Path;

fn events(cal: &Calendar) -> Vec<&icalendar::Event> {
    cal.components
        .iter()
        .filter_map(|c| match c {
            CalendarComponent::Event(e) => Some(e),
            _ => None,
        })
        .collect()
}

fn read(site: &TestSite, path: &str) -> String {
    std::fs::read_to_string(site.out().join(path)).unwrap()
}

#[test]
fn author_text_cannot_end_the_calendar_or_split_a_category() {
    let site = TestSite::fixture("calendar-text");
    site.build_ok();
    let text = read(&site, "calendar.ics");
    invariants::check_ics(&text).unwrap();
    let ends = text.split("\r\n").filter(|l| *l == "END:VCALENDAR").count();
    assert_eq!(ends, 1, "{text}");
    assert!(
        text.contains("CATEGORIES:vote\\nEND:VCALENDAR\r\n"),
        "{text}"
    );
    assert!(text.contains("CATEGORIES:vote\\, final\r\n"), "{text}");
    assert!(text.contains("NAME:Desk\\; East\\, Africa \\\\ notes: key dates\r\n"));
    assert!(text.contains("SUMMARY:Vote\\, recount\\; appeal: A fixture vote\r\n"));
    // The kind is shown as written.
    assert!(text.contains("CATEGORIES:UN Security Council readout\r\n"));
    let cal: Calendar = text.parse().unwrap();
    let events = events(&cal);
    assert_eq!(events.len(), 4);
    let long = events
        .iter()
        .find(|e| e.get_start() == Some(date(2024, 3, 2).into()))
        .unwrap();
    assert!(long.get_summary().unwrap().contains("選挙"));
}

fn date(y: i32, m: u32, d: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn the_last_day_of_year_9999_is_an_all_day_event_without_an_unwritable_end() {
    let site = TestSite::fixture("calendar-text");
    site.build_ok();
    let text = read(&site, "crises/vote-crisis/calendar.ics");
    let last = &text[text.find("DTSTART;VALUE=DATE:99991231").expect("the date")..];
    let event = &last[..last.find("END:VEVENT").unwrap()];
    assert!(!event.contains("DTEND"), "{event}");
    assert!(
        !text.contains("+10000") && !text.contains("100000101"),
        "{text}"
    );
}

#[test]
fn uids_stay_when_another_date_is_added_on_the_same_day() {
    let site = TestSite::fixture("calendar-text");
    site.build_ok();
    let uids = |text: &str| -> Vec<(String, String)> {
        let cal: Calendar = text.parse().unwrap();
        events(&cal)
            .iter()
            .map(|e| {
                (
                    e.get_summary().unwrap().to_string(),
                    e.get_uid().unwrap().to_string(),
                )
            })
            .collect()
    };
    let before = uids(&read(&site, "calendar.ics"));
    let path = site.path().join("content/crises/vote-crisis.md");
    let profile = std::fs::read_to_string(&path).unwrap().replacen(
        "dates:\n",
        "dates:\n  - date: 2024-03-01\n    title: An earlier-sorting date added later\n",
        1,
    );
    std::fs::write(&path, profile).unwrap();
    site.build_ok();
    let after = uids(&read(&site, "calendar.ics"));
    assert_eq!(after.len(), before.len() + 1);
    for (summary, uid) in &before {
        assert!(
            after.contains(&(summary.clone(), uid.clone())),
            "{summary} changed its UID"
        );
    }
    let all: std::collections::BTreeSet<_> = after.iter().map(|(_, u)| u).collect();
    assert_eq!(all.len(), after.len(), "UIDs are unique");
}

/// Every fixture that builds, and the example site: each calendar passes
/// the strict check and the crate's parser.
#[test]
fn every_calendar_the_example_and_fixtures_write_reads_back() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut sites = vec![root.to_path_buf()];
    for entry in std::fs::read_dir(root.join("tests/fixtures")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.starts_with("fail-") {
            sites.push(path);
        }
    }
    let mut calendars = 0;
    for src in sites {
        let out = tempfile::tempdir().unwrap();
        let options = BuildOptions::default();
        let Ok(_) = briefing::build(&src, Some(out.path()), &options) else {
            continue; // some fixtures are built only with options of their own
        };
        for entry in walkdir::WalkDir::new(out.path()) {
            let entry = entry.unwrap();
            if entry.path().extension().is_some_and(|e| e == "ics") {
                let text = std::fs::read_to_string(entry.path()).unwrap();
                invariants::check_ics(&text)
                    .unwrap_or_else(|e| panic!("{}: {e}", entry.path().display()));
                calendars += 1;
            }
        }
    }
    assert!(calendars >= 15, "only {calendars} calendars were checked");
}
