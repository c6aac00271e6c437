//! The small views every other view is made of: dates, links and sources.
//! Apart from `views` so that `dossier` can use them without importing
//! `views`, which imports it.

use serde::Serialize;

use super::reader::{Card, Reader};
use crate::content::frontmatter::{Date, PartialDate};
use crate::graph::{EntityId, Source};

#[derive(Serialize, Clone)]
pub struct DateView {
    /// For `<time datetime>`.
    pub iso: String,
    /// For people: "20 September 2023".
    pub human: String,
}

impl From<&Date> for DateView {
    fn from(d: &Date) -> Self {
        DateView {
            iso: d.iso(),
            human: d.human(),
        }
    }
}

impl From<&PartialDate> for DateView {
    fn from(d: &PartialDate) -> Self {
        DateView {
            iso: d.iso(),
            human: d.human(),
        }
    }
}

#[derive(Serialize, Clone)]
pub struct Link<'a> {
    pub name: &'a str,
    pub url: String,
}

pub fn entity_link<'a>(r: &Reader<'a>, id: &EntityId) -> Link<'a> {
    Link {
        name: r.entity_name(id),
        url: r.url(&id.path()),
    }
}

pub fn article_link<'a>(r: &Reader<'a>, slug: &str) -> Link<'a> {
    let a: Card<'a> = r.card(slug);
    Link {
        name: a.title,
        url: r.url(&a.path()),
    }
}

pub fn tag_link<'a>(r: &Reader<'a>, slug: &str) -> Link<'a> {
    Link {
        name: r.tag_name(slug),
        url: r.url(&format!("tags/{slug}/")),
    }
}

#[derive(Serialize)]
pub struct SourceView<'a> {
    pub name: &'a str,
    pub url: &'a str,
}

pub fn source_view(s: &Source) -> SourceView<'_> {
    SourceView {
        name: &s.name,
        url: s.url.as_str(),
    }
}
