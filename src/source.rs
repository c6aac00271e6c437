//! Source tree policy: one walker and one classifier decide what each file
//! under the site folder is, so `build`, `serve`'s first load and `serve`'s
//! watcher can never disagree about which files make the site.
//!
//! The rule: hidden files (dotfiles), editors' swap and backup files are
//! ignored; symbolic links inside `content/`, `templates/` and `static/` are
//! skipped with a warning, so no file outside the site folder is read or
//! served through one. (The top-level folders themselves may be links: that
//! is the site owner's own layout.)

use std::fs;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::config::SITE_FILE;
use crate::diagnostics::Diagnostic;

/// The folders the site is built from, under the site folder.
pub const SOURCE_DIRS: [&str; 3] = ["content", "templates", "static"];

/// What a path under the site folder is to the build.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceKind {
    SiteConfig,
    /// A Markdown file under `content/` (a briefing or a profile, or a
    /// misplaced file the content loader warns about).
    Content,
    /// Any other file under `content/`: an image or a file a briefing
    /// beside it may link to, published beside the briefing's page.
    Asset,
    Template,
    Static,
    /// One of the source folders itself (created, removed or renamed).
    Folder,
}

/// Whether a file name is noise: hidden files, and editors' swap and backup
/// files (Vim's `4913` probe, `*.swp`, `*~`).
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name == "4913"
}

/// Classify a path relative to the site folder; `None` for anything the
/// build does not read.
pub fn classify(rel: &Path) -> Option<SourceKind> {
    if rel == Path::new(SITE_FILE) {
        return Some(SourceKind::SiteConfig);
    }
    let mut parts = rel.components();
    let top = parts.next()?.as_os_str().to_str()?;
    if !SOURCE_DIRS.contains(&top) {
        return None;
    }
    if parts.clone().next().is_none() {
        return Some(SourceKind::Folder);
    }
    let hidden = parts.any(|c| c.as_os_str().to_str().is_none_or(is_ignored_name));
    if hidden {
        return None;
    }
    Some(match top {
        "content" if rel.extension().is_some_and(|e| e == "md") => SourceKind::Content,
        "content" => SourceKind::Asset,
        "templates" => SourceKind::Template,
        _ => SourceKind::Static,
    })
}

/// Every source file under `dir` (one of the source folders), as
/// (name relative to `dir` with `/`, absolute path), sorted. Symbolic links
/// are skipped with a warning naming them, relative to `site_dir`.
pub fn walk(site_dir: &Path, dir: &Path, warnings: &mut Vec<Diagnostic>) -> Vec<(String, PathBuf)> {
    if !dir.is_dir() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let walker = WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy()));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let shown = e.path().map(|p| relative(site_dir, p)).unwrap_or_default();
                warnings.push(
                    Diagnostic::warning(format!("could not read {}: {e}", shown.display()))
                        .in_file(&shown),
                );
                continue;
            }
        };
        let rel = entry.path().strip_prefix(dir).expect("walk stays inside");
        if entry.path_is_symlink() && entry.depth() > 0 {
            warnings.push(symlink_warning(&relative(site_dir, entry.path())));
        } else if entry.file_type().is_file() {
            out.push((
                rel.to_string_lossy().replace('\\', "/"),
                entry.path().to_path_buf(),
            ));
        }
    }
    out
}

fn symlink_warning(rel: &Path) -> Diagnostic {
    Diagnostic::warning("this is a symbolic link, so it was skipped")
        .in_file(rel)
        .with_help("briefing reads only files inside the site folder; copy the file here instead of linking it")
}

/// Read a source file unless it is a symbolic link (or a folder); `Ok(None)`
/// when it is missing or not a plain file. Used where a path comes from the
/// file watcher rather than [`walk`].
pub fn read_plain_file(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_file() => fs::read(path).map(Some),
        Ok(_) => Ok(None),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// Whether any folder between `site_dir`'s source folder and `rel` (or
/// `rel` itself) is a symbolic link.
pub fn is_linked(site_dir: &Path, rel: &Path) -> bool {
    let mut at = site_dir.to_path_buf();
    for (i, part) in rel.components().enumerate() {
        at.push(part);
        if i > 0 && fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_symlink()) {
            return true;
        }
    }
    false
}

/// `path` relative to `site_dir`, if it lies inside it. A relative path is
/// taken as relative already. Watchers report canonical paths, and the site
/// folder may not be one, so both forms are tried.
pub fn site_relative<'a>(site_dir: &Path, path: &'a Path) -> Option<&'a Path> {
    if path.is_relative() {
        return Some(path);
    }
    path.strip_prefix(site_dir).ok().or_else(|| {
        let canon = site_dir.canonicalize().ok()?;
        path.strip_prefix(canon).ok()
    })
}

/// `path` relative to `site_dir` for messages, or as it is.
fn relative(site_dir: &Path, path: &Path) -> PathBuf {
    site_relative(site_dir, path).unwrap_or(path).to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classify_knows_every_kind_and_ignores_noise() {
        let c = |p: &str| classify(Path::new(p));
        assert_eq!(c("site.yaml"), Some(SourceKind::SiteConfig));
        assert_eq!(c("content/articles/a.md"), Some(SourceKind::Content));
        assert_eq!(c("content/articles/a/map.png"), Some(SourceKind::Asset));
        assert_eq!(c("content"), Some(SourceKind::Folder));
        assert_eq!(c("templates/base.html"), Some(SourceKind::Template));
        assert_eq!(c("static/img/logo.png"), Some(SourceKind::Static));
        assert_eq!(c("static/.DS_Store"), None);
        assert_eq!(c("content/.git/x.md"), None);
        assert_eq!(c("content/articles/.a.md.swp"), None);
        assert_eq!(c("content/articles/a.md~"), None);
        assert_eq!(c("public/index.html"), None);
        assert_eq!(c("README.md"), None);
    }

    #[cfg(unix)]
    #[test]
    fn walk_skips_links_with_a_warning() {
        let site = tempfile::tempdir().unwrap();
        let s = site.path();
        fs::create_dir_all(s.join("static/sub")).unwrap();
        fs::write(s.join("static/a.txt"), "a").unwrap();
        fs::write(s.join("static/.hidden"), "h").unwrap();
        std::os::unix::fs::symlink("/etc/hostname", s.join("static/x.txt")).unwrap();
        std::os::unix::fs::symlink("/etc", s.join("static/sub/etc")).unwrap();
        let mut warnings = Vec::new();
        let files = walk(s, &s.join("static"), &mut warnings);
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["a.txt"]);
        let linked: Vec<String> = warnings
            .iter()
            .map(|w| w.file.as_ref().unwrap().display().to_string())
            .collect();
        assert_eq!(linked, ["static/sub/etc", "static/x.txt"]);
        assert_eq!(read_plain_file(&s.join("static/x.txt")).unwrap(), None);
        assert!(is_linked(s, Path::new("static/sub/etc/passwd")));
        assert!(!is_linked(s, Path::new("static/a.txt")));
    }
}
