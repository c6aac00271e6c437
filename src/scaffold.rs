//! Scaffolding: `briefing new` writes a briefing or profile stub with valid
//! front matter, `briefing init` creates a new site folder. Neither ever
//! overwrites a file.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use chrono::NaiveDate;
use serde::Serialize;

use crate::content::EntityKind;
use crate::text::slugify;

/// Create `path` with `text`, refusing to replace anything.
fn create_new(path: &Path, text: &str) -> Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)
            .with_context(|| format!("could not create {}", parent.display()))?;
    }
    let mut file = fs::OpenOptions::new().write(true).create_new(true).open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            anyhow::anyhow!("{} already exists; refusing to overwrite it (choose another title or edit the file)", path.display())
        } else {
            anyhow::anyhow!("could not create {}: {e}", path.display())
        }
    })?;
    file.write_all(text.as_bytes())
        .with_context(|| format!("could not write {}", path.display()))
}

fn front_matter(value: &impl Serialize) -> String {
    let yaml = crate::yaml::to_string(value);
    format!("---\n{yaml}---\n")
}

#[derive(Serialize)]
struct NewArticle<'a> {
    title: &'a str,
    date: String,
    summary: &'a str,
    countries: &'a [String],
    leaders: &'a [String],
    crises: &'a [String],
    tags: Vec<String>,
    draft: bool,
}

/// Write `content/articles/<year>/<date>-<slug>.md` and return its path.
/// A control character typed into a name (`$'X\x01'`) would go into the
/// file and from there into feeds, which cannot hold it.
fn refuse_controls(what: &str, value: &str) -> Result<()> {
    if let Some(c) = value
        .chars()
        .find(|c| crate::text::is_forbidden_control(*c))
    {
        bail!(
            "the {what} `{}` holds the control character U+{:04X}; type it without one",
            value.escape_debug(),
            c as u32
        );
    }
    Ok(())
}

pub fn new_article(
    site_dir: &Path,
    title: &str,
    date: NaiveDate,
    countries: &[String],
    leaders: &[String],
    crises: &[String],
) -> Result<PathBuf> {
    refuse_controls("title", title)?;
    for name in countries.iter().chain(leaders).chain(crises) {
        refuse_controls("name", name)?;
    }
    let slug = slugify(title);
    if slug.is_empty() {
        bail!("the title `{title}` has no letters or digits to make a file name from");
    }
    let path = site_dir
        .join("content/articles")
        .join(date.format("%Y").to_string())
        .join(format!("{}-{slug}.md", date.format("%Y-%m-%d")));
    let fm = front_matter(&NewArticle {
        title,
        date: date.format("%Y-%m-%d").to_string(),
        summary: "",
        countries,
        leaders,
        crises,
        tags: Vec::new(),
        draft: true,
    });
    create_new(&path, &format!("{fm}\n{ARTICLE_PLACEHOLDER}\n"))?;
    Ok(path)
}

#[derive(Serialize)]
struct NewBook<'a> {
    title: &'a str,
    date: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    end: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    place: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    principal: Option<&'a str>,
    counterparts: &'a [String],
    countries: &'a [String],
    crises: &'a [String],
    tags: Vec<String>,
    draft: bool,
}

/// What `new book` is told: the meeting and whom and what it names.
#[derive(Default)]
pub struct BookStub<'a> {
    pub title: &'a str,
    pub date: NaiveDate,
    pub end: Option<NaiveDate>,
    pub place: Option<&'a str>,
    pub principal: Option<&'a str>,
    pub counterparts: &'a [String],
    pub countries: &'a [String],
    pub crises: &'a [String],
}

/// Write `content/books/<slug>.md`, a draft, and return its path.
pub fn new_book(site_dir: &Path, stub: &BookStub) -> Result<PathBuf> {
    refuse_controls("title", stub.title)?;
    let names = stub
        .counterparts
        .iter()
        .chain(stub.countries)
        .chain(stub.crises);
    for name in names
        .map(String::as_str)
        .chain(stub.principal)
        .chain(stub.place)
    {
        refuse_controls("name", name)?;
    }
    if stub.end.is_some_and(|e| e < stub.date) {
        bail!("--end is before --date: `date` is the trip's first day and `end` its last");
    }
    let slug = slugify(stub.title);
    if slug.is_empty() {
        bail!(
            "the title `{}` has no letters or digits to make a file name from",
            stub.title
        );
    }
    let path = site_dir.join("content/books").join(format!("{slug}.md"));
    let day = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    let fm = front_matter(&NewBook {
        title: stub.title,
        date: day(stub.date),
        end: stub.end.map(day),
        place: stub.place,
        principal: stub.principal,
        counterparts: stub.counterparts,
        countries: stub.countries,
        crises: stub.crises,
        tags: Vec::new(),
        draft: true,
    });
    create_new(
        &path,
        &format!(
            "{fm}
{BOOK_PLACEHOLDER}
"
        ),
    )?;
    Ok(path)
}

/// The body `new book` writes: the sections a desk writes itself. The
/// rest of a book is assembled from the site.
pub const BOOK_PLACEHOLDER: &str = "## Objectives\n\n- What the meeting is for.\n\n## Talking points\n\n- What to say.\n\nThe cover, agenda, counterparts, countries and recent briefings are assembled from the site as of `date`. Remove `draft: true` to publish the book.";

/// The body `new article` writes; `check` warns while a briefing still
/// starts with it.
pub const ARTICLE_PLACEHOLDER: &str = "Write the briefing here. The first paragraph becomes the summary unless `summary` is set.\nRemove `draft: true` to publish it.";

/// The body `new country` (leader, crisis) writes; `check` warns while a
/// profile still holds it.
pub fn profile_placeholder(name: &str) -> String {
    format!("{PROFILE_PLACEHOLDER_START}{name}: {PROFILE_PLACEHOLDER_END}")
}

/// How the profile stub's line begins.
pub const PROFILE_PLACEHOLDER_START: &str = "A short profile of ";

/// How the profile stub's line ends, whatever the name (which typographic
/// quotes may change on the page).
pub const PROFILE_PLACEHOLDER_END: &str = "replace this line with your own.";

/// Write a profile stub for `name` and return its path.
pub fn new_profile(site_dir: &Path, kind: EntityKind, name: &str) -> Result<PathBuf> {
    refuse_controls("name", name)?;
    let slug = slugify(name);
    if slug.is_empty() {
        bail!("the name `{name}` has no letters or digits to make a file name from");
    }
    let path = site_dir
        .join("content")
        .join(kind.dir())
        .join(format!("{slug}.md"));
    let quoted = crate::yaml::to_string(name);
    let name_line = format!("name: {}", quoted.trim_end());
    let fields = match kind {
        EntityKind::Country => "aliases: []\niso:\nregion:\ncapital:\n",
        EntityKind::Leader => "aliases: []\ncountry:\noffice:\nterm:\n  from:\n",
        EntityKind::Crisis => "aliases: []\nstatus: active\nstarted:\ncountries: []\n",
    };
    let text = format!(
        "---\n{name_line}\n{fields}---\n{}\n",
        profile_placeholder(name)
    );
    create_new(&path, &text)?;
    Ok(path)
}

/// Create a new site in `dir`, which must be missing or hold nothing but
/// dotfiles (a fresh `git init`, an `.editorconfig`). Returns the paths
/// written.
pub fn init(dir: &Path, today: NaiveDate) -> Result<Vec<PathBuf>> {
    if let Some(name) = first_visible_entry(dir)? {
        bail!(
            "{} already holds `{name}`; `briefing init` only creates a site in a new folder or one with nothing but dotfiles (such as .git). Choose another folder, or move it out",
            dir.display()
        );
    }
    let mut written = Vec::new();
    let site = dir.join("site.yaml");
    create_new(
        &site,
        "title: My briefings\ndescription: Briefings on countries, leaders and crises.\nlanguage: en\nbase_url: /\nraw_html: false\n",
    )?;
    written.push(site);
    written.push(sample_country(dir)?);
    written.push(sample_article(dir, today)?);
    Ok(written)
}

/// The name of an entry of `dir` that is not a dotfile, if any.
fn first_visible_entry(dir: &Path) -> Result<Option<String>> {
    if !dir.exists() {
        return Ok(None);
    }
    let entries = fs::read_dir(dir).with_context(|| format!("could not read {}", dir.display()))?;
    for entry in entries {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if !name.starts_with('.') {
            return Ok(Some(name));
        }
    }
    Ok(None)
}

/// The sample country, filled in so that it builds without warnings.
fn sample_country(dir: &Path) -> Result<PathBuf> {
    let path = dir.join("content/countries/kenya.md");
    create_new(
        &path,
        "---\nname: Kenya\niso: KE\nregion: East Africa\ncapital: Nairobi\n---\nA sample profile: a country gets a page like this one, listing every briefing that names it. Edit it, or delete it with the sample briefing.\n",
    )?;
    Ok(path)
}

/// The sample briefing: published, so the first build shows it.
fn sample_article(dir: &Path, today: NaiveDate) -> Result<PathBuf> {
    let path = dir
        .join("content/articles")
        .join(today.format("%Y").to_string())
        .join(format!("{}-welcome.md", today.format("%Y-%m-%d")));
    let fm = front_matter(&NewArticle {
        title: "Welcome to your briefing site",
        date: today.format("%Y-%m-%d").to_string(),
        summary: "A sample briefing, tagged with the sample country.",
        countries: &["Kenya".to_string()],
        leaders: &[],
        crises: &[],
        tags: vec!["sample".to_string()],
        draft: false,
    });
    let body = "\nThis sample briefing is published. Names in the text such as Kenya link to their pages.\n\nWrite your own with `briefing new article \"A title\" --country Kenya`: it starts as a draft (`draft: true`), shown by `briefing serve --drafts` and published once you remove that line.\n";
    create_new(&path, &format!("{fm}{body}"))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::frontmatter::{
        ArticleFrontMatter, BookFrontMatter, CountryFrontMatter, CrisisFrontMatter,
        LeaderFrontMatter,
    };
    use crate::content::parse_document;

    #[test]
    fn new_files_have_valid_front_matter_and_are_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let date = NaiveDate::from_ymd_opt(2023, 9, 21).unwrap();
        let title = "Ruto: \"agree on the how\" #UNGA";
        let p = new_article(
            dir.path(),
            title,
            date,
            &["Kenya".into()],
            &["William Ruto".into()],
            &[],
        )
        .unwrap();
        assert!(
            p.ends_with("content/articles/2023/2023-09-21-ruto-agree-on-the-how-unga.md"),
            "{}",
            p.display()
        );
        let doc =
            parse_document::<ArticleFrontMatter>(&fs::read_to_string(&p).unwrap(), &p).unwrap();
        assert_eq!(doc.front.title, title);
        assert_eq!(doc.front.countries, ["Kenya"]);
        assert!(doc.front.draft);
        assert!(new_article(dir.path(), title, date, &[], &[], &[])
            .unwrap_err()
            .to_string()
            .contains("refusing to overwrite"));

        let c = new_profile(dir.path(), EntityKind::Country, "Côte d'Ivoire").unwrap();
        assert!(c.ends_with("content/countries/cote-divoire.md"));
        assert_eq!(
            parse_document::<CountryFrontMatter>(&fs::read_to_string(&c).unwrap(), &c)
                .unwrap()
                .front
                .name,
            "Côte d'Ivoire"
        );
        let l = new_profile(dir.path(), EntityKind::Leader, "William Ruto").unwrap();
        parse_document::<LeaderFrontMatter>(&fs::read_to_string(&l).unwrap(), &l).unwrap();
        let k = new_profile(dir.path(), EntityKind::Crisis, "War in Sudan").unwrap();
        parse_document::<CrisisFrontMatter>(&fs::read_to_string(&k).unwrap(), &k).unwrap();

        let stub = BookStub {
            title: "Meeting with President Ruto",
            date,
            place: Some("New York: UNGA 78"),
            principal: Some("Antony Blinken"),
            counterparts: &["William Ruto".into()],
            ..BookStub::default()
        };
        let b = new_book(dir.path(), &stub).unwrap();
        assert!(b.ends_with("content/books/meeting-with-president-ruto.md"));
        let doc = parse_document::<BookFrontMatter>(&fs::read_to_string(&b).unwrap(), &b).unwrap();
        assert_eq!(doc.front.date, "2023-09-21");
        assert_eq!(doc.front.place.as_deref(), Some("New York: UNGA 78"));
        assert_eq!(doc.front.counterparts, ["William Ruto"]);
        assert!(doc.front.draft && doc.front.end.is_none());
        assert!(new_book(dir.path(), &stub).is_err(), "never overwritten");
        let backwards = BookStub {
            title: "Trip",
            end: NaiveDate::from_ymd_opt(2023, 9, 20),
            ..stub
        };
        assert!(new_book(dir.path(), &backwards)
            .unwrap_err()
            .to_string()
            .contains("--end"));
    }

    #[test]
    fn init_accepts_dotfiles_and_refuses_real_content() {
        let today = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        let repo = tempfile::tempdir().unwrap();
        fs::create_dir(repo.path().join(".git")).unwrap();
        fs::write(repo.path().join(".gitignore"), "public/\n").unwrap();
        let written = init(repo.path(), today).unwrap();
        assert_eq!(written.len(), 3);
        assert_eq!(
            fs::read_to_string(repo.path().join(".gitignore")).unwrap(),
            "public/\n"
        );

        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("notes.txt"), "mine").unwrap();
        assert!(init(dir.path(), today)
            .unwrap_err()
            .to_string()
            .contains("already holds `notes.txt`"));
        assert_eq!(
            fs::read_to_string(dir.path().join("notes.txt")).unwrap(),
            "mine"
        );
    }
}
