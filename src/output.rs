//! Output: writes the rendered site, touching the output folder only once
//! every page has rendered, so a failed build leaves the previous output
//! exactly as it was. A first build fills a new folder and renames it into
//! place; a rebuild rewrites only the files whose bytes changed.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fs;
use std::path::{Component, Path, PathBuf};

use anyhow::{bail, Context, Result};
use rayon::prelude::*;

use crate::render::Output;

/// Written into every output folder. A folder without it was not made by
/// briefing, and we refuse to replace it: it may be someone's documents.
pub const MARKER: &str = ".briefing-output";

/// Written into a new folder as soon as it is made, and removed just before
/// it becomes the output. A `.briefing-new-*` folder that still holds it was
/// left by a build that was killed; the next build may delete it, since it
/// is provably ours.
const STAGING_MARKER: &str = ".briefing-staging";

/// Make `path` absolute and lexically clean without requiring it to exist.
fn absolute(path: &Path) -> Result<PathBuf> {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .context("could not read the current folder")?
            .join(path)
    };
    // Resolve symlinks on the longest prefix that exists, so `public` and a
    // symlink to it compare equal.
    let mut existing = abs.clone();
    let mut tail = Vec::new();
    while !existing.exists() {
        match existing.file_name() {
            Some(name) => tail.push(name.to_os_string()),
            None => break,
        }
        if !existing.pop() {
            break;
        }
    }
    let mut out = existing.canonicalize().unwrap_or(existing);
    for part in tail.into_iter().rev() {
        out.push(part);
    }
    Ok(crate::text::normalise_path(&out))
}

/// Refuse output folders that would overwrite the site's own sources.
pub fn check_output_dir(site_dir: &Path, output: &Path) -> Result<()> {
    let site = absolute(site_dir)?;
    let out = absolute(output)?;
    let shown = output.display();
    if out == site {
        bail!("refusing to write the site into its own folder {shown}: that would replace your sources; use an output folder such as `public`");
    }
    if site.starts_with(&out) {
        bail!("refusing to write into {shown}: it contains the site folder and its content/; choose a folder inside or beside the site, such as `public`");
    }
    for source in ["content", "templates", "static"] {
        // Resolve the source folder as well as the output: either may be a
        // symbolic link, and `public` inside a linked `content/` is still
        // inside the sources.
        let resolved = absolute(&site.join(source))?;
        if out.starts_with(site.join(source)) || out.starts_with(&resolved) {
            bail!("refusing to write into {shown}: it lies inside the site's {source}/ folder; choose a folder such as `public`");
        }
    }
    if out.exists() {
        if !out.is_dir() {
            bail!("refusing to write into {shown}: it is a file, not a folder");
        }
        let has_marker = out.join(MARKER).exists();
        let empty = fs::read_dir(&out)
            .with_context(|| format!("could not read {shown}"))?
            .next()
            .is_none();
        if !has_marker && !empty {
            bail!(
                "refusing to replace {shown}: it holds files that briefing did not write (no {MARKER} marker); remove it yourself or choose another --output"
            );
        }
    }
    Ok(())
}

/// Changed files held in memory before an in-place update switches to a new
/// folder beside the old one.
const PENDING_BUDGET: usize = 256 << 20;

/// Fills the output folder. Nothing the reader sees changes until `commit`;
/// dropping a writer without it leaves the previous output as it was.
pub struct Writer {
    dir: PathBuf,
    parent: PathBuf,
    mode: Mode,
    /// What the previous build wrote: path to (length, hash).
    previous: HashMap<String, (u64, u64)>,
    /// What this build wrote so far, for the next build's manifest.
    manifest: Vec<(String, u64, u64)>,
    /// Files whose bytes equal the previous build's, left (or linked) as they are.
    pub unchanged: usize,
    /// Problems found in the previous output that did not stop the build.
    pub warnings: Vec<String>,
    pending_budget: usize,
}

enum Mode {
    /// No previous output: files go into a new folder beside the target,
    /// which is renamed into place at the end.
    Fresh(tempfile::TempDir),
    /// A previous output to update: unchanged files stay where they are,
    /// changed ones wait in memory until every page has rendered and are
    /// then written in place. A rebuild with nothing changed writes nothing
    /// but the manifest. (Rebuilding a whole new folder made every rebuild
    /// create and delete a directory per page, which on ext4 cost more than
    /// the first build.)
    Update {
        pending: Vec<Output>,
        bytes: usize,
        kept: Vec<String>,
    },
    /// An update whose changes outgrew `PENDING_BUDGET` (a theme edit
    /// touches every page): a new folder beside the old one, unchanged files
    /// hard-linked from it, swapped in at the end.
    Staged(tempfile::TempDir),
}

/// The manifest's digest of a file. xxh3 is stable across Rust releases and
/// platforms, unlike `DefaultHasher`, so a new compiler never makes every
/// file look changed.
fn digest(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

/// Whether `path` stays inside the output folder: relative, with only plain
/// names (no `..`, no root, no drive prefix) and not empty.
fn is_inside(path: &str) -> bool {
    let rel = Path::new(path);
    !path.is_empty()
        && !path.contains('\0')
        && rel.components().all(|c| matches!(c, Component::Normal(_)))
}

/// Refuse paths that would leave the output folder.
fn check_path(path: &str) -> Result<()> {
    if !is_inside(path) {
        bail!("refusing to write {path}: the path leaves the output folder");
    }
    Ok(())
}

/// The first folder between `dir` and `dir/rel` that is a symbolic link, if
/// any. Writing or deleting through one would reach outside the output.
fn linked_parent(dir: &Path, rel: &str) -> Option<PathBuf> {
    let mut at = dir.to_path_buf();
    let parts: Vec<_> = Path::new(rel).components().collect();
    for part in &parts[..parts.len().saturating_sub(1)] {
        at.push(part);
        if fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_symlink()) {
            return Some(at);
        }
    }
    None
}

/// What the previous build recorded in the output marker: path to (length,
/// hash). The marker is a file in a folder anyone may have edited (or
/// committed to a repository), so every path is checked to stay inside the
/// output; an entry that does not is ignored, with a warning.
fn read_manifest(text: &str, warnings: &mut Vec<String>) -> HashMap<String, (u64, u64)> {
    let mut previous = HashMap::new();
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let mut parts = line.splitn(3, '\t');
        let (Some(len), Some(hash), Some(path)) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        let (Ok(len), Ok(hash)) = (len.parse(), u64::from_str_radix(hash, 16)) else {
            continue;
        };
        if is_inside(path) && path != MARKER {
            previous.insert(path.to_string(), (len, hash));
        } else {
            warnings.push(format!(
                "ignored `{}` in the output's {MARKER} file: the path leaves the output folder (the file was edited or corrupted)",
                path.escape_debug()
            ));
        }
    }
    previous
}

impl Writer {
    pub fn new(dir: &Path) -> Result<Writer> {
        let dir = absolute(dir)?;
        let parent = dir
            .parent()
            .context("the output folder has no parent folder")?
            .to_path_buf();
        fs::create_dir_all(&parent)
            .with_context(|| format!("could not create {}", parent.display()))?;
        remove_abandoned(&dir);
        let mut warnings = Vec::new();
        let previous = fs::read_to_string(dir.join(MARKER))
            .map(|text| read_manifest(&text, &mut warnings))
            .unwrap_or_default();
        let mode = if previous.is_empty() {
            Mode::Fresh(staging_dir(&dir)?)
        } else {
            Mode::Update {
                pending: Vec::new(),
                bytes: 0,
                kept: Vec::new(),
            }
        };
        Ok(Writer {
            dir,
            parent,
            mode,
            previous,
            manifest: Vec::new(),
            unchanged: 0,
            warnings,
            pending_budget: PENDING_BUDGET,
        })
    }

    /// How many files the new site has so far.
    pub fn files(&self) -> usize {
        self.manifest.len()
    }

    /// Whether the previous build wrote exactly these bytes at `path`, and
    /// the file is still there at that length.
    fn is_unchanged(&self, path: &str, len: u64, hash: u64) -> bool {
        self.previous.get(path) == Some(&(len, hash))
            && linked_parent(&self.dir, path).is_none()
            && fs::symlink_metadata(self.dir.join(path))
                .is_ok_and(|m| m.is_file() && m.len() == len)
    }

    /// Add files.
    pub fn write(&mut self, outputs: Vec<Output>) -> Result<()> {
        for o in &outputs {
            check_path(&o.path)?;
        }
        let sums: Vec<(u64, u64, bool)> = outputs
            .par_iter()
            .map(|o| {
                let (len, hash) = (o.bytes.len() as u64, digest(&o.bytes));
                (len, hash, self.is_unchanged(&o.path, len, hash))
            })
            .collect();
        for (o, (len, hash, _)) in outputs.iter().zip(&sums) {
            self.manifest.push((o.path.clone(), *len, *hash));
        }
        match &mut self.mode {
            Mode::Update {
                pending,
                bytes,
                kept,
            } => {
                for (o, (_, _, same)) in outputs.into_iter().zip(sums) {
                    if same {
                        self.unchanged += 1;
                        kept.push(o.path);
                    } else {
                        *bytes += o.bytes.len();
                        pending.push(o);
                    }
                }
                if *bytes > self.pending_budget {
                    self.switch_to_staged()?;
                }
                Ok(())
            }
            Mode::Fresh(_) | Mode::Staged(_) => {
                let same: Vec<bool> = sums.into_iter().map(|s| s.2).collect();
                self.write_staged(&outputs, &same)
            }
        }
    }

    /// Leave the in-place update for a new folder: link what was kept,
    /// write what was pending.
    fn switch_to_staged(&mut self) -> Result<()> {
        let Mode::Update { pending, kept, .. } =
            std::mem::replace(&mut self.mode, Mode::Staged(staging_dir(&self.dir)?))
        else {
            return Ok(());
        };
        let Mode::Staged(root) = &self.mode else {
            unreachable!()
        };
        let root = root.path().to_path_buf();
        make_dirs(&root, kept.iter().map(String::as_str))?;
        kept.par_iter().try_for_each(|path| {
            let target = root.join(path);
            fs::hard_link(self.dir.join(path), &target)
                .or_else(|_| fs::copy(self.dir.join(path), &target).map(|_| ()))
                .with_context(|| format!("could not copy {path} into the new output"))
        })?;
        // The kept files were counted as unchanged already.
        self.write_staged(&pending, &vec![false; pending.len()])
    }

    /// Write into the new folder; a file the previous build wrote with the
    /// same bytes is hard-linked from it instead.
    fn write_staged(&mut self, outputs: &[Output], same: &[bool]) -> Result<()> {
        let (Mode::Fresh(root) | Mode::Staged(root)) = &self.mode else {
            unreachable!("only called on a new folder")
        };
        let root = root.path().to_path_buf();
        make_dirs(&root, outputs.iter().map(|o| o.path.as_str()))?;
        let linked: Vec<bool> = outputs
            .par_iter()
            .zip(same)
            .map(|(o, &same)| -> Result<bool> {
                let target = root.join(&o.path);
                if same && fs::hard_link(self.dir.join(&o.path), &target).is_ok() {
                    return Ok(true);
                }
                fs::write(&target, &o.bytes)
                    .with_context(|| format!("could not write {}", target.display()))?;
                Ok(false)
            })
            .collect::<Result<_>>()?;
        self.unchanged += linked.iter().filter(|l| **l).count();
        Ok(())
    }

    fn marker(&mut self) -> String {
        let mut marker = String::from(
            "# Written by `briefing build`; files listed here are replaced or removed by the next build.\n",
        );
        self.manifest.sort();
        for (path, len, hash) in &self.manifest {
            marker.push_str(&format!("{len}\t{hash:x}\t{path}\n"));
        }
        marker
    }

    /// Make the new site the output: write pending changes in place and
    /// remove files the site no longer has, or swap the new folder in.
    /// Returns the warnings found on the way.
    pub fn commit(mut self) -> Result<Vec<String>> {
        let marker = self.marker();
        match std::mem::replace(
            &mut self.mode,
            Mode::Update {
                pending: Vec::new(),
                bytes: 0,
                kept: Vec::new(),
            },
        ) {
            Mode::Update { pending, .. } => self.commit_in_place(pending, marker)?,
            Mode::Fresh(root) | Mode::Staged(root) => {
                self.carry_foreign_files(root.path())?;
                fs::write(root.path().join(MARKER), marker)
                    .context("could not write the output marker")?;
                fs::remove_file(root.path().join(STAGING_MARKER))
                    .context("could not finish the new output folder")?;
                // From here the folder is ours to rename, or to remove if
                // the swap fails.
                self.swap(root.keep())?;
            }
        }
        Ok(std::mem::take(&mut self.warnings))
    }

    /// Files in the output that briefing did not write (a `CNAME`, a
    /// verification file) are kept by every rebuild, the in-place one and
    /// this one alike: move them into the new folder before it is swapped
    /// in. A file the new site writes at the same path replaces them.
    fn carry_foreign_files(&self, root: &Path) -> Result<()> {
        if !self.dir.is_dir() {
            return Ok(());
        }
        let ours: HashSet<&str> = self.manifest.iter().map(|(p, _, _)| p.as_str()).collect();
        for (rel, from) in foreign_files(&self.dir, &self.previous) {
            if ours.contains(rel.as_str()) {
                continue;
            }
            let to = root.join(&rel);
            if let Some(parent) = to.parent() {
                fs::create_dir_all(parent)
                    .with_context(|| format!("could not create {}", parent.display()))?;
            }
            fs::rename(&from, &to)
                .with_context(|| format!("could not keep {} in the new output", from.display()))?;
        }
        Ok(())
    }

    fn commit_in_place(&mut self, pending: Vec<Output>, marker: String) -> Result<()> {
        let dir = &self.dir.clone();
        for o in &pending {
            if let Some(link) = linked_parent(dir, &o.path) {
                bail!(
                    "refusing to write {}: {} is a symbolic link, and writing through it would leave the output folder; remove the link",
                    o.path,
                    link.display()
                );
            }
        }
        make_dirs(dir, pending.iter().map(|o| o.path.as_str()))?;
        // Each file is replaced by a rename, so it is never seen half written.
        pending.par_iter().try_for_each(|o| {
            let target = dir.join(&o.path);
            let name = target.file_name().unwrap_or_default().to_string_lossy();
            let tmp = target.with_file_name(format!(".{name}.briefing-tmp"));
            fs::write(&tmp, &o.bytes)
                .and_then(|()| fs::rename(&tmp, &target))
                .with_context(|| format!("could not write {}", target.display()))
        })?;
        self.remove_stale()?;
        let tmp = dir.join(format!("{MARKER}.tmp"));
        fs::write(&tmp, marker)
            .and_then(|()| fs::rename(&tmp, dir.join(MARKER)))
            .context("could not write the output marker")
    }

    /// Remove the files the previous build wrote that this one did not, and
    /// the folders that leaves empty. Only paths the manifest lists, checked
    /// to lie inside the output and not behind a symbolic link, are touched.
    fn remove_stale(&mut self) -> Result<()> {
        let dir = self.dir.clone();
        let now: HashSet<&str> = self.manifest.iter().map(|(p, _, _)| p.as_str()).collect();
        let mut gone: Vec<&String> = self
            .previous
            .keys()
            .filter(|p| !now.contains(p.as_str()))
            .collect();
        gone.sort();
        for path in gone {
            if let Some(link) = linked_parent(&dir, path) {
                self.warnings.push(format!(
                    "left {path} alone: {} is a symbolic link, so the file may not be in the output folder",
                    link.display()
                ));
                continue;
            }
            let file = dir.join(path);
            match fs::remove_file(&file) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    return Err(e).with_context(|| format!("could not remove {}", file.display()))
                }
            }
            // Remove folders the removal emptied; a folder still holding
            // anything (the site's or someone's) stays.
            let mut parent = file.parent();
            while let Some(p) = parent.filter(|p| *p != dir.as_path()) {
                if fs::remove_dir(p).is_err() {
                    break;
                }
                parent = p.parent();
            }
        }
        Ok(())
    }

    /// Swap the new folder in: move the old output aside, move the new one
    /// in, then delete the old one. If the second rename fails, put the old
    /// one back. On every failure the new folder is removed.
    fn swap(&self, staged: PathBuf) -> Result<()> {
        let result = self.try_swap(&staged);
        if result.is_err() {
            fs::remove_dir_all(&staged).ok();
        }
        result
    }

    fn try_swap(&self, staged: &Path) -> Result<()> {
        let dir = &self.dir;
        if !dir.exists() {
            return fs::rename(staged, dir)
                .with_context(|| format!("could not move the new site into {}", dir.display()));
        }
        let old = tempfile::Builder::new()
            .prefix(".briefing-old-")
            .tempdir_in(&self.parent)
            .context("could not reserve a name for the previous output")?
            .keep();
        fs::remove_dir(&old).ok();
        fs::rename(dir, &old).with_context(|| {
            format!("could not move the previous output {} aside", dir.display())
        })?;
        if let Err(e) = fs::rename(staged, dir) {
            fs::rename(&old, dir).ok();
            return Err(e)
                .with_context(|| format!("could not move the new site into {}", dir.display()));
        }
        remove_tree(&old)
            .with_context(|| format!("could not delete the previous output at {}", old.display()))
    }
}

/// Files (and symbolic links) under `dir` that the previous build did not
/// write, as (relative path, absolute path). The marker and our own
/// temporary files are not counted.
fn foreign_files(dir: &Path, previous: &HashMap<String, (u64, u64)>) -> Vec<(String, PathBuf)> {
    walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| !e.file_type().is_dir())
        .filter_map(|e| {
            let rel = e.path().strip_prefix(dir).ok()?;
            let rel = rel.to_str()?.replace('\\', "/");
            let name = e.file_name().to_string_lossy();
            let ours = rel == MARKER
                || name.ends_with(".briefing-tmp")
                || rel == format!("{MARKER}.tmp")
                || previous.contains_key(&rel);
            (!ours).then(|| (rel, e.path().to_path_buf()))
        })
        .collect()
}

/// Remove the staging folders a killed build of `dir` left beside it.
/// Only folders named for `dir` that still hold the staging marker are
/// removed: those are provably ours and never became anyone's output. A
/// build into a sibling folder, running now, has its own, named for its
/// output, and keeps them.
fn remove_abandoned(dir: &Path) {
    let (Some(parent), Some(out)) = (dir.parent(), dir.file_name()) else {
        return;
    };
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for e in entries.filter_map(Result::ok) {
        let ours = is_staging_of(&e.file_name().to_string_lossy(), &out.to_string_lossy())
            && e.file_type().is_ok_and(|t| t.is_dir())
            && e.path().join(STAGING_MARKER).is_file();
        if ours {
            fs::remove_dir_all(e.path()).ok();
        }
    }
}

/// Random characters in a staging folder's name.
const STAGING_RANDOM: usize = 8;

/// Whether `name` is `.briefing-new-`, random characters, `.` and `out`:
/// a staging folder of the output folder named `out`.
fn is_staging_of(name: &str, out: &str) -> bool {
    let Some(rest) = name.strip_prefix(".briefing-new-") else {
        return false;
    };
    let (random, tail) = rest.split_at(rest.len().min(STAGING_RANDOM));
    random.len() == STAGING_RANDOM
        && random.chars().all(|c| c.is_ascii_alphanumeric())
        && tail.strip_prefix('.') == Some(out)
}

/// A new, hidden folder beside the output `dir`, named for it, removed if
/// the build fails (or, if the process is killed, by the next build).
fn staging_dir(dir: &Path) -> Result<tempfile::TempDir> {
    let parent = dir
        .parent()
        .context("the output folder has no parent folder")?;
    let out = dir.file_name().context("the output folder has no name")?;
    let dir = tempfile::Builder::new()
        .prefix(".briefing-new-")
        .rand_bytes(STAGING_RANDOM)
        .suffix(&format!(".{}", out.to_string_lossy()))
        .tempdir_in(parent)
        .with_context(|| {
            format!(
                "could not create a temporary folder in {}",
                parent.display()
            )
        })?;
    fs::write(dir.path().join(STAGING_MARKER), "")
        .with_context(|| format!("could not write into {}", dir.path().display()))?;
    Ok(dir)
}

/// Create the folders that `paths` (relative to `root`) are written in.
fn make_dirs<'a>(root: &Path, paths: impl Iterator<Item = &'a str>) -> Result<()> {
    let dirs: BTreeSet<&Path> = paths.filter_map(|p| Path::new(p).parent()).collect();
    // Sorted, so each folder's parent exists before it.
    for d in dirs {
        let p = root.join(d);
        if let Err(e) = fs::create_dir(&p) {
            if e.kind() != std::io::ErrorKind::AlreadyExists {
                fs::create_dir_all(&p)
                    .with_context(|| format!("could not create {}", p.display()))?;
            }
        }
    }
    Ok(())
}

/// Delete a folder tree, its top-level entries in parallel.
fn remove_tree(dir: &Path) -> std::io::Result<()> {
    let entries: Vec<_> = fs::read_dir(dir)?.collect::<std::io::Result<_>>()?;
    entries.par_iter().try_for_each(|e| {
        if e.file_type()?.is_dir() {
            fs::remove_dir_all(e.path())
        } else {
            fs::remove_file(e.path())
        }
    })?;
    fs::remove_dir(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Write `outputs` to `dir` in one go.
    fn write(outputs: Vec<Output>, dir: &Path) -> Result<Vec<String>> {
        let mut writer = Writer::new(dir)?;
        writer.write(outputs)?;
        writer.commit()
    }

    #[test]
    fn refuses_folders_that_hold_sources() {
        let site = tempfile::tempdir().unwrap();
        let s = site.path();
        fs::create_dir_all(s.join("content")).unwrap();
        assert!(check_output_dir(s, s).is_err());
        assert!(check_output_dir(s, &s.join("content/out")).is_err());
        assert!(check_output_dir(s, &s.join("templates")).is_err());
        assert!(check_output_dir(s, &s.join("static/x")).is_err());
        assert!(check_output_dir(s, s.parent().unwrap()).is_err());
        assert!(check_output_dir(s, &s.join("public")).is_ok());
    }

    #[test]
    fn refuses_a_folder_briefing_did_not_write() {
        let site = tempfile::tempdir().unwrap();
        let out = site.path().join("docs");
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("notes.txt"), "mine").unwrap();
        let err = check_output_dir(site.path(), &out).unwrap_err().to_string();
        assert!(err.contains("did not write"), "{err}");
    }

    fn page(p: &str, b: &str) -> Output {
        Output {
            path: p.into(),
            bytes: b.into(),
        }
    }

    #[cfg(unix)]
    fn inode(path: &Path) -> u64 {
        std::os::unix::fs::MetadataExt::ino(&fs::metadata(path).unwrap())
    }

    #[cfg(unix)]
    #[test]
    fn a_rebuild_rewrites_only_changed_files() {
        let site = tempfile::tempdir().unwrap();
        let out = site.path().join("public");
        write(
            vec![page("a/index.html", "same"), page("b.html", "one")],
            &out,
        )
        .unwrap();
        let before = inode(&out.join("a/index.html"));
        let mut writer = Writer::new(&out).unwrap();
        writer
            .write(vec![page("a/index.html", "same"), page("b.html", "two")])
            .unwrap();
        assert_eq!(writer.unchanged, 1);
        // Nothing changes before the commit.
        assert_eq!(fs::read_to_string(out.join("b.html")).unwrap(), "one");
        writer.commit().unwrap();
        assert_eq!(inode(&out.join("a/index.html")), before, "left alone");
        assert_eq!(fs::read_to_string(out.join("b.html")).unwrap(), "two");
    }

    #[test]
    fn a_file_deleted_from_the_output_is_written_again() {
        let site = tempfile::tempdir().unwrap();
        let out = site.path().join("public");
        write(vec![page("a.html", "same")], &out).unwrap();
        fs::remove_file(out.join("a.html")).unwrap();
        write(vec![page("a.html", "same")], &out).unwrap();
        assert_eq!(fs::read_to_string(out.join("a.html")).unwrap(), "same");
    }

    #[test]
    fn an_abandoned_rebuild_leaves_the_output_as_it_was() {
        let site = tempfile::tempdir().unwrap();
        let out = site.path().join("public");
        write(vec![page("a.html", "one")], &out).unwrap();
        let marker = fs::read_to_string(out.join(MARKER)).unwrap();
        for budget in [usize::MAX, 0] {
            let mut writer = Writer::new(&out).unwrap();
            writer.pending_budget = budget;
            writer.write(vec![page("a.html", "two")]).unwrap();
            drop(writer);
            assert_eq!(fs::read_to_string(out.join("a.html")).unwrap(), "one");
            assert_eq!(fs::read_to_string(out.join(MARKER)).unwrap(), marker);
        }
        let leftovers: Vec<_> = fs::read_dir(site.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary folder is left behind");
    }

    #[cfg(unix)]
    #[test]
    fn a_large_change_moves_to_a_new_folder_and_links_the_rest() {
        let site = tempfile::tempdir().unwrap();
        let out = site.path().join("public");
        write(
            vec![
                page("a/index.html", "same"),
                page("b.html", "one"),
                page("c.html", "gone"),
            ],
            &out,
        )
        .unwrap();
        let before = inode(&out.join("a/index.html"));
        let mut writer = Writer::new(&out).unwrap();
        writer.pending_budget = 2;
        writer.write(vec![page("a/index.html", "same")]).unwrap();
        writer.write(vec![page("b.html", "two")]).unwrap();
        assert!(matches!(writer.mode, Mode::Staged(_)));
        writer.write(vec![page("d.html", "new")]).unwrap();
        writer.commit().unwrap();
        assert_eq!(inode(&out.join("a/index.html")), before, "hard-linked");
        assert_eq!(fs::read_to_string(out.join("b.html")).unwrap(), "two");
        assert_eq!(fs::read_to_string(out.join("d.html")).unwrap(), "new");
        assert!(!out.join("c.html").exists());
        let leftovers: Vec<_> = fs::read_dir(site.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "the old folder is deleted");
    }

    #[test]
    fn write_swaps_in_the_new_site() {
        let site = tempfile::tempdir().unwrap();
        let out = site.path().join("public");
        write(
            vec![page("index.html", "one"), page("old/index.html", "x")],
            &out,
        )
        .unwrap();
        write(vec![page("index.html", "two")], &out).unwrap();
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "two");
        assert!(!out.join("old").exists(), "emptied folders are removed");
        // Nothing is left behind beside the output.
        let leftovers: Vec<_> = fs::read_dir(site.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from("public")]);
    }

    /// A manifest naming paths outside the output (a cloned repository's
    /// committed `public/`, say) must never make a build delete them.
    #[test]
    fn a_crafted_manifest_cannot_delete_outside_the_output() {
        let site = tempfile::tempdir().unwrap();
        let out = site.path().join("public");
        let victim = site.path().join("precious/notes.txt");
        fs::create_dir_all(victim.parent().unwrap()).unwrap();
        fs::write(&victim, "mine").unwrap();
        write(vec![page("a.html", "one")], &out).unwrap();
        let crafted = format!(
            "1\t0\t../precious/notes.txt\n1\t0\t{}\n4\t0\tx/../../precious/notes.txt\n",
            victim.display()
        );
        for budget in [usize::MAX, 0] {
            fs::write(out.join(MARKER), &crafted).unwrap();
            let mut writer = Writer::new(&out).unwrap();
            writer.pending_budget = budget;
            writer.write(vec![page("b.html", "two")]).unwrap();
            let warnings = writer.commit().unwrap();
            assert_eq!(warnings.len(), 3, "{warnings:?}");
            assert!(warnings[0].contains("leaves the output folder"));
            assert_eq!(fs::read_to_string(&victim).unwrap(), "mine");
        }
    }

    #[cfg(unix)]
    #[test]
    fn nothing_is_written_or_deleted_through_a_linked_folder() {
        let site = tempfile::tempdir().unwrap();
        let out = site.path().join("public");
        let elsewhere = site.path().join("elsewhere");
        fs::create_dir_all(&elsewhere).unwrap();
        fs::write(elsewhere.join("index.html"), "mine").unwrap();
        write(vec![page("a/index.html", "one")], &out).unwrap();
        fs::remove_dir_all(out.join("a")).unwrap();
        std::os::unix::fs::symlink(&elsewhere, out.join("a")).unwrap();
        // The previous build wrote a/index.html; this one does not: the
        // stale file is behind a link and is left alone.
        let mut writer = Writer::new(&out).unwrap();
        writer.write(vec![page("b.html", "two")]).unwrap();
        let warnings = writer.commit().unwrap();
        assert!(warnings[0].contains("symbolic link"), "{warnings:?}");
        assert_eq!(
            fs::read_to_string(elsewhere.join("index.html")).unwrap(),
            "mine"
        );
        // Writing through it is refused.
        let mut writer = Writer::new(&out).unwrap();
        writer.write(vec![page("a/index.html", "new")]).unwrap();
        let err = writer.commit().unwrap_err().to_string();
        assert!(err.contains("symbolic link"), "{err}");
        assert_eq!(
            fs::read_to_string(elsewhere.join("index.html")).unwrap(),
            "mine"
        );
    }

    /// One policy on both paths: files briefing did not write are kept.
    #[test]
    fn files_briefing_did_not_write_survive_every_rebuild() {
        for budget in [usize::MAX, 0] {
            let site = tempfile::tempdir().unwrap();
            let out = site.path().join("public");
            write(vec![page("a.html", "one"), page("b.html", "x")], &out).unwrap();
            fs::write(out.join("CNAME"), "example.org").unwrap();
            fs::create_dir_all(out.join("img")).unwrap();
            fs::write(out.join("img/logo.png"), "png").unwrap();
            let mut writer = Writer::new(&out).unwrap();
            writer.pending_budget = budget;
            writer
                .write(vec![page("a.html", "two"), page("c.html", "three")])
                .unwrap();
            writer.commit().unwrap();
            assert_eq!(
                fs::read_to_string(out.join("CNAME")).unwrap(),
                "example.org"
            );
            assert_eq!(fs::read_to_string(out.join("img/logo.png")).unwrap(), "png");
            assert_eq!(fs::read_to_string(out.join("a.html")).unwrap(), "two");
            assert!(
                !out.join("b.html").exists(),
                "what briefing wrote before is removed"
            );
        }
    }

    #[test]
    fn a_killed_builds_folder_is_removed_by_the_next_build() {
        let site = tempfile::tempdir().unwrap();
        let out = site.path().join("public");
        let abandoned = staging_dir(&out).unwrap().keep();
        // Someone's own folder with a similar name is not ours.
        let theirs = site.path().join(".briefing-new-mine");
        fs::create_dir_all(&theirs).unwrap();
        // Nor is a build's into a sibling folder, which may be running now.
        let sibling = staging_dir(&site.path().join("public-2")).unwrap().keep();
        let prefix = staging_dir(&site.path().join("pub")).unwrap().keep();
        write(vec![page("a.html", "one")], &out).unwrap();
        assert!(!abandoned.exists());
        assert!(theirs.exists());
        assert!(
            sibling.exists(),
            "another output's staging folder is left alone"
        );
        assert!(prefix.exists(), "{prefix:?}");
    }

    #[test]
    fn a_failed_swap_leaves_no_new_folder() {
        let site = tempfile::tempdir().unwrap();
        // The output's parent is a file: nothing can be renamed into it.
        let out = site.path().join("public");
        let mut writer = Writer::new(&out).unwrap();
        writer.write(vec![page("a.html", "one")]).unwrap();
        writer.dir = site.path().join("missing/deeper/public");
        assert!(writer.commit().is_err());
        let left: Vec<_> = fs::read_dir(site.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            left.iter().all(|n| !n.starts_with(".briefing-new-")),
            "{left:?}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn an_output_inside_a_linked_source_folder_is_refused() {
        let site = tempfile::tempdir().unwrap();
        let s = site.path();
        let real = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(real.path(), s.join("content")).unwrap();
        // `-o` given by the resolved path of the linked folder.
        let err = check_output_dir(s, &real.path().join("out")).unwrap_err();
        assert!(err.to_string().contains("content/"), "{err}");
    }
}
