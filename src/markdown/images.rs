//! Files beside a briefing, and images: a relative link or image that names
//! a file next to the briefing (or in its folder, for a page bundle such as
//! `articles/2023/ruto-unga/index.md`) is published beside the briefing's
//! page and pointed at there. Images get their pixel size, lazy loading
//! below the first, and a `<figure>` with a caption when they have a title.

use std::path::Path;

use pulldown_cmark::{CowStr, Event, TagEnd};

use super::{is_safe_url, Lookup, Pass};
use crate::diagnostics::Diagnostic;
use crate::text::{escape_html, normalise_path};

/// A relative link's target among the files beside the briefing.
pub(super) struct Published {
    pub url: String,
    pub size: Option<(u32, u32)>,
}

/// An image being read: its alt text follows as events from `start`.
pub(super) struct PendingImage {
    start: usize,
    /// As written, for messages.
    dest: String,
    src: String,
    title: String,
    size: Option<(u32, u32)>,
    line: usize,
}

/// Whether `dest` is a path relative to the document, naming a file (not
/// a `.md` briefing, not an anchor, not absolute, not a URL).
fn is_relative_file(dest: &str) -> bool {
    let path = dest.split(['#', '?']).next().unwrap_or(dest);
    !path.is_empty()
        && !path.starts_with('/')
        && !path.ends_with(".md")
        && !path.ends_with('/')
        && !super::has_scheme(dest)
}

impl<'d, 'a> Pass<'d, 'a> {
    /// Where a relative `dest` is published, if it names a file beside this
    /// briefing; `Err` with a warning when it names one that cannot be
    /// published; `None` when it is not a relative file path at all.
    pub(super) fn asset(&mut self, dest: &str) -> Option<Result<Published, Diagnostic>> {
        if !is_relative_file(dest) {
            return None;
        }
        let (path, rest) = dest.split_at(dest.find(['#', '?']).unwrap_or(dest.len()));
        let folder = self.doc.path.parent().unwrap_or(Path::new(""));
        let source = normalise_path(&folder.join(path));
        let answer = self.index.answer(&Lookup::Asset(source.clone()));
        self.out
            .lookups
            .push((Lookup::Asset(source.clone()), answer));
        let Some(file) = self.index.assets.get(&source) else {
            return Some(Err(Diagnostic::warning(format!(
                "`{dest}` points at {}, which does not exist",
                source.display()
            ))
            .with_help("check the file name: it is relative to this file; files for every page go in static/ and are linked from the root (`/maps/x.png`)")));
        };
        let Some(name) = published_name(folder, &source) else {
            let why = if source.starts_with(folder) {
                "is named like the page's own file (index.html or atom.xml)"
            } else {
                "is outside this briefing's folder"
            };
            return Some(Err(Diagnostic::warning(format!(
                "`{dest}` {why}, so it is not published beside it"
            ))
            .with_help(
                "rename or move the file next to the briefing, or put it in static/ and link it from the root",
            )));
        };
        let Some(page) = self.index.articles_by_path.get(self.doc.path) else {
            return Some(Err(Diagnostic::warning(format!(
                "`{dest}`: files beside a profile are not published"
            ))
            .with_help(
                "put the file in static/ and link it from the root (`/maps/x.png`)",
            )));
        };
        let url = format!("{page}{name}{rest}");
        self.out.assets.push((source, name));
        Some(Ok(Published {
            url,
            size: file.size,
        }))
    }

    /// An image starts: find its file, then read its alt text until it ends.
    pub(super) fn start_image(&mut self, dest: CowStr<'a>, title: CowStr<'a>, line: usize) {
        let (src, size) = match self.asset(&dest) {
            Some(Ok(p)) => (p.url, p.size),
            Some(Err(d)) => {
                self.warn(d, line);
                (dest.to_string(), None)
            }
            None => (dest.to_string(), None),
        };
        if !(self.index.raw_html || is_safe_url(&src)) {
            // Keep the alt text as plain text, so nothing is lost.
            self.warn(
                Diagnostic::warning(format!(
                    "image URL `{dest}` uses an unsafe scheme and was removed"
                ))
                .with_help("use an http(s) URL or a relative path"),
                line,
            );
            self.image_stack.push(None);
            return;
        }
        self.image_stack.push(Some(PendingImage {
            start: self.events.len(),
            dest: dest.to_string(),
            src,
            title: title.to_string(),
            size,
            line,
        }));
    }

    /// An image ends: its alt text events become one `<img>` (in a
    /// `<figure>` when it has a title).
    pub(super) fn end_image(&mut self) {
        let Some(Some(img)) = self.image_stack.pop() else {
            return;
        };
        let alt: String = self.events[img.start..]
            .iter()
            .filter_map(|e| match e {
                Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                _ => None,
            })
            .collect();
        self.events.truncate(img.start);
        if alt.trim().is_empty() {
            self.warn(
                Diagnostic::warning(format!("image `{}` has no alt text", img.dest))
                    .with_help("describe it in the brackets, `![Map of the border](map.png)`, for readers who cannot see it"),
                img.line,
            );
        }
        self.images_seen += 1;
        let html = image_html(&img, alt.trim(), self.images_seen > 1);
        self.events.push(Event::Html(html.into()));
    }

    /// A paragraph that holds nothing but a figure is dropped around it:
    /// a `<figure>` cannot sit inside a `<p>`.
    pub(super) fn end_paragraph(&mut self, start: Option<usize>) {
        let lone_figure = start.is_some_and(
            |s| matches!(&self.events[s + 1..], [Event::Html(h)] if h.starts_with("<figure")),
        );
        match start {
            Some(s) if lone_figure => self.events[s] = Event::Html(CowStr::Borrowed("")),
            _ => self.events.push(Event::End(TagEnd::Paragraph)),
        }
    }

    fn warn(&mut self, d: Diagnostic, line: usize) {
        self.out
            .diagnostics
            .push(d.in_file(self.doc.path).at_line(line));
    }
}

/// The path of `source` below `folder`, with `/`, if it is below it.
fn published_name(folder: &Path, source: &Path) -> Option<String> {
    let rel = source.strip_prefix(folder).ok()?;
    let name = rel
        .components()
        .map(|c| c.as_os_str().to_str())
        .collect::<Option<Vec<_>>>()?
        .join("/");
    // The page's own file and feed are not to be replaced.
    (!name.is_empty() && name != "index.html" && name != "atom.xml").then_some(name)
}

/// The markup of an image. Only the first of a body loads at once; later
/// ones load as they near the screen. A title becomes a caption, and what
/// follows " | " in it a credit line.
fn image_html(img: &PendingImage, alt: &str, lazy: bool) -> String {
    let mut tag = format!(
        "<img src=\"{}\" alt=\"{}\"",
        escape_html(&img.src),
        escape_html(alt)
    );
    if let Some((w, h)) = img.size {
        tag.push_str(&format!(" width=\"{w}\" height=\"{h}\""));
    }
    if lazy {
        tag.push_str(" loading=\"lazy\"");
    }
    tag.push('>');
    if img.title.trim().is_empty() {
        return tag;
    }
    let (caption, credit) = match img.title.split_once(" | ") {
        Some((c, r)) => (c.trim(), Some(r.trim())),
        None => (img.title.trim(), None),
    };
    let credit = credit
        .map(|c| format!(" <span class=\"credit\">{}</span>", escape_html(c)))
        .unwrap_or_default();
    format!(
        "<figure>{tag}<figcaption>{}{credit}</figcaption></figure>",
        escape_html(caption)
    )
}
