//! What the pictures and overviews state, against the reference date:
//! coverage that ends on it, "latest assessments" named for their month,
//! and home-page blocks with a bound. The browser test
//! (`tests/browser/pictures.test.mjs`) checks how they look.

mod common;

use common::{on, TestSite};

fn built(site: TestSite, day: &str) -> TestSite {
    site.build_with(&on(day))
        .unwrap_or_else(|e| panic!("build failed: {e:#}"));
    site
}

/// The home page's latest-assessments section.
fn assessments(home: &str) -> &str {
    let start = home
        .find("id=\"this-month\"")
        .expect("a latest-assessments section");
    let rest = &home[start..];
    &rest[..rest.find("</section>").unwrap()]
}

#[test]
fn latest_assessments_are_named_for_their_month_and_say_when_it_is_behind() {
    // The fixture's crisis is assessed in November and December 2023 and
    // April 2024.
    let site = built(TestSite::fixture("dossier-crisis"), "2024-04-15");
    let home = site.page("");
    let same = assessments(&home);
    assert!(same.contains("Latest assessments: April 2024"), "{same}");
    assert!(!same.contains("No later assessment"), "{same}");
    assert!(!same.contains("This month"), "{same}");
    // In June, April's are still the latest, and the page says so.
    let site = built(TestSite::fixture("dossier-crisis"), "2024-06-01");
    let home = site.page("");
    let later = assessments(&home);
    assert!(later.contains("Latest assessments: April 2024"), "{later}");
    assert!(
        later.contains("No later assessment on this site, which is as of June 2024."),
        "{later}"
    );
    // In March, April's is not written yet: December's is the latest.
    let site = built(TestSite::fixture("dossier-crisis"), "2024-03-15");
    let home = site.page("");
    let before = assessments(&home);
    assert!(
        before.contains("Latest assessments: December 2023"),
        "{before}"
    );
    assert!(before.contains("as of March 2024"), "{before}");
}

#[test]
fn coverage_ends_at_the_reference_month_or_is_a_sentence() {
    let site = built(TestSite::fixture("pictures-long-names"), "2024-06-15");
    let country = site.page("countries/ruritania/");
    assert!(
        country.contains("per month, to June 2024; 1 in each month with any."),
        "the chart's window ends at the reference month"
    );
    let svg = &country[country.find("<svg class=\"chart coverage\"").unwrap()..];
    let svg = &svg[..svg.find("</svg>").unwrap()];
    assert!(svg.contains(">June 2024</text>"), "{svg}");
    // The offices chart and the crisis strip name the date they end at.
    let leader = site.page("leaders/ada-longtitle/");
    assert!(
        leader.contains("Offices held, drawn to <time datetime=\"2024-06-15\">15 June 2024</time>, the site’s date"),
        "the offices chart's caption names the reference date"
    );
    let crisis = site.page("crises/insurgency/");
    assert!(crisis.contains(
        "after “now” (<time datetime=\"2024-06-15\">15 June 2024</time>, the site’s date)"
    ));
    // A site of two briefings in one month gets a sentence, not a chart.
    let small = TestSite::empty();
    small.write("site.yaml", "title: Small\nbase_url: https://x.example/\n");
    for day in ["2023-09-20", "2023-09-21"] {
        small.write(
            &format!("content/articles/{day}.md"),
            &format!(
                "---\ntitle: Briefing of {day}\ndate: {day}\ncountries: [Kenya]\n---\nText.\n"
            ),
        );
    }
    let small = built(small, "2024-01-15");
    let kenya = small.page("countries/kenya/");
    assert!(!kenya.contains("chart coverage"), "no chart of one bar");
    assert!(
        kenya.contains("2 briefings, in September 2023; none since, to January 2024."),
        "{kenya}"
    );
}

#[test]
fn the_home_page_lists_a_dozen_active_crises_the_busiest_first_and_links_the_rest() {
    let site = TestSite::empty();
    site.write("site.yaml", "title: Many\nbase_url: https://x.example/\n");
    for i in 1..=15 {
        site.write(
            &format!("content/crises/crisis-{i:02}.md"),
            &format!("---\nname: Crisis {i:02}\nstatus: active\n---\nFixture.\n"),
        );
        // Crisis 15 is named in the most briefings of the last 90 days.
        for j in 0..(i / 5 + 1) {
            site.write(
                &format!("content/articles/c{i:02}-{j}.md"),
                &format!("---\ntitle: On crisis {i:02}, {j}\ndate: 2024-01-0{}\ncrises: [Crisis {i:02}]\n---\nText.\n", j + 1),
            );
        }
    }
    let site = built(site, "2024-01-15");
    let home = site.page("");
    let start = home
        .find("id=\"active\"")
        .expect("an active-crises section");
    let section = &home[start..];
    let section = &section[..section.find("</section>").unwrap()];
    assert_eq!(
        section.matches("<li class=\"entity\">").count(),
        12,
        "{section}"
    );
    assert!(section.contains("All 15 active crises"), "{section}");
    let first = section.find("Crisis 15").expect("the busiest is shown");
    let quiet = section.find("Crisis 01");
    assert!(
        quiet.is_none_or(|q| q > first),
        "the busiest first: {section}"
    );
}

#[test]
fn a_crisis_timeline_is_a_summary_by_year_not_a_second_list() {
    let site = built(TestSite::fixture("pictures-long-names"), "2024-06-15");
    let page = site.page("crises/insurgency/");
    let start = page.find("id=\"timeline-heading\"").expect("a timeline");
    let timeline = &page[start..];
    let timeline = &timeline[..timeline.find("</section>").unwrap()];
    assert!(
        timeline.contains("First briefing: <a href=\"/articles/briefing-1/\">"),
        "{timeline}"
    );
    assert!(timeline.contains("<span class=\"year\">2022</span>: 3 briefings, <time datetime=\"2022-02-10\">10 February 2022</time> to <time datetime=\"2022-09-10\">10 September 2022</time>"), "{timeline}");
    assert!(
        timeline.contains(
            "<span class=\"year\">2023</span>: 1 briefing, <time datetime=\"2023-07-10\">"
        ),
        "{timeline}"
    );
    // Newest year first, and no briefing linked but the first.
    assert!(timeline.find(">2023<").unwrap() < timeline.find(">2021<").unwrap());
    assert_eq!(timeline.matches("<a href=").count(), 1, "{timeline}");
}
