//! A site in English, French and Arabic (`tests/fixtures/multilingual`):
//! translations beside their originals, pages under `/<code>/`, names
//! recognised in each language, versions linked both ways, feeds and
//! search per language, right to left for Arabic, and serve equal to build.

mod common;

use briefing::serve::Project;
use briefing::BuildOptions;
use common::TestSite;

fn built() -> TestSite {
    let site = TestSite::fixture("multilingual");
    site.build_ok();
    site
}

#[test]
fn each_language_has_its_pages_under_its_code() {
    let site = built();
    // A briefing exists in the languages it is written in.
    for page in [
        "articles/talks/",
        "fr/articles/talks/",
        "ar/articles/talks/",
    ] {
        assert!(site.has_page(page), "{page}");
    }
    assert!(site.has_page("articles/english-only/"));
    assert!(!site.has_page("fr/articles/english-only/"));
    assert!(site.has_page("fr/articles/french-only/"));
    assert!(!site.has_page("articles/french-only/"));
    // Entity pages, lists and the rest exist in every language.
    for lang in ["", "fr/", "ar/"] {
        for page in [
            "",
            "countries/",
            "countries/sudan/",
            "countries/kenya/",
            "leaders/william-ruto/",
            "search/",
            "calendar/",
            "archive/",
        ] {
            assert!(site.has_page(&format!("{lang}{page}")), "{lang}{page}");
        }
    }
    // Each language's list holds its own briefings only.
    let fr = site.page("fr/articles/");
    assert!(fr.contains("Seulement en français"), "{fr}");
    assert!(!fr.contains("Only in English"), "{fr}");
    // Its own title.
    assert!(site.page("fr/").contains("<title>Le bureau</title>"));
    assert!(site.page("ar/").contains("<title>المكتب</title>"));
    // The theme's navigation, search box and footer are in the page's
    // language.
    let fr = site.page("fr/");
    assert!(fr.contains(">Pays</a></li>"), "{fr}");
    assert!(fr.contains("<a class=\"skip-link\" href=\"#main\">Aller au contenu</a>"));
    assert!(fr.contains("placeholder=\"Rechercher…\""));
    let ar = site.page("ar/");
    assert!(ar.contains(">الدول</a></li>"), "{ar}");
    // And so are briefing and entity pages' headings and labels.
    let talks = site.page("fr/articles/talks/");
    assert!(
        talks.contains("<h2 id=\"covers-heading\">Dans cette note</h2>"),
        "{talks}"
    );
    let sudan = site.page("fr/countries/sudan/");
    assert!(sudan.contains("<p class=\"kicker\">Pays</p>"), "{sudan}");
    assert!(sudan.contains("<dt>Région</dt>"), "{sudan}");
    assert!(
        sudan.contains("<h2 id=\"briefings-heading\">Notes sur <bdi>Soudan</bdi>"),
        "{sudan}"
    );
    assert!(site.page("ar/countries/kenya/").contains("لم يُترجم بعد"));
    assert!(site.page("").contains(">Countries</a></li>"));
    // Shared files stay at the root.
    assert!(site.page("fr/").contains("href=\"/style.css\""));
    assert!(!site.out().join("fr/style.css").exists());
}

#[test]
fn names_are_recognised_in_each_language_and_link_that_language() {
    let site = built();
    let fr = site.page("fr/countries/sudan/");
    assert!(fr.contains("<h1>Soudan</h1>"), "{fr}");
    assert!(fr.contains("Un pays de test, traduit."), "{fr}");
    assert!(site
        .page("ar/countries/sudan/")
        .contains("<h1>السودان</h1>"));
    // `countries: [Soudan]` resolved, and the prose's "le Soudan" links
    // Sudan's French page.
    let talks = site.page("fr/articles/talks/");
    assert!(
        talks.contains("<a href=\"/fr/countries/sudan/\">le Soudan</a>"),
        "{talks}"
    );
    assert!(
        fr.contains("Des pourparlers sur le Soudan"),
        "the French page lists the French briefing"
    );
    assert!(!fr.contains("Talks on Sudan"));
    // A profile with no translation shows the original, marked.
    let kenya = site.page("fr/countries/kenya/");
    assert!(kenya.contains("<h1>Kenya</h1>"));
    assert!(kenya.contains("class=\"note untranslated\""), "{kenya}");
    assert!(
        kenya.contains("<div class=\"body\" lang=\"en\">"),
        "{kenya}"
    );
    assert!(!site.page("fr/countries/sudan/").contains("untranslated"));
    assert!(!site.page("countries/kenya/").contains("untranslated"));
}

#[test]
fn versions_link_each_other() {
    let site = built();
    let talks = site.page("articles/talks/");
    for (lang, url) in [
        ("en", "https://desk.example.org/articles/talks/"),
        ("fr", "https://desk.example.org/fr/articles/talks/"),
        ("ar", "https://desk.example.org/ar/articles/talks/"),
        ("x-default", "https://desk.example.org/articles/talks/"),
    ] {
        let link = format!("<link rel=\"alternate\" hreflang=\"{lang}\" href=\"{url}\">");
        assert!(talks.contains(&link), "{link}\n{talks}");
    }
    // The switcher goes to the same page in each language.
    assert!(talks.contains("<nav class=\"languages\" aria-label=\"Languages\">"));
    assert!(
        talks.contains("<a href=\"/fr/articles/talks/\" lang=\"fr\" hreflang=\"fr\" title=\"Français\"><span class=\"lang-name\">Français</span>"),
        "{talks}"
    );
    // A briefing in one language has no alternates; its switcher goes to
    // the other languages' home pages.
    let only = site.page("articles/english-only/");
    assert!(!only.contains("hreflang=\"fr\" href"), "{only}");
    assert!(
        only.contains("<a href=\"/fr/\" lang=\"fr\" hreflang=\"fr\" title=\"Français\"><span class=\"lang-name\">Français</span>"),
        "{only}"
    );
    // The sitemap says the same.
    let sitemap = std::fs::read_to_string(site.out().join("fr/sitemap.xml")).unwrap();
    assert!(sitemap.contains("xmlns:xhtml=\"http://www.w3.org/1999/xhtml\""));
    let entry = sitemap
        .lines()
        .find(|l| l.contains("<loc>https://desk.example.org/fr/articles/talks/</loc>"))
        .expect("the French briefing in the French sitemap");
    assert!(entry.contains("<xhtml:link rel=\"alternate\" hreflang=\"en\" href=\"https://desk.example.org/articles/talks/\"/>"), "{entry}");
    assert!(entry.contains("hreflang=\"ar\""), "{entry}");
    // One robots.txt, naming every sitemap.
    let robots = std::fs::read_to_string(site.out().join("robots.txt")).unwrap();
    assert!(
        robots.contains("Sitemap: https://desk.example.org/fr/sitemap.xml"),
        "{robots}"
    );
    assert!(!site.out().join("fr/robots.txt").exists());
    // JSON-LD names the language.
    let ld = common::json_ld(&site.page("fr/articles/talks/"));
    assert!(ld.iter().any(|v| v["inLanguage"] == "fr"), "{ld:?}");
}

#[test]
fn arabic_pages_run_right_to_left() {
    let site = built();
    assert!(site
        .page("ar/")
        .starts_with("<!DOCTYPE html>\n<html lang=\"ar\" dir=\"rtl\">"));
    assert!(site
        .page("fr/")
        .starts_with("<!DOCTYPE html>\n<html lang=\"fr\">"));
    assert!(site
        .page("")
        .starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
}

#[test]
fn feeds_and_search_are_per_language() {
    let site = built();
    let fr = std::fs::read_to_string(site.out().join("fr/atom.xml")).unwrap();
    assert!(fr.contains("Seulement en français"));
    assert!(!fr.contains("Only in English"));
    let en = std::fs::read_to_string(site.out().join("atom.xml")).unwrap();
    assert!(!en.contains("Seulement en français"));
    assert!(site
        .page("fr/search/")
        .contains("data-index=\"/fr/search-index/\""));
    let docs: String = std::fs::read_dir(site.out().join("fr/search-index/docs"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    assert!(docs.contains("/fr/articles/french-only/"), "{docs}");
    assert!(!docs.contains("english-only"), "{docs}");
    // Each language's index is stemmed by its own Snowball stemmer, which
    // its search page loads beside search.js.
    for (lang, name) in [("", "english"), ("fr/", "french"), ("ar/", "arabic")] {
        let meta =
            std::fs::read_to_string(site.out().join(format!("{lang}search-index/meta.json")))
                .unwrap();
        assert!(meta.contains(&format!("\"stemmer\":\"{name}\"")), "{meta}");
    }
    assert!(site
        .page("fr/search/")
        .contains("<script src=\"/stemmers/french.js\"></script>"));
    assert!(!site.page("search/").contains("/stemmers/"));
    assert!(site.out().join("stemmers/arabic.js").exists());
}

#[test]
fn a_suffix_that_is_no_language_a_dossier_key_in_a_translation_and_an_orphan_translation_are_errors(
) {
    let site = TestSite::fixture("multilingual");
    site.write(
        "content/articles/talks.fe.md",
        "---\ntitle: T\ndate: 2023-09-22\n---\nText.\n",
    );
    // A translation with no original.
    site.write(
        "content/leaders/nobody.fr.md",
        "---\nname: Personne\n---\nTexte.\n",
    );
    site.write(
        "content/countries/kenya.fr.md",
        "---\nname: Kenya\niso: KE\n---\nTexte.\n",
    );
    site.write(
        "content/articles/talks.en.md",
        "---\ntitle: T\ndate: 2023-09-22\n---\nText.\n",
    );
    let err = site.build_err(&BuildOptions::default());
    assert!(
        err.contains("error: content/articles/talks.fe.md: `.fe` is not one of the site's languages (en, ar, fr)"),
        "{err}"
    );
    assert!(err.contains("did you mean `.fr`?"), "{err}");
    assert!(
        err.contains("error: content/countries/kenya.fr.md:3:1: unknown field `iso`"),
        "{err}"
    );
    assert!(
        err.contains("the rest of the profile belongs to the original, content/countries/kenya.md"),
        "{err}"
    );
    assert!(
        err.contains("error: content/articles/talks.en.md: `.en` is the default language"),
        "{err}"
    );
    assert!(
        err.contains("error: content/leaders/nobody.fr.md: this translates content/leaders/nobody.md, which does not exist"),
        "{err}"
    );
    // Each problem once, though every language's load meets it.
    assert_eq!(err.matches("talks.fe.md").count(), 1, "{err}");
    assert!(err.contains("build failed: 4 errors"), "{err}");
}

#[test]
fn serve_ends_equal_to_build_after_edits_in_any_language() {
    let site = TestSite::fixture("multilingual");
    let options = BuildOptions::default();
    let mut project = Project::open(site.path(), &options).unwrap();
    let edits: [(&str, &str); 4] = [
        ("content/articles/talks.fr.md", "---\ntitle: Nouveau titre\ndate: 2023-09-22\ncountries: [Soudan]\n---\nLe Soudan encore.\n"),
        ("content/countries/kenya.fr.md", "---\nname: Kenya\naliases: [le Kenya]\n---\nTraduit maintenant.\n"),
        ("content/articles/talks.md", "---\ntitle: Talks, retitled\ndate: 2023-09-22\ncountries: [Sudan]\n---\nSudan again.\n"),
        ("content/articles/new.ar.md", "---\ntitle: جديد\ndate: 2023-11-01\n---\nنص.\n"),
    ];
    for (path, text) in edits {
        site.write(path, text);
        project.rebuild(&[path.into()]).unwrap();
        let fresh = Project::open(site.path(), &options).unwrap();
        assert!(
            project.files() == fresh.files(),
            "after {path}, serve differs from a fresh load"
        );
    }
    assert!(project
        .files()
        .contains_key("fr/countries/kenya/index.html"));
    let kenya =
        String::from_utf8(project.files()["fr/countries/kenya/index.html"].to_vec()).unwrap();
    assert!(kenya.contains("Traduit maintenant."), "{kenya}");
    assert!(project.files().contains_key("ar/articles/new/index.html"));
    // And what build writes.
    let report = site.build_ok();
    assert!(report.files > 0);
    for (path, bytes) in project.files() {
        if path.starts_with("search-index/") || path.ends_with(".js") || path.ends_with(".css") {
            continue;
        }
        let written = std::fs::read(site.out().join(path)).unwrap_or_default();
        assert!(written == bytes.as_ref(), "{path} differs from build");
    }
}

#[test]
fn theme_words_dates_and_counts_are_in_the_pages_language() {
    let site = built();
    let fr = site.page("fr/articles/talks/");
    assert!(fr.contains(">22 septembre 2023</time>"), "{fr}");
    let ar = site.page("ar/articles/talks/");
    assert!(ar.contains(">22 سبتمبر 2023</time>"), "{ar}");
    // Macros, which see only their arguments, speak the page's language.
    let fr_home = site.page("fr/");
    assert!(fr_home.contains("Dernières notes"), "{fr_home}");
    assert!(!fr_home.contains("Latest briefings"));
    let fr_leader = site.page("fr/leaders/william-ruto/");
    assert!(
        fr_leader.contains("Depuis le <time datetime=\"2022-09-13\">13 septembre 2022</time> <span class=\"detail\">(1 an, 4 mois)</span>"),
        "{fr_leader}"
    );
    let ar_countries = site.page("ar/countries/");
    assert!(
        ar_countries.contains("الدول: 2، مجمّعة حسب المنطقة."),
        "{ar_countries}"
    );
    // The default language is unchanged English.
    let en = site.page("articles/talks/");
    assert!(en.contains(">22 September 2023</time>"));
}

#[test]
fn a_site_overrides_theme_words_per_language_and_a_typo_is_an_error() {
    let site = TestSite::fixture("multilingual");
    let yaml = std::fs::read_to_string(site.path().join("site.yaml")).unwrap();
    let with = yaml.replace(
        "    title: Le bureau\n",
        "    title: Le bureau\n    translations:\n      briefings: Analyses\n      n_briefings: {one: \"{n} analyse\", other: \"{n} analyses\"}\n",
    ) + "translations: {briefings: Analyses}\n";
    site.write("site.yaml", &with);
    site.build_ok();
    assert!(site.page("fr/").contains(">Analyses</a>"));
    assert!(site.page("").contains(">Analyses</a>"));
    // Arabic keeps the theme's own word.
    assert!(site.page("ar/").contains(">الإحاطات</a>"));
    site.write(
        "site.yaml",
        &(yaml + "translations: {brefings: Analyses}\n"),
    );
    let err = site.build_err(&BuildOptions::default());
    assert!(
        err.contains(
            "`translations` for `en` sets `brefings`, which is not one of the theme's words"
        ),
        "{err}"
    );
    assert!(err.contains("did you mean `briefings`?"), "{err}");
}

#[test]
fn check_lists_untranslated_profiles_as_notes_and_warns_of_names_clashing_across_languages() {
    let site = TestSite::fixture("multilingual");
    let strict = BuildOptions {
        strict: true,
        ..BuildOptions::default()
    };
    let found = briefing::check::check(site.path(), &strict).unwrap();
    let kenya: Vec<_> = found
        .iter()
        .filter(|d| d.message.starts_with("Kenya has no translation"))
        .collect();
    // One note per language, and --strict leaves notes as notes.
    assert_eq!(kenya.len(), 2, "{found:#?}");
    assert!(kenya
        .iter()
        .all(|d| d.severity == briefing::diagnostics::Severity::Note));
    assert!(kenya[0]
        .help
        .as_deref()
        .unwrap()
        .contains("content/countries/kenya."));
    // Sudan is translated into French, so it is not listed for French.
    assert!(!found.iter().any(
        |d| d.message == "Sudan has no translation into `fr`; its `fr` page shows the original"
    ));
    // A French alias that is another entity's name in English.
    site.write(
        "content/countries/kenya.fr.md",
        "---\nname: Kenya\naliases: [Republic of the Sudan]\n---\nUn pays.\n",
    );
    let found = briefing::check::check(site.path(), &BuildOptions::default()).unwrap();
    let clash = found
        .iter()
        .find(|d| {
            d.message
                .contains("`Republic of the Sudan` names Kenya in `fr`")
        })
        .unwrap_or_else(|| panic!("{found:#?}"));
    assert!(clash.message.contains("but Sudan in the default language"));
    assert_eq!(
        clash.file.as_deref(),
        Some(std::path::Path::new("content/countries/kenya.fr.md"))
    );
}

/// Random edits in every language (briefings and translations written,
/// retitled, removed, broken and mended; profile translations; a site
/// template): after each, serve's files equal a fresh load's.
#[test]
fn serve_equals_a_fresh_load_after_random_edits_in_every_language() {
    let sequences: u64 = std::env::var("INCREMENTAL_SEQUENCES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(3)
        .min(50);
    let mut compared = 0;
    for seed in 1..=sequences {
        let site = TestSite::fixture("multilingual");
        let options = BuildOptions::default();
        let mut project = Project::open(site.path(), &options).unwrap();
        let mut rng = common::Rng(0x9E37_79B9_7F4A_7C15 ^ seed);
        for step in 0..12 {
            let (path, text) = random_edit(&mut rng, step);
            match &text {
                Some(t) => site.write(&path, t),
                None => {
                    let _ = std::fs::remove_file(site.path().join(&path));
                }
            }
            // A broken file fails the update and is served as it was; the
            // next good edit brings everything back in line.
            if project.rebuild(&[path.clone().into()]).is_err() {
                continue;
            }
            let Ok(fresh) = Project::open(site.path(), &options) else {
                continue;
            };
            compared += 1;
            let ours = project.files();
            let theirs = fresh.files();
            let differ: Vec<&String> = ours
                .keys()
                .chain(theirs.keys())
                .filter(|k| !k.ends_with(".js") && !k.starts_with("search-index/"))
                .filter(|k| ours.get(*k) != theirs.get(*k))
                .collect();
            assert!(
                differ.is_empty(),
                "seed {seed}, step {step}, after {path}: serve differs from a fresh load at {differ:?}"
            );
        }
    }
    // Broken files fail some steps; most must still be compared.
    assert!(
        compared * 2 > sequences * 12,
        "only {compared} steps compared"
    );
}

fn random_edit(rng: &mut common::Rng, step: usize) -> (String, Option<String>) {
    let n = rng.below(1000);
    let country = rng.pick(&["Soudan", "Kenya", "Sudan", "السودان", "Nowhere"]);
    match rng.below(7) {
        0 => (
            format!("content/articles/{}.fr.md", rng.pick(&["talks", "french-only", "new"])),
            Some(format!(
                "---\ntitle: Note {n}\ndate: 2023-10-{:02}\ndraft: {}\ncountries: [{country}]\n---\nLe Soudan et le Kenya, étape {step}.\n",
                1 + n % 28,
                n % 3 == 0
            )),
        ),
        1 => (
            format!("content/articles/{}.ar.md", rng.pick(&["talks", "new"])),
            Some(format!(
                "---\ntitle: إحاطة {n}\ndate: 2023-11-{:02}\ncountries: [السودان]\n---\nالسودان مرة أخرى.\n",
                1 + n % 28
            )),
        ),
        2 => (
            format!("content/articles/{}.md", rng.pick(&["talks", "english-only"])),
            Some(format!(
                "---\ntitle: Briefing {n}\ndate: 2023-09-{:02}\ncountries: [Sudan, Kenya]\n---\nSudan, step {step}.\n",
                1 + n % 28
            )),
        ),
        3 => (
            format!("content/countries/{}.fr.md", rng.pick(&["kenya", "sudan"])),
            Some(format!("---\nname: {}\naliases: [Pays {n}]\n---\nFiche {n}.\n", rng.pick(&["Kenya", "Soudan"]))),
        ),
        4 => (
            format!(
                "content/{}",
                rng.pick(&[
                    "articles/talks.fr.md",
                    "articles/new.ar.md",
                    "countries/sudan.fr.md",
                    "articles/french-only.fr.md"
                ])
            ),
            None,
        ),
        5 => (
            "content/articles/talks.fr.md".to_string(),
            Some("---\ntitle: [unclosed\n---\nCassé.\n".to_string()),
        ),
        _ => (
            "templates/tag.html".to_string(),
            Some(format!(
                "{{% extends \"base.html\" %}}{{% block main %}}<h1>{{{{ tag.name }}}} {n}</h1>{{% endblock main %}}\n"
            )),
        ),
    }
}

#[test]
fn a_draft_translation_is_not_linked_as_a_version() {
    let site = TestSite::fixture("multilingual");
    let path = site.path().join("content/articles/talks.fr.md");
    let text = std::fs::read_to_string(&path).unwrap();
    site.write(
        "content/articles/talks.fr.md",
        &text.replacen("date: 2023-09-22\n", "date: 2023-09-22\ndraft: true\n", 1),
    );
    site.build_ok();
    assert!(!site.has_page("fr/articles/talks/"));
    let en = site.page("articles/talks/");
    assert!(
        !en.contains(r#"hreflang="fr" href="https://desk.example.org/fr/articles/talks/""#),
        "{en}"
    );
    assert!(!en.contains(r#"href="/fr/articles/talks/""#), "{en}");
    assert!(en.contains(r#"hreflang="ar" href="https://desk.example.org/ar/articles/talks/""#));
    // With drafts built, it is a version again.
    let drafts = BuildOptions {
        drafts: true,
        ..BuildOptions::default()
    };
    site.build_with(&drafts).unwrap();
    assert!(site
        .page("articles/talks/")
        .contains(r#"hreflang="fr" href="https://desk.example.org/fr/articles/talks/""#));
}

#[test]
fn lists_say_how_many_briefings_other_languages_publish() {
    let site = built();
    let fr = site.page("fr/articles/");
    assert!(
        fr.contains(r#"Dans d’autres langues : <a href="/articles/" lang="en" hreflang="en">English</a> (2 notes); <a href="/ar/articles/" lang="ar" hreflang="ar">العربية</a> (1 note).</p>"#),
        "{fr}"
    );
    // The page's own language is not among them.
    assert!(!fr.contains(r#"hreflang="fr">Français</a> ("#));
    assert!(site
        .page("")
        .contains(r#"hreflang="fr">Français</a> (2 briefings)."#));
    // A site in one language says nothing of the kind.
    let one = TestSite::fixture("links");
    one.build_ok();
    assert!(!one.page("articles/").contains("class=\"elsewhere"));
}
