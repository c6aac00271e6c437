//! Output: writes the rendered site into a fresh folder beside the target and
//! swaps it in whole, so a failed build leaves the previous output exactly as
//! it was and a reader never sees half a site.

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

/// Write `outputs` to `dir`, replacing its previous contents only once every
/// file has been written successfully.
pub fn write(outputs: &[Output], dir: &Path) -> Result<()> {
    let mut staging = Staging::new(dir)?;
    staging.write(outputs)?;
    staging.commit()
}

/// A new output folder being filled beside the old one. Dropping it without
/// `commit` removes it and leaves the old output as it was.
pub struct Staging {
    dir: PathBuf,
    parent: PathBuf,
    staging: Option<tempfile::TempDir>,
    /// What the previous build wrote: path to (length, hash).
    previous: HashMap<String, (u64, u64)>,
    /// What this build wrote so far, for the next build's manifest.
    manifest: Vec<(String, u64, u64)>,
    pub linked: usize,
    pub written: usize,
}

fn digest(bytes: &[u8]) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    h.write(bytes);
    h.finish()
}

impl Staging {
    pub fn new(dir: &Path) -> Result<Staging> {
        let dir = absolute(dir)?;
        let parent = dir
            .parent()
            .context("the output folder has no parent folder")?
            .to_path_buf();
        fs::create_dir_all(&parent)
            .with_context(|| format!("could not create {}", parent.display()))?;
        let staging = tempfile::Builder::new()
            .prefix(".briefing-new-")
            .tempdir_in(&parent)
            .with_context(|| {
                format!(
                    "could not create a temporary folder in {}",
                    parent.display()
                )
            })?;
        let previous = fs::read_to_string(dir.join(MARKER))
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
        Ok(Staging {
            dir,
            parent,
            staging: Some(staging),
            previous,
            manifest: Vec::new(),
            linked: 0,
            written: 0,
        })
    }

    fn root(&self) -> &Path {
        self.staging.as_ref().expect("not yet committed").path()
    }

    /// Add files. A file whose bytes equal what the previous build wrote at
    /// the same path is hard-linked from it rather than written again, so an
    /// unchanged site costs no new files.
    pub fn write(&mut self, outputs: &[Output]) -> Result<()> {
        let root = self.root().to_path_buf();
        let mut dirs = BTreeSet::new();
        for o in outputs {
            let rel = Path::new(&o.path);
            if rel.is_absolute() || rel.components().any(|c| matches!(c, Component::ParentDir)) {
                bail!(
                    "refusing to write {}: the path leaves the output folder",
                    o.path
                );
            }
            if let Some(p) = rel.parent() {
                dirs.insert(p.to_path_buf());
            }
        }
        // Sorted, so each folder's parent exists before it.
        for d in &dirs {
            let p = root.join(d);
            if let Err(e) = fs::create_dir(&p) {
                if e.kind() != std::io::ErrorKind::AlreadyExists {
                    fs::create_dir_all(&p)
                        .with_context(|| format!("could not create {}", p.display()))?;
                }
            }
        }
        let results: Vec<(String, u64, u64, bool)> = outputs
            .par_iter()
            .map(|o| -> Result<(String, u64, u64, bool)> {
                let len = o.bytes.len() as u64;
                let hash = digest(&o.bytes);
                let target = root.join(&o.path);
                let unchanged = self.previous.get(&o.path) == Some(&(len, hash));
                if unchanged && fs::hard_link(self.dir.join(&o.path), &target).is_ok() {
                    return Ok((o.path.clone(), len, hash, true));
                }
                fs::write(&target, &o.bytes)
                    .with_context(|| format!("could not write {}", target.display()))?;
                Ok((o.path.clone(), len, hash, false))
            })
            .collect::<Result<_>>()?;
        for (path, len, hash, linked) in results {
            if linked {
                self.linked += 1;
            } else {
                self.written += 1;
            }
            self.manifest.push((path, len, hash));
        }
        Ok(())
    }

    /// Swap the new folder in: move the old output aside, move the new one
    /// in, then delete the old one. If the second rename fails, put the old
    /// one back.
    pub fn commit(mut self) -> Result<()> {
        let mut marker =
            String::from("# Written by `briefing build`; the folder is replaced on every build.\n");
        self.manifest.sort();
        for (path, len, hash) in &self.manifest {
            marker.push_str(&format!("{len}\t{hash:x}\t{path}\n"));
        }
        fs::write(self.root().join(MARKER), marker).context("could not write the output marker")?;
        let staged = self.staging.take().expect("not yet committed").keep();
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

    #[test]
    fn unchanged_files_are_linked_not_rewritten() {
        let site = tempfile::tempdir().unwrap();
        let out = site.path().join("public");
        let page = |p: &str, b: &str| Output {
            path: p.into(),
            bytes: b.into(),
        };
        write(&[page("a/index.html", "same"), page("b.html", "one")], &out).unwrap();
        let mut staging = Staging::new(&out).unwrap();
        staging
            .write(&[page("a/index.html", "same"), page("b.html", "two")])
            .unwrap();
        assert_eq!((staging.linked, staging.written), (1, 1));
        staging.commit().unwrap();
        assert_eq!(
            fs::read_to_string(out.join("a/index.html")).unwrap(),
            "same"
        );
        assert_eq!(fs::read_to_string(out.join("b.html")).unwrap(), "two");
    }

    #[test]
    fn write_swaps_in_the_new_site() {
        let site = tempfile::tempdir().unwrap();
        let out = site.path().join("public");
        let page = |p: &str, b: &str| Output {
            path: p.into(),
            bytes: b.into(),
        };
        write(
            &[page("index.html", "one"), page("old/index.html", "x")],
            &out,
        )
        .unwrap();
        write(&[page("index.html", "two")], &out).unwrap();
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "two");
        assert!(!out.join("old").exists());
        // Nothing is left behind beside the output.
        let leftovers: Vec<_> = fs::read_dir(site.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from("public")]);
    }
}
