//! The README's front-matter examples stay true: each one parses as the type
//! it documents.

use std::path::Path;

use briefing::content::frontmatter::{
    ArticleFrontMatter, CountryFrontMatter, CrisisFrontMatter, LeaderFrontMatter,
};
use briefing::content::{parse_document, Document};

#[test]
fn readme_front_matter_examples_parse() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let mut checked = Vec::new();
    for block in readme.split("```yaml\n").skip(1) {
        let yaml = &block[..block.find("```").unwrap()];
        let path = Path::new("README.md");
        if !yaml.starts_with("---") {
            // A fragment that any profile may hold, such as `dates:`.
            let text = format!("---\nname: X\n{yaml}---\nBody.\n");
            let doc = parse_document::<CountryFrontMatter>(&text, path)
                .unwrap_or_else(|e| panic!("README fragment does not parse: {e}\n{yaml}"));
            assert!(!doc.front.dates.is_empty(), "{yaml}");
            checked.push("key dates");
            continue;
        }
        let text = format!("{yaml}Body.\n");
        let kind = if yaml.contains("\ntitle:") {
            parse_document::<ArticleFrontMatter>(&text, path).map(|_: Document<_>| "article")
        } else if yaml.contains("\niso:") {
            parse_document::<CountryFrontMatter>(&text, path).map(|_: Document<_>| "country")
        } else if yaml.contains("\npositions:") {
            parse_document::<LeaderFrontMatter>(&text, path).map(|_: Document<_>| "leader")
        } else {
            parse_document::<CrisisFrontMatter>(&text, path).map(|_: Document<_>| "crisis")
        };
        checked.push(kind.unwrap_or_else(|e| panic!("README example does not parse: {e}\n{yaml}")));
    }
    assert_eq!(
        checked,
        ["article", "country", "leader", "crisis", "key dates"]
    );
}
