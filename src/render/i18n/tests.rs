use super::*;

fn words(lang: &str) -> Words {
    Words::new(lang, &BTreeMap::new()).0
}

#[test]
fn every_language_has_every_english_key_and_no_other() {
    let english = parse_built_in("en").unwrap();
    for lang in built_in_languages() {
        let texts = parse_built_in(lang).unwrap();
        for (key, text) in &english {
            let theirs = texts
                .get(key)
                .unwrap_or_else(|| panic!("{lang} lacks `{key}`"));
            // A counted text has its plural forms in every language.
            assert_eq!(
                matches!(text, Text::Plural(_)),
                matches!(theirs, Text::Plural(_)),
                "{lang}: `{key}`"
            );
            if let Text::Plural(forms) = theirs {
                assert!(
                    forms.contains_key("other"),
                    "{lang}: `{key}` has no `other`"
                );
            }
        }
        let extra: Vec<_> = texts.keys().filter(|k| !english.contains_key(*k)).collect();
        assert!(extra.is_empty(), "{lang} has keys English lacks: {extra:?}");
    }
}

#[test]
fn languages_fall_back_to_english_words_with_their_own_months() {
    assert_eq!(words("fr").text("countries"), "Pays");
    assert_eq!(words("fr-ca").text("countries"), "Pays");
    assert_eq!(words("ar").text("search"), "بحث");
    assert_eq!(words("de").text("countries"), "Countries");
    assert_eq!(words("en").say("no-such-key", None, &[]), None);
    let day = PartialDate::parse("2023-09-21").unwrap();
    assert_eq!(words("en").date(&day), "21 September 2023");
    assert_eq!(words("fr").date(&day), "21 septembre 2023");
    assert_eq!(words("es").date(&day), "21 de septiembre de 2023");
    assert_eq!(words("ar").date(&day), "21 سبتمبر 2023");
    assert_eq!(words("de").date(&day), "21 September 2023");
    assert_eq!(words("pt-br").date(&day), "21 setembro 2023");
    let month = PartialDate::parse("2023-09").unwrap();
    assert_eq!(words("fr").date(&month), "septembre 2023");
    assert_eq!(words("fr").month_name(9), "Septembre");
    assert_eq!(
        words("fr").date(&PartialDate::parse("2006").unwrap()),
        "2006"
    );
}

#[test]
fn counts_take_the_languages_plural_form_and_grouping() {
    let en = words("en");
    assert_eq!(en.count("n_briefings", 1), "1 briefing");
    assert_eq!(en.count("n_briefings", 0), "0 briefings");
    assert_eq!(en.count("n_briefings", 12500), "12,500 briefings");
    assert_eq!(en.count("n_briefings", 1250), "1250 briefings");
    let fr = words("fr");
    assert_eq!(fr.count("n_briefings", 0), "0 note");
    assert_eq!(fr.count("n_briefings", 12500), "12\u{202f}500 notes");
    let ar = words("ar");
    let forms: Vec<String> = [1, 2, 5, 11, 100]
        .iter()
        .map(|&n| ar.count("n_briefings", n))
        .collect();
    assert_eq!(forms.len(), 5);
    assert!(forms.windows(2).all(|w| w[0] != w[1]), "{forms:?}");
}

#[test]
fn arguments_fill_the_text_and_site_overrides_win() {
    let en = words("en");
    assert_eq!(
        en.say("all_n_briefings", Some(3), &[]).unwrap(),
        "All 3 briefings"
    );
    let overrides = BTreeMap::from([
        ("briefings".to_string(), Text::One("Analyses".into())),
        ("brefings".to_string(), Text::One("typo".into())),
    ]);
    let (w, problems) = Words::new("en", &overrides);
    assert_eq!(w.text("briefings"), "Analyses");
    assert_eq!(problems.len(), 1);
    let p = &problems[0];
    assert!(p.message.contains("`brefings`"), "{}", p.message);
    assert!(p.help.as_deref().unwrap_or("").contains("`briefings`"));
}

#[test]
fn the_tera_function_names_an_unknown_key() {
    let w = Arc::new(words("en"));
    let bound = Bound {
        words: w.clone(),
        all: Arc::new(BTreeMap::from([("en".to_string(), w)])),
    };
    let args = HashMap::from([("key".to_string(), Value::from("nope"))]);
    let e = tera::Function::call(&bound, &args).unwrap_err();
    assert!(e.to_string().contains("`nope`"));
}

#[test]
fn every_word_search_js_says_is_in_the_theme() {
    let english = parse_built_in("en").unwrap();
    for key in SEARCH_KEYS {
        assert!(english.contains_key(*key), "search.js says `{key}`");
    }
    let fr = words("fr").all_of(SEARCH_KEYS);
    assert_eq!(fr["search_count"]["other"], "{n} résultats");
    assert_eq!(fr["search_none"], "Aucun résultat");
}

#[test]
fn the_maps_source_in_english_is_the_one_the_readme_and_geo_give() {
    assert_eq!(words("en").text("map_source"), crate::geo::ATTRIBUTION);
}
