//! Briefing books (`content/books/`): every section of a book as of its
//! date, the "nothing after the date" rule at its edges, the list, the
//! links from entity pages, the calendars, the export, search and check.
//! The fixture `books` puts a briefing, a figure, an office change and a
//! key date on 21 September 2023, the talks' day, and one more of each on
//! either side of it. The browser test (`tests/browser/books.test.mjs`)
//! checks how a book prints.

mod common;

use briefing::BuildOptions;
use common::{on, TestSite};

/// The fixture's main book, at `date` (YYYY-MM-DD), built.
fn book_on(date: &str) -> (TestSite, String) {
    let site = TestSite::fixture("books");
    let path = site.path().join("content/books/border-talks.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let text = text.replace("date: 2023-09-21", &format!("date: {date}"));
    std::fs::write(&path, text).unwrap();
    site.build_ok();
    let page = site.page("books/border-talks/");
    (site, page)
}

/// The part of a page from the element with `id` to the end of its
/// section.
fn section<'a>(page: &'a str, id: &str) -> &'a str {
    let start = page
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id}"));
    let rest = &page[start..];
    let end = rest
        .find("<section class=\"book-section\"")
        .unwrap_or(rest.len());
    &rest[..end]
}

fn cover(page: &str) -> &str {
    let start = page.find("class=\"book-cover\"").expect("a cover");
    &page[start..page.find("</header>\n\n  <nav").expect("the cover ends")]
}

#[test]
fn a_book_shows_every_section_as_of_its_date() {
    let (_site, page) = book_on("2023-09-21");
    // Cover: the principal and each counterpart with every office held
    // that day (two at once for Brun, none yet for Cruz), and countries.
    let c = cover(&page);
    assert!(c.contains("<h1>Border talks with Borduria</h1>"), "{c}");
    assert!(c.contains("21 September 2023</time>"), "{c}");
    assert!(c.contains("<bdi>Szohod</bdi>"), "{c}");
    assert!(
        c.contains("<bdi>Alice Ames</bdi></a>, <bdi>Foreign Minister of Atlantis</bdi>"),
        "{c}"
    );
    assert!(
        c.contains("<bdi>President of Borduria</bdi> <span class=\"detail\">(since <time datetime=\"2023-09-21\">21 September 2023</time>)</span> and <bdi>Chair, Northern League</bdi>"),
        "{c}"
    );
    assert!(c.contains("href=\"/countries/borduria/\""), "{c}");
    assert!(
        c.contains(
            "<bdi>Carla Cruz</bdi></a> <span class=\"detail\">(no office held on this date)"
        ),
        "{c}"
    );
    // The tag briefings use is linked; the other is text.
    assert!(c.contains("<a href=\"/tags/talks/\">") || !c.contains("/tags/"));
    assert!(c.contains("<bdi>not a briefing tag</bdi>"), "{c}");

    // Contents: the author's headings, then the book's sections.
    let contents = section(&page, "contents-heading");
    let order = [
        "#objectives",
        "#talking-points",
        "#book-agenda",
        "#book-counterparts",
        "#book-countries",
        "#book-recent",
    ];
    let at: Vec<usize> = order.iter().map(|h| contents.find(h).expect(h)).collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{contents}");

    // The author's text, with its wikilink resolved.
    assert!(page.contains("Agree a date for the next round."), "{page}");
    assert!(page.contains("href=\"/articles/eve-of-talks/\">Eve of talks</a>"));

    // Agenda: September's assessment with its source, the figure of the
    // day with the earlier one, and the key dates still ahead then.
    let agenda = section(&page, "book-agenda");
    assert!(agenda.contains("Improved"), "{agenda}");
    assert!(agenda.contains("in September 2023"), "{agenda}");
    assert!(agenda.contains("Resolution opportunity"), "{agenda}");
    assert!(agenda.contains("September note."), "{agenda}");
    assert!(
        agenda.contains("https://monitor.example.org/2023-09"),
        "{agenda}"
    );
    assert!(
        agenda.contains("<span class=\"number\">2,000</span>"),
        "{agenda}"
    );
    assert!(agenda.contains("Earlier: 1,000"), "{agenda}");
    assert!(agenda.contains("Coming up then"), "{agenda}");
    assert!(agenda.contains("Talks open"), "{agenda}");
    assert!(agenda.contains("Border referendum"), "{agenda}");
    assert!(
        !agenda.contains("Far-off review"),
        "more than a year ahead: {agenda}"
    );
    assert!(agenda.contains("January note."), "{agenda}");

    // Counterparts: offices since when, the history with the principal,
    // the latest briefings naming them.
    let people = section(&page, "book-counterparts");
    assert!(
        people.contains("President of Borduria</bdi>, since"),
        "{people}"
    );
    assert!(
        people.contains("2 briefings name both, the first on <time datetime=\"2023-06-01\">"),
        "{people}"
    );
    assert!(people.contains("Latest briefings naming <bdi>Boris Brun</bdi>"));
    assert!(
        people.contains("No briefing names both by this date."),
        "Cruz: {people}"
    );

    // Countries: the card as of the day.
    let countries = section(&page, "book-countries");
    assert!(
        countries.contains("<dt>Capital</dt> <dd>Szohod</dd>"),
        "{countries}"
    );
    assert!(countries.contains("<dd>3 by this date</dd>"), "{countries}");
    assert!(countries.contains("General election"), "{countries}");

    // Recent briefings: the 90 days to the date, newest first; June's call
    // is older than that.
    let recent = section(&page, "book-recent");
    let readout = recent.find("Talks readout").expect("the day's briefing");
    let eve = recent.find("Eve of talks").expect("the eve's briefing");
    assert!(readout < eve, "{recent}");
    assert!(!recent.contains("Early contact"), "{recent}");
    assert!(
        recent.contains("Ames and Brun meet."),
        "summaries: {recent}"
    );
}

/// The book's page mentions of what is dated on each side of the talks.
fn states(page: &str) -> [bool; 7] {
    let agenda = section(page, "book-agenda");
    let people = section(page, "book-counterparts");
    let recent = section(page, "book-recent");
    [
        recent.contains("Talks readout"),
        page.contains("Aftermath"),
        agenda.contains("2,000"),
        page.contains("5,000"),
        cover(page).contains("President of Borduria"),
        cover(page).contains("Prime Minister of Borduria"),
        people.contains("2 briefings name both"),
    ]
}

#[test]
fn nothing_dated_after_the_book_appears_in_it() {
    // What is dated 21 September: the readout, the 2,000 figure, Brun's
    // presidency, the second shared briefing. The 22nd: the aftermath and
    // 5,000. Prime minister until the 20th.
    let (_s, before) = book_on("2023-09-20");
    assert_eq!(
        states(&before),
        [false, false, false, false, false, true, false]
    );
    let (_s, same) = book_on("2023-09-21");
    assert_eq!(states(&same), [true, false, true, false, true, false, true]);
    let (_s, after) = book_on("2023-09-22");
    assert_eq!(states(&after), [true, true, true, true, true, false, true]);
    // October's assessment is never known in September, and a later
    // briefing about the principal never shows.
    for page in [&before, &same, &after] {
        assert!(!page.contains("October note."));
        assert!(!page.contains("Later note"));
    }
}

#[test]
fn an_assessment_is_known_from_the_first_of_its_month() {
    let (_s, last_of_august) = book_on("2023-08-31");
    let agenda = section(&last_of_august, "book-agenda");
    assert!(agenda.contains("in August 2023"), "{agenda}");
    assert!(!agenda.contains("September note."), "{agenda}");
    let (_s, first) = book_on("2023-09-01");
    let agenda = section(&first, "book-agenda");
    assert!(agenda.contains("September note."), "{agenda}");
    // Months before any assessment: the book says there is none.
    let (_s, early) = book_on("2023-07-15");
    let agenda = section(&early, "book-agenda");
    assert!(agenda.contains("No assessment by this date."), "{agenda}");
}

#[test]
fn a_window_with_nothing_in_it_says_so() {
    let (_s, page) = book_on("2021-03-01");
    let recent = section(&page, "book-recent");
    assert!(recent.contains("None in those days."), "{recent}");
    let people = section(&page, "book-counterparts");
    assert!(
        people.contains("No briefing names both by this date."),
        "{people}"
    );
    assert!(
        cover(&page).contains("Prime Minister of Borduria"),
        "{}",
        cover(&page)
    );
}

#[test]
fn the_list_puts_books_to_come_first_and_leaves_drafts_out() {
    let site = TestSite::fixture("books");
    site.build_ok();
    let list = site.page("books/");
    let coming = list.find("Coming up").unwrap();
    let visit = list.find("Visit to Poseidonia").unwrap();
    let past = list.find("Past meetings").unwrap();
    let talks = list.find("Border talks with Borduria").unwrap();
    assert!(coming < visit && visit < past && past < talks, "{list}");
    assert!(list.contains("1 May 2024</time> to <time datetime=\"2024-05-03\">"));
    assert!(!list.contains("Unfinished book"));
    assert!(!site.has_page("books/draft-book/"));
    // The navigation links the books once there are any.
    assert!(site.page("").contains("href=\"/books/\""));
    // With drafts shown, the draft is a book like any other.
    let drafts = BuildOptions {
        drafts: true,
        ..BuildOptions::default()
    };
    site.build_with(&drafts).unwrap();
    assert!(site.page("books/draft-book/").contains("draft-notice"));
    // After the visit's last day it is past.
    site.build_with(&on("2024-05-04")).unwrap();
    let list = site.page("books/");
    assert!(list.contains("No meeting is coming up."), "{list}");
}

#[test]
fn a_site_without_books_has_no_book_pages_or_link() {
    let site = TestSite::fixture("dossier-crisis");
    site.build_ok();
    assert!(!site.out().join("books").exists());
    assert!(!site.out().join("api/books.json").exists());
    assert!(!site.page("").contains("/books/"));
}

#[test]
fn entity_pages_link_the_books_that_name_them() {
    let site = TestSite::fixture("books");
    site.build_ok();
    let brun = site.page("leaders/boris-brun/");
    assert!(brun.contains("href=\"/books/border-talks/\""), "{brun}");
    assert!(brun.contains("href=\"/books/future-visit/\""), "{brun}");
    // Newest first.
    assert!(brun.find("future-visit").unwrap() < brun.find("border-talks").unwrap());
    for page in [
        "countries/borduria/",
        "crises/border-dispute/",
        "leaders/carla-cruz/",
    ] {
        assert!(
            site.page(page).contains("href=\"/books/border-talks/\""),
            "{page}"
        );
    }
    // Atlantis is only mentioned in a book's text, not named by it.
    assert!(!site
        .page("countries/atlantis/")
        .contains("/books/border-talks/"));
}

#[test]
fn the_meeting_is_an_event_in_the_calendars() {
    let site = TestSite::fixture("books");
    site.build_ok();
    let ics = std::fs::read_to_string(site.out().join("calendar.ics")).unwrap();
    common::invariants::check_ics(&ics).unwrap();
    let event = ics
        .split("BEGIN:VEVENT")
        .find(|e| e.contains("UID:book-future-visit@books.example.org"))
        .expect("the visit's event");
    assert!(event.contains("SUMMARY:Visit to Poseidonia"), "{event}");
    assert!(event.contains("DTSTART;VALUE=DATE:20240501"), "{event}");
    // An all-day end is exclusive: the day after the last.
    assert!(event.contains("DTEND;VALUE=DATE:20240504"), "{event}");
    assert!(event.contains("LOCATION:Poseidonia"), "{event}");
    assert!(
        event.contains("URL:https://books.example.org/books/future-visit/"),
        "{event}"
    );
    // An entity's own calendar has the books that name it, and exists for
    // a leader with no key dates.
    let brun = std::fs::read_to_string(site.out().join("leaders/boris-brun/calendar.ics")).unwrap();
    assert!(brun.contains("UID:book-border-talks@"), "{brun}");
    assert!(brun.contains("UID:book-future-visit@"), "{brun}");
    let cruz = std::fs::read_to_string(site.out().join("leaders/carla-cruz/calendar.ics")).unwrap();
    assert!(!cruz.contains("future-visit"), "{cruz}");
    // The calendar page lists the meetings to come.
    let calendar = site.page("calendar/");
    assert!(calendar.contains("Meetings coming up"), "{calendar}");
    assert!(calendar.contains("Visit to Poseidonia"), "{calendar}");
    assert!(
        !calendar.contains("Border talks with Borduria"),
        "{calendar}"
    );
}

#[test]
fn books_are_exported_and_searchable_as_books() {
    let site = TestSite::fixture("books");
    site.build_ok();
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(site.out().join("api/books.json")).unwrap()).unwrap();
    let books = json["books"].as_array().unwrap();
    assert_eq!(books.len(), 2);
    let talks = books.iter().find(|b| b["slug"] == "border-talks").unwrap();
    assert_eq!(talks["principal"], "alice-ames");
    assert_eq!(
        talks["counterparts"],
        serde_json::json!(["boris-brun", "carla-cruz"])
    );
    assert_eq!(
        talks["crises"],
        serde_json::json!(["border-dispute", "old-quarrel"])
    );
    assert_eq!(talks["date"], "2023-09-21");
    let kinds = std::fs::read_to_string(site.out().join("search-index/filters/type.json")).unwrap();
    assert!(kinds.contains("\"Book\""), "{kinds}");
    let docs: String = std::fs::read_dir(site.out().join("search-index/docs"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    assert!(
        docs.contains("\"/books/border-talks/\",\"Border talks with Borduria\",\"Book\""),
        "{docs}"
    );
}

#[test]
fn check_warns_about_what_a_book_states_thinly() {
    let site = TestSite::fixture("books");
    let findings: Vec<String> = briefing::check::check(site.path(), &BuildOptions::default())
        .unwrap()
        .iter()
        .map(|d| d.to_string())
        .collect();
    let has = |s: &str| findings.iter().any(|f| f.contains(s));
    assert!(
        has("content/books/border-talks.md:8: the agenda's latest assessment of Old quarrel is from January 2023"),
        "{findings:#?}"
    );
    assert!(
        has("content/books/border-talks.md:6: counterpart Carla Cruz holds no office on 21 September 2023"),
        "{findings:#?}"
    );
    assert!(
        has("content/books/border-talks.md:17: mentions Atlantis (country) but does not tag it"),
        "{findings:#?}"
    );
    // September's assessment is recent enough for the border dispute; the
    // principal and Brun hold offices.
    assert!(!has("Border dispute is from"), "{findings:#?}");
    assert!(!has("counterpart Boris Brun"), "{findings:#?}");
}
