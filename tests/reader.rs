//! Reader features: Atom feeds, the search index, sitemap and robots.txt,
//! JSON-LD and link previews, the archive and the JSON export.

mod common;

use std::collections::BTreeSet;

use common::{html_files, json_ld, TestSite};

const ATOM: &str = "http://www.w3.org/2005/Atom";

fn site_with_host(fixture: &str) -> TestSite {
    let site = TestSite::fixture(fixture);
    let mut yaml = std::fs::read_to_string(site.path().join("site.yaml")).unwrap_or_default();
    yaml.push_str("\nbase_url: https://news.example.org/briefings/\n");
    site.write("site.yaml", &yaml);
    site.build_ok();
    site
}

fn read(site: &TestSite, path: &str) -> String {
    std::fs::read_to_string(site.out().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn child<'a>(node: roxmltree::Node<'a, 'a>, name: &str) -> Option<roxmltree::Node<'a, 'a>> {
    node.children().find(|c| c.has_tag_name((ATOM, name)))
}

/// Parse a feed and check the elements Atom requires; return entry titles.
fn atom_titles(xml: &str) -> Vec<String> {
    atom_entries(xml, true)
}

/// [`atom_titles`] for a feed whose entries carry their full text
/// (`content`) or, if not `full`, their summaries alone.
fn atom_entries(xml: &str, full: bool) -> Vec<String> {
    let doc = roxmltree::Document::parse(xml)
        .unwrap_or_else(|e| panic!("feed is not well-formed: {e}\n{xml}"));
    let feed = doc.root_element();
    assert!(feed.has_tag_name((ATOM, "feed")));
    for required in ["id", "title", "updated", "author"] {
        assert!(child(feed, required).is_some(), "feed lacks <{required}>");
    }
    let self_link = feed
        .children()
        .find(|c| c.has_tag_name((ATOM, "link")) && c.attribute("rel") == Some("self"));
    assert!(self_link
        .unwrap()
        .attribute("href")
        .unwrap()
        .starts_with("https://news.example.org/briefings/"));
    let updated = child(feed, "updated").unwrap().text().unwrap();
    chrono::DateTime::parse_from_rfc3339(updated).expect("feed updated is RFC 3339");
    let mut ids = BTreeSet::new();
    feed.children()
        .filter(|c| c.has_tag_name((ATOM, "entry")))
        .map(|entry| {
            for required in ["id", "title", "updated", "published", "summary"] {
                assert!(child(entry, required).is_some(), "entry lacks <{required}>");
            }
            assert_eq!(
                child(entry, "content").is_some(),
                full,
                "<content> in\n{xml}"
            );
            for date in ["updated", "published"] {
                chrono::DateTime::parse_from_rfc3339(child(entry, date).unwrap().text().unwrap())
                    .unwrap();
            }
            assert!(
                ids.insert(child(entry, "id").unwrap().text().unwrap().to_string()),
                "duplicate entry id"
            );
            let link = entry
                .children()
                .find(|c| c.has_tag_name((ATOM, "link")))
                .unwrap();
            assert!(link
                .attribute("href")
                .unwrap()
                .starts_with("https://news.example.org/briefings/articles/"));
            child(entry, "title").unwrap().text().unwrap().to_string()
        })
        .collect()
}

#[test]
fn the_site_feed_lists_briefings_newest_first() {
    let site = site_with_host("ordering");
    assert_eq!(
        atom_titles(&read(&site, "atom.xml")),
        ["Newest", "Middle", "Oldest"]
    );
    let home = site.page("");
    assert!(home.contains(r#"<link rel="alternate" type="application/atom+xml" title="Ordering" href="/briefings/atom.xml">"#));
}

#[test]
fn an_entity_feed_holds_only_that_entitys_briefings() {
    let site = site_with_host("ordering");
    assert_eq!(
        atom_entries(&read(&site, "crises/lake-chad-basin/atom.xml"), false),
        ["Newest", "Oldest"]
    );
    assert_eq!(
        atom_entries(&read(&site, "countries/chad/atom.xml"), false),
        ["Newest", "Middle", "Oldest"]
    );
    let page = site.page("crises/lake-chad-basin/");
    assert!(page.contains(r#"href="/briefings/crises/lake-chad-basin/atom.xml""#));
    assert!(
        page.contains("Follow <bdi>Lake Chad basin</bdi>"),
        "a visible follow link"
    );
}

/// The first entry of the feed at `path`: its HTML content, if it has any,
/// and its categories as (term, label).
fn first_entry(site: &TestSite, path: &str) -> (Option<String>, Vec<(String, String)>) {
    let xml = read(site, path);
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let entry = doc
        .descendants()
        .find(|n| n.has_tag_name((ATOM, "entry")))
        .unwrap();
    let content = child(entry, "content").map(|c| {
        assert_eq!(c.attribute("type"), Some("html"));
        c.text().unwrap().to_string()
    });
    let terms = entry
        .children()
        .filter(|c| c.has_tag_name((ATOM, "category")))
        .map(|c| {
            (
                c.attribute("term").unwrap().into(),
                c.attribute("label").unwrap().into(),
            )
        })
        .collect();
    (content, terms)
}

#[test]
fn feed_entries_carry_full_content_with_absolute_links_and_categories() {
    let site = site_with_host("links");
    let (html, terms) = first_entry(&site, "atom.xml");
    let html = html.expect("the site's feed has full text");
    assert!(
        html.contains(r#"<a href="https://news.example.org/briefings/countries/sudan/">Sudan</a>"#),
        "{html}"
    );
    assert!(terms.contains(&("sudan".into(), "Sudan".into())));
    assert!(terms.contains(&("war-in-sudan".into(), "War in Sudan".into())));
    // An entity's feed carries summaries by default, with the same categories.
    let (content, terms) = first_entry(&site, "countries/sudan/atom.xml");
    assert_eq!(content, None);
    assert!(terms.contains(&("war-in-sudan".into(), "War in Sudan".into())));
}

#[test]
fn entity_feeds_carry_full_text_when_the_site_asks() {
    let site = TestSite::fixture("links");
    let yaml = std::fs::read_to_string(site.path().join("site.yaml")).unwrap_or_default();
    site.write("site.yaml", &format!("{yaml}\nentity_feeds: full\n"));
    site.build_ok();
    for feed in ["countries/sudan/atom.xml", "crises/war-in-sudan/atom.xml"] {
        let (content, _) = first_entry(&site, feed);
        assert!(content.expect(feed).contains("<p>"), "{feed}");
    }
    site.write("site.yaml", &format!("{yaml}\nentity_feeds: some\n"));
    let err = site.build_err(&Default::default());
    assert!(
        err.contains("entity_feeds") && err.contains("summary") && err.contains("full"),
        "{err}"
    );
}

fn index_json(site: &TestSite, path: &str) -> serde_json::Value {
    serde_json::from_str(&read(site, &format!("search-index/{path}"))).unwrap()
}

/// The term shard `search.js` would fetch for `term`: the one with the
/// longest key that prefixes it.
fn shard_for(site: &TestSite, meta: &serde_json::Value, term: &str) -> serde_json::Value {
    let key = meta["shards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap())
        .filter(|k| term.starts_with(k))
        .max_by_key(|k| k.len())
        .unwrap();
    index_json(
        site,
        &format!("terms/{}.json", briefing::search::shard_file(key)),
    )
}

/// Document numbers from a list of gaps, as `search.js` reads them.
fn undelta(list: &serde_json::Value, step: usize) -> Vec<u64> {
    let mut doc = 0;
    list.as_array()
        .unwrap()
        .chunks(step)
        .map(|c| {
            doc += c[0].as_u64().unwrap();
            doc
        })
        .collect()
}

#[test]
fn the_search_index_is_built_with_entity_filters() {
    let site = site_with_host("links");
    let meta = index_json(&site, "meta.json");
    let chunks = meta["docs"]
        .as_u64()
        .unwrap()
        .div_ceil(meta["docChunk"].as_u64().unwrap());
    let docs: Vec<serde_json::Value> = (0..chunks)
        .flat_map(|n| {
            index_json(&site, &format!("docs/{n}.json"))
                .as_array()
                .unwrap()
                .clone()
        })
        .collect();
    assert_eq!(docs.len() as u64, meta["docs"].as_u64().unwrap());
    let url = |d: &serde_json::Value| d[0].as_str().unwrap().to_string();
    let n = docs
        .iter()
        .position(|d| url(d) == "/briefings/articles/source/")
        .unwrap_or_else(|| panic!("the briefing is indexed: {docs:#?}")) as u64;
    assert_eq!(docs[n as usize][1], "Links of every kind");
    assert_eq!(docs[n as usize][2], "Briefing");

    // Entity filters hold the briefing, and their counts are in meta.json.
    let crisis = index_json(&site, "filters/crisis.json");
    assert_eq!(undelta(&crisis["War in Sudan"], 1), [n]);
    assert_eq!(meta["filters"]["crisis"]["War in Sudan"], 1);
    let country = index_json(&site, "filters/country.json");
    assert!(undelta(&country["Sudan"], 1).contains(&n));

    // A word of its text is in the shard search.js would fetch for it: the
    // longest shard key that prefixes the word. The site is in English, so
    // the index keys "resumed" by its stem.
    assert_eq!(meta["stemmer"], "english");
    let word = "resum";
    let shard = shard_for(&site, &meta, word);
    assert!(undelta(&shard[word], 2).contains(&n), "{shard}");

    // Index pages are not indexed; profiles are.
    assert!(docs.iter().all(|d| url(d) != "/briefings/countries/"));
    assert!(docs
        .iter()
        .any(|d| url(d) == "/briefings/crises/war-in-sudan/"));
    // Every page has a search box that goes to /search/.
    assert!(site.page("").contains(r#"action="/briefings/search/""#));
    assert!(site
        .page("search/")
        .contains(r#"data-index="/briefings/search-index/""#));
}

#[test]
fn the_sitemap_lists_every_written_page_and_robots_points_to_it() {
    let site = site_with_host("ordering");
    let xml = read(&site, "sitemap.xml");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let ns = "http://www.sitemaps.org/schemas/sitemap/0.9";
    let mut listed = BTreeSet::new();
    for url in doc.descendants().filter(|n| n.has_tag_name((ns, "url"))) {
        let loc = url
            .children()
            .find(|c| c.has_tag_name((ns, "loc")))
            .unwrap()
            .text()
            .unwrap();
        let path = loc
            .strip_prefix("https://news.example.org/briefings/")
            .unwrap();
        listed.insert(format!("{path}index.html"));
        // A briefing's own date; an entity's newest briefing's.
        if path == "articles/newest/" || path == "countries/chad/" {
            let lastmod = url
                .children()
                .find(|c| c.has_tag_name((ns, "lastmod")))
                .unwrap()
                .text()
                .unwrap();
            assert_eq!(lastmod, "2024-03-03T09:30:00+01:00", "{path}");
        }
    }
    let written: BTreeSet<String> = html_files(&site.out())
        .into_iter()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .filter(|p| p != "404.html")
        .collect();
    assert_eq!(listed, written);
    assert_eq!(
        read(&site, "robots.txt"),
        "User-agent: *\nAllow: /\n\nSitemap: https://news.example.org/briefings/sitemap.xml\n"
    );
    assert!(site
        .page("404.html".trim_end_matches('/'))
        .contains("Page not found"));
}

#[test]
fn json_ld_describes_articles_people_countries_and_events() {
    let site = site_with_host("resolution");
    for page in html_files(&site.out()) {
        let html = std::fs::read_to_string(site.out().join(&page)).unwrap();
        json_ld(&html); // every block parses
                        // Link previews and a canonical link on every page.
        for meta in ["og:title", "og:url", "twitter:card", "twitter:title"] {
            assert!(html.contains(meta), "{} lacks {meta}", page.display());
        }
        assert!(
            html.contains(r#"<link rel="canonical" href="https://news.example.org/briefings/"#),
            "{}",
            page.display()
        );
    }
    let article = &json_ld(&site.page("articles/by-alias/"))[0];
    assert_eq!(article["@type"], "NewsArticle");
    assert_eq!(article["headline"], "Named by alias");
    assert_eq!(article["datePublished"], "2024-01-10T00:00:00+00:00");
    assert!(article["dateModified"].is_string());
    assert_eq!(
        article["about"][0]["url"],
        "https://news.example.org/briefings/countries/cote-divoire/"
    );
    assert_eq!(article["mentions"][0]["@type"], "Person");

    let person = &json_ld(&site.page("leaders/alassane-ouattara/"))[0];
    assert_eq!(person["@type"], "Person");
    assert_eq!(person["jobTitle"], "President");
    assert_eq!(person["nationality"]["name"], "Côte d'Ivoire");
    let country = &json_ld(&site.page("countries/cote-divoire/"))[0];
    assert_eq!(country["@type"], "Country");
    assert_eq!(country["identifier"], "CI");

    let crisis_site = site_with_host("links");
    crisis_site.write(
        "content/crises/war-in-sudan.md",
        "---\nname: War in Sudan\nstarted: 2023-04-15\ncountries: [Sudan]\n---\n",
    );
    crisis_site.build_ok();
    let event = &json_ld(&crisis_site.page("crises/war-in-sudan/"))[0];
    assert_eq!(event["@type"], "Event");
    assert_eq!(event["startDate"], "2023-04-15");
    assert_eq!(event["location"][0]["name"], "Sudan");
}

#[test]
fn the_archive_groups_briefings_by_year_and_month() {
    let site = site_with_host("resolution");
    site.write(
        "content/articles/older.md",
        "---\ntitle: From last year\ndate: 2023-11-05\n---\nText.\n",
    );
    site.build_ok();
    let archive = site.page("archive/");
    let y2024 =
        archive.find(r#"href="/briefings/archive/2024/">2024</a> <span class="count">3</span>"#);
    let y2023 =
        archive.find(r#"href="/briefings/archive/2023/">2023</a> <span class="count">1</span>"#);
    assert!(y2024.unwrap() < y2023.unwrap(), "newest year first");
    assert!(archive.contains(
        r#"<a href="/briefings/archive/2023/#november">November</a> <span class="count">1</span>"#
    ));
    let year = site.page("archive/2023/");
    assert!(year.contains("From last year"));
    assert!(!year.contains("Named by alias"));
}

#[test]
fn the_graph_is_exported_as_json() {
    let site = site_with_host("resolution");
    let entities: serde_json::Value =
        serde_json::from_str(&read(&site, "api/entities.json")).unwrap();
    let country = entities["entities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["slug"] == "cote-divoire")
        .unwrap();
    assert_eq!(country["kind"], "country");
    assert_eq!(country["name"], "Côte d'Ivoire");
    assert_eq!(country["aliases"], serde_json::json!(["Ivory Coast"]));
    assert_eq!(
        country["url"],
        "https://news.example.org/briefings/countries/cote-divoire/"
    );
    assert_eq!(country["briefings"], 3);
    assert_eq!(
        country["related"]["leaders"],
        serde_json::json!(["alassane-ouattara"])
    );

    let articles: serde_json::Value =
        serde_json::from_str(&read(&site, "api/articles.json")).unwrap();
    let list = articles["articles"].as_array().unwrap();
    assert_eq!(list.len(), 3);
    assert_eq!(list[0]["slug"], "by-slug", "newest first");
    assert_eq!(list[0]["countries"], serde_json::json!(["cote-divoire"]));
    assert_eq!(list[0]["date"], "2024-01-12");
}

/// The dossier is searchable with its entity's page: a word from a
/// monthly note, a figure's label or a key date's title finds the crisis.
#[test]
fn dossier_words_find_their_entity_in_the_index() {
    let site = TestSite::empty();
    site.write(
        "content/crises/c.md",
        "---\nname: Fixture crisis\nstatus: active\nassessments:\n  - month: 2023-09\n    trend: deteriorated\n    note: Cholera outbreaks spread through the camps.\nfigures:\n  - metric: stranded\n    label: Stranded travellers\n    value: 1200\n    unit: people\n    as_of: 2023-09\n    source: {name: S, url: \"https://s.example/\"}\ndates:\n  - date: 2024-03-01\n    title: Mandate renewal vote\n---\nA fixture crisis.\n",
    );
    site.write(
        "content/leaders/l.md",
        "---\nname: Fixture leader\npositions:\n  - office: Quartermaster General\n    from: 2020\n---\nA fixture leader.\n",
    );
    site.build_ok();
    let meta = index_json(&site, "meta.json");
    let docs = index_json(&site, "docs/0.json");
    let doc_of = |url: &str| {
        docs.as_array()
            .unwrap()
            .iter()
            .position(|d| d[0] == url)
            .unwrap_or_else(|| panic!("{url} indexed: {docs}")) as u64
    };
    let crisis = doc_of("/crises/c/");
    let leader = doc_of("/leaders/l/");
    for (stem, doc) in [
        ("cholera", crisis),
        ("strand", crisis),
        ("renew", crisis),
        ("quartermast", leader),
    ] {
        let shard = shard_for(&site, &meta, stem);
        assert!(
            undelta(&shard[stem], 2).contains(&doc),
            "`{stem}` does not find doc {doc}: {shard}"
        );
    }
}
