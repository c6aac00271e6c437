//! A long briefing gets a table of contents of its sections; a short one
//! does not.

mod common;

use common::TestSite;

#[test]
fn long_briefings_list_their_sections_and_short_ones_do_not() {
    let site = TestSite::fixture("contents");
    site.build_ok();
    let long = site.page("articles/long/");
    let start = long
        .find(r#"<nav class="contents""#)
        .expect("a table of contents");
    let nav = &long[start..start + long[start..].find("</nav>").unwrap()];
    let items: Vec<(String, String)> = common::links(nav);
    assert_eq!(
        items,
        [
            ("#background".to_string(), "Background".to_string()),
            ("#positions".to_string(), "Positions".to_string()),
            (
                "#the-first-partys-view".to_string(),
                "The first party’s view".to_string()
            ),
            ("#next".to_string(), "What comes next".to_string()),
        ]
    );
    assert!(nav.contains(r##"<li class="level-3"><a href="#the-first-partys-view">"##));
    // Each entry's target exists on the page.
    for (href, _) in &items {
        assert!(long.contains(&format!(r#"id="{}""#, &href[1..])), "{href}");
    }
    assert!(!site.page("articles/short/").contains(r#"class="contents""#));
}
