//! The theme's own words in the page's language: `{{ t(key="…",
//! lang=site.language) }}` in a template. Built-in for English, French,
//! Spanish and Arabic; a key or a language without an entry falls back to
//! English, so a template never shows a key. So far the words every page
//! carries (skip link, navigation, search box, footer) and the headings
//! and labels of briefing and entity pages are keyed; the rest of the
//! theme (macros, which see only their arguments, captions built in Rust)
//! is English.

use std::collections::HashMap;

use tera::Value;

/// Each key with its English, French, Spanish and Arabic text.
const TEXTS: &[(&str, [&str; 4])] = &[
    (
        "skip",
        [
            "Skip to content",
            "Aller au contenu",
            "Ir al contenido",
            "انتقل إلى المحتوى",
        ],
    ),
    ("sections", ["Sections", "Rubriques", "Secciones", "الأقسام"]),
    ("briefings", ["Briefings", "Notes", "Notas", "الإحاطات"]),
    ("countries", ["Countries", "Pays", "Países", "الدول"]),
    ("leaders", ["Leaders", "Dirigeants", "Líderes", "القادة"]),
    ("crises", ["Crises", "Crises", "Crisis", "الأزمات"]),
    ("books", ["Books", "Dossiers", "Carpetas", "الملفات"]),
    ("tags", ["Tags", "Étiquettes", "Etiquetas", "الوسوم"]),
    ("archive", ["Archive", "Archives", "Archivo", "الأرشيف"]),
    ("search", ["Search", "Recherche", "Buscar", "بحث"]),
    (
        "quick_search",
        [
            "Quick search",
            "Recherche rapide",
            "Búsqueda rápida",
            "بحث سريع",
        ],
    ),
    (
        "search_briefings",
        [
            "Search briefings",
            "Chercher dans les notes",
            "Buscar en las notas",
            "ابحث في الإحاطات",
        ],
    ),
    (
        "search_placeholder",
        ["Search…", "Rechercher…", "Buscar…", "ابحث…"],
    ),
    (
        "browse",
        [
            "Browse the indexes",
            "Parcourir les index",
            "Explorar los índices",
            "تصفّح الفهارس",
        ],
    ),
    ("languages", ["Languages", "Langues", "Idiomas", "اللغات"]),
    (
        "follow_all",
        [
            "Follow all briefings (Atom feed)",
            "Suivre toutes les notes (flux Atom)",
            "Seguir todas las notas (canal Atom)",
            "تابع كل الإحاطات (موجز Atom)",
        ],
    ),
    (
        "calendar",
        ["Calendar", "Calendrier", "Calendario", "التقويم"],
    ),
    (
        "data",
        [
            "Data (JSON)",
            "Données (JSON)",
            "Datos (JSON)",
            "البيانات (JSON)",
        ],
    ),
    ("updated", ["Updated", "Mis à jour", "Actualizado", "حُدِّث"]),
    ("contents", ["Contents", "Sommaire", "Índice", "المحتويات"]),
    (
        "in_this_briefing",
        [
            "In this briefing",
            "Dans cette note",
            "En esta nota",
            "في هذه الإحاطة",
        ],
    ),
    ("sources", ["Sources", "Sources", "Fuentes", "المصادر"]),
    (
        "neighbours",
        [
            "Neighbouring briefings",
            "Notes voisines",
            "Notas vecinas",
            "إحاطات مجاورة",
        ],
    ),
    ("older", ["Older", "Plus ancienne", "Anterior", "الأقدم"]),
    ("newer", ["Newer", "Plus récente", "Posterior", "الأحدث"]),
    (
        "related",
        [
            "Related briefings",
            "Notes liées",
            "Notas relacionadas",
            "إحاطات ذات صلة",
        ],
    ),
    (
        "aka",
        [
            "Also known as",
            "Aussi appelé",
            "También conocido como",
            "يُعرف أيضًا باسم",
        ],
    ),
    ("follow", ["Follow", "Suivre", "Seguir", "تابع"]),
    (
        "feed_of_its",
        [
            "(Atom feed of its briefings)",
            "(flux Atom de ses notes)",
            "(canal Atom de sus notas)",
            "(موجز Atom لإحاطاته)",
        ],
    ),
    (
        "books_heading",
        [
            "Briefing books",
            "Dossiers de préparation",
            "Carpetas de información",
            "ملفات الإحاطة",
        ],
    ),
    (
        "untranslated",
        [
            "Not translated yet: this profile is in its original language.",
            "Pas encore traduit : cette fiche est dans sa langue d’origine.",
            "Aún sin traducir: esta ficha está en su idioma original.",
            "لم يُترجم بعد: هذا الملف بلغته الأصلية.",
        ],
    ),
    (
        "mentioned_with",
        [
            "Often mentioned with",
            "Souvent cité avec",
            "Citado a menudo con",
            "يُذكر غالبًا مع",
        ],
    ),
    (
        "mentioned_note",
        [
            "Named in the same briefings; not a stated connection.",
            "Cités dans les mêmes notes ; ce n’est pas un lien établi.",
            "Citados en las mismas notas; no es un vínculo establecido.",
            "ذُكرا في الإحاطات نفسها؛ وهذه ليست صلة مُعلنة.",
        ],
    ),
    (
        "briefings_about",
        ["Briefings about", "Notes sur", "Notas sobre", "إحاطات عن"],
    ),
    ("region", ["Region", "Région", "Región", "المنطقة"]),
    ("capital", ["Capital", "Capitale", "Capital", "العاصمة"]),
    (
        "iso_code",
        ["ISO code", "Code ISO", "Código ISO", "رمز ISO"],
    ),
    ("connections", ["Connections", "Liens", "Vínculos", "الصلات"]),
    (
        "taking_office",
        [
            "Taking office",
            "Entrée en fonction",
            "Asume el cargo",
            "يتولى المنصب",
        ],
    ),
    (
        "former_leaders",
        [
            "Former leaders",
            "Anciens dirigeants",
            "Antiguos líderes",
            "القادة السابقون",
        ],
    ),
    ("kind_country", ["Country", "Pays", "País", "دولة"]),
    ("kind_leader", ["Leader", "Dirigeant", "Líder", "قائد"]),
    ("kind_crisis", ["Crisis", "Crise", "Crisis", "أزمة"]),
    (
        "built_with",
        [
            "Built with briefing.",
            "Fait avec briefing.",
            "Hecho con briefing.",
            "أُنشئ باستخدام briefing.",
        ],
    ),
];

/// The theme's text for `key` in `lang`, English when it has none.
pub fn text(lang: &str, key: &str) -> Option<&'static str> {
    let column = match lang.split('-').next().unwrap_or(lang) {
        "fr" => 1,
        "es" => 2,
        "ar" => 3,
        _ => 0,
    };
    TEXTS
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, texts)| texts[column])
}

/// The Tera function `t(key, lang)`. An unknown key is an error that names
/// it, so a typo in a template fails the build instead of showing.
pub fn tera_function(args: &HashMap<String, Value>) -> tera::Result<Value> {
    let get = |name: &str| args.get(name).and_then(Value::as_str);
    let key = get("key").ok_or("t() needs key=\"…\"")?;
    let lang = get("lang").unwrap_or("en");
    text(lang, key)
        .map(|t| Value::String(t.to_string()))
        .ok_or_else(|| format!("t(): the theme has no text `{key}`").into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_is_in_every_language_and_english_is_the_fallback() {
        for (key, texts) in TEXTS {
            assert!(texts.iter().all(|t| !t.trim().is_empty()), "{key}");
        }
        assert_eq!(text("fr", "countries"), Some("Pays"));
        assert_eq!(text("fr-CA", "countries"), Some("Pays"));
        assert_eq!(text("ar", "search"), Some("بحث"));
        assert_eq!(text("de", "countries"), Some("Countries"));
        assert_eq!(text("en", "no-such-key"), None);
        let args = HashMap::from([("key".to_string(), Value::from("nope"))]);
        assert!(tera_function(&args)
            .unwrap_err()
            .to_string()
            .contains("`nope`"));
    }
}
