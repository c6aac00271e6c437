//! Output: writes the rendered site, touching the output folder only once
//! every page has rendered, so a failed build leaves the previous output
//! exactly as it was. A first build fills a new folder and renames it into
//! place; a rebuild rewrites only the files whose bytes changed.

use std::collections::{BTreeSet, HashMap};
use std::fs;
use std::hash::Hasher;
use std::path::{Component, Path, PathBuf};

use anyhow::{bail, Context, Result};
use rayon::prelude::*;

use crate::render::Output;

/// Written into every output folder. A folder without it was not made by
/// briefing, and we refuse to replace it: it may be someone's documents.
pub const MARKER: &str = ".briefing-output";

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
    let mut clean = PathBuf::new();
    for c in out.components() {
        match c {
            Component::ParentDir => {
                clean.pop();
            }
            Component::CurDir => {}
            other => clean.push(other),
        }
    }
    Ok(clean)
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
        if out.starts_with(site.join(source)) {
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

/// Write `outputs` to `dir`, changing its previous contents only once every
/// file is ready.
pub fn write(outputs: Vec<Output>, dir: &Path) -> Result<()> {
    let mut writer = Writer::new(dir)?;
    writer.write(outputs)?;
    writer.commit()
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
    pub written: usize,
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

fn digest(bytes: &[u8]) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    h.write(bytes);
    h.finish()
}

/// Refuse paths that would leave the output folder.
fn check_path(path: &str) -> Result<()> {
    let rel = Path::new(path);
    if rel.is_absolute() || rel.components().any(|c| matches!(c, Component::ParentDir)) {
        bail!("refusing to write {path}: the path leaves the output folder");
    }
    Ok(())
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
        let manifest = fs::read_to_string(dir.join(MARKER)).ok();
        let previous: HashMap<String, (u64, u64)> = manifest
            .as_deref()
            .map(|text| {
                text.lines()
                    .filter_map(|line| {
                        let mut parts = line.splitn(3, '\t');
                        let len = parts.next()?.parse().ok()?;
                        let hash = u64::from_str_radix(parts.next()?, 16).ok()?;
                        Some((parts.next()?.to_string(), (len, hash)))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let mode = if previous.is_empty() {
            Mode::Fresh(staging_dir(&parent)?)
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
            written: 0,
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
            && fs::metadata(self.dir.join(path)).is_ok_and(|m| m.is_file() && m.len() == len)
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
            std::mem::replace(&mut self.mode, Mode::Staged(staging_dir(&self.parent)?))
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
        let n = linked.iter().filter(|l| **l).count();
        self.unchanged += n;
        self.written += linked.len() - n;
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
    pub fn commit(mut self) -> Result<()> {
        let marker = self.marker();
        match std::mem::replace(
            &mut self.mode,
            Mode::Update {
                pending: Vec::new(),
                bytes: 0,
                kept: Vec::new(),
            },
        ) {
            Mode::Update { pending, .. } => self.commit_in_place(pending, marker),
            Mode::Fresh(root) | Mode::Staged(root) => {
                fs::write(root.path().join(MARKER), marker)
                    .context("could not write the output marker")?;
                self.swap(root.keep())
            }
        }
    }

    fn commit_in_place(&mut self, pending: Vec<Output>, marker: String) -> Result<()> {
        let dir = &self.dir;
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
        self.written += pending.len();
        let now: std::collections::HashSet<&str> =
            self.manifest.iter().map(|(p, _, _)| p.as_str()).collect();
        let mut gone: Vec<&String> = self
            .previous
            .keys()
            .filter(|p| !now.contains(p.as_str()))
            .collect();
        gone.sort();
        for path in &gone {
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
        let tmp = dir.join(format!("{MARKER}.tmp"));
        fs::write(&tmp, marker)
            .and_then(|()| fs::rename(&tmp, dir.join(MARKER)))
            .context("could not write the output marker")
    }

    /// Swap the new folder in: move the old output aside, move the new one
    /// in, then delete the old one. If the second rename fails, put the old
    /// one back.
    fn swap(&self, staged: PathBuf) -> Result<()> {
        let dir = &self.dir;
        if dir.exists() {
            let old = tempfile::Builder::new()
                .prefix(".briefing-old-")
                .tempdir_in(&self.parent)
                .context("could not reserve a name for the previous output")?
                .keep();
            fs::remove_dir(&old).ok();
            fs::rename(dir, &old).with_context(|| {
                format!("could not move the previous output {} aside", dir.display())
            })?;
            if let Err(e) = fs::rename(&staged, dir) {
                fs::rename(&old, dir).ok();
                fs::remove_dir_all(&staged).ok();
                return Err(e).with_context(|| {
                    format!("could not move the new site into {}", dir.display())
                });
            }
            remove_tree(&old).with_context(|| {
                format!("could not delete the previous output at {}", old.display())
            })?;
        } else if let Err(e) = fs::rename(&staged, dir) {
            fs::remove_dir_all(&staged).ok();
            return Err(e)
                .with_context(|| format!("could not move the new site into {}", dir.display()));
        }
        Ok(())
    }
}

/// A new, hidden folder beside the output, removed if the build fails.
fn staging_dir(parent: &Path) -> Result<tempfile::TempDir> {
    tempfile::Builder::new()
        .prefix(".briefing-new-")
        .tempdir_in(parent)
        .with_context(|| {
            format!(
                "could not create a temporary folder in {}",
                parent.display()
            )
        })
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
}
