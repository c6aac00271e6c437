//! Feature tests: each builds one tiny fixture site and asserts on the pages.

mod common;

use briefing::BuildOptions;
use common::{links, TestSite};

fn strict() -> BuildOptions {
    BuildOptions {
        strict: true,
        ..BuildOptions::default()
    }
}

#[test]
fn references_resolve_by_alias_slug_and_without_accents() {
    let site = TestSite::fixture("resolution");
    let report = site.build_ok();
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    let country = site.page("countries/cote-divoire/");
    for title in ["Named by alias", "Named without accents", "Named by slug"] {
        assert!(
            country.contains(title),
            "{title} missing from the country page"
        );
    }
    // No stray pages for the alternative spellings: the alias's slug is a
    // redirect to the profile, the accent-free spelling has no page.
    assert!(site
        .page("countries/ivory-coast/")
        .contains("url=/countries/cote-divoire/"));
    assert!(!site.has_page("countries/cote-d-ivoire/"));
    // The leader's `country: ivory coast` resolved to the profile.
    let leader = site.page("leaders/alassane-ouattara/");
    assert!(
        leader.contains(r#"<a href="/countries/cote-divoire/"><bdi>Côte d&#39;Ivoire</bdi></a>"#),
        "{leader}"
    );
    assert!(country.contains(r#"href="/leaders/alassane-ouattara/""#));
}

#[test]
fn names_without_profiles_get_pages_and_near_misses_warn() {
    let site = TestSite::fixture("implicit");
    let report = site.build_ok();
    assert!(site
        .page("countries/sao-tome-and-principe/")
        .contains("São Tomé and Príncipe"));
    assert!(site
        .page("leaders/hakainde-hichilema/")
        .contains("no profile"));
    assert!(site.has_page("crises/sahel-insurgency/"));
    let article = site.page("articles/a/");
    assert!(links(&article).contains(&(
        "/countries/sao-tome-and-principe/".into(),
        "São Tomé and Príncipe".into()
    )));

    let warnings: Vec<String> = report.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].contains("content/articles/b.md:5"),
        "{}",
        warnings[0]
    );
    assert!(
        warnings[0].contains("did you mean Kenya?"),
        "{}",
        warnings[0]
    );
    // The misspelling still gets a page, so nothing is lost.
    assert!(site.has_page("countries/keyna/"));
}

#[test]
fn near_misses_fail_the_build_under_strict() {
    let site = TestSite::fixture("implicit");
    let err = site.build_err(&strict());
    assert!(err.contains("error: content/articles/b.md:5"), "{err}");
    assert!(err.contains("did you mean Kenya?"), "{err}");
}

#[test]
fn briefings_are_ordered_newest_first_and_paginated() {
    let site = TestSite::fixture("ordering");
    site.build_ok();
    let titles = |html: &str| -> Vec<String> {
        links(html)
            .into_iter()
            .filter(|(href, _)| href.starts_with("/articles/") && !href.contains("page"))
            .map(|(_, t)| t)
            .filter(|t| ["Newest", "Middle", "Oldest"].contains(&t.as_str()))
            .collect()
    };
    assert_eq!(titles(&site.page("articles/")), ["Newest", "Middle"]);
    assert_eq!(titles(&site.page("articles/page/2/")), ["Oldest"]);
    assert_eq!(
        titles(&site.page("countries/chad/")),
        ["Newest", "Middle", "Oldest"]
    );
    assert!(site
        .page("articles/")
        .contains(r#"href="/articles/page/2/" rel="next""#));

    // A crisis timeline runs the other way: oldest first.
    let crisis = site.page("crises/lake-chad-basin/");
    let timeline = &crisis[crisis.find("Timeline").unwrap()..];
    assert!(timeline.find("Oldest").unwrap() < timeline.find("Newest").unwrap());

    // Previous and next follow time.
    let middle = site.page("articles/middle/");
    assert!(middle.contains(r#"<a href="/articles/oldest/" rel="prev"><bdi>Oldest</bdi></a>"#));
    assert!(middle.contains(r#"<a href="/articles/newest/" rel="next"><bdi>Newest</bdi></a>"#));
    // Dates carry machine-readable values, including the time and offset.
    let newest = site.page("articles/newest/");
    assert!(
        newest.contains(r#"<time datetime="2024-03-03T09:30:00+01:00""#),
        "{newest}"
    );
    assert!(newest.contains(">3 March 2024</time>"));
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let site = TestSite::fixture("drafts");
    site.build_ok();
    assert!(site.has_page("articles/published/"));
    assert!(!site.has_page("articles/unfinished/"));
    assert!(!site.has_page("countries/draftland/"));
    assert!(!site.page("articles/").contains("Unfinished"));

    let with_drafts = BuildOptions {
        drafts: true,
        ..BuildOptions::default()
    };
    site.build_with(&with_drafts).unwrap();
    assert!(site.has_page("articles/unfinished/"));
    assert!(site.has_page("countries/draftland/"));
    // A draft in a preview is marked as one, on its page and in lists; a
    // published briefing is not.
    assert!(site
        .page("articles/unfinished/")
        .contains("<p class=\"draft-notice\"><span class=\"draft\">Draft</span>"));
    let list = site.page("articles/");
    let card = |title: &str| {
        let at = list.find(title).unwrap();
        list[at..at + 80].to_string()
    };
    assert!(
        card("Unfinished").contains("<span class=\"draft\">Draft</span>"),
        "{list}"
    );
    assert!(!card("Published").contains("draft"), "{list}");
    assert!(!site.page("articles/published/").contains("draft-notice"));
}

#[test]
fn front_matter_and_markdown_cannot_inject_script() {
    let site = TestSite::fixture("escaping");
    let report = site.build_ok();
    for page in [
        "articles/hostile/",
        "articles/",
        "",
        "countries/b-bold-b-land/",
        "tags/script-alert-2-script/",
    ] {
        let html = site.page(page);
        common::assert_only_theme_scripts(&html, page);
        assert!(!html.contains("<img src=x"), "/{page}");
        assert!(!html.contains("<b>Bold</b>"), "/{page}");
        assert!(!html.contains("javascript:"), "/{page}");
        assert!(!html.contains("onclick"), "/{page}");
    }
    let article = site.page("articles/hostile/");
    assert!(
        article.contains("<h1>&lt;/script&gt;&lt;script&gt;alert(‘title’)&lt;/script&gt;</h1>"),
        "title is shown, escaped"
    );
    // Inside JSON-LD the title survives intact, yet cannot end the block.
    let ld = common::json_ld(&article);
    assert_eq!(
        ld[0]["headline"],
        "</script><script>alert(‘title’)</script>"
    );
    assert!(
        article.contains(r#"href="https://example.org/?a=1&amp;b=&quot;2&quot;""#),
        "{article}"
    );
    assert!(
        article.contains("click me"),
        "the text of an unsafe link stays"
    );
    assert!(article.contains(r#"<a href="https://example.org/">fine</a>"#));
    let warnings: Vec<String> = report.warnings.iter().map(ToString::to_string).collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("javascript:alert(5)") && w.contains("hostile.md:15")),
        "{warnings:?}"
    );
}

#[test]
fn raw_html_passes_only_when_the_owner_turns_it_on() {
    let site = TestSite::fixture("escaping");
    // Inline raw HTML's text is Markdown text: typographic quotes would
    // curl the script's quotes, so this site turns them off.
    site.write("site.yaml", "raw_html: true\ntypographic_quotes: false\n");
    site.build_ok();
    let article = site.page("articles/hostile/");
    assert!(article.contains("<script>alert('body')</script>"));
    assert!(article.contains(r#"<div onclick="alert(4)">"#));
    // Front matter is still escaped: raw_html is about the Markdown body.
    assert!(!article.contains("<script>alert('title')"));
}

#[test]
fn crlf_line_endings_and_byte_order_marks_are_accepted() {
    let site = TestSite::empty();
    site.write(
        "content/articles/windows.md",
        "\u{feff}---\r\ntitle: Saved on Windows\r\ndate: 2024-07-01\r\ncountries: [Kenya]\r\n---\r\nFirst paragraph\r\nwraps here.\r\n\r\nSecond.\r\n",
    );
    site.write(
        "content/countries/kenya.md",
        "\u{feff}---\r\nname: Kenya\r\nregion: East Africa\r\n---\r\nProfile.\r\n",
    );
    site.build_ok();
    let html = site.page("articles/windows/");
    assert!(html.contains("<h1>Saved on Windows</h1>"));
    assert!(
        html.contains("First paragraph wraps here."),
        "summary from the first paragraph"
    );
    assert!(!html.contains('\r'));
    assert!(site.page("countries/").contains("East Africa"));
}

#[test]
fn wikilinks_and_md_links_resolve_and_code_is_left_alone() {
    let site = TestSite::fixture("links");
    let report = site.build_ok();
    let html = site.page("articles/source/");
    let start = html.find(r#"<div class="body">"#).unwrap();
    let body = &html[start..start + html[start..].find("</div>").unwrap()];
    insta::assert_snapshot!("links_body", body);

    let warnings: Vec<String> = report.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("content/articles/source.md:21") && w.contains("nope.md")),
        "{warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("content/articles/source.md:21") && w.contains("[[Atlantis]]")),
        "{warnings:?}"
    );

    let err = site.build_err(&strict());
    assert!(
        err.contains("error: content/articles/source.md:21"),
        "{err}"
    );
}

#[test]
fn entity_pages_show_relations_both_ways() {
    let site = TestSite::fixture("links");
    site.build_ok();
    let crisis = site.page("crises/war-in-sudan/");
    assert!(crisis.contains(r#"<a href="/countries/sudan/"><bdi>Sudan</bdi></a>"#));
    let country = site.page("countries/sudan/");
    assert!(country.contains(r#"<a href="/crises/war-in-sudan/"><bdi>War in Sudan</bdi></a>"#));
    assert!(country.contains(r#"<a href="/articles/source/"><bdi>Links of every kind</bdi></a>"#));
    let article = site.page("articles/source/");
    let covers = &article[article.find("<dt>Crises</dt>").unwrap()..];
    let covers = &covers[..covers.find("</dd>").unwrap()];
    assert_eq!(
        links(covers),
        [(
            "/crises/war-in-sudan/".to_string(),
            "War in Sudan".to_string()
        )]
    );
}

#[test]
fn a_site_deployed_under_a_path_links_under_that_path() {
    let site = TestSite::fixture("links");
    site.build_with(&BuildOptions {
        base_url: Some("https://example.org/briefings/".into()),
        ..BuildOptions::default()
    })
    .unwrap();
    let html = site.page("articles/source/");
    assert!(
        html.contains(r#"href="/briefings/articles/target/""#),
        "{html}"
    );
    assert!(html.contains(
        r#"<link rel="canonical" href="https://example.org/briefings/articles/source/">"#
    ));
    let crawl = common::crawl(&site.out(), "/briefings/");
    assert!(crawl.broken.is_empty(), "{:?}", crawl.broken);
}

/// Pages record, as they render, each item of the graph they read: this is
/// what `serve` re-renders from.
#[test]
fn pages_record_what_they_read() {
    use briefing::graph::{EntityId, EntityKind};
    use briefing::render::{render_pages_recorded, Dep};
    use briefing::PageId;

    let site = TestSite::fixture("links");
    let config = briefing::Config::load(site.path(), &BuildOptions::default()).unwrap();
    let (graph, _) = briefing::load(&config).unwrap();
    let theme = briefing::Theme::load(&config).unwrap();
    let pages = briefing::render::pages(&graph);
    let recorded = render_pages_recorded(&graph, &theme, &pages).unwrap();
    let reads = |page: &PageId| {
        recorded
            .iter()
            .find(|(p, _, _)| p == page)
            .unwrap_or_else(|| panic!("no page {page:?}"))
            .2
            .clone()
    };
    let sudan = EntityId::new(EntityKind::Country, "sudan");
    let war = EntityId::new(EntityKind::Crisis, "war-in-sudan");
    let card = Dep::Card("source".into());
    for page in [
        PageId::Home,
        PageId::Articles(1),
        PageId::Entity(sudan.clone(), 1),
        PageId::Entity(war.clone(), 1),
        // The other briefing shows it as a neighbour.
        PageId::Article("target".into()),
    ] {
        assert!(
            reads(&page).contains(&card),
            "{page:?} does not read its card"
        );
    }
    let own = reads(&PageId::Article("source".into()));
    assert!(own.contains(&Dep::Article("source".into())));
    assert!(
        own.contains(&Dep::EntityName(war.clone())),
        "the briefing names the crisis"
    );
    assert!(
        !own.contains(&Dep::Article("target".into())),
        "only the neighbour's card"
    );
    assert!(reads(&PageId::Entity(war.clone(), 1)).contains(&Dep::Entity(war.clone())));
    assert!(
        reads(&PageId::Entity(sudan, 1)).contains(&Dep::EntityCard(war.clone())),
        "the country lists the crisis"
    );
    assert!(!reads(&PageId::Tags).contains(&Dep::EntityName(war)));
    assert!(reads(&PageId::Sitemap).contains(&Dep::Pages));
}

#[test]
fn long_entity_and_tag_lists_are_paginated() {
    let site = TestSite::empty();
    for i in 0..55 {
        site.write(
            &format!("content/articles/a{i:02}.md"),
            &format!("---\ntitle: Briefing {i:02}\ndate: 2024-01-01T00:{i:02}:00+00:00\ncountries: [Chad]\ntags: [security]\n---\nText.\n"),
        );
    }
    site.build_ok();
    let first = site.page("countries/chad/");
    let second = site.page("countries/chad/page/2/");
    assert!(
        first.contains("Briefing 54") && !first.contains("Briefing 04<"),
        "newest 50 first"
    );
    for i in 0..5 {
        assert!(
            second.contains(&format!("Briefing {i:02}")),
            "page 2 holds the oldest five"
        );
    }
    assert!(first.contains(r#"href="/countries/chad/page/2/" rel="next""#));
    assert!(second.contains("<title>Chad, page 2 of 2"));
    assert!(site.page("tags/security/page/2/").contains("Briefing 00"));
    let crawl = common::crawl(&site.out(), "/");
    assert!(crawl.broken.is_empty(), "{:?}", crawl.broken);
    assert!(crawl
        .reached
        .contains(std::path::Path::new("countries/chad/page/2/index.html")));
}

#[test]
fn a_comma_separated_string_of_names_warns_with_the_list_form() {
    let site = TestSite::empty();
    site.write(
        "content/articles/a.md",
        "---\ntitle: A\ndate: 2024-01-01\ncountries: Kenya, Sudan\nleaders: [\"Ruto, William\"]\n---\nText.\n",
    );
    let report = site.build_ok();
    let warnings: Vec<String> = report.warnings.iter().map(ToString::to_string).collect();
    let w = warnings
        .iter()
        .find(|w| w.contains("`Kenya, Sudan` is read as one country named with commas"))
        .unwrap_or_else(|| panic!("{warnings:#?}"));
    assert!(w.contains("content/articles/a.md:4"), "{w}");
    assert!(
        w.contains("to name 2 countries, write a list: `countries: [Kenya, Sudan]`"),
        "{w}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("`Ruto, William` is read as one leader")),
        "{warnings:#?}"
    );
}

/// Renaming an entity (new file and `name:`, the old name kept in
/// `aliases`) keeps its old address as a redirect page; a slug that a real
/// page has, or that two entities share, gets none.
#[test]
fn old_names_keep_their_address_as_redirect_pages() {
    let site = TestSite::empty();
    site.write("site.yaml", "base_url: https://desk.example/\n");
    site.write(
        "content/leaders/new-name.md",
        "---\nname: New Name\naliases: [Old Name, \"Shared\"]\n---\nRenamed.\n",
    );
    site.write(
        "content/leaders/other.md",
        "---\nname: Other Person\naliases: [Shared, New Name Jr]\n---\nAnother.\n",
    );
    site.write(
        "content/leaders/claimed.md",
        "---\nname: Claimed\n---\nHas its own page.\n",
    );
    site.write(
        "content/leaders/x.md",
        "---\nname: Some X\naliases: [Claimed]\n---\nAn alias that a real page has.\n",
    );
    site.write(
        "content/articles/a.md",
        "---\ntitle: A\ndate: 2024-01-01\nleaders: [Old Name]\n---\nText.\n",
    );
    site.build_ok();
    let moved = site.page("leaders/old-name/");
    assert!(
        moved.contains(r#"<link rel="canonical" href="https://desk.example/leaders/new-name/">"#),
        "{moved}"
    );
    assert!(moved.contains(
        r#"<meta http-equiv="refresh" content="0; url=https://desk.example/leaders/new-name/">"#
    ));
    assert!(moved.contains("<meta name=\"robots\" content=\"noindex\">"));
    // The name's own slug, when the file is named otherwise.
    assert!(site
        .page("leaders/some-x/")
        .contains("url=https://desk.example/leaders/x/"));
    // Not for a slug two entities share, nor over a real page.
    assert!(!site.has_page("leaders/shared/"));
    assert!(site.page("leaders/claimed/").contains("Has its own page."));
    // Redirects are not pages a reader finds: not in the sitemap.
    let sitemap = std::fs::read_to_string(site.out().join("sitemap.xml")).unwrap();
    assert!(!sitemap.contains("old-name"), "{sitemap}");
    // The briefing that names the old name links the new page.
    assert!(site
        .page("articles/a/")
        .contains("href=\"/leaders/new-name/\""));
}

/// A card's title and its summary follow one typographic rule: with
/// `typographic_quotes` on (the default) both get curly quotes and
/// dashes, as the body does; with it off, neither does.
#[test]
fn titles_and_summaries_on_a_card_share_one_typography() {
    let site = TestSite::empty();
    site.write(
        "content/articles/a.md",
        "---\ntitle: \"Kenya's 'new' deal -- at last\"\nsummary: \"The \\\"deal\\\" isn't final.\"\ndate: 2024-01-01\nkind: UN Security Council readout\n---\nBody's text.\n",
    );
    site.build_ok();
    let list = site.page("articles/");
    assert!(list.contains("Kenya’s ‘new’ deal – at last"), "{list}");
    assert!(list.contains("The “deal” isn’t final."), "{list}");
    // A kind is shown as written, not lowercased after its first letter.
    assert!(list.contains(">UN Security Council readout<"), "{list}");
    assert!(site
        .page("articles/a/")
        .contains(">UN Security Council readout<"));
    site.write("site.yaml", "typographic_quotes: false\n");
    site.build_ok();
    let list = site.page("articles/");
    assert!(
        list.contains("Kenya&#39;s &#39;new&#39; deal -- at last"),
        "{list}"
    );
    assert!(
        list.contains("The &quot;deal&quot; isn&#39;t final."),
        "{list}"
    );
}
