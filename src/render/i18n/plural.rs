//! Which plural form a count takes in a language: CLDR's cardinal rules
//! for whole numbers, for the languages the theme ships words in. Other
//! languages take English's rule, which is also right for German, Dutch,
//! Italian, Spanish, Portuguese (Portugal) and the Scandinavian languages.

/// The CLDR plural category of `n` in `lang`: "zero", "one", "two", "few",
/// "many" or "other".
pub fn category(lang: &str, n: u64) -> &'static str {
    match lang.split('-').next().unwrap_or(lang) {
        // French (and Brazilian Portuguese) count 0 and 1 as singular.
        "fr" => {
            if n <= 1 {
                "one"
            } else {
                "other"
            }
        }
        "ar" => arabic(n),
        _ => {
            if n == 1 {
                "one"
            } else {
                "other"
            }
        }
    }
}

/// Arabic has six forms: 0, 1, 2, 3–10, 11–99 (by the last two digits),
/// and the rest (100, 101, 102…).
fn arabic(n: u64) -> &'static str {
    match (n, n % 100) {
        (0, _) => "zero",
        (1, _) => "one",
        (2, _) => "two",
        (_, 3..=10) => "few",
        (_, 11..=99) => "many",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::category;

    #[test]
    fn cldr_categories_at_their_edges() {
        assert_eq!(category("en", 0), "other");
        assert_eq!(category("en", 1), "one");
        assert_eq!(category("fr", 0), "one");
        assert_eq!(category("fr", 1), "one");
        assert_eq!(category("fr", 2), "other");
        assert_eq!(category("fr-ca", 1), "one");
        let arabic: Vec<&str> = [0, 1, 2, 3, 10, 11, 99, 100, 102, 103, 111]
            .iter()
            .map(|&n| category("ar", n))
            .collect();
        assert_eq!(
            arabic,
            ["zero", "one", "two", "few", "few", "many", "many", "other", "other", "few", "many"]
        );
    }
}
