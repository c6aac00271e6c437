//! The page registry: every kind of page the site has, declared once. A
//! kind is a [`PageId`] variant with its path and template, and one builder
//! function below that fills the template's context through a [`Reader`],
//! which records what the page read. Whether a page lists briefings, and
//! when it last changed, follow from what it reads; nothing keeps a second
//! copy of that knowledge.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context, Result};

use super::dossier::AssessmentView;
use super::extras;
use super::links::DateView;
use super::page_id::{list_pages, list_slice, PageId};
use super::reader::{Dep, Reader};
use super::views::{
    ArticleCard, ArticleView, Counts, EntityCard, EntityView, FeedLink, Group, PageLink, PageMeta,
    Pagination, SiteView, TagCard, TimelineEntry, TimelineYear,
};
use super::{tera_chain, Output, Theme};
use crate::graph::{Details, EntityId, EntityKind, Site};
use crate::text::slugify;

/// Page links for a list split over `total` pages.
fn pagination(r: &Reader, n: usize, total: usize, page: impl Fn(usize) -> PageId) -> Pagination {
    let url_of = |k: usize| r.url(&page(k).path());
    Pagination {
        current: n,
        total,
        previous: (n > 1).then(|| url_of(n - 1)),
        next: (n < total).then(|| url_of(n + 1)),
        pages: page_numbers(n, total)
            .into_iter()
            .map(|k| {
                k.map(|k| PageLink {
                    number: k,
                    url: url_of(k),
                })
            })
            .collect(),
    }
}

/// The page numbers a list page links to: the first, the last, and two on
/// either side of the current one, with `None` for each gap. Linking every
/// page from every page grew as the square of the archive: 25 million links
/// over the 5,000 list pages of 100,000 briefings.
fn page_numbers(current: usize, total: usize) -> Vec<Option<usize>> {
    const AROUND: usize = 2;
    let mut out = Vec::new();
    let mut last = 0;
    for k in 1..=total {
        let shown = k == 1 || k == total || k.abs_diff(current) <= AROUND;
        if !shown {
            continue;
        }
        // A gap of one page shows that page rather than an ellipsis.
        if k == last + 2 {
            out.push(Some(last + 1));
        } else if k > last + 2 {
            out.push(None);
        }
        out.push(Some(k));
        last = k;
    }
    out
}

/// What a builder makes: a template and its context, or the bytes of a
/// file written directly.
// One `Built` lives briefly per page rendered: its size does not matter.
#[allow(clippy::large_enum_variant)]
enum Built {
    Template(PageMeta),
    Direct(Vec<u8>),
    /// A source file's bytes, as they are.
    Copy(std::path::PathBuf),
}

/// Render one page, recording what it read when `record` is set. A pure
/// function of the site and the page id.
pub fn render_page(
    site: &Site,
    theme: &Theme,
    page: &PageId,
    record: bool,
) -> Result<(Output, BTreeSet<Dep>)> {
    let r = Reader::new(site, theme.words(site.config.language()), record);
    let mut ctx = tera::Context::new();
    let built = build(&r, page, &mut ctx);
    let bytes = match built {
        Built::Direct(bytes) => bytes,
        Built::Copy(path) => {
            std::fs::read(&path).with_context(|| format!("could not read {}", path.display()))?
        }
        Built::Template(mut meta) => {
            meta.versions = super::languages::versions(&r, page);
            meta.languages = super::languages::switcher(&r, &meta.versions);
            let default = r.config().default_language();
            meta.x_default = meta
                .versions
                .iter()
                .find(|v| v.lang == default && meta.versions.len() > 1)
                .map(|v| v.url.clone());
            meta.feed = page.feed().map(|scope| FeedLink {
                title: scope.title(&r),
                url: r.url(&scope.path()),
            });
            ctx.insert("site", &SiteView::new(&r));
            ctx.insert("page", &meta);
            let template = page.template().expect("template pages have a template");
            theme
                .tera_for(r.config().language())
                .render(template, &ctx)
                .map_err(|e| anyhow::anyhow!(tera_chain(&e)))
                .with_context(|| {
                    format!("could not render /{} with template {template}", page.path())
                })?
                .into_bytes()
        }
    };
    let output = Output {
        path: format!("{}{}", r.config().language_prefix(), page.output_path()),
        bytes,
    };
    Ok((output, r.into_reads()))
}

/// The builder of each kind of page.
fn build(r: &Reader, page: &PageId, ctx: &mut tera::Context) -> Built {
    match page {
        PageId::Home => Built::Template(home(r, ctx)),
        PageId::Articles(n) => Built::Template(articles(r, *n, ctx)),
        PageId::Article(slug) => Built::Template(article(r, slug, ctx)),
        PageId::EntityIndex(kind) => Built::Template(entity_index(r, *kind, ctx)),
        PageId::Entity(id, n) => Built::Template(entity(r, id, *n, ctx)),
        PageId::Tags => Built::Template(tags(r, ctx)),
        PageId::Tag(slug, n) => Built::Template(tag(r, slug, *n, ctx)),
        PageId::NotFound => Built::Template(meta(
            r,
            page,
            r.words().text("not_found"),
            r.words().text("desc_not_found"),
            "none",
        )),
        PageId::Feed(scope) => {
            ctx.insert("feed", &extras::feed_view(r, scope));
            let desc = r.config().site.description.clone();
            Built::Template(meta(r, page, scope.title(r), desc, "none"))
        }
        PageId::Archive => Built::Template(archive(r, ctx)),
        PageId::ArchiveYear(y) => Built::Template(archive_year(r, *y, ctx)),
        PageId::Search => {
            let script = crate::search::stemmer_script(&r.config().site.language);
            ctx.insert("stemmer_script", &script);
            let words = r.words().all_of(super::i18n::SEARCH_KEYS);
            ctx.insert("search_words", &crate::text::json_for_script(&words));
            let desc = r.words().with("desc_search", &[("site", site_title(r))]);
            Built::Template(meta(r, page, r.words().text("search"), desc, "search"))
        }
        PageId::Sitemap => Built::Template(sitemap(r, ctx)),
        PageId::Robots => Built::Direct(extras::robots(r).into_bytes()),
        PageId::ApiEntities => Built::Direct(pretty(extras::entities_json(r))),
        PageId::ApiArticles => Built::Direct(pretty(extras::articles_json(r))),
        PageId::Calendar => {
            ctx.insert("calendar", &super::dossier::calendar(r));
            if r.has_books() {
                ctx.insert("books", &super::book::book_list(r).upcoming);
            }
            let desc = r.words().with("desc_calendar", &[("site", site_title(r))]);
            Built::Template(meta(r, page, r.words().text("calendar"), desc, "calendar"))
        }
        PageId::Ics(only) => Built::Direct(super::dossier::ics(r, only.as_ref())),
        PageId::Redirect(id, _) => {
            let name = r.entity_name(id);
            let target = r.config().absolute_url(&id.path());
            ctx.insert(
                "redirect",
                &serde_json::json!({"name": name, "target": target}),
            );
            Built::Template(meta(
                r,
                page,
                format!("{name} has moved"),
                String::new(),
                "none",
            ))
        }
        PageId::Books => Built::Template(books(r, ctx)),
        PageId::Book(slug) => Built::Template(book(r, slug, ctx)),
        PageId::ApiBooks => Built::Direct(pretty(super::book::books_json(r))),
        PageId::Asset(slug, name) => {
            let asset = r
                .article(slug)
                .assets
                .iter()
                .find(|a| &a.name == name)
                .expect("an asset page is listed from its briefing");
            Built::Copy(r.config().site_dir.join(&asset.source))
        }
    }
}

fn pretty(v: impl serde::Serialize) -> Vec<u8> {
    serde_json::to_vec_pretty(&v).expect("JSON serialises")
}

/// What every page has.
fn site_title(r: &Reader) -> String {
    r.config().site.title.clone()
}

/// A list's title, with which page of it this is after the first.
fn page_title(r: &Reader, title: String, n: usize, total: usize) -> String {
    if n == 1 {
        return title;
    }
    let args = [
        ("title", title),
        ("page", n.to_string()),
        ("total", total.to_string()),
    ];
    r.words().with("title_page_n", &args)
}

fn meta(
    r: &Reader,
    page: &PageId,
    title: String,
    description: String,
    section: &'static str,
) -> PageMeta {
    let path = page.path();
    PageMeta {
        title,
        description,
        url: r.url(&path),
        permalink: r.config().absolute_url(&path),
        section,
        feed: None,
        jsonld: None,
        og_type: "website",
        versions: Vec::new(),
        languages: Vec::new(),
        x_default: None,
    }
}

fn home(r: &Reader, ctx: &mut tera::Context) -> PageMeta {
    ctx.insert("elsewhere", &super::languages::elsewhere(r));
    let latest: Vec<_> = r
        .timeline()
        .iter()
        .take(10)
        .map(|s| ArticleCard::new(r, s))
        .collect();
    let mut briefs: Vec<_> = r
        .entity_ids(EntityKind::Crisis)
        .map(|id| r.entity_brief(id))
        .filter(|e| e.active)
        .collect();
    // The most written about lately first; the whole list is on /crises/.
    briefs.sort_by_key(|e| {
        let month = e.latest.map(|a| a.month.start());
        (
            std::cmp::Reverse(e.recent),
            std::cmp::Reverse(month),
            std::cmp::Reverse(e.briefings),
        )
    });
    let active: Vec<_> = briefs
        .into_iter()
        .map(|e| EntityCard::from_brief(r, e))
        .collect();
    ctx.insert("latest", &latest);
    ctx.insert("map", &super::views::world_map(r));
    ctx.insert(
        "this_month",
        &this_month(&active, r.config().today, r.words()),
    );
    ctx.insert("coming_up", &super::dossier::coming_up(r));
    ctx.insert("active_crises", &active[..active.len().min(HOME_CRISES)]);
    ctx.insert("active_total", &active.len());
    ctx.insert("counts", &counts(r));
    let c = &r.config().site;
    meta(
        r,
        &PageId::Home,
        c.title.clone(),
        c.description.clone(),
        "home",
    )
}

/// Active crises on the home page; the rest are a link away.
pub const HOME_CRISES: usize = 12;

/// CrisisWatch's "this month", named for what it is: the active crises
/// assessed in the latest month any of them was, by what the assessment
/// says. That month may be long before the reference date's.
#[derive(serde::Serialize)]
struct ThisMonth<'a> {
    month: DateView,
    /// The reference date's month ("January 2024") when it is later than
    /// the month assessed.
    behind: Option<String>,
    deteriorated: Vec<&'a EntityCard<'a>>,
    improved: Vec<&'a EntityCard<'a>>,
    risks: Vec<&'a EntityCard<'a>>,
    opportunities: Vec<&'a EntityCard<'a>>,
}

fn this_month<'a>(
    crises: &'a [EntityCard<'a>],
    today: chrono::NaiveDate,
    w: &crate::render::i18n::Words,
) -> Option<ThisMonth<'a>> {
    use crate::graph::{Alert, Trend};
    let month = crises
        .iter()
        .filter_map(|c| c.latest.as_ref())
        .map(|a| &a.month)
        .max_by(|a, b| a.iso.cmp(&b.iso))?;
    let of_month: Vec<&EntityCard> = crises
        .iter()
        .filter(|c| c.latest.as_ref().is_some_and(|a| a.month.iso == month.iso))
        .collect();
    let with = |f: &dyn Fn(&AssessmentView) -> bool| -> Vec<&'a EntityCard<'a>> {
        of_month
            .iter()
            .filter(|c| c.latest.as_ref().is_some_and(f))
            .copied()
            .collect()
    };
    let behind = (month.iso.as_str() < today.format("%Y-%m").to_string().as_str()).then(|| {
        let month = crate::content::frontmatter::PartialDate {
            day: None,
            ..crate::content::frontmatter::PartialDate::from_date(today)
        };
        w.date(&month)
    });
    Some(ThisMonth {
        month: month.clone(),
        behind,
        deteriorated: with(&|a| a.trend == Trend::Deteriorated),
        improved: with(&|a| a.trend == Trend::Improved),
        risks: with(&|a| a.alert == Some(Alert::Risk)),
        opportunities: with(&|a| a.alert == Some(Alert::Opportunity)),
    })
}

fn articles(r: &Reader, n: usize, ctx: &mut tera::Context) -> PageMeta {
    ctx.insert("elsewhere", &super::languages::elsewhere(r));
    let per_page = r.config().site.paginate;
    let timeline = r.timeline();
    let total = timeline.len().div_ceil(per_page).max(1);
    let cards: Vec<_> = timeline
        .iter()
        .skip((n - 1) * per_page)
        .take(per_page)
        .map(|s| ArticleCard::new(r, s))
        .collect();
    ctx.insert("articles", &cards);
    ctx.insert("pagination", &pagination(r, n, total, PageId::Articles));
    let title = page_title(r, r.words().text("all_briefings"), n, total);
    let desc = r.words().with("desc_articles", &[("site", site_title(r))]);
    meta(r, &PageId::Articles(n), title, desc, "articles")
}

fn article(r: &Reader, slug: &str, ctx: &mut tera::Context) -> PageMeta {
    let a = r.article(slug);
    ctx.insert("article", &ArticleView::new(r, a));
    let page = PageId::Article(slug.to_string());
    let mut m = meta(r, &page, a.title.clone(), a.summary.clone(), "articles");
    m.jsonld = Some(crate::text::json_for_script(&extras::article_jsonld(r, a)));
    m.og_type = "article";
    m
}

fn entity_index(r: &Reader, kind: EntityKind, ctx: &mut tera::Context) -> PageMeta {
    let groups = groups(r, kind);
    ctx.insert(
        "total",
        &groups.iter().map(|g| g.entities.len()).sum::<usize>(),
    );
    ctx.insert("groups", &groups);
    if kind == EntityKind::Country {
        ctx.insert("map", &super::views::world_map(r));
    }
    let title = r.words().text(kind.dir());
    let desc = r.words().with(
        "desc_index",
        &[("kind", title.clone()), ("site", site_title(r))],
    );
    meta(r, &PageId::EntityIndex(kind), title, desc, kind.dir())
}

fn entity(r: &Reader, id: &EntityId, n: usize, ctx: &mut tera::Context) -> PageMeta {
    let e = r.entity(id);
    let cards: Vec<_> = list_slice(&e.articles, n)
        .iter()
        .map(|s| ArticleCard::new(r, s))
        .collect();
    ctx.insert("entity", &EntityView::new(r, e, n == 1));
    if id.kind == EntityKind::Crisis && n == 1 {
        // A summary by year: the list of briefings follows, paginated.
        let entries: Vec<_> = e
            .articles
            .iter()
            .rev()
            .map(|s| TimelineEntry::new(r, s))
            .collect();
        ctx.insert("timeline", &TimelineYear::summary(&entries));
        ctx.insert("first_briefing", &entries.first());
    }
    ctx.insert("articles", &cards);
    if n == 1 {
        let books: Vec<_> = e
            .books
            .iter()
            .map(|s| super::book::BookCard::new(r, s))
            .collect();
        ctx.insert("books", &books);
    }
    let total = list_pages(e.articles.len());
    ctx.insert(
        "pagination",
        &pagination(r, n, total, |k| PageId::Entity(id.clone(), k)),
    );
    let description = if e.summary.is_empty() {
        let kind = r
            .words()
            .text(&format!("kind_{}", id.kind.noun()))
            .to_lowercase();
        r.words()
            .with("desc_entity", &[("name", e.name.clone()), ("kind", kind)])
    } else {
        e.summary.clone()
    };
    let title = page_title(r, e.name.clone(), n, total);
    let mut m = meta(
        r,
        &PageId::Entity(id.clone(), n),
        title,
        description,
        id.kind.dir(),
    );
    if n == 1 {
        m.jsonld = Some(crate::text::json_for_script(&extras::entity_jsonld(r, e)));
    }
    m
}

fn books(r: &Reader, ctx: &mut tera::Context) -> PageMeta {
    ctx.insert("books", &super::book::book_list(r));
    let desc = r.words().with("desc_books", &[("site", site_title(r))]);
    meta(
        r,
        &PageId::Books,
        r.words().text("briefing_books"),
        desc,
        "books",
    )
}

fn book(r: &Reader, slug: &str, ctx: &mut tera::Context) -> PageMeta {
    let b = r.book(slug);
    ctx.insert("book", &super::book::BookView::new(r, b));
    let desc = if b.summary.is_empty() {
        let date = r.words().day(&b.date);
        r.words().with("desc_book", &[("date", date)])
    } else {
        b.summary.clone()
    };
    meta(
        r,
        &PageId::Book(slug.to_string()),
        b.title.clone(),
        desc,
        "books",
    )
}

fn tag_card<'a>(r: &Reader<'a>, slug: &str) -> TagCard<'a> {
    let t = r.tag(slug);
    TagCard {
        name: &t.name,
        url: r.url(&t.path()),
        briefings: t.articles.len(),
    }
}

fn tags(r: &Reader, ctx: &mut tera::Context) -> PageMeta {
    let tags: Vec<_> = r.tag_slugs().map(|slug| tag_card(r, slug)).collect();
    ctx.insert("tags", &tags);
    let desc = r.words().text("desc_tags");
    meta(r, &PageId::Tags, r.words().text("tags"), desc, "tags")
}

fn tag(r: &Reader, slug: &str, n: usize, ctx: &mut tera::Context) -> PageMeta {
    let t = r.tag(slug);
    let cards: Vec<_> = list_slice(&t.articles, n)
        .iter()
        .map(|s| ArticleCard::new(r, s))
        .collect();
    ctx.insert("tag", &tag_card(r, slug));
    ctx.insert("articles", &cards);
    let total = list_pages(t.articles.len());
    ctx.insert(
        "pagination",
        &pagination(r, n, total, |k| PageId::Tag(slug.to_string(), k)),
    );
    let name = [("name", t.name.clone())];
    let title = page_title(r, r.words().with("title_tagged", &name), n, total);
    let desc = r.words().with("desc_tagged", &name);
    meta(r, &PageId::Tag(slug.to_string(), n), title, desc, "tags")
}

fn archive(r: &Reader, ctx: &mut tera::Context) -> PageMeta {
    ctx.insert("years", &extras::archive(r, None, false));
    let desc = r.words().with("desc_archive", &[("site", site_title(r))]);
    meta(
        r,
        &PageId::Archive,
        r.words().text("archive"),
        desc,
        "archive",
    )
}

fn archive_year(r: &Reader, y: i32, ctx: &mut tera::Context) -> PageMeta {
    ctx.insert("years", &extras::archive(r, Some(y), true));
    ctx.insert("year", &y);
    let year = [("year", y.to_string())];
    let desc = r.words().with("desc_year", &year);
    meta(
        r,
        &PageId::ArchiveYear(y),
        r.words().with("title_year", &year),
        desc,
        "archive",
    )
}

fn sitemap(r: &Reader, ctx: &mut tera::Context) -> PageMeta {
    let lastmod = extras::LastModified::new(r);
    let entries: Vec<extras::SitemapEntry> = r
        .pages()
        .into_iter()
        .filter(|p| p.is_html() && *p != PageId::NotFound)
        .map(|p| {
            let versions = super::languages::versions(r, &p);
            extras::SitemapEntry {
                loc: r.config().absolute_url(&p.path()),
                lastmod: lastmod.of(r, &p).map(|d| d.iso()),
                versions: if versions.len() > 1 {
                    versions
                } else {
                    Vec::new()
                },
            }
        })
        .collect();
    ctx.insert("entries", &entries);
    ctx.insert("multilingual", &r.config().is_multilingual());
    meta(r, &PageId::Sitemap, "Sitemap".into(), String::new(), "none")
}

fn counts(r: &Reader) -> Counts {
    Counts {
        articles: r.timeline().len(),
        countries: r.entity_ids(EntityKind::Country).count(),
        leaders: r.entity_ids(EntityKind::Leader).count(),
        crises: r.entity_ids(EntityKind::Crisis).count(),
        tags: r.tag_slugs().count(),
    }
}

/// Index groups: countries by region, leaders by country, crises by status.
fn groups<'a>(r: &Reader<'a>, kind: EntityKind) -> Vec<Group<'a>> {
    // (former leaders last, sort key, heading) -> members
    let mut groups: BTreeMap<(bool, u8, String), Vec<&crate::graph::Entity>> = BTreeMap::new();
    let today = r.config().today;
    for id in r.entity_ids(kind) {
        let e = r.entity(id);
        let (former, key) = match &e.details {
            Details::Country(c) => (
                false,
                match &c.region {
                    Some(r) => (0, r.clone()),
                    None => (1, r.words().text("group_other")),
                },
            ),
            Details::Leader(l) => (
                l.offices().standing_on(today) == crate::graph::Standing::Former,
                match &l.country {
                    Some(c) => (0, r.entity_name(c).to_string()),
                    None => (1, r.words().text("group_no_country")),
                },
            ),
            Details::Crisis(c) => (
                false,
                match c.status.as_deref() {
                    Some("active") => (0, r.words().text("status_active")),
                    Some(s) if s == "resolved" || s == "ended" => (2, r.words().status(s)),
                    Some(s) => (1, r.words().status(s)),
                    None => (3, r.words().text("group_no_status")),
                },
            ),
        };
        groups.entry((former, key.0, key.1)).or_default().push(e);
    }
    let mut seen_former = false;
    groups
        .into_iter()
        .map(|((former, _, name), mut members)| {
            let first_former = former && !std::mem::replace(&mut seen_former, true);
            members.sort_by_cached_key(|e| (slugify(&e.name), e.id.slug.clone()));
            Group {
                id: if former {
                    format!("former-{}", slugify(&name))
                } else {
                    slugify(&name)
                },
                former,
                first_former,
                name,
                entities: members
                    .into_iter()
                    .map(|e| EntityCard::new(r, &e.id))
                    .collect(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::page_numbers;

    fn show(current: usize, total: usize) -> String {
        page_numbers(current, total)
            .into_iter()
            .map(|k| k.map_or("…".to_string(), |k| k.to_string()))
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn page_links_are_the_ends_and_a_window_round_the_current_page() {
        assert_eq!(show(1, 1), "1");
        assert_eq!(show(1, 5), "1 2 3 4 5");
        assert_eq!(show(1, 500), "1 2 3 … 500");
        assert_eq!(show(250, 500), "1 … 248 249 250 251 252 … 500");
        // A gap of a single page shows the page.
        assert_eq!(show(5, 9), "1 2 3 4 5 6 7 8 9");
        assert_eq!(show(500, 500), "1 … 498 499 500");
    }
}
